import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confirmMailbox, inspectConfirmation } from '../../src/features/mailboxes/confirm-mailbox.js';
import type { RequestBody } from '../support/api-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { linkIn, registration, seedCouncils } from './support.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
});
afterEach(() => t.close());

/** The id of the live mailbox with this address, as an admin sees it (anonymous callers get none). */
async function idOf(address: string): Promise<string> {
  const admin = await t.tokenFor('admin');
  const { data } = await t.api(admin).GET('/api/v1/mailboxes', { params: { query: { limit: 100 } } });
  const found = data?.items.find((m) => m.address === address);
  if (!found) throw new Error(`no mailbox ${address}`);
  return found.id;
}

/** POST /api/v1/mailboxes through the typed client (anonymous unless given a token). */
const register = (body: RequestBody<'registerMailbox'>, token?: string) =>
  t.api(token).POST('/api/v1/mailboxes', { body });

describe('registering a mailbox', () => {
  it('accepts a mailbox on the council’s domain as pending and sends only the confirmation', async () => {
    const { data: body, response } = await register(registration());
    expect(response.status).toBe(202);
    expect(body).toMatchObject({ state: 'pending', warnings: [], mailbox: null });
    // Someone not signed in learns no id: the answer is the same for an address registered already.
    expect(body).not.toHaveProperty('id');
    expect(body!.message).toMatch(/^If this address can be registered, a confirmation link is on its way/);
    expect(t.mailer.sent).toHaveLength(1);
    const [message] = t.mailer.sent;
    expect(message!.to).toBe('cyber@cardiff.gov.uk');
    expect(message!.subject).toMatch(/confirm/i);
    expect(message!.messageId).toMatch(/^<confirm\.[0-9a-f]+@cyber-contacts\.test>$/);
    const secret = linkIn(message);
    const view = await inspectConfirmation(t.deps, secret);
    expect(view).toMatchObject({ state: 'valid', authorityName: 'Cardiff Council' });
  });

  it('normalises the address: case and IDN domains', async () => {
    const admin = await t.tokenFor('admin');
    const res = await register(registration({ address: '  Cyber@CARDIFF.gov.uk ' }), admin);
    expect(res.data?.mailbox?.address).toBe('cyber@cardiff.gov.uk');
    const idn = await register(registration({ address: 'soc@bücher.example', kind: 'secondary' }), admin);
    expect(idn.data?.mailbox?.address).toBe('soc@xn--bcher-kva.example');
  });

  it('refuses mixed-script look-alike domains with a clear reason', async () => {
    const res = await t.call('POST', '/api/v1/mailboxes', {
      body: registration({ address: 'cyber@cаrdiff.gov.uk' }),
    });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.code).toBe('validation_failed');
    expect(body.errors[0]).toMatchObject({ path: 'address' });
    expect(body.detail).toMatch(/Latin and Cyrillic/);
    expect(t.mailer.sent).toHaveLength(0);
  });

  it('warns when the address looks like a person’s own mailbox', async () => {
    const { data, response } = await register(registration({ address: 'jane.jones@cardiff.gov.uk' }));
    expect(response.status).toBe(202);
    expect(data?.warnings[0]).toMatch(/dedicated team mailbox/);
  });

  it('validates every field with readable messages', async () => {
    const res = await t.call('POST', '/api/v1/mailboxes', {
      body: { authority: 'C!', address: 'nope', kind: 'main', team: '', phone: 'call me', extra: 1 },
    });
    expect(res.status).toBe(422);
    const paths = (await res.json()).errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['authority', 'kind', 'team', 'phone']));
    const unknown = await t.call('POST', '/api/v1/mailboxes', { body: registration({ authority: 'ZZZ' }) });
    expect(unknown.status).toBe(422);
    expect((await unknown.json()).detail).toContain('ZZZ');
    const former = await t.call('POST', '/api/v1/mailboxes', { body: registration({ authority: 'OLD' }) });
    expect(former.status).toBe(422);
    expect((await former.json()).detail).toMatch(/successor/);
  });

  it('never lets a CR or LF reach a header: team names with header injection are refused', async () => {
    const res = await t.call('POST', '/api/v1/mailboxes', {
      body: registration({ team: 'Team\r\nBcc: evil@example.com' }),
    });
    expect(res.status).toBe(422);
    expect(t.mailer.sent).toHaveLength(0);
    const addr = await t.call('POST', '/api/v1/mailboxes', {
      body: registration({ address: 'cyber@cardiff.gov.uk\r\nBcc: evil@example.com' }),
    });
    expect(addr.status).toBe(422);
    expect(t.mailer.sent).toHaveLength(0);
  });

  it('holds a foreign-domain address for approval and sends it nothing until an admin approves', async () => {
    const res = await register(registration({ address: 'cyber@cardiff-council.example' }));
    expect(res.response.status).toBe(202);
    expect(res.data?.state).toBe('awaiting-approval');
    expect(t.mailer.to('cyber@cardiff-council.example')).toHaveLength(0);
    const id = await idOf('cyber@cardiff-council.example');

    const council = await t.tokenFor('council', { authority: 'CRF' });
    const approve = (token: string) =>
      t.api(token).POST('/api/v1/mailboxes/{id}/approve', { params: { path: { id } } });
    const forbidden = await approve(council);
    expect(forbidden.response.status).toBe(403);
    expect(t.mailer.to('cyber@cardiff-council.example')).toHaveLength(0);

    const admin = await t.tokenFor('admin');
    const pending = await t
      .api(admin)
      .GET('/api/v1/mailboxes', { params: { query: { state: 'awaiting-approval' } } });
    expect(pending.data?.items.map((m) => m.id)).toEqual([id]);
    const approved = await approve(admin);
    expect(approved.response.status).toBe(200);
    expect(approved.data).toMatchObject({ mailbox: { state: 'pending' }, confirmationSent: true });
    expect(t.mailer.to('cyber@cardiff-council.example')).toHaveLength(1);
    const again = await approve(admin);
    expect(again.response.status).toBe(409);
  });

  it('lets an admin refuse a foreign-domain registration with a reason; nothing is sent', async () => {
    const res = await register(registration({ address: 'x@evil.example' }));
    expect(res.response.status).toBe(202);
    const id = await idOf('x@evil.example');
    const admin = await t.tokenFor('admin');
    const noReason = await t.call('POST', `/api/v1/mailboxes/${id}/refuse`, { token: admin, body: {} });
    expect(noReason.status).toBe(422);
    const refused = await t.api(admin).POST('/api/v1/mailboxes/{id}/refuse', {
      params: { path: { id } },
      body: { reason: 'not a council address' },
    });
    expect(refused.data?.mailbox).toMatchObject({
      state: 'refused',
      retiredReason: 'not a council address',
    });
    expect(t.mailer.sent).toHaveLength(0);
  });

  it('holds a sub-domain of the council’s domain for approval: someone else may run it', async () => {
    const res = await register(registration({ address: 'x@attacker.cardiff.gov.uk' }));
    expect(res.data?.state).toBe('awaiting-approval');
    // Nothing goes to the address itself, only to the admins.
    expect(t.mailer.to('x@attacker.cardiff.gov.uk')).toHaveLength(0);
  });

  it('accepts a sub-domain an admin listed as one of the council’s domains', async () => {
    const admin = await t.tokenFor('admin');
    const listed = await t.api(admin).POST('/api/v1/authorities/{code}/domains', {
      params: { path: { code: 'CRF' } },
      body: { domain: 'it.cardiff.gov.uk' },
    });
    expect(listed.response.status).toBeLessThan(300);
    const res = await register(registration({ address: 'soc@it.cardiff.gov.uk' }));
    expect(res.data?.state).toBe('pending');
  });
});

describe('confirmation links', () => {
  async function registerAndLink(address = 'cyber@cardiff.gov.uk') {
    const res = await register(registration({ address }));
    expect(res.response.status).toBe(202);
    return { id: await idOf(address), secret: linkIn(t.mailer.to(address).at(-1)) };
  }

  it('confirms once; a reused link is refused', async () => {
    const { id, secret } = await registerAndLink();
    const first = await confirmMailbox(t.deps, secret, '127.0.0.1');
    expect(first.state).toBe('valid');
    expect(first.mailbox?.state).toBe('confirmed');
    const admin = await t.tokenFor('admin');
    const { data: got } = await t.api(admin).GET('/api/v1/mailboxes/{id}', { params: { path: { id } } });
    expect(got?.state).toBe('confirmed');
    expect(got?.history.map((h) => h.action)).toEqual(['mailbox.register', 'mailbox.confirm']);
    const second = await confirmMailbox(t.deps, secret, '127.0.0.1');
    expect(second.state).toBe('used');
    expect(t.mailer.to('cyber@cardiff.gov.uk').map((m) => m.subject)).toHaveLength(2); // confirmation, confirmed
  });

  it('expires after the configured time (fixed clock)', async () => {
    const { secret } = await registerAndLink();
    t.clock.advance(72 * 3600_000 - 1000);
    expect((await inspectConfirmation(t.deps, secret)).state).toBe('valid');
    t.clock.advance(2000);
    const expired = await confirmMailbox(t.deps, secret, '127.0.0.1');
    expect(expired.state).toBe('expired');
    expect(expired.mailbox?.state).toBe('pending');
  });

  it('stores only a hash of the link secret', async () => {
    const { secret } = await registerAndLink();
    const rows = await t.client.execute('select token_hash from link_tokens');
    expect(rows.rows).toHaveLength(1);
    expect(String(rows.rows[0]!.token_hash)).not.toContain(secret);
    expect(String(rows.rows[0]!.token_hash)).toMatch(/^[0-9a-f]{64}$/);
    expect((await inspectConfirmation(t.deps, `${secret}x`)).state).toBe('unknown');
  });

  it('does not reveal to anonymous callers that an address is already registered', async () => {
    const { secret } = await registerAndLink();
    await confirmMailbox(t.deps, secret, '127.0.0.1');
    const sentBefore = t.mailer.sent.length;
    const again = await register(registration());
    expect(again.response.status).toBe(202);
    expect(again.data).toMatchObject({ state: 'pending', mailbox: null });
    expect(t.mailer.sent.length).toBe(sentBefore);
    const rows = await t.client.execute('select count(*) as n from mailboxes');
    expect(Number(rows.rows[0]!.n)).toBe(1);
  });
});

describe('rate limits on everything that sends mail', () => {
  it('never mails an address more than RATE_LIMIT_PER_ADDRESS links an hour, and the last one sent still works', async () => {
    for (let i = 0; i < 8; i++) expect((await register(registration())).response.status).toBe(202);
    const sent = t.mailer.to('cyber@cardiff.gov.uk');
    expect(sent).toHaveLength(5);
    // The link in the last message that went out still confirms: no link was issued that was not sent.
    const link = /\/confirm\/([A-Za-z0-9_-]+)/.exec(sent.at(-1)?.text ?? '')?.[1];
    const confirmed = await t.app.request(`/confirm/${link}`, {
      method: 'POST',
      headers: { accept: 'text/html' },
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('/confirm/done');
  });
});
