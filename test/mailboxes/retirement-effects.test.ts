// Retiring or replacing a mailbox ends what hung on it, in the same write: the sessions opened from it,
// and the deliveries not sent to it yet (so a mailbox retired after a release, TLP:RED included, gets
// nothing more, and each stopped delivery says why).
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveries, sessions } from '../../src/db/schema.js';
import { MAILBOX_RETIRED_REPLY } from '../../src/features/advisories/stop-deliveries.js';
import { settleBackground } from '../../src/lib/background.js';
import { drain } from '../advisories/fanout-support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  insertAdvisory,
  insertDelivery,
  insertMailbox,
  insertSession,
  seedCouncils,
} from '../support/fixtures.js';

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

const liveSessions = async (mailboxId: string) =>
  (
    await t.db
      .select()
      .from(sessions)
      .where(eq(sessions.actor, `mailbox:${mailboxId}`))
  ).filter((s) => s.revokedAt === null);

describe('retiring a mailbox', () => {
  it('ends its sessions at once, as a compromised mailbox must', async () => {
    const box = await insertMailbox(t.db, { authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk' });
    await insertSession(t.db, {
      role: 'council',
      authorityCode: 'CRF',
      actor: `mailbox:${box.id}`,
      mailboxId: box.id,
    });
    expect(await liveSessions(box.id)).toHaveLength(1);
    const res = await t.call('DELETE', `/api/v1/mailboxes/${box.id}`, {
      token: admin,
      body: { reason: 'compromised' },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await liveSessions(box.id)).toHaveLength(0);
  });

  it('stops its deliveries not sent yet, with the reason, and sends nothing more to it', async () => {
    const box = await insertMailbox(t.db, { authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk' });
    const advisory = await insertAdvisory(t.db, { tlp: 'RED', state: 'sending' });
    const retrying = await insertDelivery(t.db, {
      advisoryId: advisory.id,
      authorityCode: 'CRF',
      mailboxId: box.id,
      address: box.address,
      status: 'temporary-failure',
      nextAttemptAt: t.clock.now().getTime(),
      deadlineAt: t.clock.now().getTime() + 3_600_000,
    });
    const res = await t.call('DELETE', `/api/v1/mailboxes/${box.id}`, {
      token: admin,
      body: { reason: 'left' },
    });
    expect(res.status).toBe(200);
    const [stopped] = await t.db.select().from(deliveries).where(eq(deliveries.id, retrying.id));
    expect(stopped).toMatchObject({
      status: 'cancelled',
      nextAttemptAt: null,
      lastReply: MAILBOX_RETIRED_REPLY,
    });
    await drain(t);
    expect(t.mailer.sent.filter((m) => m.to === box.address)).toHaveLength(0);
  });
});

describe('replacing a confirmed primary', () => {
  it('ends the old primary’s sessions when the new one is confirmed', async () => {
    const old = await insertMailbox(t.db, { authorityCode: 'CRF', address: 'old@cardiff.gov.uk' });
    await insertSession(t.db, {
      role: 'council',
      authorityCode: 'CRF',
      actor: `mailbox:${old.id}`,
      mailboxId: old.id,
    });
    const res = await t.call('POST', '/api/v1/mailboxes', {
      token: admin,
      body: {
        authority: 'CRF',
        address: 'new@cardiff.gov.uk',
        kind: 'primary',
        team: 'Cyber',
        phone: '029 2087 2000',
      },
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    await settleBackground(t.deps.db);
    const link = /\/confirm\/([A-Za-z0-9_-]+)/.exec(t.mailer.sent.at(-1)?.text ?? '')?.[1];
    expect(link).toBeDefined();
    expect(await liveSessions(old.id)).toHaveLength(1);
    const confirmed = await t.app.request(`/confirm/${link}`, {
      method: 'POST',
      headers: { accept: 'text/html' },
    });
    expect(confirmed.status).toBe(303);
    expect(await liveSessions(old.id)).toHaveLength(0);
  });
});
