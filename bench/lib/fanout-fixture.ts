// The fan-out bench's data: a synthetic register (councils in WARPs, two confirmed mailboxes each, made with
// the test fixtures), one advisory of realistic size (the e-mail is about 6 KB on the wire), the principals
// that release it, and the service configuration both measured senders share.
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import type { Principal } from '../../src/domain/principal.js';
import { insertCouncils, insertRows, warpRow } from '../../test/support/fixtures.js';

export const WARP_COUNT = 12;
export const MAILBOXES_PER_COUNCIL = 2;

/** A DKIM signing identity both measured senders use when DKIM is on (an RSA-2048 key, PEM). */
export interface BenchDkim {
  domain: string;
  selector: string;
  privateKeyPem: string;
}

/** The environment the engine runs with (parsed by the real config schema). */
export function benchEnv(
  databaseUrl: string,
  smtpUrl: string,
  connections: number,
  dkim?: BenchDkim,
): Record<string, string> {
  return {
    ...(dkim
      ? { DKIM_DOMAIN: dkim.domain, DKIM_SELECTOR: dkim.selector, DKIM_PRIVATE_KEY: dkim.privateKeyPem }
      : {}),
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

/** Inserts WARPs, ceil(n / 2) current councils and n confirmed mailboxes (the test fixtures' rows), in bulk. */
export async function seedRegister(db: Db, mailboxCount: number): Promise<{ councils: number }> {
  const councils = Math.ceil(mailboxCount / MAILBOXES_PER_COUNCIL);
  await insertRows(db, {
    warps: Array.from({ length: WARP_COUNT }, (_, w) =>
      warpRow({ id: `warp-${w}`, name: `Bench WARP ${w}` }),
    ),
  });
  const kinds = ['primary', 'secondary'] as const;
  await insertCouncils(db, {
    count: councils,
    code: councilCode,
    authority: (i) => ({
      name: `Bench Borough Council ${String(i).padStart(5, '0')}`,
      shortName: `Bench Borough ${i}`,
      warpId: `warp-${i % WARP_COUNT}`,
    }),
    mailboxes: (i, code) =>
      kinds
        .slice(0, Math.min(MAILBOXES_PER_COUNCIL, mailboxCount - i * MAILBOXES_PER_COUNCIL))
        .map((kind, k) => ({
          id: `mbx-${code}-${k}`,
          address: `${kind}-security@${code.toLowerCase()}.gov.uk`,
          kind,
          team: 'Information security',
          phone: '01632 960000',
          createdBy: 'bench',
        })),
  });
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
