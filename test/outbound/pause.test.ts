// A failure of our own is not the councils': when our mail server refuses our sender (MAIL FROM), or
// answers most recipients with one and the same refusal (a relay that will not relay for us), sending
// pauses, every delivery stays retryable, admins are told (log, /metrics, the advisory page, the API),
// and it resumes when a probe goes through or an admin says so. Against a real SMTP server (smtp-server).
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { senderState } from '../../src/features/outbound/sender-state.js';
import {
  acceptedPerRecipient,
  createAdvisory,
  releaseAndApprove,
  type SmtpTestApp,
  smtpTestApp,
} from '../e2e/support.js';
import { insertCouncils } from '../support/fixtures.js';

const COUNCILS = 20;
let s: SmtpTestApp;
let admin: string;
let advisoryId: string;

beforeEach(async () => {
  s = await smtpTestApp({ env: { SMTP_POOL_CONNECTIONS: '2', DELIVERY_RETRY_BASE_SECONDS: '60' } });
  await insertCouncils(s.t.db, { count: COUNCILS });
  admin = await s.t.tokenFor('admin');
  const second = await s.t.tokenFor('admin');
  const codes = Array.from({ length: COUNCILS }, (_, i) => `C${String(i).padStart(3, '0')}`);
  ({ id: advisoryId } = await createAdvisory(s.t.call, admin, { audience: { authorities: codes } }));
  await releaseAndApprove(s.t.call, advisoryId, admin, second);
  s.useSmtp();
});
afterEach(() => s.close());

const drain = () => drainDeliveries(s.t.deps, dispatchOptions(s.t.deps));

async function statuses() {
  const rows = await s.t.db.all<{ status: string; retry: number | null }>(
    sql`select status, next_attempt_at as retry from deliveries where advisory_id = ${advisoryId}`,
  );
  return rows;
}

async function advisoryState() {
  const [row] = await s.t.db.all<{ state: string }>(
    sql`select state from advisories where id = ${advisoryId}`,
  );
  return row?.state;
}

describe('a refusal of our sender', () => {
  it('pauses instead of failing the councils, tells the admins, and resumes when a probe goes through', async () => {
    s.sink.set({
      reply: ({ stage }) =>
        stage === 'mail' ? { code: 501, message: '5.1.7 Bad sender address syntax' } : undefined,
    });
    const first = await drain();
    expect(first.paused).toBe(true);
    expect(first.delivered).toBe(0);
    // Nobody's fault but ours: no delivery failed for good, the advisory is still being sent.
    const rows = await statuses();
    expect(rows.filter((r) => r.status === 'permanent-failure')).toEqual([]);
    expect(rows.every((r) => r.retry !== null)).toBe(true);
    expect(await advisoryState()).toBe('sending');
    // Only what was on the connections was tried before the pause: the rest was given back untried.
    const mailFroms = s.sink.events.filter((e) => e.stage === 'mail').length;
    expect(mailFroms).toBeLessThan(COUNCILS);

    // The admins are told: an error in the log, /metrics, the API, the advisory's progress and page.
    expect(s.t.log.lines.some((l) => l.level === 'error' && String(l.msg).startsWith('sending paused'))).toBe(
      true,
    );
    const metrics = await (await s.t.call('GET', '/metrics', { token: admin })).text();
    expect(metrics).toMatch(/^cc_mail_sending_paused 1$/m);
    const queue = await (await s.t.call('GET', '/api/v1/mail', { token: admin })).json();
    expect(queue.paused.reason).toMatch(/501 5\.1\.7 Bad sender address syntax/);
    const progress = await (
      await s.t.call('GET', `/api/v1/advisories/${advisoryId}/progress`, { token: admin })
    ).json();
    expect(progress.paused.reason).toMatch(/501/);
    const page = await s.t.call('GET', `/advisories/${advisoryId}`, {
      token: admin,
      headers: { accept: 'text/html' },
    });
    expect(await page.text()).toContain('Sending is paused: our mail server is refusing our mail');

    // Paused: a drain before the probe is due sends nothing at all.
    const attempts = s.sink.events.length;
    expect(await drain()).toMatchObject({ paused: true, claimed: 0 });
    expect(s.sink.events.length).toBe(attempts);

    // Still broken at the first probe: one message tried, the next probe later.
    s.t.clock.advance(31_000);
    expect(await drain()).toMatchObject({ paused: true, claimed: 1 });
    expect((await senderState(s.t.deps)).probes).toBe(1);

    // Fixed: the next probe goes through, sending resumes, and every council gets it exactly once.
    s.sink.set({ reply: () => undefined });
    s.t.clock.advance(61_000);
    const probe = await drain();
    expect(probe.claimed).toBe(1);
    expect((await senderState(s.t.deps)).state).toBe('sending');
    await drain();
    expect(await advisoryState()).toBe('sent');
    const perRecipient = acceptedPerRecipient(s.sink);
    expect(perRecipient.size).toBe(COUNCILS);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    expect(metrics).toContain('cc_outbound_queue{lane="advisories",state="due"}');
    const audit = await s.t.db.all<{ action: string }>(
      sql`select action from audit_log where subject_type = 'mail sender' order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['mail.pause', 'mail.probe-failed', 'mail.resume']);
  });

  it('calls one refusal for most recipients ours (our relay blocklisted, say), and takes back the failures', async () => {
    s.sink.set({
      reply: ({ stage }) =>
        stage === 'rcpt'
          ? { code: 554, message: '5.7.1 Service unavailable; client host blocked using zen.example' }
          : undefined,
    });
    const stats = await drain();
    expect(stats.paused).toBe(true);
    const rows = await statuses();
    expect(rows.filter((r) => r.status === 'permanent-failure')).toEqual([]);
    expect(rows.every((r) => r.retry !== null)).toBe(true);
    expect((await senderState(s.t.deps)).reason).toMatch(/same reply.*client host blocked/);
  });

  it('leaves a few refusals of single recipients to those recipients, and does not pause', async () => {
    s.sink.set({
      reply: ({ stage, address }) =>
        stage === 'rcpt' && /^cyber@c00[01]\./.test(address ?? '')
          ? { code: 550, message: '5.1.1 User unknown' }
          : undefined,
    });
    const stats = await drain();
    expect(stats).toMatchObject({ paused: false, delivered: COUNCILS - 2, failed: 2 });
    const rows = await statuses();
    expect(rows.filter((r) => r.status === 'permanent-failure')).toHaveLength(2);
    expect(await advisoryState()).toBe('sent');
  });
});

describe('resuming by hand', () => {
  it('lets an admin resume once the cause is fixed, and nobody else', async () => {
    s.sink.set({
      reply: ({ stage }) =>
        stage === 'mail' ? { code: 530, message: '5.7.0 Authentication required' } : undefined,
    });
    expect((await drain()).paused).toBe(true);
    s.sink.set({ reply: () => undefined });
    const council = await s.t.tokenFor('council', { authority: 'C000' });
    expect((await s.t.call('POST', '/api/v1/mail/resume', { token: council })).status).toBe(403);
    expect((await s.t.call('POST', '/api/v1/mail/resume')).status).toBe(401);
    const resumed = await s.t.call('POST', '/api/v1/mail/resume', { token: admin });
    expect(resumed.status).toBe(200);
    expect((await s.t.call('POST', '/api/v1/mail/resume', { token: admin })).status).toBe(409);
    // Due again at once, not at the backoff's time.
    expect((await drain()).delivered).toBe(COUNCILS);
    expect(await advisoryState()).toBe('sent');
    // Handed back unsent at the pause, never sent: not counted as possibly sent twice.
    const [row] = await s.t.db.all<{ n: number }>(
      sql`select coalesce(sum(resends), 0) as n from deliveries where advisory_id = ${advisoryId}`,
    );
    expect(Number(row?.n)).toBe(0);
  });
});
