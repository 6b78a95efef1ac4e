// Previewing who an advisory reaches, against seeded councils and mailboxes: saved and unsaved, as an
// admin and as a WARP operator, TLP:RED counting confirmed primaries only, and test mode.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { contractExample, type Problem, seedAudience } from './authoring-fixtures.js';

let t: TestApp;
let admin: string;
let wales: string;
beforeEach(async () => {
  t = await makeTestApp();
  await seedAudience(t);
  admin = await t.tokenFor('admin');
  wales = await t.tokenFor('warp', { warp: 'wales' });
});
afterEach(() => t.close());

interface Preview {
  councils: number;
  mailboxes: number;
  warps: string[];
  needsSecondApproval: boolean;
  withoutMailbox: Array<{ code: string; name: string }>;
  testAudience: { name: string; addresses: number } | null;
}

async function draft(token: string, change: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/api/v1/advisories', {
    token,
    body: { ...contractExample(), ...change },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function previewOf(id: string, token = admin) {
  const res = await t.call('GET', `/api/v1/advisories/${id}/preview`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Preview;
}

const codes = (p: Preview) => p.withoutMailbox.map((w) => w.code);

describe('GET /api/v1/advisories/{id}/preview', () => {
  it('counts every current council and its confirmed mailboxes for an NCSC advisory to all', async () => {
    const p = await previewOf(await draft(admin));
    expect(p).toMatchObject({
      councils: 6, // CRF NWP SWA GWY BRI NSH; OLD is former
      mailboxes: 4, // CRF primary + secondary, NWP secondary, BRI primary (pending ones do not count)
      warps: ['(none)', 'south-east', 'wales'],
      needsSecondApproval: true,
      testAudience: null,
    });
    expect(codes(p)).toEqual(['GWY', 'NSH', 'SWA']); // by name: Gwynedd, Newark and Sherwood, Swansea
  });

  it('counts only confirmed primary mailboxes for TLP:RED, and always needs a second admin', async () => {
    const p = await previewOf(await draft(admin, { tlp: 'RED', audience: { authorities: ['CRF', 'NWP'] } }));
    expect(p).toMatchObject({ councils: 2, mailboxes: 1, warps: ['wales'], needsSecondApproval: true });
    expect(codes(p)).toEqual(['NWP']); // its only confirmed mailbox is a secondary
  });

  it('narrows across dimensions and always adds councils named by code', async () => {
    const welshUnitaries = await previewOf(
      await draft(admin, { audience: { nations: ['Wales'], types: ['ua'] } }),
    );
    expect(welshUnitaries).toMatchObject({ councils: 4, mailboxes: 3, warps: ['(none)', 'wales'] });
    expect(welshUnitaries.needsSecondApproval).toBe(false); // councils in no WARP are not a second WARP
    const mixed = await previewOf(
      await draft(admin, { audience: { warps: ['south-east'], authorities: ['CRF'] } }),
    );
    expect(mixed).toMatchObject({
      councils: 3,
      mailboxes: 3,
      warps: ['south-east', 'wales'],
      needsSecondApproval: true,
    });
    expect(codes(mixed)).toEqual(['NSH']);
  });

  it('reaches only its own members when a WARP operator addresses all councils', async () => {
    const id = await draft(wales);
    for (const token of [wales, admin]) {
      const p = await previewOf(id, token);
      expect(p).toMatchObject({ councils: 3, mailboxes: 3, warps: ['wales'], needsSecondApproval: false });
      expect(codes(p)).toEqual(['SWA']);
    }
    const red = await previewOf(await draft(wales, { tlp: 'RED' }), wales);
    expect(red).toMatchObject({ councils: 3, mailboxes: 1, needsSecondApproval: true });
  });

  it('names the test audience in test mode', async () => {
    await t.call('PUT', '/api/v1/test-audiences/soc-team', {
      token: admin,
      body: { addresses: ['soc@ncsc.example.gov.uk', 'duty@ncsc.example.gov.uk'] },
    });
    const p = await previewOf(await draft(admin, { test: true, testAudience: 'soc-team' }));
    expect(p.testAudience).toEqual({ name: 'soc-team', addresses: 2 });
  });

  it('is for staff only, within their scope', async () => {
    const id = await draft(admin);
    const council = await t.tokenFor('council', { authority: 'CRF' });
    expect((await t.call('GET', `/api/v1/advisories/${id}/preview`, { token: council })).status).toBe(403);
    expect((await t.call('GET', `/api/v1/advisories/${id}/preview`, { token: wales })).status).toBe(404);
  });
});

describe('POST /api/v1/advisories/preview (not saved)', () => {
  const preview = (token: string, body: unknown) =>
    t.call('POST', '/api/v1/advisories/preview', { token, body });

  it('previews an audience and TLP label before anything is saved', async () => {
    const res = await preview(admin, { audience: { nations: ['Wales'] }, tlp: 'AMBER' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ councils: 4, mailboxes: 3, warps: ['(none)', 'wales'] });
    const red = (await (await preview(admin, { audience: { all: true }, tlp: 'RED' })).json()) as Preview;
    expect(red).toMatchObject({ councils: 6, mailboxes: 2, needsSecondApproval: true });
    expect(codes(red)).toEqual(['GWY', 'NSH', 'NWP', 'SWA']);
  });

  it('refuses a WARP operator addressing anyone outside its WARP, and shows it only its members for all', async () => {
    const outside = await preview(wales, { audience: { authorities: ['BRI'] }, tlp: 'AMBER' });
    expect(outside.status).toBe(403);
    expect(((await outside.json()) as Problem).detail).toContain('BRI');
    expect((await preview(wales, { audience: { warps: ['south-east'] }, tlp: 'AMBER' })).status).toBe(403);
    const all = (await (await preview(wales, { audience: { all: true }, tlp: 'AMBER' })).json()) as Preview;
    expect(all).toMatchObject({ councils: 3, warps: ['wales'] });
  });

  it('validates its input like a draft', async () => {
    const res = await preview(admin, { audience: {}, tlp: 'PURPLE' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).errors?.map((e) => e.path).sort()).toEqual(['audience', 'tlp']);
    const council = await t.tokenFor('council', { authority: 'CRF' });
    expect((await preview(council, { audience: { all: true }, tlp: 'AMBER' })).status).toBe(403);
  });
});
