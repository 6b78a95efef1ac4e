// The BSI's CSAF validator (@secvisogram/csaf-validator-lib) as the CSAF tests run it: the strict CSAF 2.0
// JSON schema, every mandatory test (6.1) and every recommended ("optional") test (6.2). Informative tests
// (6.3: spelling with hunspell, HTTP look-ups) are left out: they need the network and report only infos.
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js';
import * as recommended from '@secvisogram/csaf-validator-lib/optionalTests.js';
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js';
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js';

const tests = [csaf_2_0_strict, ...Object.values(mandatory), ...Object.values(recommended)];

export interface CsafFindings {
  /** `<test name> <instancePath>: <message>` for every schema or mandatory-test error. */
  errors: string[];
  /** The same for every recommended-test warning. */
  warnings: string[];
  /** How many tests ran (so a test can check the suite is not empty). */
  ran: number;
}

export async function validateCsaf(doc: unknown): Promise<CsafFindings> {
  const result = await validateStrict(tests, doc);
  const line = (name: string, m: { instancePath: string; message: string }) =>
    `${name} ${m.instancePath}: ${m.message}`;
  return {
    errors: result.tests.flatMap((t) => t.errors.map((m) => line(t.name, m))),
    warnings: result.tests.flatMap((t) => t.warnings.map((m) => line(t.name, m))),
    ran: result.tests.length,
  };
}
