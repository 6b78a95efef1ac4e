// The chase list for staff: filters by state, nation, region and WARP (the CSV takes the same), who to
// contact and when they were last chased, and "Send a reminder" (to registered addresses that can receive
// it, one a day per council, audited, post/redirect/get back to the same filters). Who may do it.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { importSharedRegister, seedKnownCoverage } from '../coverage/support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { browser } from './form-client.js';

let t: TestApp;
let admin: ReturnType<typeof browser>;
/** Glasgow's pending primary (its address comes from the fixtures' counter). */
let glg = '';

const codesIn = (html: string) => [...html.matchAll(/href="\/authorities\/([A-Z]+)"/g)].map((m) => m[1]);

beforeAll(async () => {
  t = await makeTestApp({ now: '2026-12-01T09:00:00Z' });
  await importSharedRegister(t);
  await seedKnownCoverage(t); // Scotland: GLG pending, ABD awaiting approval; Wales: NWP stale, SWA unreachable (and pending)
  admin = browser(t);
  await admin.signInAs(t.deps, { role: 'admin' });
  glg = (await t.db.query.mailboxes.findFirst({ where: (m, { eq }) => eq(m.authorityCode, 'GLG') }))!.address;
}, 60_000);
afterAll(() => t.close());

describe('the chase list', () => {
  it('filters by nation, region and WARP, and the CSV carries the same rows and the contacts', async () => {
    const scotland = await admin.get('/dashboard/chase?nation=Scotland&bucket=pending');
    expect(codesIn(scotland.html)).toEqual(['GLG']);
    expect(scotland.html).toContain(glg);
    expect(scotland.html).toMatch(/href="tel:\d+">029 2087 2000<\/a>/);
    expect(scotland.html).toContain('<option value="Scotland" selected');
    const csvHref = /href="(\/api\/v1\/coverage\/chase\.csv[^"]*)"/
      .exec(scotland.html)![1]!
      .replaceAll('&amp;', '&');
    expect(csvHref).toBe('/api/v1/coverage/chase.csv?bucket=pending&nation=Scotland');
    const csv = await t.call('GET', csvHref, { token: await t.tokenFor('admin') });
    const rows = parse(await csv.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.code)).toEqual(['GLG']);
    expect(rows[0]!.contacts).toContain(`${glg} (primary, pending; Cyber Security Team; 029 2087 2000)`);
    expect(rows[0]!.lastChasedAt).toBe('');
    const wales = await admin.get('/dashboard/chase?warp=wales');
    expect(codesIn(wales.html)).toContain('NWP');
    expect(codesIn(wales.html)).not.toContain('GLG');
    const region = await admin.get('/dashboard/chase?region=Wales&bucket=stale');
    expect(codesIn(region.html)).toEqual(['NWP']);
    // A value that is not a nation is ignored, not an error.
    expect((await admin.get('/dashboard/chase?nation=Atlantis')).status).toBe(200);
  });

  it('sends a reminder to the addresses a council registered, once a day, and shows when it was chased', async () => {
    await admin.get('/dashboard/chase?nation=Scotland');
    const sent = await admin.send('/dashboard/chase/GLG/remind', {
      back: '/dashboard/chase?nation=Scotland',
    });
    expect(sent.redirectedTo).toBe('/dashboard/chase?nation=Scotland');
    expect(sent.html).toContain(`A reminder is on its way to ${glg}.`);
    const [mail, ...more] = t.mailer.to(glg);
    expect(more).toHaveLength(0);
    expect(mail?.subject).toBe(
      'Action needed: Glasgow City Council’s cyber security mailbox is not confirmed',
    );
    expect(mail?.text).toContain('pending confirmation since');
    expect(mail?.text).toContain('/sign-in');
    const row = sent.html.slice(sent.html.indexOf('href="/authorities/GLG"'));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('1 December 2026');
    const audit = (await t.db.select().from(auditLog)).filter((a) => a.action === 'authority.chase');
    expect(audit).toEqual([
      expect.objectContaining({
        subjectId: 'GLG',
        after: expect.objectContaining({ to: [glg] }),
      }),
    ]);

    // Once a day: the second is refused on the page, and nothing more is sent.
    const again = await admin.send('/dashboard/chase/GLG/remind', {});
    expect(again.status).toBe(429);
    expect(again.html).toContain('govuk-error-summary');
    expect(t.mailer.to(glg)).toHaveLength(1);

    // A registration waiting for approval is not written to: no reminder is offered.
    const abd = await admin.get('/dashboard/chase?nation=Scotland');
    const abdRow = abd.html.slice(abd.html.indexOf('href="/authorities/ABD"'));
    expect(abdRow.slice(0, abdRow.indexOf('</tr>'))).toContain('No address to write to');
    expect(
      (await t.call('POST', '/api/v1/coverage/chase/ABD/remind', { token: await t.tokenFor('admin') }))
        .status,
    ).toBe(409);
  });

  it('lets a WARP operator remind its own members only, and nobody else', async () => {
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const ok = await t.call('POST', '/api/v1/coverage/chase/NWP/remind', { token: wales });
    expect(ok.status).toBe(202);
    const mail = t.mailer.sent.at(-1)!;
    expect(mail.text).toMatch(/^Wales/m);
    expect((await t.call('POST', '/api/v1/coverage/chase/EDH/remind', { token: wales })).status).toBe(404);
    const council = await t.tokenFor('council', { authority: 'GLG' });
    expect((await t.call('POST', '/api/v1/coverage/chase/GLG/remind', { token: council })).status).toBe(403);
    // A council that is confirmed is not on the list.
    expect(
      (await t.call('POST', '/api/v1/coverage/chase/CRF/remind', { token: await t.tokenFor('admin') }))
        .status,
    ).toBe(404);
  });
});
