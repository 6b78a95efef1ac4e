// Set-up for fan-out tests: councils in WARPs with confirmed mailboxes, and advisories made through the API.
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import type { RequestBody } from '../support/api-client.js';
import { createAdvisory as createThrough, type TestApp } from '../support/app.js';
import { insertCouncils, insertStaff, insertWarp } from '../support/fixtures.js';

export { advisoryBody } from '../support/fixtures.js';

export interface Council {
  code: string;
  warp: string;
}

/** `perWarp` councils in each of the given WARPs, each with a confirmed primary and secondary mailbox. */
export async function seedFanOut(t: TestApp, warps = ['wales', 'london'], perWarp = 3) {
  const councils: Council[] = [];
  await insertStaff(t.db, ['tester@ncsc.example']);
  for (const warp of warps) {
    await insertWarp(t.db, { id: warp, name: `${warp} WARP`, region: warp });
    const { authorities } = await insertCouncils(t.db, {
      count: perWarp,
      code: (i) => `${warp.slice(0, 2).toUpperCase()}${i}`,
      authority: (i) => ({ name: `${warp} council ${i}`, region: warp, warpId: warp }),
      mailboxes: (_, code) =>
        (['primary', 'secondary'] as const).map((kind) => ({
          id: `${code}-${kind}`,
          address: `${kind}@${code.toLowerCase()}.gov.uk`,
          kind,
          team: 'Security',
        })),
    });
    councils.push(...authorities.map(({ code }) => ({ code, warp })));
  }
  return councils;
}

/** POST /api/v1/advisories on the test app, expecting 201. */
export const createAdvisory = (
  t: TestApp,
  token: string,
  overrides: Partial<RequestBody<'createAdvisory'>> = {},
) => createThrough(t.call, token, overrides);

export async function drain(t: TestApp, overrides = {}) {
  return drainDeliveries(t.deps, dispatchOptions(t.deps, { concurrency: 4, ...overrides }));
}

/** The advisory e-mails sent (not the notices about them, such as an approval waiting). */
export function advisoryCopies(t: TestApp) {
  return t.mailer.sent.filter((m) => m.headers?.['X-Advisory-Reference']);
}
