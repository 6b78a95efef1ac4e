// Types for the parts of @secvisogram/csaf-validator-lib the CSAF tests use (the package ships JavaScript
// with JSDoc only). See its README: a DocumentTest takes a document and returns errors, warnings and infos.
declare module '@secvisogram/csaf-validator-lib/validateStrict.js' {
  type Message = { message: string; instancePath: string };
  export type DocumentTest = (doc: unknown) => unknown;
  export interface TestResult {
    name: string;
    isValid: boolean;
    errors: Message[];
    warnings: Message[];
    infos: Message[];
  }
  export default function validateStrict(
    tests: DocumentTest[],
    doc: unknown,
  ): Promise<{ isValid: boolean; tests: TestResult[] }>;
}
declare module '@secvisogram/csaf-validator-lib/schemaTests.js' {
  import type { DocumentTest } from '@secvisogram/csaf-validator-lib/validateStrict.js';
  export const csaf_2_0_strict: DocumentTest;
  export const csaf_2_0: DocumentTest;
}
declare module '@secvisogram/csaf-validator-lib/mandatoryTests.js' {
  import type { DocumentTest } from '@secvisogram/csaf-validator-lib/validateStrict.js';

  const tests: Record<string, DocumentTest>;
  export = tests;
}
declare module '@secvisogram/csaf-validator-lib/optionalTests.js' {
  import type { DocumentTest } from '@secvisogram/csaf-validator-lib/validateStrict.js';

  const tests: Record<string, DocumentTest>;
  export = tests;
}
