// D1 binds at most 100 parameters in one statement. Work that handles more than 100 of anything at once
// must still run on Workers: a re-confirmation sweep with 160 due mailboxes (links, then staleness and the
// WARP's notice), a WARP with 50 operators, and an advisory whose audience names 150 councils.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  buildWorker,
  eventually,
  insertAdminToken,
  type OutboundFakes,
  outboundFakes,
  startWorker,
  tempDir,
  type WorkerBuild,
  type WorkerUnderTest,
} from './support.js';

const DUE = 160;
const WARP = 'testshire';
const DAY = 86_400_000;
const code = (i: number) => `D${String(i).padStart(3, '0')}`;
const address = (i: number) => `cyber@${code(i).toLowerCase()}.gov.uk`;

let build: WorkerBuild;
let persist: ReturnType<typeof tempDir>;
let bundleDir: ReturnType<typeof tempDir>;
let fakes: OutboundFakes;
let worker: WorkerUnderTest;
let admin: string;

/** 160 councils in one WARP, each with a confirmed primary whose re-confirmation fell due 10 days ago. */
async function seedDueMailboxes(w: WorkerUnderTest) {
  const now = Date.now();
  await w.sql(
    'insert into warps (id, name, region, created_at, updated_at) values (?, ?, null, ?, ?)',
    WARP,
    'Testshire WARP',
    now,
    now,
  );
  for (let i = 1; i <= DUE; i++) {
    await w.sql(
      `insert into authorities (code, name, short_name, nation, region, type, type_name, replaced_by, current, warp_id, created_at, updated_at)
       values (?, ?, ?, 'England', 'South East', 'NMD', 'Non-metropolitan district', '[]', 1, ?, ?, ?)`,
      code(i),
      `Testshire ${i} District Council`,
      `Testshire ${i}`,
      WARP,
      now,
      now,
    );
    await w.sql(
      `insert into mailboxes (id, authority_code, address, kind, team, phone, state, needs_approval, looks_personal,
         created_by, created_at, updated_at, approved_at, confirmed_at, reconfirm_due_at, reminders_sent, soft_bounces)
       values (?, ?, ?, 'primary', 'Cyber team', '01234 567890', 'confirmed', 0, 0, 'test', ?, ?, ?, ?, ?, 0, 0)`,
      `mbx${code(i).toLowerCase()}due`,
      code(i),
      address(i),
      now - 200 * DAY,
      now - 200 * DAY,
      now - 200 * DAY,
      now - 190 * DAY,
      now - 10 * DAY,
    );
  }
}

beforeAll(async () => {
  persist = tempDir('cc-d1-limits-');
  bundleDir = tempDir('cc-bundle-limits-');
  [build] = await Promise.all([buildWorker(bundleDir.path), applyMigrations(persist.path)]);
  fakes = outboundFakes();
  // Bulk mail is spread out at BULK_MAIL_PER_MINUTE; here as fast as the queue consumer goes.
  worker = await startWorker({
    build,
    persistDir: persist.path,
    fakes,
    bindings: { BULK_MAIL_PER_MINUTE: '6000000' },
  });
  admin = await insertAdminToken((q, ...params) => worker.sql(q, ...params));
  await seedDueMailboxes(worker);
}, 240_000);

afterAll(async () => {
  await worker?.dispose();
  persist?.remove();
  bundleDir?.remove();
});

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('more than 100 of anything at once, on D1', { timeout: 180_000 }, () => {
  it('saves and reads back a WARP with 50 operators', async () => {
    const operators = Array.from({ length: 50 }, (_, i) => ({
      address: `operator${i}@testshire-warp.gov.uk`,
      name: `Operator ${i}`,
    }));
    const put = await worker.fetch(`/api/v1/warps/${WARP}/operators`, {
      ...json('PUT', { operators }),
      token: admin,
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const got = await worker.fetch(`/api/v1/warps/${WARP}/operators`, { token: admin });
    const body = (await got.json()) as { operators: Array<{ address: string }> };
    expect(body.operators.map((o) => o.address).sort()).toEqual(operators.map((o) => o.address).sort());
  });

  it('sends a re-confirmation link to each of 160 due mailboxes in one sweep', async () => {
    expect(await worker.scheduled('17 */6 * * *')).toBe('ok');
    const asked = await worker.sql<{ n: number }>(
      "select count(*) as n from mailboxes where last_reminder_at is not null and state = 'confirmed'",
    );
    expect(Number(asked[0]?.n)).toBe(DUE);
    const audit = await worker.sql<{ n: number }>(
      "select count(*) as n from audit_log where action = 'mailbox.reconfirmation-sent'",
    );
    expect(Number(audit[0]?.n)).toBe(DUE);
    // Queued in the bulk lane, then sent by a queue consumer the sweep woke.
    const queued = await worker.sql<{ n: number }>(
      "select count(*) as n from outbound_mail where lane = 'bulk' and purpose = 're-confirmation'",
    );
    expect(Number(queued[0]?.n)).toBe(DUE);
    await eventually('every re-confirmation link sent', async () =>
      [1, 100, DUE].every((i) => fakes.accepted(address(i)).length === 1),
    );
  });

  it('marks all 160 stale once the grace period has passed, and tells the WARP once', async () => {
    // The links went out 40 days ago (grace: 30 days) and nobody followed them.
    const past = Date.now() - 40 * DAY;
    await worker.sql('update mailboxes set reconfirm_due_at = ?, last_reminder_at = ?', past, past);
    const before = fakes.ses.length;
    expect(await worker.scheduled('17 */6 * * *')).toBe('ok');
    const stale = await worker.sql<{ n: number }>(
      'select count(*) as n from mailboxes where stale_at is not null',
    );
    expect(Number(stale[0]?.n)).toBe(DUE);
    const notices = await eventually('the notices to the WARP', async () => {
      const sent = fakes.ses.slice(before).filter((c) => c.to[0]?.endsWith('@testshire-warp.gov.uk'));
      return sent.length >= 50 ? sent : undefined;
    });
    // One notice to each of the WARP's 50 operators, listing every stale mailbox.
    expect(notices).toHaveLength(50);
    expect(notices[0]?.raw).toContain(address(DUE));
  });

  it('creates, previews and releases an advisory whose audience names 150 councils', async () => {
    const authorities = Array.from({ length: 150 }, (_, k) => code(k + 1));
    // Confirm them again so they can receive it (staleness drops a council out of nothing here; the
    // advisory goes to confirmed primaries).
    await worker.sql('update mailboxes set stale_at = null');
    const created = await worker.fetch('/api/v1/advisories', {
      ...json('POST', {
        title: 'Patch the VPN appliance',
        summary: 'A critical flaw is being exploited.',
        body: 'Apply the vendor fix today.',
        severity: 'high',
        tlp: 'AMBER',
        audience: { authorities },
      }),
      token: admin,
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const preview = await worker.fetch(`/api/v1/advisories/${id}/preview`, { token: admin });
    expect(preview.status, await preview.clone().text()).toBe(200);
    expect(((await preview.json()) as { councils: number }).councils).toBe(150);
    const released = await worker.fetch(`/api/v1/advisories/${id}/release`, { method: 'POST', token: admin });
    expect(released.status, await released.clone().text()).toBe(200);
    const deliveries = await worker.sql<{ n: number }>(
      'select count(*) as n from deliveries where advisory_id = ?',
      id,
    );
    expect(Number(deliveries[0]?.n)).toBe(150);
  });
});
