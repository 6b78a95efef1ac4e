// Starting a drill: one path per confirmed mailbox (every kind) and per confirmed, reachable mobile of
// every council in the audience, with exactly those messages queued, marked as an exercise everywhere.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, drills, outboundMail, smsMessages } from '../../src/db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { advisoryBody } from '../support/fixtures.js';
import { drillRow, pathsOf, runJob, schedule, seedPaths } from './support.js';

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp();
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

describe('starting a drill', () => {
  it('makes one path per confirmed mailbox and confirmed reachable mobile, and queues exactly those messages', async () => {
    const seeded = await seedPaths(t);
    const drill = await schedule(t, admin, { audience: { all: true } });
    expect(drill.reference).toBe('DRILL-2026-0001');
    expect(drill.state).toBe('scheduled');

    const run = await runJob(t);
    expect(run.started).toEqual(['DRILL-2026-0001']);
    const row = await drillRow(t, drill.id);
    expect(row.state).toBe('running');
    expect(row.closesAt!.getTime() - row.startedAt!.getTime()).toBe(24 * 3600_000);

    const paths = await pathsOf(t, drill.id);
    const targets = paths.map((p) => `${p.authorityCode} ${p.channel} ${p.target}`).sort();
    expect(targets).toEqual([
      'CMD email cyber@camden.gov.uk',
      'CMD sms +447700900321',
      'CRF email cyber@cardiff.gov.uk',
      'CRF email ooh@cardiff.gov.uk',
      'CRF email soc@cardiff.gov.uk',
      'CRF sms +447700900123',
      'NWP email cyber@newport.gov.uk',
    ]);
    // Retired and pending mailboxes, pending and unreachable mobiles, a council with nothing confirmed: nothing.
    for (const address of ['old@cardiff.gov.uk', 'new@cardiff.gov.uk', 'it@gmail.example'])
      expect(t.mailer.to(address)).toEqual([]);
    expect(paths.some((p) => p.mobileId === seeded.crf.pendingMobile.id)).toBe(false);
    expect(paths.some((p) => p.mobileId === seeded.crf.unreachableMobile.id)).toBe(false);

    // Each path's message is the row that carried it: the e-mails and the texts, sent at once.
    const mail = await t.db.select().from(outboundMail).where(eq(outboundMail.purpose, 'drill'));
    expect(mail.map((m) => m.id).sort()).toEqual(
      paths
        .filter((p) => p.channel === 'email')
        .map((p) => p.messageId)
        .sort(),
    );
    expect(mail.every((m) => m.status === 'delivered')).toBe(true);
    const texts = await t.db.select().from(smsMessages).where(eq(smsMessages.drillId, drill.id));
    expect(texts.map((s) => s.id).sort()).toEqual(
      paths
        .filter((p) => p.channel === 'sms')
        .map((p) => p.messageId)
        .sort(),
    );
    expect(texts.every((s) => s.purpose === 'drill' && s.status === 'sending' && s.providerId)).toBe(true);
    expect(t.sms.sent.map((s) => s.reference).sort()).toEqual(texts.map((s) => s.id).sort());
    expect(t.mailer.sent.filter((m) => m.headers?.['X-Drill'])).toHaveLength(5);

    // Audited once.
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, 'drill.start'));
    expect(audits).toHaveLength(1);
  });

  it('marks the e-mail as an exercise in its subject, banner, TLP and headers, with nothing of an alert', async () => {
    await seedPaths(t);
    // A real advisory exists: nothing of it may leak into the drill.
    const adv = advisoryBody({ title: 'Actively exploited VPN vulnerability', summary: 'Patch today.' });
    await t.call('POST', '/api/v1/advisories', { token: admin, body: adv });
    const drill = await schedule(t, admin, { audience: { nations: ['Wales'] } });
    await runJob(t);
    const [message] = t.mailer.to('cyber@cardiff.gov.uk');
    expect(message!.subject).toBe(
      `[EXERCISE] Reachability drill ${drill.reference} — no action but to acknowledge`,
    );
    expect(message!.headers).toMatchObject({
      'X-Drill': drill.reference,
      'Auto-Submitted': 'auto-generated',
      'X-TLP': 'CLEAR',
    });
    const firstLine = message!.text.split('\n')[0]!;
    expect(firstLine).toContain('THIS IS AN EXERCISE, NOT A SECURITY ADVISORY');
    expect(message!.text).toContain('TLP:CLEAR');
    const html = message!.html ?? '';
    expect(html).toContain('This is an exercise, not a security advisory');
    expect(html.indexOf('This is an exercise')).toBeLessThan(html.indexOf('TLP:CLEAR'));
    expect(message!.text).toMatch(/\/drills\/ack\/[a-z0-9]+\.[A-Za-z0-9_-]{32}/);
    for (const part of [message!.subject, message!.text, html]) {
      expect(part).not.toMatch(/VPN|exploited|Patch today|TLP:AMBER|TLP:RED|urgent|critical/i);
    }
  });

  it('texts each confirmed mobile an exercise with a short link', async () => {
    await seedPaths(t);
    const drill = await schedule(t, admin, { audience: { authorities: ['CRF'] } });
    await runJob(t);
    const texts = t.sms.sent;
    expect(texts).toHaveLength(1);
    expect(texts[0]!.to).toBe('+447700900123');
    expect(texts[0]!.text).toMatch(
      new RegExp(
        `^EXERCISE, not an alert: NCSC reachability drill ${drill.reference}\\. Please acknowledge: http://cyber-contacts\\.test/d/[a-z0-9]+\\.[A-Za-z0-9_-]{32}$`,
      ),
    );
  });

  it('goes by e-mail only when SMS cannot be sent', async () => {
    const t2 = await makeTestApp({
      deps: {
        sms: {
          provider: 'none',
          unavailable: { reason: 'no provider', missing: ['NOTIFY_API_KEY'] },
          send: async () => {
            throw new Error('never');
          },
          close: async () => {},
        },
      },
    });
    try {
      await seedPaths(t2);
      const token = await t2.tokenFor('admin');
      const drill = await schedule(t2, token, { audience: { authorities: ['CRF'] } });
      await runJob(t2);
      const paths = await pathsOf(t2, drill.id);
      expect(paths.map((p) => p.channel)).toEqual(['email', 'email', 'email']);
    } finally {
      t2.close();
    }
  });

  it('writes a big drill in slices within the limit, going on where it stopped, each path once', async () => {
    await seedPaths(t);
    const drill = await schedule(t, admin, { audience: { all: true } });
    const first = await runJob(t, 2);
    expect(first.started).toEqual([drill.reference]);
    expect(first.more).toBe(true);
    // CMD first (code order, whole councils): its two paths fill the slice.
    expect((await pathsOf(t, drill.id)).map((p) => p.authorityCode)).toEqual(['CMD', 'CMD']);
    const second = await runJob(t, 2);
    // CRF has four paths: a council is never split, so it goes whole in a slice of its own.
    expect(second.paths).toBe(4);
    await runJob(t, 2);
    const again = await runJob(t, 2);
    expect(again.paths).toBe(0);
    expect(again.more).toBe(false);
    expect(await pathsOf(t, drill.id)).toHaveLength(7);
    expect(t.mailer.sent.filter((m) => m.headers?.['X-Drill'])).toHaveLength(5);
  });

  it('"start now" by an admin starts it at once; a second start is a 409', async () => {
    await seedPaths(t);
    const drill = await schedule(t, admin, {
      audience: { all: true },
      scheduledFor: '2026-12-24T09:00:00Z',
    });
    expect((await runJob(t)).started).toEqual([]);
    const res = await t.call('POST', `/api/v1/drills/${drill.id}/start`, { token: admin });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { paths: number }).paths).toBe(7);
    const again = await t.call('POST', `/api/v1/drills/${drill.reference}/start`, { token: admin });
    expect(again.status).toBe(409);
    expect(await t.db.select().from(drills)).toHaveLength(1);
  });
});
