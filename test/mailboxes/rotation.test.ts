import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confirmMailbox } from '../../src/features/mailboxes/confirm-mailbox.js';
import type { Schemas } from '../support/api-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { confirmedPrimaries, linkIn, registration, seedCouncils } from './support.js';

type MailboxKind = Schemas['MailboxRegistration']['kind'];

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
});
afterEach(() => t.close());

async function register(address: string, kind: MailboxKind = 'primary') {
  const { response } = await t.api().POST('/api/v1/mailboxes', { body: registration({ address, kind }) });
  expect(response.status).toBe(202);
  return linkIn(t.mailer.to(address).at(-1));
}

describe('rotation without a gap', () => {
  it('keeps exactly one confirmed primary at every moment and tells both addresses', async () => {
    expect(await confirmedPrimaries(t, 'CRF')).toEqual([]);
    await confirmMailbox(t.deps, await register('cyber@cardiff.gov.uk'), '127.0.0.1');
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);

    const secret = await register('security@cardiff.gov.uk');
    // The new primary is pending: the old one keeps receiving.
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
    t.clock.advance(3600_000);
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);

    // Its own link confirms it, but the old primary is asked first: still no gap, and no takeover.
    await confirmMailbox(t.deps, secret, '127.0.0.1');
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
    const asked = t.mailer.to('cyber@cardiff.gov.uk').filter((m) => /Action needed/.test(m.subject));
    const agreed = await t.call('POST', `/handover/${linkIn(asked.at(-1), 'handover')}`, {
      body: { answer: 'agree' },
    });
    expect(agreed.status).toBe(200);
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['security@cardiff.gov.uk']);

    const admin = await t.tokenFor('admin');
    const all = await (await t.call('GET', '/api/v1/authorities/CRF/mailboxes', { token: admin })).json();
    const old = all.items.find((m: { address: string }) => m.address === 'cyber@cardiff.gov.uk');
    expect(old).toMatchObject({ state: 'retired', retiredReason: 'replaced by security@cardiff.gov.uk' });

    const told = (address: string) => t.mailer.to(address).filter((m) => /replaced|changed/i.test(m.subject));
    expect(told('cyber@cardiff.gov.uk')).toHaveLength(1);
    expect(told('security@cardiff.gov.uk')).toHaveLength(1);
  });

  it('rotates each kind separately: a new secondary leaves the primary alone', async () => {
    await confirmMailbox(t.deps, await register('cyber@cardiff.gov.uk'), '127.0.0.1');
    await confirmMailbox(t.deps, await register('ooh@cardiff.gov.uk', 'out-of-hours'), '127.0.0.1');
    await confirmMailbox(t.deps, await register('soc@cardiff.gov.uk', 'secondary'), '127.0.0.1');
    const admin = await t.tokenFor('admin');
    const body = await (
      await t.call('GET', '/api/v1/authorities/CRF/mailboxes?state=confirmed', { token: admin })
    ).json();
    expect(body.items.map((m: { kind: string }) => m.kind).sort()).toEqual([
      'out-of-hours',
      'primary',
      'secondary',
    ]);
  });

  it('does not let a council retire its confirmed primary, only replace it; an admin can', async () => {
    await confirmMailbox(t.deps, await register('cyber@cardiff.gov.uk'), '127.0.0.1');
    const admin = await t.tokenFor('admin');
    const [primary] = (
      await (await t.call('GET', '/api/v1/authorities/CRF/mailboxes', { token: admin })).json()
    ).items;
    const council = await t.tokenFor('council', { authority: 'CRF' });
    const refused = await t.call('DELETE', `/api/v1/mailboxes/${primary.id}`, { token: council });
    expect(refused.status).toBe(409);
    expect((await refused.json()).detail).toMatch(/Register its replacement/);
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
    const retired = await t.call('DELETE', `/api/v1/mailboxes/${primary.id}?reason=council%20merged`, {
      token: admin,
    });
    expect(await retired.json()).toMatchObject({ state: 'retired', retiredReason: 'council merged' });
  });

  it('lets a council withdraw a pending mailbox and resend a confirmation', async () => {
    await register('soc@cardiff.gov.uk', 'secondary');
    const council = await t.tokenFor('council', { authority: 'CRF' });
    const [pending] = (await (await t.call('GET', '/api/v1/mailboxes', { token: council })).json()).items;
    const resent = await t.call('POST', `/api/v1/mailboxes/${pending.id}/resend`, { token: council });
    expect(resent.status).toBe(200);
    expect(t.mailer.to('soc@cardiff.gov.uk')).toHaveLength(2);
    const withdrawn = await t.call('DELETE', `/api/v1/mailboxes/${pending.id}`, { token: council });
    expect((await withdrawn.json()).state).toBe('retired');
    const resendRetired = await t.call('POST', `/api/v1/mailboxes/${pending.id}/resend`, { token: council });
    expect(resendRetired.status).toBe(409);
  });
});
