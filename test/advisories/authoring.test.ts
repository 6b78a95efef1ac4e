// Composing advisories through the API: the contract, validation, the WARP boundary, scope, editing,
// threading of updates and cancellations, and test audiences.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advisories } from '../../src/db/schema.js';
import { insertAdvisory, insertDelivery } from '../support/advisory-factories.js';
import type { RequestBody } from '../support/api-client.js';
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

type Advisory = Record<string, unknown> & { id: string; reference: string; state: string; threadId: string };

async function create(token: string, body: Record<string, unknown>) {
  const res = await t.call('POST', '/api/v1/advisories', { token, body });
  return {
    status: res.status,
    json: (await res.json()) as Advisory & Problem,
    type: res.headers.get('content-type'),
  };
}

describe('POST /api/v1/advisories', () => {
  it('answers the contract example with 201 and a draft, numbered per year, audited', async () => {
    const first = await create(admin, contractExample());
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      state: 'draft',
      kind: 'advisory',
      reference: 'NCSC-2026-0001',
      parentId: null,
      warp: null,
      title: 'Critical vulnerability in Example VPN appliances',
      severity: 'critical',
      tlp: 'AMBER',
      cves: ['CVE-2026-12345'],
      audience: { all: true },
      test: false,
      testAudience: null,
      needsSecondApproval: false,
      createdAt: '2026-11-30T09:00:00.000Z',
    });
    expect(first.json.threadId).toBe(first.json.id);
    expect(first.json.bodyHtml).toContain('<h2>What to do</h2>');
    const second = await create(admin, contractExample());
    expect(second.json.reference).toBe('NCSC-2026-0002');

    const audit = await t.call('GET', `/api/v1/audit?subjectType=advisory&subjectId=${first.json.id}`, {
      token: admin,
    });
    const entries = (
      (await audit.json()) as { items: Array<{ action: string; after: Record<string, unknown> }> }
    ).items;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'advisory.create',
      after: { reference: 'NCSC-2026-0001', tlp: 'AMBER' },
    });
  });

  it('fills in the optional lists, normalises CVE ids and keeps a chosen reference unique', async () => {
    const { cves: _c, references: _r, test: _t, ...minimal } = contractExample();
    const made = await create(admin, { ...minimal, reference: 'NCSC-2026-0500' });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ reference: 'NCSC-2026-0500', cves: [], references: [], test: false });
    const next = await create(admin, { ...contractExample(), cves: ['cve-2026-0001', 'CVE-2026-0001'] });
    expect(next.json).toMatchObject({ reference: 'NCSC-2026-0501', cves: ['CVE-2026-0001'] });
    const clash = await create(admin, { ...minimal, reference: 'NCSC-2026-0500' });
    expect(clash.status).toBe(409);
    expect(clash.json.errors?.[0]?.path).toBe('reference');
  });

  const long = (n: number) => 'x'.repeat(n);
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['no title', { title: undefined }, 'title'],
    ['a blank title', { title: '   ' }, 'title'],
    ['a title over 200 characters', { title: long(201) }, 'title'],
    ['a line break in the title', { title: 'Patch now\r\nBcc: everyone@example.com' }, 'title'],
    ['a control character in the summary', { summary: 'Patch\u0007 now' }, 'summary'],
    ['a summary over 1,000 characters', { summary: long(1001) }, 'summary'],
    ['an empty body', { body: '' }, 'body'],
    ['a body over 100 KB', { body: long(100 * 1024 + 1) }, 'body'],
    ['an unknown severity', { severity: 'urgent' }, 'severity'],
    ['an unknown TLP label', { tlp: 'AMBER-STRICT' }, 'tlp'],
    ['a malformed CVE id', { cves: ['CVE-26-1'] }, 'cves.0'],
    ['too many CVE ids', { cves: Array.from({ length: 501 }, (_, i) => `CVE-2026-${10000 + i}`) }, 'cves'],
    ['a javascript: reference', { references: ['javascript:alert(1)'] }, 'references.0'],
    ['an ftp reference', { references: ['https://ok.example/', 'ftp://files.example/x'] }, 'references.1'],
    ['an empty audience', { audience: {} }, 'audience'],
    ['an audience of nobody', { audience: { all: false, nations: [] } }, 'audience'],
    ['an unknown audience dimension', { audience: { counties: ['Kent'] } }, 'audience'],
    ['a malformed council code', { audience: { authorities: ['C R F'] } }, 'audience.authorities.0'],
    ['an unknown field', { colour: 'red' }, '(body)'],
    ['test mode without a test audience', { test: true }, 'testAudience'],
    ['a test audience outside test mode', { testAudience: 'soc-team' }, 'test'],
    ['a malformed reference', { reference: 'ncsc 1' }, 'reference'],
    ['a council that does not exist', { audience: { authorities: ['ZZZ'] } }, 'audience.authorities'],
    ['a former council', { audience: { authorities: ['OLD'] } }, 'audience.authorities'],
    ['a WARP that does not exist', { audience: { warps: ['atlantis'] } }, 'audience.warps'],
    ['a test audience that does not exist', { test: true, testAudience: 'nobody' }, 'testAudience'],
  ];
  it.each(cases)('refuses %s with 422 problem+json naming the field', async (_name, change, path) => {
    const res = await create(admin, { ...contractExample(), ...change });
    expect(res.status).toBe(422);
    expect(res.type).toContain('application/problem+json');
    expect(res.json.code).toBe('validation_failed');
    expect(res.json.errors?.map((e) => e.path)).toContain(path);
  });

  it('lets a WARP operator write for its own members only (403 for anyone else)', async () => {
    const outsider = await create(wales, { ...contractExample(), audience: { authorities: ['CRF', 'BRI'] } });
    expect(outsider.status).toBe(403);
    expect(outsider.json.detail).toContain('BRI');
    const otherWarp = await create(wales, { ...contractExample(), audience: { warps: ['south-east'] } });
    expect(otherWarp.status).toBe(403);
    const noWarp = await create(wales, { ...contractExample(), audience: { authorities: ['GWY'] } });
    expect(noWarp.status).toBe(403);

    const own = await create(wales, {
      ...contractExample(),
      audience: { warps: ['wales'], authorities: ['CRF'] },
    });
    expect(own.status).toBe(201);
    expect(own.json).toMatchObject({ warp: 'wales', reference: 'WALES-2026-0001', state: 'draft' });
    const all = await create(wales, contractExample());
    expect(all.json.reference).toBe('WALES-2026-0002');
    // A WARP cannot pass its advisory off as the NCSC's.
    const forged = await create(wales, { ...contractExample(), reference: 'NCSC-2026-0099' });
    expect(forged.status).toBe(422);
    expect(forged.json.errors?.[0]?.path).toBe('reference');
  });

  it('refuses councils and inbound tokens', async () => {
    const council = await t.tokenFor('council', { authority: 'CRF' });
    const inbound = await t.tokenFor('inbound');
    expect((await create(council, contractExample())).status).toBe(403);
    expect((await create(inbound, contractExample())).status).toBe(403);
    expect((await t.call('POST', '/api/v1/advisories', { body: contractExample() })).status).toBe(401);
  });

  it('escapes raw HTML and drops javascript: links in bodyHtml', async () => {
    const made = await create(admin, {
      ...contractExample(),
      body: 'Hello <script>alert(1)</script>\n\n[click](javascript:alert(2)) and [ok](https://www.ncsc.gov.uk/)',
    });
    expect(made.status).toBe(201);
    const html = String(made.json.bodyHtml);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('<a href="https://www.ncsc.gov.uk/">ok</a>');
  });
});

describe('reading advisories within scope', () => {
  it('shows admins everything, a WARP its own, and a council only what was sent to it (never drafts)', async () => {
    const draft = (await create(admin, contractExample())).json;
    const walesDraft = (await create(wales, contractExample())).json;
    const sent = await insertAdvisory(t.db, { title: 'Sent to Cardiff', tlp: 'GREEN' });
    await insertDelivery(t.db, { advisoryId: sent.id, authorityCode: 'CRF' });
    // A draft with a stray delivery row is still a draft.
    await insertDelivery(t.db, { advisoryId: draft.id, authorityCode: 'CRF', status: 'created' });

    const list = async (token: string, query = '') => {
      const res = await t.call('GET', `/api/v1/advisories${query}`, { token });
      expect(res.status).toBe(200);
      return (await res.json()) as { items: Advisory[]; total: number; limit: number; offset: number };
    };
    expect((await list(admin)).total).toBe(3);
    // A WARP lists its own advisories and the NCSC advisories that reached its members (Cardiff is Welsh).
    expect((await list(wales)).items.map((a) => a.id)).toEqual([walesDraft.id, sent.id]);

    const cardiff = await t.tokenFor('council', { authority: 'CRF' });
    const brighton = await t.tokenFor('council', { authority: 'BRI' });
    expect((await list(cardiff)).items.map((a) => a.id)).toEqual([sent.id]);
    expect((await list(brighton)).total).toBe(0);

    expect((await t.call('GET', `/api/v1/advisories/${sent.id}`, { token: cardiff })).status).toBe(200);
    expect((await t.call('GET', `/api/v1/advisories/${sent.id}`, { token: brighton })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/advisories/${draft.id}`, { token: cardiff })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/advisories/${draft.id}`, { token: wales })).status).toBe(404);
    const one = await t.call('GET', `/api/v1/advisories/${walesDraft.id}`, { token: wales });
    expect(await one.json()).toMatchObject({ id: walesDraft.id, state: 'draft', warp: 'wales' });
  });

  it('filters by state, TLP label and test mode, and pages', async () => {
    await t.call('PUT', '/api/v1/test-audiences/soc-team', {
      token: admin,
      body: { addresses: ['soc@ncsc.example.gov.uk'] },
    });
    for (const tlp of ['AMBER', 'RED', 'CLEAR']) await create(admin, { ...contractExample(), tlp });
    await create(admin, { ...contractExample(), test: true, testAudience: 'soc-team' });
    await insertAdvisory(t.db, { tlp: 'RED' });
    const get = async (query: string) =>
      (await (await t.call('GET', `/api/v1/advisories?${query}`, { token: admin })).json()) as {
        items: Advisory[];
        total: number;
        limit: number;
        offset: number;
      };
    expect((await get('state=draft')).total).toBe(4);
    expect((await get('state=sent')).total).toBe(1);
    expect((await get('tlp=RED')).total).toBe(2);
    expect((await get('tlp=RED&state=draft')).total).toBe(1);
    expect((await get('test=true')).total).toBe(1);
    expect((await get('test=false')).total).toBe(4);
    const page = await get('limit=2&offset=2');
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 2 });
    expect(page.items).toHaveLength(2);
    expect((await t.call('GET', '/api/v1/advisories?state=lost', { token: admin })).status).toBe(422);
  });
});

/** PATCH /api/v1/advisories/{id} through the typed client (the change is checked against the document). */
const patch = (id: string, token: string, body: RequestBody<'updateAdvisory'>) =>
  t.api(token).PATCH('/api/v1/advisories/{id}', { params: { path: { id } }, body });

describe('PATCH /api/v1/advisories/{id}', () => {
  it('changes a draft for its author, its WARP or an admin, and audits the change', async () => {
    const draft = (await create(wales, contractExample())).json;
    const res = await patch(draft.id, wales, {
      title: 'Patched title',
      tlp: 'RED',
      audience: { authorities: ['CRF'] },
    });
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({
      title: 'Patched title',
      tlp: 'RED',
      audience: { authorities: ['CRF'] },
    });

    const colleague = await t.tokenFor('warp', { warp: 'wales' });
    expect((await patch(draft.id, colleague, { severity: 'low' })).response.status).toBe(200);
    expect((await patch(draft.id, admin, { severity: 'medium' })).response.status).toBe(200);
    const southEast = await t.tokenFor('warp', { warp: 'south-east' });
    expect((await patch(draft.id, southEast, { severity: 'low' })).response.status).toBe(404);

    const audit = await t.call(
      'GET',
      `/api/v1/audit?subjectType=advisory&subjectId=${draft.id}&action=advisory.edit`,
      {
        token: admin,
      },
    );
    const items = (
      (await audit.json()) as { items: Array<{ before: { title: string }; after: { title: string } }> }
    ).items;
    expect(items).toHaveLength(3);
    expect(items.at(-1)).toMatchObject({
      before: { title: 'Critical vulnerability in Example VPN appliances' },
      after: { title: 'Patched title' },
    });
  });

  it('keeps a WARP’s draft inside its WARP, even when an admin edits it', async () => {
    const draft = (await create(wales, contractExample())).json;
    for (const token of [wales, admin]) {
      const res = await patch(draft.id, token, { audience: { authorities: ['BRI'] } });
      expect(res.response.status).toBe(403);
    }
  });

  it('refuses anything but a draft, an empty change, an inconsistent test mode, and councils', async () => {
    const sent = await insertAdvisory(t.db, {});
    const conflict = await t.call('PATCH', `/api/v1/advisories/${sent.id}`, {
      token: admin,
      body: { title: 'New' },
    });
    expect(conflict.status).toBe(409);
    const draft = (await create(admin, contractExample())).json;
    expect((await t.call('PATCH', `/api/v1/advisories/${draft.id}`, { token: admin, body: {} })).status).toBe(
      422,
    );
    const noAudience = await t.call('PATCH', `/api/v1/advisories/${draft.id}`, {
      token: admin,
      body: { test: true },
    });
    expect(noAudience.status).toBe(422);
    expect(((await noAudience.json()) as Problem).errors?.[0]?.path).toBe('testAudience');
    const council = await t.tokenFor('council', { authority: 'CRF' });
    expect(
      (await t.call('PATCH', `/api/v1/advisories/${draft.id}`, { token: council, body: { title: 'x' } }))
        .status,
    ).toBe(403);
    expect(
      (await t.call('PATCH', '/api/v1/advisories/nothing-here', { token: admin, body: { title: 'x' } }))
        .status,
    ).toBe(404);
  });
});

describe('POST /api/v1/advisories/{id}/updates', () => {
  it('threads updates and cancellations to the original, with its label and audience unless given', async () => {
    const original = await insertAdvisory(t.db, {
      tlp: 'GREEN',
      audience: { nations: ['Wales'] },
      cves: ['CVE-2026-1111'],
      reference: 'NCSC-2026-0042',
    });
    const res = await t.call('POST', `/api/v1/advisories/${original.id}/updates`, {
      token: admin,
      body: { kind: 'update', summary: 'A fix is now available.', body: 'Install version 2.' },
    });
    expect(res.status).toBe(201);
    const update = (await res.json()) as Advisory;
    expect(update).toMatchObject({
      kind: 'update',
      state: 'draft',
      parentId: original.id,
      threadId: original.threadId,
      title: original.title,
      tlp: 'GREEN',
      audience: { nations: ['Wales'] },
      cves: ['CVE-2026-1111'],
      summary: 'A fix is now available.',
      reference: 'NCSC-2026-0043',
    });

    // Once the update is sent, a cancellation of it stays in the original's thread.
    await t.db.update(advisories).set({ state: 'sent' }).where(eq(advisories.id, update.id));
    const cancel = await t.call('POST', `/api/v1/advisories/${update.id}/updates`, {
      token: admin,
      body: { kind: 'cancellation', summary: 'Sent in error.', body: 'Please ignore it.', tlp: 'AMBER' },
    });
    expect(cancel.status).toBe(201);
    expect(await cancel.json()).toMatchObject({
      kind: 'cancellation',
      parentId: update.id,
      threadId: original.id,
      tlp: 'AMBER',
    });
  });

  it('is only for released advisories, and only for their sender', async () => {
    const draft = (await create(admin, contractExample())).json;
    const body = { kind: 'update', summary: 'More.', body: 'More.' };
    expect(
      (await t.call('POST', `/api/v1/advisories/${draft.id}/updates`, { token: admin, body })).status,
    ).toBe(409);
    const ncsc = await insertAdvisory(t.db, {});
    expect(
      (await t.call('POST', `/api/v1/advisories/${ncsc.id}/updates`, { token: wales, body })).status,
    ).toBe(404);
    const walesSent = await insertAdvisory(t.db, {
      warpId: 'wales',
      reference: 'WALES-2026-0007',
      audience: { all: true },
    });
    const byWales = await t.call('POST', `/api/v1/advisories/${walesSent.id}/updates`, {
      token: wales,
      body,
    });
    expect(byWales.status).toBe(201);
    expect(await byWales.json()).toMatchObject({ warp: 'wales', reference: 'WALES-2026-0008' });
    const outside = await t.call('POST', `/api/v1/advisories/${walesSent.id}/updates`, {
      token: wales,
      body: { ...body, audience: { authorities: ['BRI'] } },
    });
    expect(outside.status).toBe(403);
    const bad = await t.call('POST', `/api/v1/advisories/${walesSent.id}/updates`, {
      token: wales,
      body: { kind: 'retraction', summary: 'x', body: 'x' },
    });
    expect(bad.status).toBe(422);
  });
});

describe('test audiences', () => {
  it('are created, replaced, read, listed and deleted by admins, with every address checked', async () => {
    const put = (name: string, addresses: string[], token = admin) =>
      t.call('PUT', `/api/v1/test-audiences/${name}`, { token, body: { addresses } });
    expect((await put('soc-team', ['SOC@ncsc.example.gov.uk'])).status).toBe(201);
    const replaced = await put('soc-team', [
      'soc@ncsc.example.gov.uk',
      'duty@ncsc.example.gov.uk',
      'soc@NCSC.example.gov.uk',
    ]);
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({
      name: 'soc-team',
      addresses: ['soc@ncsc.example.gov.uk', 'duty@ncsc.example.gov.uk'],
    });
    const bad = await put('soc-team', ['ok@ncsc.example.gov.uk', 'not an address']);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as Problem).errors?.map((e) => e.path)).toEqual(['addresses.1']);
    expect((await put('soc-team', [])).status).toBe(422);
    expect((await put('Bad_Name', ['a@b.example'])).status).toBe(422);

    const one = await t.call('GET', '/api/v1/test-audiences/soc-team', { token: admin });
    expect(((await one.json()) as { addresses: string[] }).addresses).toHaveLength(2);
    const made = await create(admin, { ...contractExample(), test: true, testAudience: 'soc-team' });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ test: true, testAudience: 'soc-team' });

    expect((await t.call('DELETE', '/api/v1/test-audiences/soc-team', { token: admin })).status).toBe(204);
    expect((await t.call('GET', '/api/v1/test-audiences/soc-team', { token: admin })).status).toBe(404);
    const audit = await t.call('GET', '/api/v1/audit?subjectType=test-audience&subjectId=soc-team', {
      token: admin,
    });
    const actions = ((await audit.json()) as { items: Array<{ action: string }> }).items.map((i) => i.action);
    expect(actions).toEqual(['test-audience.delete', 'test-audience.put', 'test-audience.put']);
  });

  it('belong to a WARP when a WARP operator makes them, and are kept apart from the NCSC’s', async () => {
    await t.call('PUT', '/api/v1/test-audiences/soc-team', {
      token: admin,
      body: { addresses: ['soc@ncsc.example.gov.uk'] },
    });
    const unprefixed = await t.call('PUT', '/api/v1/test-audiences/drill', {
      token: wales,
      body: { addresses: ['warp@wales.example.gov.uk'] },
    });
    expect(unprefixed.status).toBe(403);
    expect(((await unprefixed.json()) as Problem).detail).toContain('wales.');
    expect(
      (
        await t.call('PUT', '/api/v1/test-audiences/wales.drill', {
          token: wales,
          body: { addresses: ['warp@wales.example.gov.uk'] },
        })
      ).status,
    ).toBe(201);
    // A WARP cannot overwrite the NCSC's test audience (and so redirect its test sends).
    expect(
      (
        await t.call('PUT', '/api/v1/test-audiences/soc-team', {
          token: wales,
          body: { addresses: ['x@evil.example'] },
        })
      ).status,
    ).toBe(403);
    const names = async (token: string) =>
      (
        (await (await t.call('GET', '/api/v1/test-audiences', { token })).json()) as {
          items: Array<{ name: string }>;
        }
      ).items.map((i) => i.name);
    expect(await names(wales)).toEqual(['wales.drill']);
    expect(await names(admin)).toEqual(['soc-team', 'wales.drill']);
    expect((await t.call('GET', '/api/v1/test-audiences/soc-team', { token: wales })).status).toBe(404);

    const usesNcsc = await create(wales, { ...contractExample(), test: true, testAudience: 'soc-team' });
    expect(usesNcsc.status).toBe(422);
    expect(usesNcsc.json.errors?.[0]?.path).toBe('testAudience');
    expect(
      (await create(wales, { ...contractExample(), test: true, testAudience: 'wales.drill' })).status,
    ).toBe(201);

    const council = await t.tokenFor('council', { authority: 'CRF' });
    expect((await t.call('GET', '/api/v1/test-audiences', { token: council })).status).toBe(403);
  });
});
