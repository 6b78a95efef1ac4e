import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, deliveries } from '../../src/db/schema.js';
import { prepareAdvisoryMessages } from '../../src/features/advisories/message.js';
import { signedToken } from '../../src/features/advisories/signing-key.js';
import { browser, titleOf } from '../pages/form-client.js';
import { insertAdvisory, insertDelivery } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { ackPath, seedTrackingWorld } from './tracking-support.js';

let t: TestApp;
let advisory: Awaited<ReturnType<typeof insertAdvisory>>;
let delivery: Awaited<ReturnType<typeof insertDelivery>>;
let link: string;

beforeEach(async () => {
  t = await makeTestApp({ now: '2026-11-30T09:00:00Z' });
  await seedTrackingWorld(t);
  advisory = await insertAdvisory(t.db, { reference: 'NCSC-2026-0001', title: 'Example VPN flaw' });
  delivery = await insertDelivery(t.db, { advisoryId: advisory.id, authorityCode: 'CRF' });
  link = await ackPath(t.deps, delivery.id);
});
afterEach(() => t.close());

async function row() {
  return (await t.db.query.deliveries.findFirst({ where: eq(deliveries.id, delivery.id) }))!;
}

async function ackAudits() {
  return t.db.select().from(auditLog).where(eq(auditLog.action, 'delivery.acknowledge'));
}

describe('the acknowledgement link', () => {
  it('GET shows what it records, with an optional name field and one button, and records nothing', async () => {
    const res = await browser(t).get(link);
    expect(res.status).toBe(200);
    expect(titleOf(res.html)).toMatch(
      /^Acknowledge advisory NCSC-2026-0001: Example VPN flaw for Cardiff Council – /,
    );
    expect(res.html.match(/<h1/g)).toHaveLength(1);
    expect(res.html).toContain(`<form method="post" action="${link}"`);
    expect(res.html).toContain('Your name or team (optional)');
    expect(res.html).toContain('>Acknowledge</button>');
    expect(res.html).toContain('TLP:AMBER');
    expect(res.html).not.toContain('name="_csrf"');
    expect((await row()).acknowledgedAt).toBeNull();
  });

  it('POST records who and when once, without a CSRF field; a second one keeps the first', async () => {
    const first = await browser(t).post(link, { name: '  Cyber\nTeam  ' });
    expect(first.status).toBe(200);
    expect(titleOf(first.html)).toMatch(/^Advisory acknowledged – /);
    expect(first.html).toContain('govuk-panel--confirmation');
    const recorded = await row();
    expect(recorded.acknowledgedAt).toBe(Date.parse('2026-11-30T09:00:00Z'));
    expect(recorded.acknowledgedBy).toBe('Cyber Team');

    t.clock.advance(3 * 3600_000);
    const second = await browser(t).post(link, { name: 'Someone else' });
    expect(second.status).toBe(200);
    expect(titleOf(second.html)).toMatch(/^Advisory already acknowledged – /);
    expect(second.html).toContain('already acknowledged on 30 November 2026 at 9:00am by Cyber Team');
    const kept = await row();
    expect(kept.acknowledgedAt).toBe(Date.parse('2026-11-30T09:00:00Z'));
    expect(kept.acknowledgedBy).toBe('Cyber Team');

    const audits = await ackAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      subjectType: 'delivery',
      subjectId: delivery.id,
      actorRole: 'council',
    });
    expect(audits[0]!.after).toMatchObject({
      reference: 'NCSC-2026-0001',
      authorityCode: 'CRF',
      acknowledgedBy: 'Cyber Team',
    });

    const again = await browser(t).get(link);
    expect(again.html).toContain('already acknowledged on 30 November 2026 at 9:00am');
    expect(again.html).not.toContain('>Acknowledge</button>');
  });

  it('records "mailbox holder" when no name is given, and the acknowledgement shows in the report', async () => {
    await browser(t).post(link, {});
    expect((await row()).acknowledgedBy).toBe('mailbox holder');

    const admin = await t.tokenFor('admin');
    const report = await t.call('GET', `/api/v1/advisories/${advisory.id}/report`, { token: admin });
    const body = (await report.json()) as {
      items: Array<Record<string, unknown>>;
      summary: Record<string, unknown>;
    };
    expect(body.items).toEqual([
      expect.objectContaining({
        authority: 'CRF',
        status: 'delivered',
        acknowledgedAt: '2026-11-30T09:00:00.000Z',
        acknowledgedBy: 'mailbox holder',
      }),
    ]);
    expect(body.summary.councilsAcknowledged).toBe(1);
  });

  it('answers JSON to a client that does not ask for HTML, POSTing with no body at all', async () => {
    const res = await t.app.request(link, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      acknowledgedAt: '2026-11-30T09:00:00.000Z',
      advisory: 'NCSC-2026-0001',
      authority: 'CRF',
      alreadyAcknowledged: false,
    });
    const again = await t.app.request(link, { method: 'POST' });
    expect(await again.json()).toMatchObject({
      acknowledgedAt: '2026-11-30T09:00:00.000Z',
      alreadyAcknowledged: true,
    });
  });

  it('a forged or altered token is a 404 and records nothing', async () => {
    const token = link.slice('/ack/'.length);
    const [id, mac] = token.split('.') as [string, string];
    const flipped = mac.at(-1) === 'A' ? 'B' : 'A';
    const other = await insertDelivery(t.db, { advisoryId: advisory.id, authorityCode: 'NWP' });
    const forged = [
      `${id}.${mac.slice(0, -1)}${flipped}`, // one character of the signature changed
      `${other.id}.${mac}`, // another delivery with this one's signature
      await signedToken(t.deps, 'confirm', delivery.id), // signed for another purpose
      `${id}.${mac}x`,
      'not-a-token',
    ];
    for (const bad of forged) {
      const page = await browser(t).get(`/ack/${bad}`);
      expect(page.status, bad).toBe(404);
      expect(page.html).toContain('This link is not recognised');
      const posted = await browser(t).post(`/ack/${bad}`, { name: 'Mallory' });
      expect(posted.status, bad).toBe(404);
      const api = await t.app.request(`/ack/${bad}`, { method: 'POST' });
      expect(api.status).toBe(404);
      expect(api.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await row()).acknowledgedAt).toBeNull();
    expect(
      (await t.db.query.deliveries.findFirst({ where: eq(deliveries.id, other.id) }))!.acknowledgedAt,
    ).toBeNull();
    expect(await ackAudits()).toHaveLength(0);
  });

  it('still refuses a foreign Origin', async () => {
    const res = await browser(t).post(link, {}, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await row()).acknowledgedAt).toBeNull();
  });

  it('refuses a name over 100 characters with the error summary, recording nothing', async () => {
    const res = await browser(t).post(link, { name: 'x'.repeat(101) });
    expect(res.status).toBe(422);
    expect(titleOf(res.html)).toMatch(/^Error: Acknowledge advisory/);
    expect(res.html).toContain('govuk-error-summary');
    expect(res.html).toContain('Your name or team must be 100 characters or fewer');
    expect((await row()).acknowledgedAt).toBeNull();
  });

  it('a delivery of a cancelled advisory can still be acknowledged', async () => {
    const cancelled = await insertAdvisory(t.db, {
      state: 'cancelled',
      cancelledAt: new Date('2026-11-30T08:00:00Z'),
    });
    const d = await insertDelivery(t.db, { advisoryId: cancelled.id, authorityCode: 'NWP' });
    const res = await browser(t).post(await ackPath(t.deps, d.id), { name: 'Newport SOC' });
    expect(res.status).toBe(200);
    const saved = await t.db.query.deliveries.findFirst({ where: eq(deliveries.id, d.id) });
    expect(saved).toMatchObject({
      acknowledgedBy: 'Newport SOC',
      acknowledgedAt: Date.parse('2026-11-30T09:00:00Z'),
    });
  });

  it('accepts the link exactly as the advisory e-mail carries it', async () => {
    const build = await prepareAdvisoryMessages(t.deps, advisory);
    const message = await build({
      id: delivery.id,
      mailboxId: delivery.mailboxId,
      address: delivery.address,
      mailboxKind: delivery.mailboxKind,
      authorityName: 'Cardiff Council',
    });
    const url = /http:\/\/cyber-contacts\.test(\/ack\/\S+)/.exec(message.text)?.[1];
    expect(url).toBe(link);
    const res = await browser(t).post(url!, {});
    expect(res.status).toBe(200);
    expect((await row()).acknowledgedAt).not.toBeNull();
  });
});
