// The drill pages: the list in the staff navigation, the form with check your answers before anything is
// saved, the drill page with its report tables, start and cancel buttons, and who may see them.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drills } from '../../src/db/schema.js';
import { browser, titleOf } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { ackPathIn, runJob, schedule, seedPaths } from './support.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await seedPaths(t);
});
afterEach(() => t.close());

const form = {
  who: 'some',
  audience: 'nation:Wales',
  startDay: '',
  startMonth: '',
  startYear: '',
  startTime: '',
  windowHours: '24',
  recurrence: 'quarterly',
};

describe('drill pages', () => {
  it('an admin schedules a drill through the form, checks it, and sees its report', async () => {
    const admin = browser(t);
    await admin.signInAs(t.deps, { role: 'admin' });
    const list = await admin.get('/drills');
    expect(list.status).toBe(200);
    expect(list.html).toContain('href="/drills"');
    expect(list.html).toContain('No drills yet.');

    const shown = await admin.get('/drills/new');
    expect(titleOf(shown.html)).toContain('Schedule a drill');
    // Errors come back on the form, nothing saved.
    const wrong = await admin.submit('/drills/check', { ...form, audience: 'planet:Mars' });
    expect(wrong.status).toBe(422);
    expect(wrong.html).toContain('govuk-error-summary');
    expect(wrong.html).toContain('planet:Mars');

    const check = await admin.submit('/drills/check', form);
    expect(check.status).toBe(200);
    expect(titleOf(check.html)).toContain('Check the drill before you schedule it');
    expect(check.html).toContain('2 of 2 have a confirmed path');
    expect(check.html).toContain('5 (4 e-mails, 1 text)');
    expect(await t.db.select().from(drills)).toEqual([]);

    const saved = await admin.send('/drills/new', form);
    expect(saved.redirectedTo).toMatch(/^\/drills\//);
    expect(saved.html).toContain('Drill DRILL-2026-0001 scheduled');
    expect(saved.html).toContain('Start it now');
    const started = await admin.send(`${saved.redirectedTo}/start`);
    expect(started.html).toContain('started: 5 messages on their way');

    // Cardiff answers by e-mail.
    await t.call('POST', ackPathIn(t.mailer.to('cyber@cardiff.gov.uk')[0]!.text));
    const page = await admin.get(saved.redirectedTo!);
    for (const text of [
      'Report so far',
      'By nation',
      'By WARP',
      'By council type',
      'Councils that never answered (1)',
      'Newport City Council (NWP)',
      'No path failed.',
      '+447700900123',
      'report.csv',
    ])
      expect(page.html).toContain(text);
    const listed = await admin.get('/drills');
    expect(listed.html).toContain('DRILL-2026-0001');
    expect(listed.html).toContain('DRILL-2026-0002'); // its quarterly successor
  });

  it('a WARP operator sees its own drills with masked numbers, not the NCSC’s; cancels before the start', async () => {
    const adminToken = await t.tokenFor('admin');
    const ncsc = await schedule(t, adminToken, { audience: { all: true } });
    const op = browser(t);
    await op.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
    await op.get('/drills/new');
    const saved = await op.send('/drills/new', { ...form, who: 'all', audience: '' });
    expect(saved.redirectedTo).toMatch(/^\/drills\//);
    const id = saved.redirectedTo!.split('/')[2]!;
    const [row] = await t.db.select().from(drills).where(eq(drills.id, id));
    expect(row!.audience).toEqual({ warps: ['wales'] });
    expect((await op.get(`/drills/${ncsc.id}`)).status).toBe(404);
    const list = await op.get('/drills');
    expect(list.html).not.toContain(ncsc.reference);

    // Outside its WARP: refused on the form, nothing saved.
    const refused = await op.submit('/drills/check', { ...form, audience: 'warp:london' });
    expect(refused.status).toBe(422);
    expect(await t.db.select().from(drills)).toHaveLength(2);

    await runJob(t);
    const page = await op.get(`/drills/${id}`);
    expect(page.html).toContain('07••• •••123');
    expect(page.html).not.toContain('+447700900123');

    const later = await schedule(t, adminToken, {
      audience: { all: true },
      scheduledFor: '2026-12-25T09:00:00Z',
    });
    const admin = browser(t);
    await admin.signInAs(t.deps, { role: 'admin' });
    await admin.get(`/drills/${later.id}`);
    const cancelled = await admin.send(`/drills/${later.id}/cancel`);
    expect(cancelled.html).toContain(`Drill ${later.reference} cancelled`);
  });

  it('takes the start as a GOV.UK date and a 24-hour time in UK time, and says what is wrong with one', async () => {
    const admin = browser(t);
    await admin.signInAs(t.deps, { role: 'admin' });
    await admin.get('/drills/new');
    const bad = await admin.submit('/drills/check', {
      ...form,
      startDay: '31',
      startMonth: '4',
      startYear: '2027',
      startTime: '09:30',
    });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('The start must be a real date');
    expect(bad.html).toContain('href="#start-day"');
    expect(bad.html).toContain('value="31"');
    const noTime = await admin.submit('/drills/check', {
      ...form,
      startDay: '1',
      startMonth: '4',
      startYear: '2027',
    });
    expect(noTime.html).toContain('Enter the time it starts, like 09:30');
    // 1 April 2027 09:30 in London is British Summer Time: 08:30 UTC.
    const check = await admin.submit('/drills/check', {
      ...form,
      startDay: '1',
      startMonth: '4',
      startYear: '2027',
      startTime: '9.30',
    });
    expect(check.status).toBe(200);
    expect(check.html).toContain('1 April 2027 at 9:30am');
    const done = await admin.send('/drills/new', {
      ...form,
      startDay: '1',
      startMonth: '4',
      startYear: '2027',
      startTime: '9.30',
    });
    const id = /\/drills\/([0-9a-z]+)/.exec(done.redirectedTo ?? '')?.[1];
    const [row] = await t.db
      .select()
      .from(drills)
      .where(eq(drills.id, id ?? ''));
    expect(row?.scheduledFor.toISOString()).toBe('2027-04-01T08:30:00.000Z');
  });

  it('a council session sees no drill page, only its acknowledgement link', async () => {
    const adminToken = await t.tokenFor('admin');
    const drill = await schedule(t, adminToken, { audience: { authorities: ['CRF'] } });
    await runJob(t);
    const council = browser(t);
    await council.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
    for (const path of ['/drills', `/drills/${drill.id}`, '/drills/new'])
      expect((await council.get(path)).status).toBe(403);
    expect((await council.get('/account')).html).not.toContain('href="/drills"');
    const ack = await council.get(ackPathIn(t.mailer.to('cyber@cardiff.gov.uk')[0]!.text));
    expect(ack.status).toBe(200);
    expect(ack.html).toContain('This is an exercise, not a security advisory');
  });
});
