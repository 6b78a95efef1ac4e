// Register data for the authoring tests: two WARPs (Wales, South East), councils with and without
// confirmed mailboxes, and the contract's example advisory.
import { mailboxes } from '../../src/db/schema.js';
import type { TestApp } from '../support/app.js';

/** Anything with the database: a test app, or a database opened by hand for a CLI test. */
type WithDb = Pick<TestApp, 'db'>;

import { FACTORY_TIME, insertAuthority, insertWarp } from '../support/factories.js';

type MailboxInsert = typeof mailboxes.$inferInsert;

/** Inserts a mailbox row (a confirmed primary unless told otherwise). */
export async function insertMailbox(
  t: WithDb,
  authorityCode: string,
  overrides: Partial<MailboxInsert> = {},
) {
  const kind = overrides.kind ?? 'primary';
  const state = overrides.state ?? 'confirmed';
  const id = overrides.id ?? `${authorityCode}-${kind}-${state}`;
  await t.db.insert(mailboxes).values({
    id,
    authorityCode,
    address: `${kind}-${state}@${authorityCode.toLowerCase()}.gov.uk`,
    kind,
    team: 'Cyber Security Team',
    phone: '029 2087 2000',
    state,
    needsApproval: false,
    looksPersonal: false,
    createdBy: 'test',
    createdAt: FACTORY_TIME,
    updatedAt: FACTORY_TIME,
    confirmedAt: state === 'confirmed' ? FACTORY_TIME : null,
    ...overrides,
  });
}

/**
 * Wales WARP: CRF (confirmed primary + confirmed secondary), NWP (confirmed secondary only, pending
 * primary), SWA (nothing). South East WARP: BRI (confirmed primary), NSH (pending primary only).
 * GWY is a Welsh council in no WARP; OLD is a former council.
 */
export async function seedAudience(t: WithDb) {
  await insertWarp(t.db, { id: 'wales', name: 'Wales WARP', region: 'Wales' });
  await insertWarp(t.db, { id: 'south-east', name: 'South East WARP', region: 'South East' });
  const welsh = {
    nation: 'Wales',
    region: 'Wales',
    type: 'UA',
    typeName: 'Unitary authority',
    warpId: 'wales',
  };
  await insertAuthority(t.db, { code: 'CRF', name: 'Cardiff Council', ...welsh });
  await insertAuthority(t.db, { code: 'NWP', name: 'Newport City Council', ...welsh });
  await insertAuthority(t.db, { code: 'SWA', name: 'Swansea Council', ...welsh });
  await insertAuthority(t.db, { code: 'GWY', name: 'Gwynedd Council', ...welsh, warpId: null });
  await insertAuthority(t.db, {
    code: 'BRI',
    name: 'Brighton and Hove City Council',
    type: 'UA',
    typeName: 'Unitary authority',
    warpId: 'south-east',
  });
  await insertAuthority(t.db, {
    code: 'NSH',
    name: 'Newark and Sherwood District Council',
    warpId: 'south-east',
  });
  await insertAuthority(t.db, {
    code: 'OLD',
    name: 'Old District Council',
    current: false,
    warpId: 'south-east',
  });
  await insertMailbox(t, 'CRF', { kind: 'primary' });
  await insertMailbox(t, 'CRF', { kind: 'secondary' });
  await insertMailbox(t, 'NWP', { kind: 'secondary' });
  await insertMailbox(t, 'NWP', { kind: 'primary', state: 'pending' });
  await insertMailbox(t, 'BRI', { kind: 'primary' });
  await insertMailbox(t, 'NSH', { kind: 'primary', state: 'pending' });
  await insertMailbox(t, 'OLD', { kind: 'primary' });
}

/** The example in the contract other tools rely on. */
export const contractExample = () => ({
  title: 'Critical vulnerability in Example VPN appliances',
  summary: 'Patch Example VPN now: the flaw is being exploited.',
  body: '## What to do\n\nApply the vendor’s fix today.',
  severity: 'critical',
  tlp: 'AMBER',
  cves: ['CVE-2026-12345'],
  references: ['https://www.ncsc.gov.uk/news/example'],
  audience: { all: true },
  test: false,
});

export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
}
