// Who may read an advisory's content, by TLP label, caller and representation. One NCSC advisory per TLP
// label, delivered to Cardiff (a Wales WARP member): to its primary and secondary mailboxes, and TLP:RED to
// its confirmed primary only, as the engine sends it. Every representation (the API read and list, the staff
// page, the delivery report and its CSV, the progress, the CSAF export, the e-mail preview) must give each
// caller exactly: the content, only that the advisory exists (reference, label, state), or nothing (404).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TlpLabel, tlpLabels } from '../../src/domain/tlp.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  insertAdvisory,
  insertAuthority,
  insertDelivery,
  insertMailbox,
  insertSession,
  insertWarp,
} from '../support/fixtures.js';

type Sees = 'content' | 'exists' | 'nothing';

let t: TestApp;
const advisoryOf = new Map<TlpLabel, { id: string; reference: string }>();
const secret = (tlp: TlpLabel) => `SECRET-${tlp.replace('+', '-')}-WORDS`;

interface Caller {
  name: string;
  /** The request headers that authenticate it (none: anonymous). */
  headers: Record<string, string>;
  /** What it sees of the advisory of each label. */
  sees: (tlp: TlpLabel) => Sees;
  staff: boolean;
}
const callers: Caller[] = [];

beforeAll(async () => {
  t = await makeTestApp();
  await insertWarp(t.db, { id: 'wales', name: 'Wales WARP' });
  await insertWarp(t.db, { id: 'london', name: 'London WARP' });
  await insertAuthority(t.db, { code: 'CRF', name: 'Cardiff Council', warpId: 'wales' });
  await insertAuthority(t.db, { code: 'NWP', name: 'Newport City Council', warpId: 'wales' });
  const primary = await insertMailbox(t.db, { authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk' });
  const secondary = await insertMailbox(t.db, {
    authorityCode: 'CRF',
    address: 'soc@cardiff.gov.uk',
    kind: 'secondary',
  });
  for (const tlp of tlpLabels) {
    const a = await insertAdvisory(t.db, {
      tlp,
      title: `${secret(tlp)} title`,
      summary: `${secret(tlp)} summary`,
      body: `${secret(tlp)} body`,
      state: 'sent',
    });
    advisoryOf.set(tlp, a);
    await insertDelivery(t.db, {
      advisoryId: a.id,
      authorityCode: 'CRF',
      mailboxId: primary.id,
      address: primary.address,
    });
    if (tlp !== 'RED')
      await insertDelivery(t.db, {
        advisoryId: a.id,
        authorityCode: 'CRF',
        mailboxId: secondary.id,
        address: secondary.address,
        mailboxKind: 'secondary',
      });
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const session = async (s: Parameters<typeof insertSession>[1]) => ({
    cookie: (await insertSession(t.db, s, { now: t.clock.now() })).cookie,
  });
  const warpReads = (tlp: TlpLabel): Sees => (tlp === 'RED' || tlp === 'AMBER+STRICT' ? 'exists' : 'content');
  callers.push(
    { name: 'admin', headers: bearer(await t.tokenFor('admin')), sees: () => 'content', staff: true },
    {
      name: 'operator of the WARP whose member received it',
      headers: bearer(await t.tokenFor('warp', { warp: 'wales' })),
      sees: warpReads,
      staff: true,
    },
    {
      name: 'the same operator in a browser session',
      headers: await session({ role: 'warp', warpId: 'wales' }),
      sees: warpReads,
      staff: true,
    },
    {
      name: 'operator of another WARP',
      headers: bearer(await t.tokenFor('warp', { warp: 'london' })),
      sees: () => 'nothing',
      staff: true,
    },
    {
      name: 'council session from the primary it was sent to',
      headers: await session({
        role: 'council',
        authorityCode: 'CRF',
        actor: `mailbox:${primary.id}`,
        mailboxId: primary.id,
      }),
      sees: () => 'content',
      staff: false,
    },
    {
      name: 'council session from a secondary mailbox (TLP:RED went only to the primary)',
      headers: await session({
        role: 'council',
        authorityCode: 'CRF',
        actor: `mailbox:${secondary.id}`,
        mailboxId: secondary.id,
      }),
      sees: (tlp) => (tlp === 'RED' ? 'exists' : 'content'),
      staff: false,
    },
    {
      name: 'the council’s API token (no mailbox: not a TLP:RED recipient)',
      headers: bearer(await t.tokenFor('council', { authority: 'CRF' })),
      sees: (tlp) => (tlp === 'RED' ? 'exists' : 'content'),
      staff: false,
    },
    {
      name: 'another council of the same WARP',
      headers: bearer(await t.tokenFor('council', { authority: 'NWP' })),
      sees: () => 'nothing',
      staff: false,
    },
    { name: 'anonymous', headers: {}, sees: () => 'nothing', staff: false },
  );
});
afterAll(() => t.close());

async function get(path: string, headers: Record<string, string>, html = false) {
  const res = await t.app.request(path, {
    headers: { ...headers, ...(html ? { accept: 'text/html' } : {}) },
  });
  return { status: res.status, text: await res.text() };
}

/** The caller may not see the advisory at all: 404, or 401/403 where the route is not theirs. */
const refused = (status: number) => [401, 403, 404].includes(status);

describe('TLP scope across every representation', () => {
  for (const tlp of tlpLabels) {
    it(`TLP:${tlp}: each caller sees exactly what the rules give it`, async () => {
      const a = advisoryOf.get(tlp);
      if (!a) throw new Error('no advisory');
      for (const caller of callers) {
        const sees = caller.sees(tlp);
        const who = `${caller.name}, TLP:${tlp}`;
        const leaks = (text: string) => text.includes(secret(tlp));

        const one = await get(`/api/v1/advisories/${a.id}`, caller.headers);
        if (sees === 'nothing') expect(refused(one.status), `${who}: read`).toBe(true);
        else {
          expect(one.status, `${who}: read`).toBe(200);
          const body = JSON.parse(one.text);
          expect(body.reference).toBe(a.reference);
          expect(body.withheld, `${who}: withheld`).toBe(sees === 'exists');
          expect(leaks(one.text), `${who}: read leaks`).toBe(sees === 'content');
        }

        const list = await get('/api/v1/advisories?limit=100', caller.headers);
        if (list.status === 200) {
          const items = JSON.parse(list.text).items as Array<{ id: string }>;
          expect(
            items.some((i) => i.id === a.id),
            `${who}: listed`,
          ).toBe(sees !== 'nothing');
          expect(leaks(list.text), `${who}: list leaks`).toBe(sees === 'content');
        } else expect(sees, `${who}: list refused`).toBe('nothing');

        for (const path of ['report', 'report.csv', 'progress']) {
          const r = await get(`/api/v1/advisories/${a.id}/${path}`, caller.headers);
          if (sees === 'nothing') expect(refused(r.status), `${who}: ${path}`).toBe(true);
          else expect(r.status, `${who}: ${path}`).toBe(200);
          expect(leaks(r.text), `${who}: ${path} leaks`).toBe(false);
        }

        const csaf = await get(`/api/v1/advisories/${a.id}/csaf`, caller.headers);
        if (sees === 'content' && caller.staff) {
          expect(csaf.status, `${who}: CSAF`).toBe(200);
          expect(leaks(csaf.text)).toBe(true);
        } else {
          expect(refused(csaf.status), `${who}: CSAF`).toBe(true);
          expect(leaks(csaf.text), `${who}: CSAF leaks`).toBe(false);
        }

        const preview = await get(`/api/v1/advisories/${a.id}/preview`, caller.headers);
        if (caller.name !== 'admin') expect(refused(preview.status), `${who}: preview`).toBe(true);
        expect(leaks(preview.text) && caller.name !== 'admin', `${who}: preview leaks`).toBe(false);

        if (caller.staff) {
          const page = await get(`/advisories/${a.id}`, caller.headers, true);
          if (sees === 'nothing') expect(page.status, `${who}: page`).toBe(404);
          else expect(page.status, `${who}: page`).toBe(200);
          expect(leaks(page.text), `${who}: page leaks`).toBe(sees === 'content');
        }
      }
    });
  }

  it('publishes only TLP:CLEAR in the public feeds', async () => {
    const atom = await get('/feeds/advisories.atom', {});
    const json = await get('/feeds/advisories.json', {});
    for (const tlp of tlpLabels) {
      expect(atom.text.includes(secret(tlp)), `atom ${tlp}`).toBe(tlp === 'CLEAR');
      expect(json.text.includes(secret(tlp)), `json feed ${tlp}`).toBe(tlp === 'CLEAR');
    }
  });

  it('shows a council only its own part of the audience and no internal ids', async () => {
    const a = advisoryOf.get('AMBER');
    const council = callers.find((c) => c.name.startsWith('the council’s API token'));
    if (!a || !council) throw new Error('setup');
    const body = JSON.parse((await get(`/api/v1/advisories/${a.id}`, council.headers)).text);
    expect(body.audience).toEqual({ authorities: ['CRF'] });
    expect(body.createdBy).toBe('NCSC');
    expect(body.releasedBy).toBeNull();
    expect(JSON.stringify(body)).not.toMatch(/token:/);
  });
});
