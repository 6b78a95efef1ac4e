// The re-confirmation timeline on a fixed clock: due → link sent → reminders → stale + the WARP told →
// following the link restores the mailbox. Every sweep is run twice to show it sends nothing twice.
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { mailboxes } from '../../src/db/schema.js';
import { sweepReconfirmations } from '../../src/features/reachability/reconfirm.js';
import { linkIn } from '../mailboxes/support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  insertAuthority,
  insertMailbox,
  insertWarpOperators,
  registration,
  seedCouncils,
} from '../support/fixtures.js';
import { DAY } from './support.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({
    now: '2026-01-05T09:00:00Z',
    env: { RECONFIRM_DAYS: '180', RECONFIRM_REMINDER_DAYS: '7,14', RECONFIRM_GRACE_DAYS: '30' },
  });
  await seedCouncils(t);
  await insertWarpOperators(t.db, 'wales', ['duty@wales-warp.example', 'lead@wales-warp.example']);
});

const row = async (id: string) => (await t.db.select().from(mailboxes).where(eq(mailboxes.id, id)))[0]!;
const confirm = (secret: string) =>
  t.app.request(`/confirm/${secret}`, { method: 'POST', headers: { accept: 'application/json' } });
const statusOf = async (id: string) => {
  const admin = await t.tokenFor('admin');
  return (
    (await (await t.call('GET', `/api/v1/mailboxes/${id}`, { token: admin })).json()) as { status: string }
  ).status;
};

async function registerAndConfirm(address = 'cyber@cardiff.gov.uk') {
  const res = await t.call('POST', '/api/v1/mailboxes', { body: registration({ address }) });
  expect(res.status).toBe(202);
  const secret = linkIn(t.mailer.to(address).at(-1));
  expect((await confirm(secret)).status).toBe(200);
  const [m] = await t.db.select().from(mailboxes).where(eq(mailboxes.address, address));
  return m!;
}

async function sweepTwice() {
  const first = await sweepReconfirmations(t.deps);
  const sentBefore = t.mailer.sent.length;
  const second = await sweepReconfirmations(t.deps);
  expect(
    second.linksSent.length + second.reminders.length + second.stale.length,
    'a second sweep does nothing',
  ).toBe(0);
  expect(t.mailer.sent.length).toBe(sentBefore);
  return first;
}

describe('re-confirmation', () => {
  it('runs the whole timeline: link, reminders, stale with the WARP told, then restored by the link', async () => {
    const mailbox = await registerAndConfirm();
    expect(mailbox.reconfirmDueAt?.toISOString()).toBe('2026-07-04T09:00:00.000Z'); // 180 days on
    const to = () => t.mailer.to('cyber@cardiff.gov.uk');
    const mailsBefore = to().length;

    t.clock.advance(179 * DAY);
    expect((await sweepTwice()).linksSent).toEqual([]);

    t.clock.advance(1 * DAY);
    expect((await sweepTwice()).linksSent).toEqual([mailbox.id]);
    expect(to()).toHaveLength(mailsBefore + 1);
    const asked = to().at(-1)!;
    expect(asked.subject).toBe('Confirm this is still the security mailbox for Cardiff Council');
    const firstLink = linkIn(asked);
    expect(await statusOf(mailbox.id)).toBe('confirmed'); // asked, not yet overdue

    t.clock.advance(6 * DAY);
    expect((await sweepTwice()).reminders).toEqual([]);
    t.clock.advance(1 * DAY); // day 7 of the cycle
    expect((await sweepTwice()).reminders).toEqual([mailbox.id]);
    t.clock.advance(7 * DAY); // day 14
    expect((await sweepTwice()).reminders).toEqual([mailbox.id]);
    expect(to()).toHaveLength(mailsBefore + 3);
    expect((await row(mailbox.id)).remindersSent).toBe(2);

    t.clock.advance(15 * DAY); // day 29: still within the grace period
    const quiet = await sweepTwice();
    expect([...quiet.reminders, ...quiet.stale]).toEqual([]);

    t.clock.advance(1 * DAY); // day 30: stale
    const stale = await sweepTwice();
    expect(stale.stale).toEqual([mailbox.id]);
    expect(stale.warps).toEqual([
      {
        warp: 'wales',
        mailboxes: [mailbox.id],
        sentTo: ['duty@wales-warp.example', 'lead@wales-warp.example'],
      },
    ]);
    const notice = t.mailer.to('duty@wales-warp.example');
    expect(notice).toHaveLength(1);
    expect(notice[0]!.subject).toBe('Stale: 1 security mailbox in Wales WARP has not been re-confirmed');
    expect(notice[0]!.text).toContain('Cardiff Council (CRF): cyber@cardiff.gov.uk, primary mailbox');
    expect(await statusOf(mailbox.id)).toBe('stale');
    expect(to()).toHaveLength(mailsBefore + 3); // nothing more to the mailbox

    // A week later someone follows the first link: the mailbox is restored and the next cycle starts.
    t.clock.advance(7 * DAY);
    expect((await confirm(firstLink)).status).toBe(200);
    const restored = await row(mailbox.id);
    expect(restored).toMatchObject({
      staleAt: null,
      remindersSent: 0,
      lastReminderAt: null,
      state: 'confirmed',
    });
    expect(restored.reconfirmDueAt!.getTime()).toBe(t.clock.now().getTime() + 180 * DAY);
    expect(await statusOf(mailbox.id)).toBe('confirmed');
    expect((await sweepTwice()).stale).toEqual([]);
  });

  it('restores a hard-bounced mailbox that follows its link (it is read after all)', async () => {
    const mailbox = await registerAndConfirm();
    await t.db
      .update(mailboxes)
      .set({ unreachableAt: t.clock.now(), unreachableReason: 'bounce: 5.1.1 user unknown', softBounces: 4 })
      .where(eq(mailboxes.id, mailbox.id));
    expect(await statusOf(mailbox.id)).toBe('unreachable');
    t.clock.advance(180 * DAY);
    await sweepReconfirmations(t.deps);
    expect((await confirm(linkIn(t.mailer.to(mailbox.address).at(-1)))).status).toBe(200);
    expect(await row(mailbox.id)).toMatchObject({
      unreachableAt: null,
      unreachableReason: null,
      softBounces: 0,
    });
    expect(await statusOf(mailbox.id)).toBe('confirmed');
  });

  it('tells each WARP once per sweep about all its newly stale mailboxes, and logs those in no WARP', async () => {
    await insertAuthority(t.db, { code: 'SWA', name: 'Swansea Council', warpId: 'wales' });
    await insertAuthority(t.db, { code: 'NOW', name: 'Nowhere Council', warpId: null });
    const start = t.clock.now();
    const a = await insertMailbox(t.db, {
      authorityCode: 'CRF',
      address: 'cyber@cardiff.gov.uk',
      confirmedAt: start,
      reconfirmDueAt: start,
    });
    const b = await insertMailbox(t.db, {
      authorityCode: 'SWA',
      address: 'soc@swansea.gov.uk',
      confirmedAt: start,
      reconfirmDueAt: start,
    });
    const c = await insertMailbox(t.db, {
      authorityCode: 'NOW',
      address: 'it@nowhere.gov.uk',
      confirmedAt: start,
      reconfirmDueAt: start,
    });
    const first = await sweepReconfirmations(t.deps);
    expect(first.linksSent.sort()).toEqual([a.id, b.id, c.id].sort());
    t.clock.advance(30 * DAY);
    const sweep = await sweepTwice();
    expect(sweep.stale.sort()).toEqual([a.id, b.id, c.id].sort());
    expect(sweep.warps).toHaveLength(1);
    expect(sweep.warps[0]!.mailboxes.sort()).toEqual([a.id, b.id].sort());
    expect(sweep.mailboxesWithoutWarp).toEqual([c.id]);
    const notice = t.mailer.to('lead@wales-warp.example');
    expect(notice).toHaveLength(1);
    expect(notice[0]!.subject).toContain('2 security mailboxes in Wales WARP have not been re-confirmed');
  });

  it('asks before marking stale, even when the service was not running when the mailbox fell due', async () => {
    const confirmedAt = t.clock.now();
    // Confirmed before re-confirmation existed: no due date stored, so it falls due RECONFIRM_DAYS after confirmation.
    const m = await insertMailbox(t.db, {
      authorityCode: 'CRF',
      address: 'cyber@cardiff.gov.uk',
      confirmedAt,
      reconfirmDueAt: null,
    });
    t.clock.advance(250 * DAY); // long past due and past the grace period
    const sweep = await sweepTwice();
    expect(sweep.linksSent).toEqual([m.id]);
    expect(sweep.stale).toEqual([]);
    expect((await row(m.id)).reconfirmDueAt?.getTime()).toBe(t.clock.now().getTime()); // the cycle starts now
    t.clock.advance(30 * DAY);
    expect((await sweepTwice()).stale).toEqual([m.id]);
  });

  it('leaves pending, retired and stale mailboxes alone, and sets the due date when an admin vouches', async () => {
    const due = t.clock.now();
    await insertMailbox(t.db, {
      authorityCode: 'CRF',
      state: 'pending',
      confirmedAt: null,
      reconfirmDueAt: due,
    });
    await insertMailbox(t.db, {
      authorityCode: 'CRF',
      address: 'old@cardiff.gov.uk',
      state: 'retired',
      reconfirmDueAt: due,
    });
    await insertMailbox(t.db, {
      authorityCode: 'CRF',
      address: 'st@cardiff.gov.uk',
      staleAt: due,
      reconfirmDueAt: due,
      lastReminderAt: due,
    });
    const sweep = await sweepReconfirmations(t.deps);
    expect([...sweep.linksSent, ...sweep.reminders, ...sweep.stale]).toEqual([]);

    const { registerMailbox } = await import('../../src/features/mailboxes/register-mailbox.js');
    const { cliPrincipal } = await import('../../src/domain/principal.js');
    const vouched = await registerMailbox(
      t.deps,
      { principal: cliPrincipal },
      {
        authority: 'CMD',
        address: 'cyber@camden.gov.uk',
        kind: 'primary',
        team: 'Cyber',
        phone: '020 7974 4444',
      },
      { vouchedReason: 'known to the NCSC', skipLimits: true },
    );
    expect(vouched.state).toBe('confirmed');
    expect((await row(vouched.id)).reconfirmDueAt?.getTime()).toBe(t.clock.now().getTime() + 180 * DAY);
  });
});
