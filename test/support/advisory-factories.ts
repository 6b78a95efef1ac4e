// Test data for advisories and their deliveries: rows inserted directly, sensible defaults, any field overridable.
import type { Db } from '../../src/db/client.js';
import { advisories, deliveries, warpOperators } from '../../src/db/schema.js';
import { FACTORY_TIME } from './factories.js';

export type AdvisoryInsert = typeof advisories.$inferInsert;
export type DeliveryInsert = typeof deliveries.$inferInsert;

let sequence = 0;
const next = () => {
  sequence += 1;
  return sequence;
};

/** A lower-case id that fits the acknowledgement token's id part (`[0-9a-z]{8,40}`). */
function rowId(prefix: string): string {
  return `${prefix}${String(next()).padStart(6, '0')}${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/** Inserts an advisory (a sent NCSC TLP:AMBER advisory released at FACTORY_TIME unless told otherwise). */
export async function insertAdvisory(db: Db, overrides: Partial<AdvisoryInsert> = {}) {
  const id = overrides.id ?? rowId('adv');
  const n = next();
  const row: AdvisoryInsert = {
    id,
    reference: `NCSC-2026-${String(n).padStart(4, '0')}`,
    kind: 'advisory',
    parentId: null,
    threadId: id,
    title: `Test advisory ${n}`,
    summary: 'Patch Example VPN now: the flaw is being exploited.',
    body: '## What to do\n\nApply the vendor’s fix today.',
    severity: 'high',
    tlp: 'AMBER',
    cves: [],
    references: [],
    audience: { all: true },
    test: false,
    testAudience: null,
    state: 'sent',
    warpId: null,
    createdBy: 'token:author',
    createdAt: FACTORY_TIME,
    updatedAt: FACTORY_TIME,
    releasedBy: 'token:author',
    releasedAt: FACTORY_TIME,
    sentAt: FACTORY_TIME,
    ...overrides,
  };
  const [inserted] = await db.insert(advisories).values(row).returning();
  return inserted!;
}

/** Inserts a delivery of an advisory (delivered at its creation time unless told otherwise). */
export async function insertDelivery(db: Db, overrides: Partial<DeliveryInsert> & { advisoryId: string }) {
  const id = overrides.id ?? rowId('dlv');
  const code = overrides.authorityCode === undefined ? null : overrides.authorityCode;
  const created = overrides.createdAt ?? FACTORY_TIME.getTime();
  const status = overrides.status ?? 'delivered';
  const row: DeliveryInsert = {
    id,
    mailboxId: `mbx-${id}`,
    authorityCode: code,
    address: code ? `cyber@${code.toLowerCase()}.gov.uk` : `test-${id}@example.gov.uk`,
    mailboxKind: code ? 'primary' : 'test',
    status,
    attempts: status === 'created' ? 0 : 1,
    nextAttemptAt: status === 'created' || status === 'temporary-failure' ? created : null,
    deadlineAt: created + 24 * 3600_000,
    lastReply: status === 'delivered' ? '250 2.0.0 Ok: queued' : null,
    lastCode: status === 'delivered' ? 250 : null,
    createdAt: created,
    firstAttemptAt: status === 'created' ? null : created,
    deliveredAt: status === 'delivered' ? created : null,
    ...overrides,
  };
  const [inserted] = await db.insert(deliveries).values(row).returning();
  return inserted!;
}

/** Gives a WARP its operators' addresses. */
export async function insertWarpOperators(db: Db, warpId: string, addresses: string[]) {
  if (addresses.length === 0) return;
  await db
    .insert(warpOperators)
    .values(addresses.map((address) => ({ warpId, address, name: null, createdAt: FACTORY_TIME })));
}
