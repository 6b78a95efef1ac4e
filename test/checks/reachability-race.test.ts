// The system's own state changes under a race: a re-confirmation sweep run twice at once, the same bounce
// report posted twice at once, a domain checked twice at once. Each has exactly one effect: one e-mail,
// one audit entry. The database answers on later turns of the event loop, as a networked one does, so the
// two runs interleave between their reads and their writes.
import { eq, sql } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryResolver } from '../../src/adapters/resolver-memory.js';
import type { BatchItem } from '../../src/db/client.js';
import { bounces, mailboxes } from '../../src/db/schema.js';
import type { Deps } from '../../src/deps.js';
import { sweepReconfirmations } from '../../src/features/reachability/reconfirm.js';
import { runDomainChecks } from '../../src/features/reachability/run-checks.js';
import { seedCouncils } from '../mailboxes/support.js';
import { insertAdvisory, insertDelivery, insertWarpOperators } from '../support/advisory-factories.js';
import { insertMailbox } from '../support/fixtures.js';
import { useMsw } from '../support/msw.js';
import { makeRacingApp } from '../support/racing-app.js';
import { DAY, goodZone, signedFixture } from './support.js';

useMsw(
  http.get(
    /^https:\/\/.*\/\.well-known\/(security|mta-sts)\.txt$/,
    () => new HttpResponse('', { status: 404 }),
  ),
);

let t: Awaited<ReturnType<typeof makeRacingApp>>;
let resolver: ReturnType<typeof memoryResolver>;
beforeEach(async () => {
  resolver = memoryResolver(goodZone('cardiff.gov.uk'));
  t = await makeRacingApp({
    now: '2026-01-05T09:00:00Z',
    env: { RECONFIRM_DAYS: '180', RECONFIRM_REMINDER_DAYS: '7,14', RECONFIRM_GRACE_DAYS: '30' },
    deps: { resolver },
  });
  await seedCouncils(t);
  await insertWarpOperators(t.db, 'wales', ['duty@wales-warp.example']);
});
afterEach(() => t.close());

async function actions(subjectType: string, subjectId: string) {
  const rows = await t.db.all<{ action: string }>(
    sql`select action from audit_log where subject_type = ${subjectType} and subject_id = ${subjectId} order by id`,
  );
  return rows.map((r) => r.action);
}
const row = async (id: string) => (await t.db.select().from(mailboxes).where(eq(mailboxes.id, id)))[0];

/** A confirmed mailbox due for re-confirmation now. */
const dueMailbox = () =>
  insertMailbox(t.db, {
    authorityCode: 'CRF',
    address: 'cyber@cardiff.gov.uk',
    confirmedAt: t.clock.now(),
    reconfirmDueAt: t.clock.now(),
  });

describe('the re-confirmation sweep run twice at once', () => {
  it('takes each step once: one link, one reminder, one stale notice, each audited once', async () => {
    const m = await dueMailbox();
    const both = () => Promise.all([sweepReconfirmations(t.deps), sweepReconfirmations(t.deps)]);

    const asked = await both();
    expect(asked.flatMap((s) => s.linksSent)).toEqual([m.id]);
    t.clock.advance(7 * DAY);
    const reminded = await both();
    expect(reminded.flatMap((s) => s.reminders)).toEqual([m.id]);
    t.clock.advance(23 * DAY);
    const stale = await both();
    expect(stale.flatMap((s) => s.stale)).toEqual([m.id]);

    expect(t.mailer.to('cyber@cardiff.gov.uk')).toHaveLength(2);
    expect(t.mailer.to('duty@wales-warp.example')).toHaveLength(1);
    expect(await actions('mailbox', m.id)).toEqual([
      'mailbox.reconfirmation-sent',
      'mailbox.reconfirmation-reminder',
      'mailbox.stale',
    ]);
    const links = await t.db.all<{ n: number }>(
      sql`select count(*) as n from link_tokens where mailbox_id = ${m.id} and purpose = 'reconfirm'`,
    );
    expect(Number(links[0]?.n)).toBe(2);
  });

  it('a step whose write fails changes nothing, so the next sweep takes it', async () => {
    const m = await dueMailbox();
    let failures = 1;
    const failingDb = new Proxy(t.db, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop === 'batch' && failures > 0)
          return (items: BatchItem[]) => {
            failures -= 1;
            return Promise.reject(new Error(`the database went away (${items.length} writes lost)`));
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expect(sweepReconfirmations({ ...t.deps, db: failingDb } as Deps)).rejects.toThrow(/went away/);
    expect(await row(m.id)).toMatchObject({ lastReminderAt: null, remindersSent: 0 });
    expect(await actions('mailbox', m.id)).toEqual([]);

    expect((await sweepReconfirmations(t.deps)).linksSent).toEqual([m.id]);
    expect(t.mailer.to('cyber@cardiff.gov.uk')).toHaveLength(1);
    expect(await actions('mailbox', m.id)).toEqual(['mailbox.reconfirmation-sent']);
  });
});

describe('the same bounce report posted twice at once', () => {
  let inbound: string;
  beforeEach(async () => {
    inbound = await t.tokenFor('inbound');
  });
  const post = async (name: string) =>
    t.call('POST', '/api/v1/inbound/bounces', {
      token: inbound,
      body: await signedFixture(t.deps, name),
      headers: { 'content-type': 'message/rfc822' },
    });
  async function seed(deliveryId: string) {
    const mailbox = await insertMailbox(t.db, { authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk' });
    const advisory = await insertAdvisory(t.db);
    await insertDelivery(t.db, {
      id: deliveryId,
      advisoryId: advisory.id,
      mailboxId: mailbox.id,
      authorityCode: 'CRF',
      address: mailbox.address,
    });
    return mailbox;
  }
  const effects = async (responses: Response[]) =>
    (
      await Promise.all(
        responses.map(async (r) => {
          expect(r.status).toBe(202);
          return ((await r.json()) as { recipients: Array<{ effect: string }> }).recipients[0]?.effect;
        }),
      )
    ).sort();

  it('a hard bounce: the delivery fails and the mailbox is marked unreachable once', async () => {
    const mailbox = await seed('dlvpostfix0000000001');
    const responses = await Promise.all([post('postfix-bounce.eml'), post('postfix-bounce.eml')]);
    expect(await effects(responses)).toEqual(['duplicate', 'unreachable']);
    expect(await actions('mailbox', mailbox.id)).toEqual(['mailbox.unreachable']);
    expect(await actions('delivery', 'dlvpostfix0000000001')).toEqual(['delivery.bounce']);
    expect(await t.db.select().from(bounces)).toHaveLength(1);
  });

  it('a delay: one soft bounce counted', async () => {
    const mailbox = await seed('dlvpostfix0000000002');
    const responses = await Promise.all([post('postfix-delayed.eml'), post('postfix-delayed.eml')]);
    expect(await effects(responses)).toEqual(['duplicate', 'soft-bounce']);
    expect((await row(mailbox.id))?.softBounces).toBe(1);
    expect(await actions('mailbox', mailbox.id)).toEqual(['mailbox.soft-bounce']);
  });
});

describe('a domain checked twice at once', () => {
  it('marks its mailbox unreachable once, and restores it once', async () => {
    const m = await insertMailbox(t.db, { authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk' });
    resolver.set('cardiff.gov.uk', { MX: ['0 .'] });
    await runDomainChecks(t.deps, 'cardiff.gov.uk'); // the first look
    t.clock.advance(3_600_000);
    const both = () =>
      Promise.all([runDomainChecks(t.deps, 'cardiff.gov.uk'), runDomainChecks(t.deps, 'cardiff.gov.uk')]);
    expect((await both()).flatMap((r) => r.markedUnreachable)).toEqual([m.id]);
    resolver.set('cardiff.gov.uk', goodZone('cardiff.gov.uk')['cardiff.gov.uk']);
    expect((await both()).flatMap((r) => r.restored)).toEqual([m.id]);
    expect(await actions('mailbox', m.id)).toEqual(['mailbox.unreachable', 'mailbox.reachable']);
  });
});
