// Every cron and queue invocation stays within Workers' limits with headroom, at today's size (about 400
// councils) and at ten times that: the Worker meters each invocation (src/entry/worker-budget.ts: D1 queries,
// a batch counting each statement; subrequests: fetch to SES and DNS-over-HTTPS, queue sends) and logs
// what it used; this test reads those lines. The work is bounded by the settings wrangler.toml deploys
// (EDGE_DISPATCH_MAX_DELIVERIES, CHECKS_PER_RUN, RECONFIRM_PER_RUN), and what one invocation leaves goes on
// in the next: 150 re-confirmations due at once, stale mailboxes reported to 50 WARPs' operators, a
// fan-out to every council, and the domain checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  buildWorker,
  eventually,
  insertAdminToken,
  outboundFakes,
  startWorker,
  tempDir,
  type WorkerBuild,
  type WorkerUnderTest,
  wranglerConfig,
} from './support.js';

const DAY = 86_400_000;
/** The limits of Workers Paid, and the share of them an invocation may use here (the rest is headroom). */
const LIMIT = { d1Queries: 1000, subrequests: 1000 };
const HEADROOM = 0.75;
const WARPS = 50;
const DUE_LINKS = 150;
const GOING_STALE = 50;

interface Usage {
  level: string;
  msg: string;
  handler: string;
  d1Queries: number;
  subrequests: number;
  ms: number;
  job?: string;
}

let build: WorkerBuild;
let bundleDir: ReturnType<typeof tempDir>;

beforeAll(async () => {
  bundleDir = tempDir('cc-bundle-budget-');
  build = await buildWorker(bundleDir.path);
}, 120_000);
afterAll(() => bundleDir?.remove());

const code = (i: number) => `B${String(i).padStart(5, '0')}`;
const domain = (i: number) => `${code(i).toLowerCase()}.gov.uk`;
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Literal multi-row inserts (no bound parameters), 200 rows a statement. */
async function insert(w: WorkerUnderTest, table: string, columns: string[], rows: unknown[][]) {
  for (let i = 0; i < rows.length; i += 200) {
    const values = rows
      .slice(i, i + 200)
      .map(
        (r) =>
          `(${r.map((v) => (v === null ? 'null' : typeof v === 'number' ? v : q(String(v)))).join(',')})`,
      );
    await w.sql(`insert into ${table} (${columns.join(',')}) values ${values.join(',')}`);
  }
}

/**
 * `councils` councils in 50 WARPs (two operators each), each with a domain and a confirmed primary: the
 * first 150 due a re-confirmation link now, the next 50 past the grace period (stale at the next sweep),
 * the rest not due for months.
 */
async function seed(w: WorkerUnderTest, councils: number) {
  const now = Date.now();
  const warpId = (i: number) => `warp-${String((i % WARPS) + 1).padStart(2, '0')}`;
  await insert(
    w,
    'warps',
    ['id', 'name', 'created_at', 'updated_at'],
    Array.from({ length: WARPS }, (_, k) => [warpId(k), `WARP ${k + 1}`, now, now]),
  );
  await insert(
    w,
    'warp_operators',
    ['warp_id', 'address', 'name', 'created_at'],
    Array.from({ length: WARPS * 2 }, (_, k) => [
      warpId(k % WARPS),
      `duty${k}@warp.example.org`,
      `Duty ${k}`,
      now,
    ]),
  );
  const list = Array.from({ length: councils }, (_, i) => i);
  await insert(
    w,
    'authorities',
    [
      'code',
      'name',
      'short_name',
      'nation',
      'region',
      'type',
      'type_name',
      'current',
      'warp_id',
      'created_at',
      'updated_at',
    ],
    list.map((i) => [
      code(i),
      `Budget ${i} Council`,
      `Budget ${i}`,
      'England',
      'South East',
      'NMD',
      'Non-metropolitan district',
      1,
      warpId(i),
      now,
      now,
    ]),
  );
  await insert(
    w,
    'authority_domains',
    ['authority_code', 'domain', 'source', 'created_at'],
    list.map((i) => [code(i), domain(i), 'test', now]),
  );
  await insert(
    w,
    'mailboxes',
    [
      'id',
      'authority_code',
      'address',
      'kind',
      'team',
      'phone',
      'state',
      'needs_approval',
      'looks_personal',
      'created_by',
      'created_at',
      'updated_at',
      'confirmed_at',
      'reconfirm_due_at',
      'reminders_sent',
      'last_reminder_at',
    ],
    list.map((i) => {
      const [due, reminders, reminded] =
        i < DUE_LINKS
          ? [now - DAY, 0, null]
          : i < DUE_LINKS + GOING_STALE
            ? [now - 60 * DAY, 3, now - 40 * DAY]
            : [now + 100 * DAY, 0, null];
      return [
        `mbx-${code(i)}`,
        code(i),
        `cyber@${domain(i)}`,
        'primary',
        'Cyber Security',
        '01632 960000',
        'confirmed',
        0,
        0,
        'test',
        now - 400 * DAY,
        now,
        now - 400 * DAY,
        due,
        reminders,
        reminded,
      ];
    }),
  );
}

/** Every tenth council has a confirmed out-of-hours mobile (texted in a drill, through the fake Notify). */
const MOBILE_EVERY = 10;

async function seedMobiles(w: WorkerUnderTest, councils: number) {
  const now = Date.now();
  const list = Array.from({ length: councils }, (_, i) => i).filter((i) => i % MOBILE_EVERY === 0);
  await insert(
    w,
    'mobile_numbers',
    [
      'id',
      'authority_code',
      'number',
      'label',
      'state',
      'created_by',
      'created_at',
      'updated_at',
      'confirmed_at',
    ],
    list.map((i) => [
      `mob-${code(i)}`,
      code(i),
      `+4477009${String(i).padStart(5, '0')}`,
      'Duty phone',
      'confirmed',
      'test',
      now,
      now,
      now,
    ]),
  );
  return list.length;
}

/** The settings the deployment uses, from wrangler.toml (the budget under test is the real one). */
function deployedBudgetSettings(): Record<string, string> {
  const { vars } = wranglerConfig();
  const names = [
    'DISPATCH_CONCURRENCY',
    'DISPATCH_BATCH_SIZE',
    'EDGE_DISPATCH_MAX_DELIVERIES',
    'EDGE_DISPATCH_SECONDS',
    'CHECKS_PER_RUN',
    'RECONFIRM_PER_RUN',
  ];
  for (const name of names) expect(vars[name], `wrangler.toml [vars] ${name}`).toBeDefined();
  return Object.fromEntries(names.map((n) => [n, vars[n]!]));
}

async function count(w: WorkerUnderTest, query: string): Promise<number> {
  const [row] = await w.sql<{ n: number }>(query);
  return Number(row?.n ?? 0);
}

function budgetStory(councils: number, options: { checksToWaitFor: number }) {
  let worker: WorkerUnderTest;
  let persist: ReturnType<typeof tempDir>;
  let admin: string;
  let secondAdmin: string;
  const fakes = outboundFakes();
  const usage: Usage[] = [];
  const continued: string[] = [];
  let mobiles = 0;
  /** The advisory the fan-out sent, escalated afterwards. */
  let advisoryId = '';

  beforeAll(async () => {
    persist = tempDir('cc-d1-budget-');
    await applyMigrations(persist.path);
    worker = await startWorker({
      build,
      persistDir: persist.path,
      fakes,
      bindings: { ...deployedBudgetSettings(), LOG_LEVEL: 'info', BULK_MAIL_PER_MINUTE: '1000000' },
      onLog: (line) => {
        if (!line.startsWith('{')) return;
        const entry = JSON.parse(line) as Usage;
        if (entry.msg.startsWith('invocation budget')) usage.push(entry);
        if (entry.msg === 'scheduled job continues in the next invocation') continued.push(entry.job!);
      },
    });
    await seed(worker, councils);
    mobiles = await seedMobiles(worker, councils);
    admin = await insertAdminToken((query, ...params) => worker.sql(query, ...params));
    secondAdmin = await insertAdminToken((query, ...params) => worker.sql(query, ...params), 'second-admin');
  }, 180_000);

  afterAll(async () => {
    // What was measured, for the README's budget table.
    const most = (handler: string, key: 'd1Queries' | 'subrequests') =>
      Math.max(0, ...usage.filter((u) => u.handler === handler).map((u) => u[key]));
    console.info(
      `${councils} councils: ${usage.length} invocations; most D1 queries / subrequests in one: ` +
        ['scheduled', 'queue']
          .map((h) => `${h} ${most(h, 'd1Queries')} / ${most(h, 'subrequests')}`)
          .join(', '),
    );
    await worker?.dispose();
    persist?.remove();
  });

  const expectWithinBudget = () => {
    expect(usage.length).toBeGreaterThan(0);
    for (const u of usage) {
      expect(u.d1Queries, JSON.stringify(u)).toBeLessThanOrEqual(LIMIT.d1Queries * HEADROOM);
      expect(u.subrequests, JSON.stringify(u)).toBeLessThanOrEqual(LIMIT.subrequests * HEADROOM);
    }
    expect(usage.filter((u) => u.level !== 'info')).toEqual([]);
  };

  it(`the re-confirmation sweep: ${DUE_LINKS} links and ${GOING_STALE} stale mailboxes told to ${WARPS} WARPs' operators, over several invocations`, async () => {
    expect(await worker.scheduled('17 */6 * * *')).toBe('ok');
    await eventually(
      'every due mailbox handled',
      async () =>
        (await count(
          worker,
          'select count(*) as n from mailboxes where last_reminder_at is not null and stale_at is null',
        )) === DUE_LINKS &&
        (await count(worker, 'select count(*) as n from mailboxes where stale_at is not null')) ===
          GOING_STALE,
      60_000,
    );
    expect(continued).toContain('reconfirmations');
    // The links and the notices go out through SES (the bulk and notices lanes, by queue consumers).
    await eventually(
      'the links and the WARP notices sent',
      async () =>
        fakes.ses.filter((c) => c.parsed.subject?.includes('Confirm')).length >= DUE_LINKS &&
        new Set(fakes.ses.flatMap((c) => c.to).filter((a) => a.endsWith('@warp.example.org'))).size ===
          WARPS * 2,
      60_000,
    );
    const warps = await worker.fetch('/api/v1/warps?limit=100', { token: admin });
    expect(warps.status).toBe(200);
    expect(((await warps.json()) as { items: unknown[] }).items).toHaveLength(WARPS);
    expectWithinBudget();
  });

  it(`a fan-out to all ${councils} councils, EDGE_DISPATCH_MAX_DELIVERIES at a time`, async () => {
    const created = await worker.fetch('/api/v1/advisories', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Budget test advisory',
        summary: 'Every council.',
        body: 'Patch now.',
        severity: 'high',
        tlp: 'CLEAR',
        test: false,
        audience: { nations: ['England'] },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const released = await worker.fetch(`/api/v1/advisories/${id}/release`, { method: 'POST', token: admin });
    expect(released.status, await released.clone().text()).toBe(200);
    // It reaches more than one WARP: a second admin approves it.
    expect(await released.json()).toMatchObject({ needsSecondApproval: true, deliveries: 0 });
    const approved = await worker.fetch(`/api/v1/advisories/${id}/approve`, {
      method: 'POST',
      token: secondAdmin,
    });
    expect(approved.status, await approved.clone().text()).toBe(200);
    const { deliveries } = (await approved.json()) as { deliveries: number };
    expect(deliveries).toBeGreaterThanOrEqual(councils - GOING_STALE);
    await eventually(
      'every delivery sent',
      async () =>
        (await count(
          worker,
          `select count(*) as n from deliveries where advisory_id = '${id}' and status = 'delivered'`,
        )) === deliveries,
      120_000,
    );
    const queueRuns = usage.filter((u) => u.handler === 'queue');
    expect(queueRuns.length).toBeGreaterThanOrEqual(
      Math.ceil(deliveries / Number(deployedBudgetSettings().EDGE_DISPATCH_MAX_DELIVERIES)),
    );
    advisoryId = id;
    expectWithinBudget();
  }, 150_000);

  it(`the escalation of every silent council (all ${councils}, delivered ACK_ESCALATION_HOURS ago) to ${WARPS} WARPs, in one cron run`, async () => {
    expect(advisoryId).not.toBe('');
    const dayAgo = 25 * 3600_000;
    await worker.sql(
      `update deliveries set created_at = created_at - ${dayAgo}, delivered_at = delivered_at - ${dayAgo}
       where advisory_id = '${advisoryId}'`,
    );
    const delivered = await count(
      worker,
      `select count(*) as n from deliveries where advisory_id = '${advisoryId}' and status = 'delivered'`,
    );
    expect(await worker.scheduled('*/5 * * * *')).toBe('ok');
    expect(
      await count(
        worker,
        `select count(*) as n from deliveries where advisory_id = '${advisoryId}' and escalated_at is not null`,
      ),
    ).toBe(delivered);
    // One e-mail per WARP operator for the advisory, not one per council.
    expect(await count(worker, `select count(*) as n from outbound_mail where purpose = 'escalation'`)).toBe(
      WARPS * 2,
    );
    expectWithinBudget();
  }, 150_000);

  it('the domain checks, CHECKS_PER_RUN domains an invocation, continued through the queue', async () => {
    expect(await worker.scheduled('*/15 * * * *')).toBe('ok');
    await eventually(
      `${options.checksToWaitFor} domains checked`,
      async () =>
        (await count(worker, 'select count(distinct domain) as n from domain_checks')) >=
        options.checksToWaitFor,
      120_000,
    );
    expect(continued).toContain('checks');
    expectWithinBudget();
  }, 150_000);

  it(`a drill to all ${councils} councils (a mailbox each, a mobile for every ${MOBILE_EVERY}th), in slices continued through the queue`, async () => {
    const scheduled = await worker.fetch('/api/v1/drills', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ audience: { all: true } }),
    });
    expect(scheduled.status, await scheduled.clone().text()).toBe(201);
    const { id } = (await scheduled.json()) as { id: string };
    expect(await worker.scheduled('*/15 * * * *')).toBe('ok');
    await eventually(
      'every path written',
      async () =>
        (await count(worker, `select count(*) as n from drill_paths where drill_id = '${id}'`)) ===
        councils + mobiles,
      120_000,
    );
    await eventually(
      'every exercise sent',
      async () =>
        (await count(
          worker,
          `select count(*) as n from outbound_mail where purpose = 'drill' and status = 'delivered'`,
        )) === councils &&
        fakes.notify.calls.filter((c) => c.path === '/v2/notifications/sms' && c.answered === 201).length ===
          mobiles,
      150_000,
    );
    if (councils > 500) expect(continued).toContain('drills');
    expectWithinBudget();
  }, 200_000);
}

describe("Workers budgets at today's size: 400 councils", { timeout: 90_000 }, () => {
  budgetStory(400, { checksToWaitFor: 400 });
});

describe("Workers budgets at ten times today's size: 4000 councils", { timeout: 90_000 }, () => {
  budgetStory(4000, { checksToWaitFor: 150 });
});
