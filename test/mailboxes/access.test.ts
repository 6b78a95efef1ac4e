import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confirmMailbox } from '../../src/features/mailboxes/confirm-mailbox.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { linkIn, registration, seedCouncils } from './support.js';

let t: TestApp;
let cardiffId: string;
let camdenId: string;
beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  const admin = await t.tokenFor('admin');
  const a = await t.call('POST', '/api/v1/mailboxes', { token: admin, body: registration() });
  cardiffId = (await a.json()).id;
  await confirmMailbox(t.deps, linkIn(t.mailer.to('cyber@cardiff.gov.uk')[0]), '127.0.0.1');
  const b = await t.call('POST', '/api/v1/mailboxes', {
    token: admin,
    body: registration({ authority: 'CMD', address: 'cyber@camden.gov.uk' }),
  });
  camdenId = (await b.json()).id;
});
afterEach(() => t.close());

describe('mailbox authorisation boundary', () => {
  it('needs a token or session to read mailboxes', async () => {
    for (const path of [
      '/api/v1/mailboxes',
      `/api/v1/mailboxes/${cardiffId}`,
      '/api/v1/authorities/CRF/mailboxes',
    ]) {
      const res = await t.call('GET', path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('a council sees and manages its own mailboxes and nothing else', async () => {
    const council = await t.tokenFor('council', { authority: 'CRF' });
    const list = await (await t.call('GET', '/api/v1/mailboxes', { token: council })).json();
    expect(list.items.map((m: { authority: string }) => m.authority)).toEqual(['CRF']);
    expect(list.total).toBe(1);
    // Asking for another council's through a filter still gives nothing: scope is in the query.
    const filtered = await (
      await t.call('GET', '/api/v1/mailboxes?authority=CMD', { token: council })
    ).json();
    expect(filtered.total).toBe(0);
    expect((await t.call('GET', '/api/v1/authorities/CMD/mailboxes', { token: council })).status).toBe(403);
    expect((await t.call('GET', `/api/v1/mailboxes/${camdenId}`, { token: council })).status).toBe(404);
    expect((await t.call('POST', `/api/v1/mailboxes/${camdenId}/resend`, { token: council })).status).toBe(
      404,
    );
    expect((await t.call('DELETE', `/api/v1/mailboxes/${camdenId}`, { token: council })).status).toBe(404);
    const other = await t.call('POST', '/api/v1/mailboxes', {
      token: council,
      body: registration({ authority: 'CMD', address: 'x@camden.gov.uk' }),
    });
    expect(other.status).toBe(403);
    const own = await t.call('GET', `/api/v1/mailboxes/${cardiffId}`, { token: council });
    expect(own.status).toBe(200);
  });

  it('a WARP operator sees its members’ mailboxes, not non-members’', async () => {
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const list = await (await t.call('GET', '/api/v1/mailboxes', { token: wales })).json();
    expect(list.items.map((m: { authority: string }) => m.authority)).toEqual(['CRF']);
    expect((await t.call('GET', '/api/v1/authorities/CRF/mailboxes', { token: wales })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/authorities/CMD/mailboxes', { token: wales })).status).toBe(403);
    expect((await t.call('GET', `/api/v1/mailboxes/${camdenId}`, { token: wales })).status).toBe(404);
    expect((await t.call('POST', `/api/v1/mailboxes/${camdenId}/approve`, { token: wales })).status).toBe(
      403,
    );
  });

  it('every state change is in the audit log with the actor', async () => {
    const admin = await t.tokenFor('admin');
    const res = await t.call('GET', `/api/v1/audit?subjectType=mailbox&subjectId=${cardiffId}`, {
      token: admin,
    });
    const entries = (await res.json()).items;
    expect(entries.map((e: { action: string }) => e.action).sort()).toEqual([
      'mailbox.confirm',
      'mailbox.register',
    ]);
    const confirm = entries.find((e: { action: string }) => e.action === 'mailbox.confirm');
    expect(confirm.actor).toBe(`mailbox:${cardiffId}`);
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const scoped = await (await t.call('GET', '/api/v1/audit?subjectType=mailbox', { token: wales })).json();
    expect(scoped.items.every((e: { subjectId: string }) => e.subjectId === cardiffId)).toBe(true);
  });
});
