// Replacing a council's confirmed primary needs that primary's consent, an admin's approval, or the end of
// the window in which the primary may refuse; the primary (or an admin) refusing ends it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailboxHolder, systemPrincipal } from '../../src/domain/principal.js';
import { confirmMailbox } from '../../src/features/mailboxes/confirm-mailbox.js';
import { registerMailbox } from '../../src/features/mailboxes/register-mailbox.js';
import type { MailboxRegistrationInput } from '../../src/features/mailboxes/schemas.js';
import { runScheduledWork } from '../../src/features/reachability/scheduled.js';
import type { Schemas } from '../support/api-client.js';
import { landOn, makeTestApp, type TestApp } from '../support/app.js';
import { insertMailbox } from '../support/fixtures.js';
import { confirmedPrimaries, linkIn, registration, seedCouncils } from './support.js';

const ADMINS = 'admin-one@ncsc.test';
const HOUR = 3600_000;

type MailboxKind = Schemas['MailboxRegistration']['kind'];

let t: TestApp;
let current: Awaited<ReturnType<typeof insertMailbox>>;
beforeEach(async () => {
  t = await makeTestApp({ env: { ADMIN_NOTIFY_ADDRESSES: ADMINS, HANDOVER_WINDOW_HOURS: '72' } });
  await seedCouncils(t);
  current = await insertMailbox(t.db, {
    authorityCode: 'CRF',
    address: 'cyber@cardiff.gov.uk',
    state: 'confirmed',
    confirmedAt: t.clock.now(),
  });
});
afterEach(() => t.close());

/** Someone who can read mail at `address` registers it as the primary and follows its link. */
async function registerAndConfirm(address = 'x@cardiff.gov.uk', kind: MailboxKind = 'primary') {
  const { response } = await t.api().POST('/api/v1/mailboxes', { body: registration({ address, kind }) });
  expect(response.status).toBe(202);
  const confirmed = await confirmMailbox(t.deps, linkIn(t.mailer.to(address).at(-1)), '198.51.100.7');
  expect(confirmed.state).toBe('valid');
  return confirmed.mailbox!;
}

function handoverLink() {
  const asked = t.mailer.to('cyber@cardiff.gov.uk').filter((m) => /Action needed/.test(m.subject));
  expect(asked).toHaveLength(1);
  return linkIn(asked[0], 'handover');
}

async function answer(secret: string, reply: 'agree' | 'refuse') {
  return t.call('POST', `/handover/${secret}`, {
    body: `answer=${reply}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
  });
}

/** The registration of a primary at `address`, typed for calling the feature directly. */
const primaryAt = (address: string) => registration({ address }) as MailboxRegistrationInput;

async function mailboxState(id: string) {
  const admin = await t.tokenFor('admin');
  return (await (await t.call('GET', `/api/v1/mailboxes/${id}`, { token: admin })).json()).state as string;
}

describe('a new primary replacing a confirmed one', () => {
  it('waits after its own link: the current primary keeps receiving and is asked', async () => {
    const waiting = await registerAndConfirm();
    expect(waiting.state).toBe('awaiting-handover');
    expect(waiting.handoverDueAt?.getTime()).toBe(t.clock.now().getTime() + 72 * HOUR);
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
    // The new address is not told it is confirmed; the current one is asked, with both addresses named.
    expect(t.mailer.to('x@cardiff.gov.uk').filter((m) => /confirmed/i.test(m.subject))).toHaveLength(0);
    const [asked] = t.mailer.to('cyber@cardiff.gov.uk');
    expect(asked!.subject).toMatch(/^Action needed: Is x@cardiff\.gov\.uk replacing this address/);
    expect(asked!.text).toContain('/handover/');
    // The audit log records the request once, with whom it asked.
    const admin = await t.tokenFor('admin');
    const got = await (await t.call('GET', `/api/v1/mailboxes/${waiting.id}`, { token: admin })).json();
    expect(got.history.map((h: { action: string }) => h.action)).toEqual([
      'mailbox.register',
      'mailbox.handover-requested',
    ]);
    expect(got.handoverDueAt).toBe(new Date(t.clock.now().getTime() + 72 * HOUR).toISOString());
  });

  it('takes over at once when the current primary agrees; the link then works no more', async () => {
    const waiting = await registerAndConfirm();
    const secret = handoverLink();
    const page = await t.call('GET', `/handover/${secret}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('x@cardiff.gov.uk');
    expect(html).toContain('cyber@cardiff.gov.uk');

    const agreed = await landOn(t, await answer(secret, 'agree'));
    expect(agreed.status).toBe(200);
    expect(await agreed.text()).toContain('Primary mailbox changed');
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['x@cardiff.gov.uk']);
    expect(await mailboxState(current.id)).toBe('retired');
    const told = (a: string) => t.mailer.to(a).filter((m) => /replaced|changed/i.test(m.subject));
    expect(told('cyber@cardiff.gov.uk')).toHaveLength(1);
    expect(told('x@cardiff.gov.uk')).toHaveLength(1);

    const again = await answer(secret, 'refuse');
    expect(again.status).toBe(410);
    expect(await mailboxState(waiting.id)).toBe('confirmed');
  });

  it('is refused for good when the current primary says no; the admins are told', async () => {
    const waiting = await registerAndConfirm();
    const refused = await t.call('POST', `/handover/${handoverLink()}`, { body: { answer: 'refuse' } });
    expect(refused.status).toBe(200);
    expect(await refused.json()).toMatchObject({ state: 'valid', mailbox: { state: 'refused' } });
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
    const [alert] = t.mailer.to(ADMINS);
    expect(alert!.subject).toMatch(/^Refused: x@cardiff\.gov\.uk as the primary mailbox of Cardiff Council/);

    // The window ending later changes nothing.
    t.clock.advance(100 * HOUR);
    const outcome = await runScheduledWork(t.deps, 'reconfirmations');
    expect(outcome.handovers).toEqual({ handedOver: [], askedAgain: [] });
    expect(await mailboxState(waiting.id)).toBe('refused');
  });

  it('takes over when nobody refused by the end of the window, not before', async () => {
    const waiting = await registerAndConfirm();
    t.clock.advance(72 * HOUR - 1000);
    expect((await runScheduledWork(t.deps, 'reconfirmations')).handovers?.handedOver).toEqual([]);
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
    t.clock.advance(1000);
    expect((await runScheduledWork(t.deps, 'reconfirmations')).handovers?.handedOver).toEqual([waiting.id]);
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['x@cardiff.gov.uk']);
    // The unanswered link is spent with the change.
    expect((await answer(handoverLink(), 'refuse')).status).toBe(410);
  });

  it('asks the new primary instead when another address took over meanwhile', async () => {
    const waiting = await registerAndConfirm();
    // An admin imports a vouched-for primary (the CLI's --confirmed): it replaces the current one at once.
    const vouched = await registerMailbox(
      t.deps,
      { principal: systemPrincipal },
      primaryAt('soc@cardiff.gov.uk'),
      { vouchedReason: 'phoned the CISO', skipLimits: true },
    );
    expect(vouched.state).toBe('confirmed');
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['soc@cardiff.gov.uk']);
    t.clock.advance(73 * HOUR);
    const outcome = await runScheduledWork(t.deps, 'reconfirmations');
    expect(outcome.handovers).toEqual({ handedOver: [], askedAgain: [waiting.id] });
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['soc@cardiff.gov.uk']);
    expect(t.mailer.to('soc@cardiff.gov.uk').filter((m) => /Action needed/.test(m.subject))).toHaveLength(1);
  });

  it('lets an admin hand over or refuse now, and nobody else', async () => {
    const first = await registerAndConfirm();
    for (const token of [
      await t.tokenFor('council', { authority: 'CRF' }),
      await t.tokenFor('warp', { warp: 'wales' }),
    ]) {
      const denied = await t.call('POST', `/api/v1/mailboxes/${first.id}/approve`, { token });
      expect(denied.status).toBe(403);
    }
    expect(await mailboxState(first.id)).toBe('awaiting-handover');
    const admin = await t.tokenFor('admin');
    const refused = await t.call('POST', `/api/v1/mailboxes/${first.id}/refuse`, {
      token: admin,
      body: { reason: 'not known to the council' },
    });
    expect((await refused.json()).mailbox).toMatchObject({ state: 'refused' });

    const second = await registerAndConfirm('y@cardiff.gov.uk');
    const approved = await t.call('POST', `/api/v1/mailboxes/${second.id}/approve`, { token: admin });
    expect(approved.status).toBe(200);
    expect((await approved.json()).mailbox).toMatchObject({ state: 'confirmed', handoverDueAt: null });
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['y@cardiff.gov.uk']);
  });

  it('shows the waiting primary on the approvals page, naming what it replaces', async () => {
    await registerAndConfirm();
    const admin = await t.tokenFor('admin');
    const page = await t.call('GET', '/admin/approvals', { token: admin, headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toContain('x@cardiff.gov.uk');
    expect(html).toContain('Would replace');
    expect(html).toContain('Hand over now');
  });

  it('tells the registrant it waits, without naming the current primary', async () => {
    await t.call('POST', '/api/v1/mailboxes', { body: registration({ address: 'x@cardiff.gov.uk' }) });
    const secret = linkIn(t.mailer.to('x@cardiff.gov.uk').at(-1));
    const res = await landOn(
      t,
      await t.call('POST', `/confirm/${secret}`, { headers: { accept: 'text/html' } }),
    );
    const html = await res.text();
    expect(html).toContain('Address confirmed');
    expect(html).toContain('asked it to agree');
    expect(html).not.toContain('cyber@cardiff.gov.uk');
  });

  it('needs no consent for a secondary, or for a primary the current primary registered itself', async () => {
    const secondary = await registerAndConfirm('soc@cardiff.gov.uk', 'secondary');
    expect(secondary.state).toBe('confirmed');

    const own = await registerMailbox(
      t.deps,
      { principal: mailboxHolder(current.id, 'CRF') },
      primaryAt('security@cardiff.gov.uk'),
    );
    const secret = linkIn(t.mailer.to('security@cardiff.gov.uk').at(-1));
    expect((await confirmMailbox(t.deps, secret, '127.0.0.1')).mailbox?.state).toBe('confirmed');
    expect(own.state).toBe('pending');
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['security@cardiff.gov.uk']);
  });

  it('answers unknown, malformed and wrong-purpose links without revealing anything', async () => {
    await registerAndConfirm();
    expect((await t.call('GET', `/handover/${'a'.repeat(43)}`)).status).toBe(404);
    // A confirmation link is not a handover link.
    const confirmSecret = linkIn(t.mailer.to('x@cardiff.gov.uk').at(-1));
    expect((await t.call('GET', `/handover/${confirmSecret}`)).status).toBe(404);
    const bad = await t.call('POST', `/handover/${handoverLink()}`, { body: { answer: 'maybe' } });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
  });
});
