// With MAIL_PROVIDER=notify nothing can be encrypted (Notify sends its own template, not our MIME): a key
// cannot be given, /readyz and the preview say so, and a TLP:RED advisory that requires encryption reaches
// every mailbox, even one with a confirmed key, as a heads-up without its content.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailboxKeys } from '../../src/db/schema.js';
import { advisoryCopies, createAdvisory, drain, seedFanOut } from '../advisories/fanout-support.js';
import { makeTestKey } from '../pgp/support.js';
import { makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await makeTestApp({ env: { MAIL_PROVIDER: 'notify' } });
  await seedFanOut(t);
  admin = await t.tokenFor('admin');
  // A key confirmed before the service moved to Notify.
  const key = await makeTestKey({ email: 'primary@wa1.gov.uk' });
  const at = t.clock.now();
  await t.db.insert(mailboxKeys).values({
    id: 'key-1',
    mailboxId: 'WA1-primary',
    fingerprint: key.fingerprint,
    armoredKey: key.publicKey,
    source: 'upload',
    state: 'confirmed',
    createdBy: 'test',
    createdAt: at,
    updatedAt: at,
    confirmedAt: at,
  });
});

afterEach(() => t.close());

describe('encryption through GOV.UK Notify', () => {
  it('refuses a new key, and says so in /readyz and the preview', async () => {
    const key = await makeTestKey({ email: 'primary@wa2.gov.uk' });
    const council = await t.tokenFor('council', { authority: 'WA2' });
    const res = await t.call('POST', '/api/v1/mailboxes/WA2-primary/key', {
      token: council,
      body: { key: key.publicKey },
    });
    expect(res.status).toBe(409);
    expect((await res.json()).detail).toMatch(/GOV\.UK Notify/);
    const ready = await (await t.app.request('/readyz')).json();
    expect(ready.checks.encryption).toMatchObject({ ok: false, missing: ['MAIL_PROVIDER'] });
    const { id } = await createAdvisory(t, admin, {
      audience: { warps: ['wales'] },
      tlp: 'RED',
      requireEncryption: true,
    });
    const preview = await (await t.call('GET', `/api/v1/advisories/${id}/preview`, { token: admin })).json();
    expect(preview.encryption).toMatchObject({ encrypted: 0, headsUp: 3, plain: 0 });
    expect(preview.encryption.note).toMatch(/GOV\.UK Notify/);
  });

  it('sends a RED advisory that requires encryption as a heads-up to every mailbox, keyed or not', async () => {
    const { id } = await createAdvisory(t, admin, {
      audience: { warps: ['wales'] },
      tlp: 'RED',
      title: 'Never in the clear',
      requireEncryption: true,
    });
    await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
    await t.call('POST', `/api/v1/advisories/${id}/approve`, { token: await t.tokenFor('admin') });
    await drain(t);
    const copies = advisoryCopies(t);
    expect(copies).toHaveLength(3);
    for (const copy of copies) {
      expect(copy.subject).toMatch(/a TLP:RED advisory is waiting for you$/);
      expect(copy.text).not.toContain('Never in the clear');
      expect(copy.raw ?? '').not.toContain('Never in the clear');
    }
  });
});
