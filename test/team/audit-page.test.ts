// The audit-log page (admins): filters by actor, subject, action and dates, pages by keyset, and downloads
// the filtered set as CSV with formulas made inert. Nobody else sees it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { type Browser, browser, titleOf } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedCouncils } from '../support/fixtures.js';

let t: TestApp;
let admin: Browser;

const entry = (n: number, overrides: Partial<typeof auditLog.$inferInsert> = {}) => ({
  at: new Date(Date.UTC(2026, 10, 1 + (n % 28), 12)),
  actor: n % 2 ? 'staff:alice@ncsc.gov.uk' : 'token:robot',
  actorRole: 'admin',
  action: n % 3 ? 'mailbox.approve' : 'staff.disable',
  subjectType: n % 3 ? 'mailbox' : 'staff',
  subjectId: `subject-${n}`,
  before: null,
  after: { n },
  requestId: null,
  ip: '192.0.2.1',
  ...overrides,
});

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  await t.db.insert(auditLog).values(Array.from({ length: 120 }, (_, i) => entry(i + 1)));
  admin = browser(t);
  await admin.signInAs(t.deps, { role: 'admin' });
});
afterEach(() => t.close());

/** The seeded subjects in the page's table, in order. */
const rowsOf = (html: string) =>
  (html.slice(html.indexOf('<table')).match(/subject-\d+/g) ?? []).filter(
    (s, i, all) => all.indexOf(s) === i,
  );

describe('GET /audit', () => {
  it('shows the newest entries first, 50 a page, and older pages by keyset', async () => {
    const first = await admin.get('/audit');
    expect(first.status).toBe(200);
    expect(titleOf(first.html)).toMatch(/^Audit log/);
    const shown = rowsOf(first.html);
    expect(shown[0]).toBe('subject-120');
    expect(shown).toHaveLength(49); // and the entry of the admin's sign-in token
    const next = /href="(\/audit\?before=\d+)"/.exec(first.html)?.[1];
    expect(next).toBeTruthy();
    // An entry added meanwhile does not shift the next page.
    await t.db.insert(auditLog).values(entry(500));
    const second = await admin.get(next!.replaceAll('&amp;', '&'));
    expect(rowsOf(second.html)[0]).toBe('subject-71');
    expect(rowsOf(second.html)).toHaveLength(50);
  });

  it('filters by actor, subject type, subject, action and dates, and keeps the filters in its links', async () => {
    const res = await admin.get(
      '/audit?actor=ALICE&action=staff.disable&subjectType=staff&fromDay=3&fromMonth=11&fromYear=2026&toDay=10&toMonth=11&toYear=2026',
    );
    const shown = rowsOf(res.html);
    // Odd n (alice), multiple of 3 (staff.disable), on 3 to 10 November: n % 28 in 2..9.
    const expected = Array.from({ length: 120 }, (_, i) => i + 1)
      .filter((n) => n % 2 === 1 && n % 3 === 0 && n % 28 >= 2 && n % 28 <= 9)
      .sort((a, b) => b - a)
      .map((n) => `subject-${n}`);
    expect(shown).toEqual(expected);
    expect(res.html).toContain('value="ALICE"');
    expect(res.html).toContain('href="/audit.csv?actor=ALICE&amp;subjectType=staff&amp;action=staff.disable');
    const bySubject = await admin.get('/audit?subject=subject-11');
    expect(rowsOf(bySubject.html)).toEqual([
      'subject-119',
      'subject-118',
      'subject-117',
      'subject-116',
      'subject-115',
      'subject-114',
      'subject-113',
      'subject-112',
      'subject-111',
      'subject-110',
      'subject-11',
    ]);
  });

  it('says when a date is not a real date', async () => {
    const res = await admin.get('/audit?fromDay=31&fromMonth=2&fromYear=2026&toDay=1&toMonth=1&toYear=2026');
    expect(res.status).toBe(422);
    expect(titleOf(res.html)).toMatch(/^Error: /);
    expect(res.html).toContain('<a href="#from-day">The “from” date must be a real date');
    const backwards = await admin.get(
      '/audit?fromDay=5&fromMonth=1&fromYear=2026&toDay=1&toMonth=1&toYear=2026',
    );
    expect(backwards.html).toContain('<a href="#to-day">The “to” date must be the same as or after');
  });

  it('is for admins only', async () => {
    const warp = browser(t);
    await warp.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
    expect((await warp.get('/audit')).status).toBe(403);
    expect((await warp.get('/audit.csv')).status).toBe(403);
    const council = browser(t);
    await council.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
    expect((await council.get('/audit')).status).toBe(403);
    const anonymous = browser(t);
    expect((await anonymous.get('/audit')).status).not.toBe(200);
    expect((await anonymous.get('/audit.csv')).status).not.toBe(200);
  });
});

describe('GET /audit.csv', () => {
  it('holds the filtered set, every page of it, with formulas made inert', async () => {
    await t.db
      .insert(auditLog)
      .values(entry(999, { actor: 'staff:=cmd|calc@evil.example', subjectId: '=HYPERLINK("x")' }));
    const all = await admin.get('/audit.csv');
    expect(all.status).toBe(200);
    const lines = all.html.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,actor_role,action,subject_type,subject_id,before,after,request_id,ip');
    // The header, then every entry: the seeded 121 and the admin's sign-in token.
    expect(lines).toHaveLength(1 + 121 + 1);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
    const filtered = await admin.get('/audit.csv?action=staff.disable&actor=robot');
    const rows = filtered.html.trimEnd().split('\r\n').slice(1);
    expect(rows).toHaveLength(
      Array.from({ length: 120 }, (_, i) => i + 1).filter((n) => n % 2 === 0 && n % 3 === 0).length,
    );
    expect(rows.every((r) => r.includes(',token:robot,admin,staff.disable,staff,'))).toBe(true);
    // A program with an admin token downloads it too; a WARP token does not.
    const byToken = await t.call('GET', '/audit.csv?action=staff.disable', {
      token: await t.tokenFor('admin'),
    });
    expect(byToken.status).toBe(200);
    expect(byToken.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const warp = await t.call('GET', '/audit.csv', { token: await t.tokenFor('warp', { warp: 'wales' }) });
    expect(warp.status).toBe(403);
  });
});
