import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportColumns } from '../../src/features/advisories/report-csv.js';
import { insertAdvisory, insertDelivery } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedTrackingWorld } from './tracking-support.js';

const at = Date.parse('2026-11-30T09:05:00Z');

let t: TestApp;
let admin: string;
let ncsc: Awaited<ReturnType<typeof insertAdvisory>>;

beforeEach(async () => {
  t = await makeTestApp({ now: '2026-11-30T10:00:00Z' });
  await seedTrackingWorld(t);
  admin = await t.tokenFor('admin');
  ncsc = await insertAdvisory(t.db, { reference: 'NCSC-2026-0007', tlp: 'AMBER+STRICT' });
  await insertDelivery(t.db, {
    advisoryId: ncsc.id,
    authorityCode: 'NWP',
    status: 'permanent-failure',
    lastReply: '550 5.1.1 <cyber@newport.gov.uk>: "no such user", sorry',
    lastCode: 550,
    createdAt: at,
    failedAt: at,
  });
  await insertDelivery(t.db, {
    advisoryId: ncsc.id,
    authorityCode: 'CRF',
    createdAt: at,
    deliveredAt: at,
    acknowledgedAt: at + 600_000,
    acknowledgedBy: '=HYPERLINK("http://evil.example","click")',
    resends: 1, // sent again after a crash: the same message, perhaps twice in the inbox
  });
  await insertDelivery(t.db, { advisoryId: ncsc.id, authorityCode: 'CMD', createdAt: at, deliveredAt: at });
});
afterEach(() => t.close());

type Report = {
  advisory: Record<string, unknown>;
  summary: {
    deliveries: number;
    byStatus: Record<string, number>;
    councils: number;
    councilsDelivered: number;
    councilsAcknowledged: number;
  };
  items: Array<Record<string, string | number | null>>;
};

async function report(token: string | undefined, id = ncsc.id) {
  return t.call('GET', `/api/v1/advisories/${id}/report`, { token });
}
async function reportJson(token: string, id = ncsc.id) {
  const res = await report(token, id);
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
}

describe('the delivery report', () => {
  it('lists each delivery by council name with status, SMTP reply and acknowledgement, and counts them', async () => {
    const body = await reportJson(admin);
    expect(body.advisory).toEqual({
      id: ncsc.id,
      reference: 'NCSC-2026-0007',
      state: 'sent',
      tlp: 'AMBER+STRICT',
    });
    expect(body.items.map((i) => i.authorityName)).toEqual([
      'Cardiff Council',
      'London Borough of Camden',
      'Newport City Council',
    ]);
    expect(body.items[0]).toEqual({
      authority: 'CRF',
      authorityName: 'Cardiff Council',
      mailbox: 'cyber@crf.gov.uk',
      mailboxKind: 'primary',
      status: 'delivered',
      attempts: 1,
      reply: '250 2.0.0 Ok: queued',
      deliveredAt: '2026-11-30T09:05:00.000Z',
      acknowledgedAt: '2026-11-30T09:15:00.000Z',
      acknowledgedBy: '=HYPERLINK("http://evil.example","click")',
      resends: 1,
    });
    expect(body.items[1]).toMatchObject({ resends: 0 });
    expect(body.items[2]).toMatchObject({
      status: 'permanent-failure',
      deliveredAt: null,
      acknowledgedAt: null,
    });
    expect(body.summary).toEqual({
      deliveries: 3,
      byStatus: {
        created: 0,
        sending: 0,
        delivered: 2,
        'temporary-failure': 0,
        'permanent-failure': 1,
        'technical-failure': 0,
        cancelled: 0,
      },
      councils: 3,
      councilsDelivered: 2,
      councilsAcknowledged: 1,
      resent: 1,
    });
  });

  it('report.csv has the same rows and columns, quoted properly and with formulas made inert', async () => {
    const json = await reportJson(admin);
    const res = await t.call('GET', `/api/v1/advisories/${ncsc.id}/report.csv`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="NCSC-2026-0007-report.csv"');
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe(reportColumns.join(','));
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(text).toContain('"550 5.1.1 <cyber@newport.gov.uk>: ""no such user"", sorry"');

    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(json.items.length);
    rows.forEach((row, i) => {
      const item = json.items[i]!;
      for (const column of reportColumns) {
        const value = item[column];
        const expected = value === null ? '' : String(value);
        expect(row[column], column).toBe(/^[=+\-@]/.test(expected) ? `'${expected}` : expected);
      }
    });
  });

  it('routes /report and /report.csv to their own handlers', async () => {
    const jsonRes = await report(admin);
    expect(jsonRes.headers.get('content-type')).toContain('application/json');
    const csvRes = await t.call('GET', `/api/v1/advisories/${ncsc.id}/report.csv`, { token: admin });
    expect(csvRes.headers.get('content-type')).toContain('text/csv');
    const missing = await t.call('GET', '/api/v1/advisories/nope/report.csv', { token: admin });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  describe('scope', () => {
    it('a council sees only its own rows, in JSON and CSV', async () => {
      const council = await t.tokenFor('council', { authority: 'CRF' });
      const body = await reportJson(council);
      expect(body.items.map((i) => i.authority)).toEqual(['CRF']);
      expect(body.summary).toMatchObject({ deliveries: 1, councils: 1, councilsAcknowledged: 1 });
      const csv = await (
        await t.call('GET', `/api/v1/advisories/${ncsc.id}/report.csv`, { token: council })
      ).text();
      expect(csv).not.toContain('NWP');
      expect(csv).not.toContain('CMD');

      const swansea = await t.tokenFor('council', { authority: 'SWA' });
      expect((await report(swansea)).status).toBe(404);
    });

    it('a WARP operator sees its members’ rows of an NCSC advisory, its own advisories whole, and not another WARP’s', async () => {
      const wales = await t.tokenFor('warp', { warp: 'wales' });
      const london = await t.tokenFor('warp', { warp: 'london' });
      expect((await reportJson(wales)).items.map((i) => i.authority)).toEqual(['CRF', 'NWP']);
      expect((await reportJson(london)).items.map((i) => i.authority)).toEqual(['CMD']);

      const walesOwn = await insertAdvisory(t.db, { warpId: 'wales', reference: 'WALES-2026-0001' });
      await insertDelivery(t.db, { advisoryId: walesOwn.id, authorityCode: 'CRF' });
      await insertDelivery(t.db, {
        advisoryId: walesOwn.id,
        authorityCode: null,
        address: 'soc-test@wales-warp.gov.uk',
      });
      expect((await reportJson(wales, walesOwn.id)).items).toHaveLength(2);
      const refused = await report(london, walesOwn.id);
      expect(refused.status).toBe(404);
      expect(
        (await t.call('GET', `/api/v1/advisories/${walesOwn.id}/report.csv`, { token: london })).status,
      ).toBe(404);
      expect(
        (await t.call('GET', `/api/v1/advisories/${walesOwn.id}/progress`, { token: london })).status,
      ).toBe(404);
    });

    it('anonymous callers get 401', async () => {
      expect((await report(undefined)).status).toBe(401);
      expect((await t.call('GET', `/api/v1/advisories/${ncsc.id}/report.csv`)).status).toBe(401);
      expect((await t.call('GET', `/api/v1/advisories/${ncsc.id}/progress`)).status).toBe(401);
    });
  });
});

describe('progress', () => {
  it('counts by status and treats a failure with no retry scheduled as done', async () => {
    const a = await insertAdvisory(t.db, { state: 'sending' });
    const base = { advisoryId: a.id, createdAt: at };
    await insertDelivery(t.db, { ...base, authorityCode: 'CRF', status: 'delivered' });
    await insertDelivery(t.db, { ...base, authorityCode: 'NWP', status: 'created' });
    await insertDelivery(t.db, { ...base, authorityCode: 'SWA', status: 'sending', nextAttemptAt: null });
    await insertDelivery(t.db, {
      ...base,
      authorityCode: 'CMD',
      status: 'temporary-failure',
      nextAttemptAt: at + 60_000,
    });
    await insertDelivery(t.db, {
      ...base,
      authorityCode: 'ORF',
      status: 'temporary-failure',
      nextAttemptAt: null,
    });

    const res = await t.call('GET', `/api/v1/advisories/${a.id}/progress`, { token: admin });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      state: 'sending',
      total: 5,
      byStatus: {
        created: 1,
        sending: 1,
        delivered: 1,
        'temporary-failure': 2,
        'permanent-failure': 0,
        'technical-failure': 0,
        cancelled: 0,
      },
      done: 2,
      paused: null,
      percent: 40,
      failures: [],
      texts: [],
    });

    const council = await t.tokenFor('council', { authority: 'CRF' });
    const own = (await (
      await t.call('GET', `/api/v1/advisories/${a.id}/progress`, { token: council })
    ).json()) as {
      total: number;
      percent: number;
    };
    expect(own).toMatchObject({ total: 1, percent: 100 });
  });
});
