// The one outbound queue, end to end on the real engine and database: lanes go in priority order (sign-in
// and confirmation links, then advisories, then notices, then bulk re-confirmation), a message's body is
// dropped once it is final, a sweep's bulk mail is spread at BULK_MAIL_PER_MINUTE, and the CLI tells the
// truth about work another (possibly dead) process holds.
import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { describeQueue } from '../../src/entry/cli/mail.js';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { queueMail } from '../../src/features/outbound/queue-mail.js';
import { queueSummary } from '../../src/features/outbound/queue-summary.js';
import { sweepReconfirmations } from '../../src/features/reachability/reconfirm.js';
import type { OutgoingMessage } from '../../src/ports/mailer.js';
import { createAdvisory, makeTestApp, type TestApp } from '../support/app.js';
import { insertCouncils, insertMailbox } from '../support/fixtures.js';

let t: TestApp;
beforeEach(async () => {
  // Nothing is sent when mail is queued: each test drains when it chooses.
  t = await makeTestApp({ env: { BULK_MAIL_PER_MINUTE: '2' }, deps: { outbound: { wake: async () => {} } } });
});

const message = (to: string, subject: string): OutgoingMessage => ({
  to,
  subject,
  text: subject,
  messageId: `<${subject.replace(/\W/g, '')}@cyber-contacts.test>`,
});
const drain = (overrides = {}) =>
  drainDeliveries(t.deps, dispatchOptions(t.deps, { concurrency: 1, ...overrides }));

describe('the outbound queue', () => {
  it('sends lane by lane: links first, then advisories, then notices, then bulk; and drops bodies once sent', async () => {
    await insertCouncils(t.db, { count: 2 });
    await queueMail(t.deps, message('a@x.gov.uk', 'bulk reconfirm'), { lane: 'bulk', purpose: 'reconfirm' });
    await queueMail(t.deps, message('b@x.gov.uk', 'notice stale'), { lane: 'notices', purpose: 'notice' });
    const admin = await t.tokenFor('admin');
    const { id } = await createAdvisory(t.call, admin, { audience: { authorities: ['C000', 'C001'] } });
    const released = await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
    expect(released.status).toBe(200);
    await queueMail(t.deps, message('c@x.gov.uk', 'urgent sign in'), { lane: 'urgent', purpose: 'sign-in' });

    const stats = await drain();
    expect(stats.delivered).toBe(5);
    const order = t.mailer.sent.map((m) => m.subject.split(' ')[0]);
    expect(order[0]).toBe('urgent');
    expect(order.slice(1, 3).every((s) => s?.startsWith('[TLP:'))).toBe(true); // the advisory, to both councils
    expect(order.slice(3)).toEqual(['notice', 'bulk']);

    // Final mail keeps its outcome, not its body (which may hold a link's secret).
    const rows = await t.db.all<{ status: string; message: string | null }>(
      sql`select status, message from outbound_mail`,
    );
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toEqual({ status: 'delivered', message: null });
  });

  it('spreads a sweep’s re-confirmation links at BULK_MAIL_PER_MINUTE', async () => {
    await insertCouncils(t.db, { count: 3, mailboxes: () => [] });
    const start = t.clock.now();
    for (const code of ['C000', 'C001', 'C002'])
      await insertMailbox(t.db, {
        authorityCode: code,
        address: `cyber@${code.toLowerCase()}.gov.uk`,
        confirmedAt: start,
        reconfirmDueAt: start,
      });
    const sweep = await sweepReconfirmations(t.deps);
    expect(sweep.linksSent).toHaveLength(3);

    // 2 a minute: one now, the next after 30 s, the last after 60 s.
    expect((await drain()).delivered).toBe(1);
    t.clock.advance(29_000);
    expect((await drain()).delivered).toBe(0);
    t.clock.advance(1_000);
    expect((await drain()).delivered).toBe(1);
    t.clock.advance(30_000);
    expect((await drain()).delivered).toBe(1);
    expect(t.mailer.sent.map((m) => m.to)).toEqual([
      'cyber@c000.gov.uk',
      'cyber@c001.gov.uk',
      'cyber@c002.gov.uk',
    ]);
  });

  it('tells the truth about mail another process holds, and sends it again (same Message-ID) once its lease runs out', async () => {
    await queueMail(t.deps, message('a@x.gov.uk', 'held one'), { lane: 'urgent', purpose: 'sign-in' });
    const now = t.clock.now().getTime();
    // another worker claimed it and then died without a word
    await t.db.run(
      sql`update outbound_mail set status = 'sending', lease_owner = 'worker-dead', lease_expires_at = ${now + 30_000}`,
    );
    const lines: string[] = [];
    const io = {
      out: (l: string) => lines.push(l),
      err: () => {},
      progress: () => {},
      finish: () => {},
      isTty: false,
    };
    describeQueue(io, await queueSummary(t.deps));
    expect(lines.join('\n')).toMatch(/urgent\s+0 due now; 1 being sent by a worker \(its lease runs until/);
    expect(lines.join('\n')).toMatch(
      /1 messages are held by another process\. If it has stopped, they are sent again from/,
    );

    // this process does not send what is held…
    expect((await drain()).delivered).toBe(0);
    expect(t.mailer.sent).toHaveLength(0);
    // …until the lease has run out: then it is due again, and counted as possibly sent twice
    t.clock.advance(30_001);
    lines.length = 0;
    describeQueue(io, await queueSummary(t.deps));
    expect(lines.join('\n')).toMatch(/1 left by a stopped worker: due again, and may have been sent/);
    expect((await drain()).delivered).toBe(1);
    expect(t.mailer.sent[0]?.messageId).toBe('<heldone@cyber-contacts.test>');
    const [row] = await t.db.all<{ resends: number }>(sql`select resends from outbound_mail`);
    expect(row?.resends).toBe(1);
  });
});
