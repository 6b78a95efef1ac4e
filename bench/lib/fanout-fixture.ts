// The fan-out bench's data: a synthetic register (councils in WARPs, two confirmed mailboxes each), one
// advisory of realistic size (the e-mail is about 6 KB on the wire), the principals that release it, and
// the service configuration both measured senders share.
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { authorities, mailboxes, warps } from '../../src/db/schema.js';
import type { Principal } from '../../src/domain/principal.js';

export const WARP_COUNT = 12;
export const MAILBOXES_PER_COUNCIL = 2;
const SEEDED_AT = new Date('2026-01-01T00:00:00Z');

/** The environment the engine runs with (parsed by the real config schema). */
export function benchEnv(databaseUrl: string, smtpUrl: string, connections: number): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    SMTP_URL: smtpUrl,
    SMTP_POOL_CONNECTIONS: String(connections),
    PUBLIC_BASE_URL: 'https://cyber-contacts.bench.example',
    MAIL_FROM: 'NCSC advisories <advisories@cyber-contacts.bench.example>',
    LOG_LEVEL: 'warn',
    REGISTER_SYNC_ON_EMPTY: 'false',
  };
}

const councilCode = (i: number) => `B${String(i).padStart(5, '0')}`;

/** Inserts WARPs, ceil(n / 2) current councils and n confirmed mailboxes, in large batches. */
export async function seedRegister(db: Db, mailboxCount: number): Promise<{ councils: number }> {
  const councils = Math.ceil(mailboxCount / MAILBOXES_PER_COUNCIL);
  await db.insert(warps).values(
    Array.from({ length: WARP_COUNT }, (_, w) => ({
      id: `warp-${w}`,
      name: `Bench WARP ${w}`,
      region: null,
      createdAt: SEEDED_AT,
      updatedAt: SEEDED_AT,
    })),
  );
  const CHUNK = 500;
  for (let start = 0; start < councils; start += CHUNK) {
    const rows = [];
    const boxes = [];
    for (let i = start; i < Math.min(councils, start + CHUNK); i++) {
      const code = councilCode(i);
      rows.push({
        code,
        name: `Bench Borough Council ${String(i).padStart(5, '0')}`,
        shortName: `Bench Borough ${i}`,
        gss: null,
        nation: 'England',
        region: 'South East',
        type: 'NMD',
        typeName: 'Non-metropolitan district',
        county: null,
        startDate: null,
        endDate: null,
        replacedBy: [],
        current: true,
        altNames: null,
        warpId: `warp-${i % WARP_COUNT}`,
        createdAt: SEEDED_AT,
        updatedAt: SEEDED_AT,
      });
      const kinds = ['primary', 'secondary'] as const;
      for (let k = 0; k < MAILBOXES_PER_COUNCIL && i * MAILBOXES_PER_COUNCIL + k < mailboxCount; k++) {
        boxes.push({
          id: `mbx-${code}-${k}`,
          authorityCode: code,
          address: `${kinds[k]}-security@${code.toLowerCase()}.gov.uk`,
          kind: kinds[k]!,
          team: 'Information security',
          phone: '01632 960000',
          state: 'confirmed' as const,
          needsApproval: false,
          looksPersonal: false,
          createdBy: 'bench',
          createdAt: SEEDED_AT,
          updatedAt: SEEDED_AT,
          confirmedAt: SEEDED_AT,
        });
      }
    }
    await db.batch([db.insert(authorities).values(rows), db.insert(mailboxes).values(boxes)]);
  }
  const [row] = await db.all<{ n: number }>(
    sql`select count(*) as n from mailboxes where state = 'confirmed'`,
  );
  if (Number(row?.n) !== mailboxCount) throw new Error(`seeded ${row?.n} mailboxes, wanted ${mailboxCount}`);
  return { councils };
}

const paragraph =
  'Threat actors are exploiting a critical authentication bypass in Example VPN appliances to gain ' +
  'administrative access, deploy web shells and harvest credentials. Exploitation has been observed ' +
  'against UK public-sector networks since 26 November. ';

/** An NCSC advisory to every council (so it needs a second admin: it reaches more than one WARP). */
export const advisoryInput = {
  title: 'Critical authentication bypass in Example VPN appliances exploited in the wild',
  summary: 'Patch Example VPN appliances today and check them for signs of compromise.',
  body: [
    '## What is happening',
    '',
    paragraph,
    '',
    '## What to do',
    '',
    '1. Apply the **vendor fix** (version 9.4.2 or later) to every appliance today.',
    '2. Reset the credentials of every account that signed in through the appliance since 20 November.',
    '3. Look for the indicators below and report any hit to the NCSC.',
    '',
    '## Indicators of compromise',
    '',
    ...Array.from({ length: 2 }, (_, i) => `- \`/var/tmp/.cache-${1000 + i}\` (a web shell)`),
  ].join('\n'),
  severity: 'critical' as const,
  tlp: 'AMBER' as const,
  cves: ['CVE-2026-12345', 'CVE-2026-12346'],
  references: ['https://www.ncsc.gov.uk/news/example-vpn', 'https://vendor.example/security/2026-11'],
  audience: { all: true },
  test: false,
};

const admin = (actor: string, label: string): Principal => ({
  actor,
  label,
  role: 'admin',
  warpId: null,
  authorityCode: null,
  via: 'token',
});

/** Writes and releases the advisory; a second admin approves it (that creates the deliveries). */
export const author = admin('token:bench-author', 'bench author');
export const approver = admin('token:bench-approver', 'bench approver');
