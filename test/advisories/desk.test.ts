// The advisory desk's API: one view of the deliveries at a time with counts, failures first, reasons in
// plain English, search, paging and the CSV of a view; each caller sees only their scope. The e-mail
// preview and "send a test to me" are for the advisory's author only.
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { TESTS_PER_HOUR } from '../../src/features/advisories/advisory-email.js';
import { reportColumns } from '../../src/features/advisories/report-csv.js';
import { createToken } from '../../src/features/auth/tokens.js';
import { insertAdvisory, insertDelivery, insertStaff, insertWarp } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createAdvisory, seedFanOut } from './fanout-support.js';

let t: TestApp;
let admin: string;
let advisoryId: string;
const HOUR = 3600_000;

beforeEach(async () => {
  t = await makeTestApp();
  await seedFanOut(t); // wales: WA0–WA2, london: LO0–LO2
  admin = await t.tokenFor('admin');
  const now = t.deps.clock.now().getTime();
  const a = await insertAdvisory(t.db, { state: 'sending', sentAt: null });
  advisoryId = a.id;
  const row = (authorityCode: string, over: Record<string, unknown>) =>
    insertDelivery(t.db, { advisoryId, authorityCode, createdAt: now - HOUR, ...over });
  await row('WA0', { status: 'delivered', acknowledgedAt: now, acknowledgedBy: 'Wales SOC' });
  await row('WA1', {
    status: 'permanent-failure',
    lastCode: 550,
    lastReply: '550 5.1.1 <cyber@wa1.gov.uk>: Recipient address rejected: User unknown',
    failedAt: now - HOUR / 2,
  });
  await row('WA2', {
    status: 'temporary-failure',
    attempts: 3,
    lastCode: 451,
    lastReply: '451 4.7.1 Greylisted, try again later',
    nextAttemptAt: now + HOUR,
  });
  await row('LO0', { status: 'delivered' });
  await row('LO1', {
    status: 'technical-failure',
    lastReply: 'our mail server refused to send at MAIL FROM: 553 5.7.1 Sender address rejected',
    nextAttemptAt: null,
    failedAt: now - HOUR / 4,
  });
  await row('LO2', { status: 'created', nextAttemptAt: now });
});
afterEach(() => t.close());

const list = async (query: string, token = admin) => {
  const res = await t.call('GET', `/api/v1/advisories/${advisoryId}/deliveries${query}`, { token });
  return { status: res.status, body: await res.json() };
};

describe('the deliveries of an advisory, one view at a time', () => {
  it('counts each view and lists failures first, each with its reason in plain English', async () => {
    const { status, body } = await list('');
    expect(status).toBe(200);
    expect(body.counts).toEqual({
      all: 6,
      trying: 2,
      delivered: 2,
      failed: 2,
      acknowledged: 1,
      'not-acknowledged': 1,
      cancelled: 0,
    });
    expect(body.councils).toBe(6);
    expect(body.councilsAcknowledged).toBe(1);
    expect(body.nextAttemptAt).toBe(new Date(t.deps.clock.now().getTime() + HOUR).toISOString());
    expect(body.items.map((i: { authority: string }) => i.authority)).toEqual([
      'LO1',
      'WA1',
      'WA2',
      'LO2',
      'LO0',
      'WA0',
    ]);
    const reasons = Object.fromEntries(
      body.items.map((i: { authority: string; reason: string }) => [i.authority, i.reason]),
    );
    expect(reasons.WA1).toBe('The mailbox does not exist');
    expect(reasons.WA2).toBe(
      'The council’s mail server is refusing mail for now (greylisting): we keep trying',
    );
    expect(reasons.LO1).toMatch(/^A fault on our side .*not the council’s: we stopped trying$/);
    expect(reasons.WA0).toBe('The council’s mail server accepted it');
  });

  it('shows one view, searches by name, code or address (literally), and pages', async () => {
    const failed = (await list('?view=failed')).body;
    expect(failed.total).toBe(2);
    expect(failed.items.map((i: { status: string }) => i.status).sort()).toEqual([
      'permanent-failure',
      'technical-failure',
    ]);
    expect(
      (await list('?view=not-acknowledged')).body.items.map((i: { authority: string }) => i.authority),
    ).toEqual(['LO0']);
    expect((await list('?view=trying')).body.items.map((i: { authority: string }) => i.authority)).toEqual([
      'WA2',
      'LO2',
    ]);
    expect(
      (await list('?q=london%20council%201')).body.items.map((i: { authority: string }) => i.authority),
    ).toEqual(['LO1']);
    expect((await list('?q=wa2')).body.items.map((i: { authority: string }) => i.authority)).toEqual(['WA2']);
    expect((await list('?q=%40lo0.gov')).body.total).toBe(1);
    expect((await list('?q=%25')).body.total).toBe(0); // a % is a percent sign, not a wildcard
    // The counts stay those of the whole advisory whatever the search.
    expect((await list('?q=wa2')).body.counts.all).toBe(6);
    const page = (await list('?limit=2&offset=2')).body;
    expect(page.total).toBe(6);
    expect(page.items.map((i: { authority: string }) => i.authority)).toEqual(['WA2', 'LO2']);
    expect((await list('?view=nope')).status).toBe(422);
    expect((await list('?limit=0')).status).toBe(422);
  });

  it('downloads the view shown as CSV, with the report’s columns', async () => {
    const res = await t.call('GET', `/api/v1/advisories/${advisoryId}/report.csv?view=failed`, {
      token: admin,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe(reportColumns.join(','));
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.authority)).toEqual(['LO1', 'WA1']);
    const searched = await t.call('GET', `/api/v1/advisories/${advisoryId}/report.csv?q=WA0`, {
      token: admin,
    });
    expect((parse(await searched.text(), { columns: true }) as unknown[]).length).toBe(1);
  });

  it('shows a WARP operator only its members, a council only its own, and nobody else anything', async () => {
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const mine = (await list('', wales)).body;
    expect(mine.counts.all).toBe(3);
    expect(mine.items.map((i: { authority: string }) => i.authority).sort()).toEqual(['WA0', 'WA1', 'WA2']);
    const csv = await t.call('GET', `/api/v1/advisories/${advisoryId}/report.csv?view=all&q=o`, {
      token: wales,
    });
    expect(await csv.text()).not.toContain('lo1.gov.uk');
    const council = await t.tokenFor('council', { authority: 'LO0' });
    const own = (await list('', council)).body;
    expect(own.items.map((i: { authority: string }) => i.authority)).toEqual(['LO0']);
    expect(own.counts.all).toBe(1);
    // A WARP none of whose members it reached, and a council it did not reach, do not know it exists.
    await insertWarp(t.db, { id: 'north', name: 'North', region: 'north' });
    expect((await list('', await t.tokenFor('warp', { warp: 'north' }))).status).toBe(404);
    expect((await t.call('GET', `/api/v1/advisories/${advisoryId}/deliveries`)).status).toBe(401);
  });
});

describe('the e-mail preview and a test to yourself', () => {
  /** An API token a staff member made while signed in: it stands for them. */
  async function staffToken(address: string, role: 'admin' | 'warp' = 'admin', warpId?: string) {
    await insertStaff(t.db, [address], { role, warpId });
    const principal = {
      actor: `staff:${address}`,
      label: address,
      role,
      warpId: warpId ?? null,
      authorityCode: null,
      via: 'session' as const,
    };
    const created = await createToken(t.deps, { principal }, { name: `${address}'s token`, role, warpId });
    return created.token;
  }

  it('previews the e-mail exactly as the template renders it, for the author only', async () => {
    const { id } = await createAdvisory(t, admin, { title: 'Patch the VPN <now>', tlp: 'RED' });
    const res = await t.call('GET', `/api/v1/advisories/${id}/email`, { token: admin });
    expect(res.status).toBe(200);
    const email = await res.json();
    expect(email.subject).toMatch(/^\[TLP:RED\] NCSC-\d{4}-\d{4}: Patch the VPN <now>$/);
    expect(email.html).toContain('Patch the VPN &lt;now&gt;');
    expect(email.text).toContain('END OF TLP:RED CONTENT');
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    expect((await t.call('GET', `/api/v1/advisories/${id}/email`, { token: wales })).status).toBe(404);
    const council = await t.tokenFor('council', { authority: 'WA0' });
    expect((await t.call('GET', `/api/v1/advisories/${id}/email`, { token: council })).status).toBe(403);
  });

  it('sends one copy marked TEST to the staff member’s own address, audited, and at most 10 an hour', async () => {
    const { id } = await createAdvisory(t, admin, { tlp: 'RED' });
    const session = await staffToken('duty@ncsc.gov.uk');
    const sent = await t.call('POST', `/api/v1/advisories/${id}/test`, { token: session });
    expect(sent.status).toBe(202);
    expect((await sent.json()).to).toBe('duty@ncsc.gov.uk');
    const [copy, ...more] = t.mailer.to('duty@ncsc.gov.uk');
    expect(more).toHaveLength(0);
    expect(copy?.subject).toMatch(/^\[TLP:RED\] \[TEST\] /);
    expect(copy?.text).toContain('THIS IS A TEST MESSAGE');
    expect(copy?.text).not.toContain('/ack/');
    // Nobody else got anything, and the advisory is still a draft.
    expect(t.mailer.sent.filter((m) => m.to !== 'duty@ncsc.gov.uk')).toHaveLength(0);
    expect((await (await t.call('GET', `/api/v1/advisories/${id}`, { token: admin })).json()).state).toBe(
      'draft',
    );
    const audit = await t.db.select().from(auditLog);
    expect(audit.filter((a) => a.action === 'advisory.test-sent')).toEqual([
      expect.objectContaining({
        actor: expect.stringMatching(/^token:/),
        subjectId: id,
        after: { to: 'duty@ncsc.gov.uk' },
      }),
    ]);
    for (let i = 1; i < TESTS_PER_HOUR; i++)
      expect((await t.call('POST', `/api/v1/advisories/${id}/test`, { token: session })).status).toBe(202);
    const limited = await t.call('POST', `/api/v1/advisories/${id}/test`, { token: session });
    expect(limited.status).toBe(429);
    expect(t.mailer.to('duty@ncsc.gov.uk')).toHaveLength(TESTS_PER_HOUR);
  });

  it('refuses a test to a caller with no staff address, and to anyone but the author', async () => {
    const { id } = await createAdvisory(t, admin);
    const noAddress = await t.call('POST', `/api/v1/advisories/${id}/test`, { token: admin });
    expect(noAddress.status).toBe(409);
    expect((await noAddress.json()).detail).toMatch(/sign in with your staff account/);
    const otherWarp = await staffToken('ops@wales-warp.gov.uk', 'warp', 'wales');
    expect((await t.call('POST', `/api/v1/advisories/${id}/test`, { token: otherWarp })).status).toBe(404);
    const council = await t.tokenFor('council', { authority: 'WA0' });
    expect((await t.call('POST', `/api/v1/advisories/${id}/test`, { token: council })).status).toBe(403);
    expect(t.mailer.sent).toHaveLength(0);
  });
});
