// Register data for the authoring tests: two WARPs (Wales, South East), councils with and without
// confirmed mailboxes, and the contract's example advisory.
import type { TestApp } from '../support/app.js';
import { insertAuthority, insertMailbox, insertStaff, insertWarp } from '../support/fixtures.js';

/** Anything with the database: a test app, or a database opened by hand for a CLI test. */
type WithDb = Pick<TestApp, 'db'>;

/**
 * Wales WARP: CRF (confirmed primary + confirmed secondary), NWP (confirmed secondary only, pending
 * primary), SWA (nothing). South East WARP: BRI (confirmed primary), NSH (pending primary only).
 * GWY is a Welsh council in no WARP; OLD is a former council.
 */
export async function seedAudience(t: WithDb) {
  await insertWarp(t.db, { id: 'wales', name: 'Wales WARP', region: 'Wales' });
  await insertWarp(t.db, { id: 'south-east', name: 'South East WARP', region: 'South East' });
  // Staff a test audience may hold: NCSC duty officers, and the Wales WARP's own desk.
  await insertStaff(t.db, ['soc@ncsc.example.gov.uk', 'duty@ncsc.example.gov.uk']);
  await insertStaff(t.db, ['warp@wales.example.gov.uk'], { warpId: 'wales' });
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
  const mailbox = (authorityCode: string, kind: 'primary' | 'secondary', state: 'confirmed' | 'pending') =>
    insertMailbox(t.db, {
      id: `${authorityCode}-${kind}-${state}`,
      authorityCode,
      address: `${kind}-${state}@${authorityCode.toLowerCase()}.gov.uk`,
      kind,
      state,
    });
  await mailbox('CRF', 'primary', 'confirmed');
  await mailbox('CRF', 'secondary', 'confirmed');
  await mailbox('NWP', 'secondary', 'confirmed');
  await mailbox('NWP', 'primary', 'pending');
  await mailbox('BRI', 'primary', 'confirmed');
  await mailbox('NSH', 'primary', 'pending');
  await mailbox('OLD', 'primary', 'confirmed');
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
