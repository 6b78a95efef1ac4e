// Shared set-up for the coverage tests: the real register imported from the shared CSV, the default WARPs,
// and mailboxes in every state for a known subset of councils.
import { readFileSync } from 'node:fs';
import { cliPrincipal } from '../../src/domain/principal.js';
import { importRegister } from '../../src/features/authority-register/import-register.js';
import type { TestApp } from '../support/app.js';
import { insertDomains, insertMailbox, registration } from '../support/fixtures.js';

/** The shared register CSV, resolved from this file's URL (never copied into the project). */
export const registerCsvUrl = new URL(
  '../../../shared/data/uk_local_authorities_current.csv',
  import.meta.url,
);

export async function importSharedRegister(t: Pick<TestApp, 'deps'>) {
  return importRegister(
    t.deps,
    { principal: cliPrincipal },
    { content: readFileSync(registerCsvUrl), source: 'uk_local_authorities_current.csv' },
  );
}

// The browser tests import it from here.
export { insertMailbox };

/** The path of the last confirmation link mailed to an address. */
export function confirmPath(t: TestApp, to: string): string {
  const sent = t.mailer.to(to);
  const match = /https?:\/\/[^/\s]+(\/confirm\/[A-Za-z0-9_-]+)/.exec(sent.at(-1)?.text ?? '');
  if (!match) throw new Error(`no confirmation link sent to ${to}`);
  return match[1]!;
}

const day = (iso: string) => new Date(`${iso}T09:00:00Z`);

/** When the known subset's states began, for the chase list's "since". */
export const since = {
  NWP: day('2026-10-01'),
  SWA: day('2026-10-05'),
  GLG: day('2026-11-02'),
  ABD: day('2026-11-03'),
  BFS: day('2026-09-20'),
  ABC: day('2026-08-15'),
  MAN: day('2026-07-01'),
};

/**
 * Mailboxes in every state for a known subset of the real register: Cardiff registers and confirms through
 * the API and its link; the others are rows as the reachability sweeps leave them.
 */
export async function seedKnownCoverage(t: TestApp) {
  // Wales: CRF confirmed (real flow, plus a pending secondary), NWP stale, SWA unreachable (with a pending
  // replacement), VGL only a confirmed secondary.
  await insertDomains(t.db, 'CRF', ['cardiff.gov.uk']);
  const res = await t.call('POST', '/api/v1/mailboxes', { body: registration() });
  if (res.status >= 300) throw new Error(`registration answered ${res.status}: ${await res.text()}`);
  const confirmed = await t.app.request(confirmPath(t, 'cyber@cardiff.gov.uk'), { method: 'POST' });
  if (confirmed.status >= 400) throw new Error(`confirmation answered ${confirmed.status}`);
  await t.call('POST', '/api/v1/mailboxes', {
    body: registration({ address: 'ooh@cardiff.gov.uk', kind: 'out-of-hours' }),
  });
  await insertMailbox(t.db, { authorityCode: 'NWP', staleAt: since.NWP });
  await insertMailbox(t.db, {
    authorityCode: 'SWA',
    unreachableAt: since.SWA,
    unreachableReason: '550 5.1.1',
  });
  await insertMailbox(t.db, { authorityCode: 'SWA', state: 'pending', createdAt: day('2026-11-20') });
  await insertMailbox(t.db, { authorityCode: 'VGL', kind: 'secondary' });
  // Scotland: EDH confirmed, GLG pending, ABD awaiting approval.
  await insertMailbox(t.db, { authorityCode: 'EDH' });
  await insertMailbox(t.db, { authorityCode: 'GLG', state: 'pending', createdAt: since.GLG });
  await insertMailbox(t.db, { authorityCode: 'ABD', state: 'awaiting-approval', createdAt: since.ABD });
  // Northern Ireland: BFS stale and unreachable (counts as unreachable), ABC's primary retired.
  await insertMailbox(t.db, { authorityCode: 'BFS', staleAt: since.NWP, unreachableAt: since.BFS });
  await insertMailbox(t.db, { authorityCode: 'ABC', state: 'retired', retiredAt: since.ABC });
  // England: CMD and BIR confirmed, MAN stale (with a pending replacement), LDS refused; the former ALL
  // has a confirmed mailbox that must not count.
  await insertMailbox(t.db, { authorityCode: 'CMD' });
  await insertMailbox(t.db, { authorityCode: 'BIR' });
  await insertMailbox(t.db, { authorityCode: 'MAN', staleAt: since.MAN });
  await insertMailbox(t.db, { authorityCode: 'MAN', state: 'pending' });
  await insertMailbox(t.db, { authorityCode: 'LDS', state: 'refused', retiredAt: day('2026-06-01') });
  await insertMailbox(t.db, { authorityCode: 'ALL' });
}

/** The buckets the known subset gives, by nation (every other current authority is "none"). */
export const expectedByNation = {
  England: { authorities: 332, confirmed: 2, stale: 1, unreachable: 0, pending: 0, none: 329 },
  'Northern Ireland': { authorities: 11, confirmed: 0, stale: 0, unreachable: 1, pending: 0, none: 10 },
  Scotland: { authorities: 32, confirmed: 1, stale: 0, unreachable: 0, pending: 1, none: 30 },
  Wales: { authorities: 22, confirmed: 1, stale: 1, unreachable: 1, pending: 0, none: 19 },
};
export const expectedTotal = {
  authorities: 397,
  confirmed: 4,
  stale: 2,
  unreachable: 2,
  pending: 1,
  none: 388,
};

/** Names and addresses of the known subset: none may appear on a public page or in a public answer. */
export const privateNames = [
  'City of Cardiff Council',
  'Newport City Council',
  'City and County of Swansea Council',
  'City of Edinburgh Council',
  'Glasgow City Council',
  'Belfast City Council',
  'London Borough of Camden',
  'Manchester City Council',
  'Birmingham City Council',
  'cardiff.gov.uk',
];
