// Registering, confirming and rotating a council's mailbox end to end: the API, the real SMTP adapter and
// an SMTP server that parses what it receives. The links are taken from the received messages and
// followed against the app, as the mailbox holder would.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/domain/principal.js';
import { importDomains } from '../../src/features/authority-register/import-domains.js';
import { importRegister } from '../../src/features/authority-register/import-register.js';
import { landOn } from '../support/app.js';
import {
  confirmPathIn,
  messagesTo,
  rcptPerAddress,
  type SmtpTestApp,
  sharedData,
  smtpTestApp,
} from './support.js';

const BASE = 'http://cyber-contacts.test';
const ADMINS = 'approvals@ncsc.example';
const contract = {
  authority: 'CRF',
  address: 'cyber@cardiff.gov.uk',
  kind: 'primary',
  team: 'Cyber Security Team',
  phone: '029 2087 2000',
};

let s: SmtpTestApp;
let admin: string;

beforeEach(async () => {
  s = await smtpTestApp({ env: { ADMIN_NOTIFY_ADDRESSES: ADMINS } });
  const actor = { principal: cliPrincipal };
  await importRegister(s.t.deps, actor, {
    content: sharedData('uk_local_authorities_current.csv'),
    source: 'shared CSV',
  });
  await importDomains(s.t.deps, actor, { content: sharedData('ukps_user_domains.json'), source: 'ukps' });
  const crf = await s.t.client.execute("select domain from authority_domains where authority_code = 'CRF'");
  expect(crf.rows.map((r) => r.domain)).toContain('cardiff.gov.uk');
  s.useSmtp();
  admin = await s.t.tokenFor('admin');
});

afterEach(() => s.close());

async function register(body: Record<string, unknown>) {
  return s.t.call('POST', '/api/v1/mailboxes', { body });
}

const html = { accept: 'text/html' };
/** A page as a browser gets it: a form's post/redirect/get is followed to the page it lands on. */
const page = async (path: string, method = 'GET') =>
  landOn(s.t, await s.t.app.request(path, { method, headers: html }));

async function confirmedPrimaries(): Promise<string[]> {
  const res = await s.t.call('GET', '/api/v1/authorities/CRF/mailboxes?state=confirmed', { token: admin });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: Array<{ address: string; kind: string; state: string }> };
  return body.items.filter((m) => m.kind === 'primary' && m.state === 'confirmed').map((m) => m.address);
}

/** Registers an address on Cardiff's domain and returns the confirmation link's path from the e-mail. */
async function registerAndReceive(overrides: Record<string, unknown> = {}) {
  const body = { ...contract, ...overrides };
  const before = messagesTo(s.sink, body.address as string).length;
  const res = await register(body);
  expect(res.status, await res.clone().text()).toBe(202);
  const accepted = (await res.json()) as { state: string };
  expect(accepted.state).toBe('pending');
  // The registration is written and mailed after the answer: wait for the message.
  for (let i = 0; i < 200 && messagesTo(s.sink, body.address as string).length <= before; i++)
    await new Promise((r) => setTimeout(r, 25));
  const received = messagesTo(s.sink, body.address as string);
  expect(received).toHaveLength(before + 1);
  return { link: confirmPathIn(received.at(-1), BASE), message: received.at(-1)! };
}

describe('a mailbox registered through the API and confirmed from the e-mail', () => {
  it('sends the confirmation by SMTP; GET shows, POST confirms; the register then lists a confirmed primary', async () => {
    const res = await register(contract);
    expect(res.status).toBe(202);
    const accepted = await res.json();
    expect(accepted).toMatchObject({ state: 'pending' });
    expect(accepted).not.toHaveProperty('id');

    await s.sink.waitFor(1);
    expect(s.sink.messages).toHaveLength(1);
    const [message] = s.sink.messages;
    expect(message!.rcptTo).toEqual(['cyber@cardiff.gov.uk']);
    expect(message!.parsed.subject).toBe('Confirm the security mailbox for City of Cardiff Council');
    expect(message!.parsed.messageId).toMatch(/^<confirm\.[0-9a-f]+@cyber-contacts\.test>$/);
    const link = confirmPathIn(message, BASE);
    expect(link).toMatch(/^\/confirm\/[A-Za-z0-9_-]{20,}$/);
    expect(message!.parsed.html).toContain(`${BASE}${link}`);

    const shown = await page(link);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('cyber@cardiff.gov.uk');
    expect(await confirmedPrimaries()).toEqual([]); // looking changes nothing

    const confirmed = await page(link, 'POST');
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('govuk-panel--confirmation');
    expect(await confirmedPrimaries()).toEqual(['cyber@cardiff.gov.uk']);
    const list = await (await s.t.call('GET', '/api/v1/authorities/CRF/mailboxes', { token: admin })).json();
    expect(list.items).toEqual([
      expect.objectContaining({ address: 'cyber@cardiff.gov.uk', kind: 'primary', state: 'confirmed' }),
    ]);
    // The mailbox is told it is confirmed, by SMTP too.
    const notices = messagesTo(s.sink, 'cyber@cardiff.gov.uk');
    expect(notices).toHaveLength(2);
    expect(notices[1]!.parsed.messageId).toMatch(/^<confirmed\./);

    // The link is single-use: a second visit gets a clear page and changes nothing.
    for (const method of ['GET', 'POST']) {
      const again = await page(link, method);
      expect(again.status, method).toBe(410);
      const text = await again.text();
      expect(text).toContain('This link has already been used');
      expect(text).not.toMatch(/stack|Error:/);
    }
    expect(await confirmedPrimaries()).toEqual(['cyber@cardiff.gov.uk']);
    expect(messagesTo(s.sink, 'cyber@cardiff.gov.uk')).toHaveLength(2);
  });

  it('refuses an expired link (73 hours on) with a clear page, and the mailbox stays unconfirmed', async () => {
    const { link } = await registerAndReceive();
    s.t.clock.advance(73 * 3600_000);
    for (const method of ['GET', 'POST']) {
      const res = await page(link, method);
      expect(res.status, method).toBe(410);
      expect(await res.text()).toContain('This link has expired');
    }
    const api = await s.t.app.request(link, { method: 'POST' });
    expect(api.status).toBe(410);
    expect(await api.json()).toMatchObject({ state: 'expired' });
    expect(await confirmedPrimaries()).toEqual([]);
    expect(messagesTo(s.sink, 'cyber@cardiff.gov.uk')).toHaveLength(1); // no "confirmed" notice
  });

  it('holds a foreign-domain address for an admin: nothing reaches it until approval, then the link does', async () => {
    const foreign = 'cyber@cardiff-council.example';
    const res = await register({ ...contract, address: foreign });
    expect(res.status).toBe(202);
    const { state } = await res.json();
    expect(state).toBe('awaiting-approval');
    // The admins are told (after the answer); the address itself is sent nothing, not even a RCPT TO.
    await s.sink.waitFor(1);
    expect(s.sink.messages.map((m) => m.rcptTo)).toEqual([[ADMINS]]);
    const adminToken = await s.t.tokenFor('admin');
    const waiting = await (
      await s.t.call('GET', '/api/v1/mailboxes?state=awaiting-approval', { token: adminToken })
    ).json();
    const id = waiting.items[0].id as string;
    expect(rcptPerAddress(s.sink).has(foreign)).toBe(false);

    const council = await s.t.tokenFor('council', { authority: 'CRF' });
    expect((await s.t.call('POST', `/api/v1/mailboxes/${id}/approve`, { token: council })).status).toBe(403);
    expect(rcptPerAddress(s.sink).has(foreign)).toBe(false);

    const approved = await s.t.call('POST', `/api/v1/mailboxes/${id}/approve`, { token: admin });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ mailbox: { state: 'pending' }, confirmationSent: true });
    const [confirmation] = messagesTo(s.sink, foreign);
    expect(confirmation!.rcptTo).toEqual([foreign]);
    const link = confirmPathIn(confirmation, BASE);
    expect((await page(link, 'POST')).status).toBe(200);
    expect(await confirmedPrimaries()).toEqual([foreign]);
  });

  it('never lets a CR/LF in the team name reach a header: 422, and the server sees no message and no RCPT', async () => {
    for (const team of [
      'Cyber Security Team\r\nBcc: evil@example.com',
      'Cyber Security Team\nBcc: evil@example.com',
    ]) {
      const res = await register({ ...contract, team });
      expect(res.status).toBe(422);
      const problem = await res.json();
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors.map((e: { path: string }) => e.path)).toContain('team');
    }
    expect(s.sink.messages).toHaveLength(0);
    expect(s.sink.events).toHaveLength(0);
    expect(s.sink.stats.connections).toBe(0);

    // A proper registration afterwards: one message, one RCPT, no Bcc anywhere.
    await registerAndReceive();
    expect(s.sink.messages).toHaveLength(1);
    expect([...rcptPerAddress(s.sink).keys()]).toEqual(['cyber@cardiff.gov.uk']);
    expect(s.sink.messages[0]!.raw.toString()).not.toMatch(/^bcc:/im);
    expect(s.sink.messages[0]!.raw.toString()).not.toContain('evil@example.com');
  });

  it('rotates the primary without a gap: exactly one confirmed primary at every step; the old address is told', async () => {
    const old = await registerAndReceive();
    expect(await confirmedPrimaries()).toEqual([]);
    expect((await page(old.link, 'POST')).status).toBe(200);
    expect(await confirmedPrimaries()).toEqual(['cyber@cardiff.gov.uk']);

    const next = await registerAndReceive({
      address: 'security@cardiff.gov.uk',
      team: 'Information Security',
    });
    expect(await confirmedPrimaries()).toEqual(['cyber@cardiff.gov.uk']);
    expect((await page(next.link)).status).toBe(200);
    expect(await confirmedPrimaries()).toEqual(['cyber@cardiff.gov.uk']);
    s.t.clock.advance(3600_000);
    expect(await confirmedPrimaries()).toEqual(['cyber@cardiff.gov.uk']);
    // Its own link confirms the new address, but the current primary is asked before it takes over.
    expect((await page(next.link, 'POST')).status).toBe(200);
    expect(await confirmedPrimaries()).toEqual(['cyber@cardiff.gov.uk']);
    const asked = messagesTo(s.sink, 'cyber@cardiff.gov.uk').filter((m) =>
      m.parsed.subject?.startsWith('Action needed: Is security@cardiff.gov.uk replacing'),
    );
    expect(asked).toHaveLength(1);
    const answer = confirmPathIn(asked[0], BASE, 'handover');
    expect((await page(answer)).status).toBe(200);
    const agreed = await s.t.app.request(answer, {
      method: 'POST',
      headers: { ...html, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'answer=agree',
    });
    expect(agreed.status).toBe(303);
    expect(await (await landOn(s.t, agreed)).text()).toContain('Primary mailbox changed');
    expect(await confirmedPrimaries()).toEqual(['security@cardiff.gov.uk']);

    const all = await (await s.t.call('GET', '/api/v1/authorities/CRF/mailboxes', { token: admin })).json();
    expect(all.items.find((m: { address: string }) => m.address === 'cyber@cardiff.gov.uk')).toMatchObject({
      state: 'retired',
      retiredReason: 'replaced by security@cardiff.gov.uk',
    });

    const subject = 'The primary security mailbox for City of Cardiff Council has changed';
    const told = (address: string) => messagesTo(s.sink, address).filter((m) => m.parsed.subject === subject);
    expect(told('cyber@cardiff.gov.uk')).toHaveLength(1);
    expect(told('security@cardiff.gov.uk')).toHaveLength(1);
    const notice = told('cyber@cardiff.gov.uk')[0]!.parsed.text ?? '';
    expect(notice).toContain('Old address: cyber@cardiff.gov.uk');
    expect(notice).toContain('New address: security@cardiff.gov.uk');
  });
});
