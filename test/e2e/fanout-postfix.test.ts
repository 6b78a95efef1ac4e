// Fan-out through a real MTA: the service's SMTP adapter sends to a private Debian Postfix, which relays
// everything to the SMTP sink. Every council must get the advisory exactly once; and when Postfix refuses
// our envelope sender (a relay not set up for us), sending pauses instead of failing the councils, and
// resumes once the relay is fixed.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { insertCouncils } from '../support/fixtures.js';
import { type PostfixInstance, startPostfix } from '../support/postfix.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { createAdvisory, eventually, releaseAndApprove, type SmtpTestApp, smtpTestApp } from './support.js';

const COUNCILS = 397; // every council in the register
let sink: SmtpSink;
let mta: PostfixInstance;

beforeAll(async () => {
  sink = await startSmtpSink();
  mta = await startPostfix({ relayTo: { host: '127.0.0.1', port: sink.port } });
}, 60_000);
afterAll(async () => {
  await mta?.close();
  await sink?.close();
});
beforeEach(() => sink.reset());

async function fanOut(): Promise<{ s: SmtpTestApp; advisoryId: string; admin: string }> {
  const s = await smtpTestApp({
    env: { SMTP_URL: mta.url, SMTP_POOL_CONNECTIONS: '5', DELIVERY_RETRY_BASE_SECONDS: '60' },
  });
  await insertCouncils(s.t.db, { count: COUNCILS });
  const admin = await s.t.tokenFor('admin');
  const second = await s.t.tokenFor('admin');
  const { id } = await createAdvisory(s.t.call, admin, {});
  const approved = await releaseAndApprove(s.t.call, id, admin, second);
  expect(approved.deliveries).toBe(COUNCILS);
  s.useSmtp();
  return { s, advisoryId: id, admin };
}

async function deliveryRows(s: SmtpTestApp, advisoryId: string) {
  return s.t.db.all<{ id: string; address: string; status: string; retry: number | null }>(
    sql`select id, address, status, next_attempt_at as retry from deliveries where advisory_id = ${advisoryId}`,
  );
}

/** Waits until Postfix has relayed `n` messages to the sink and holds nothing more. */
async function relayed(n: number) {
  await eventually(
    async () => (sink.messages.length >= n && mta.queueIsEmpty() ? true : undefined),
    `Postfix to relay ${n} messages (the sink has ${sink.messages.length})\n${mta.log().slice(-1500)}`,
    60_000,
    100,
  );
}

/** Each council got exactly one message, the one the service recorded for it. */
async function everyCouncilOnce(s: SmtpTestApp, advisoryId: string) {
  const rows = await deliveryRows(s, advisoryId);
  expect(rows).toHaveLength(COUNCILS);
  expect(rows.filter((r) => r.status !== 'delivered')).toEqual([]);
  const messageIdOf = new Map(rows.map((r) => [r.address, `<delivery.${r.id}@`]));
  const byRecipient = new Map<string, string[]>();
  for (const m of sink.messages) {
    expect(m.rcptTo).toHaveLength(1);
    const list = byRecipient.get(m.rcptTo[0]!) ?? [];
    list.push(m.parsed.messageId ?? '');
    byRecipient.set(m.rcptTo[0]!, list);
  }
  expect(byRecipient.size).toBe(COUNCILS);
  for (const [to, ids] of byRecipient) {
    expect(ids, to).toHaveLength(1);
    expect(ids[0]!.startsWith(messageIdOf.get(to)!), to).toBe(true);
  }
  // Postfix added its Received header: the messages really went through it.
  expect(sink.messages[0]!.raw.toString()).toMatch(/^Received: from .*\r\n\s+by mta\.postfix-test\.example/m);
}

const advisoryState = async (s: SmtpTestApp, id: string) =>
  (await s.t.db.all<{ state: string }>(sql`select state from advisories where id = ${id}`))[0]?.state;

describe('fan-out through Postfix', () => {
  it('gets the advisory to every council exactly once', async () => {
    const { s, advisoryId } = await fanOut();
    try {
      const stats = await drainDeliveries(s.t.deps, dispatchOptions(s.t.deps));
      expect(stats).toMatchObject({ delivered: COUNCILS, retrying: 0, failed: 0 });
      expect(await advisoryState(s, advisoryId)).toBe('sent');
      await relayed(COUNCILS);
      await everyCouncilOnce(s, advisoryId);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('pauses when Postfix refuses our sender, fails no council, and delivers each once when fixed', async () => {
    await mta.setSenderRejects('^bounces\\+');
    const { s, advisoryId, admin } = await fanOut();
    try {
      const first = await drainDeliveries(s.t.deps, dispatchOptions(s.t.deps));
      expect(first.paused).toBe(true);
      expect(first.delivered).toBe(0);
      const rows = await deliveryRows(s, advisoryId);
      expect(rows.filter((r) => r.status === 'permanent-failure')).toEqual([]);
      expect(rows.every((r) => r.status === 'created' || r.retry !== null)).toBe(true);
      expect(await advisoryState(s, advisoryId)).toBe('sending');
      const paused = s.t.log.lines.find(
        (l) => l.level === 'error' && String(l.msg).startsWith('sending paused'),
      );
      expect(JSON.stringify(paused)).toMatch(/554 5\.7\.1 <bounces\+[^>]+>: Sender address rejected/);
      expect(sink.messages).toHaveLength(0);

      // The relay is fixed; an admin resumes (a probe would too, later); every council gets it once.
      await mta.setSenderRejects(null);
      const resumed = await s.t.call('POST', '/api/v1/mail/resume', { token: admin });
      expect(resumed.status, await resumed.clone().text()).toBe(200);
      let stats = await drainDeliveries(s.t.deps, dispatchOptions(s.t.deps));
      // deliveries tried during the pause wait out their retry time: move the clock past it
      for (let round = 0; round < 5 && (await advisoryState(s, advisoryId)) !== 'sent'; round++) {
        s.t.clock.advance(3_600_000);
        stats = await drainDeliveries(s.t.deps, dispatchOptions(s.t.deps));
      }
      expect(stats.paused).toBeFalsy();
      expect(await advisoryState(s, advisoryId)).toBe('sent');
      await relayed(COUNCILS);
      await everyCouncilOnce(s, advisoryId);
    } finally {
      await s.close();
      await mta.setSenderRejects(null);
    }
  }, 120_000);
});
