import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorities } from '../../src/db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  DOMAINS_URL,
  domainListJson,
  registerCsv,
  SOURCE_URL,
  serve,
  unreachable,
  useMsw,
} from '../support/msw.js';
import { auditOf, registerSnapshot, registerTable, registerText, toCsv } from './import-helpers.js';

const server = useMsw();
let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await makeTestApp();
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

const postCsv = (body: string, token = admin, type = 'text/csv') =>
  t.app.request('/api/v1/register/imports', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body,
  });

describe('POST /api/v1/register/imports', () => {
  it('imports an uploaded text/csv file as admin', async () => {
    const res = await postCsv(registerText());
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({
      source: 'upload',
      changed: true,
      counts: { added: 470, updated: 0, ended: 0, unchanged: 0, rejected: 0 },
      current: 397,
      former: 73,
    });
    const [entry] = await auditOf(t.db, 'register.import');
    expect(entry).toMatchObject({ actor: expect.stringMatching(/^token:/), actorRole: 'admin' });
    expect(entry?.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('imports from a JSON {"url"} body, fetched from the source', async () => {
    server.use(serve(SOURCE_URL, registerCsv()));
    const res = await t.call('POST', '/api/v1/register/imports', { token: admin, body: { url: SOURCE_URL } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ source: SOURCE_URL, counts: { added: 470 }, current: 397 });
  });

  it('answers upstream_failed (502) when the URL cannot be reached', async () => {
    server.use(unreachable(SOURCE_URL));
    const res = await t.call('POST', '/api/v1/register/imports', { token: admin, body: { url: SOURCE_URL } });
    expect(res.status).toBe(502);
    const problem = await res.json();
    expect(problem).toMatchObject({ code: 'upstream_failed' });
    expect(problem.detail).toContain(SOURCE_URL);
  });

  it('refuses a plain-http URL that is not local, and a body that is not {"url"}', async () => {
    const http1 = await t.call('POST', '/api/v1/register/imports', {
      token: admin,
      body: { url: 'http://register.example.test/x.csv' },
    });
    expect(http1.status).toBe(422);
    expect((await http1.json()).detail).toMatch(/Only https/);
    const other = await t.call('POST', '/api/v1/register/imports', { token: admin, body: { file: 'x' } });
    expect(other.status).toBe(422);
  });

  it('reports rejected rows with their line numbers', async () => {
    const { header, rows } = registerTable();
    const bad = rows.slice(0, 3).map((r) => [...r]);
    bad[2]![header.indexOf('current-authority')] = 'perhaps';
    const res = await postCsv(toCsv(header, bad));
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.counts).toMatchObject({ added: 2, rejected: 1 });
    expect(report.rejected).toEqual([
      { line: 4, code: rows[2]![0], reason: 'current-authority must be True or False' },
    ]);
  });

  it('refuses a file without the register columns with 422 and changes nothing', async () => {
    await postCsv(registerText());
    const before = await registerSnapshot(t.db);
    const res = await postCsv('name,code\nBirmingham,BIR\n');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await res.json();
    expect(problem.code).toBe('validation_failed');
    expect(problem.detail).toMatch(/lacks the columns local-authority-code/);
    expect(await registerSnapshot(t.db)).toEqual(before);
  });

  it('refuses an upload over IMPORT_LIMIT_BYTES with 413', async () => {
    const small = await makeTestApp({ env: { IMPORT_LIMIT_BYTES: '4096' } });
    const token = await small.tokenFor('admin');
    const res = await small.app.request('/api/v1/register/imports', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: registerText(),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe('payload_too_large');
    expect(await small.db.select().from(authorities)).toHaveLength(0);
    small.close();
  });

  it('answers 415 for any other content type', async () => {
    for (const type of ['text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x']) {
      const res = await postCsv(registerText(), admin, type);
      expect(res.status, type).toBe(415);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await res.json()).code).toBe('unsupported_media_type');
    }
    const none = await t.app.request('/api/v1/register/imports', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(none.status).toBe(415);
    expect(await t.db.select().from(authorities)).toHaveLength(0);
  });

  it('is for admins only: 401 without a token, 403 for warp and council tokens', async () => {
    await postCsv(registerText());
    const warp = await t.tokenFor('warp', { warp: 'london' });
    const council = await t.tokenFor('council', { authority: 'BIR' });
    const before = await registerSnapshot(t.db);
    const anonymous = await t.app.request('/api/v1/register/imports', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: registerText(),
    });
    expect(anonymous.status).toBe(401);
    for (const token of [warp, council]) {
      const res = await postCsv(registerText(), token);
      expect(res.status).toBe(403);
      expect((await res.json()).code).toBe('forbidden');
    }
    for (const path of ['/api/v1/register/sync', '/api/v1/register/domain-imports']) {
      expect((await t.call('POST', path, { body: {} })).status).toBe(401);
      expect((await t.call('POST', path, { token: warp, body: {} })).status).toBe(403);
      expect((await t.call('POST', path, { token: council, body: {} })).status).toBe(403);
    }
    expect(await registerSnapshot(t.db)).toEqual(before);
  });

  it('documents both request bodies in the OpenAPI document', async () => {
    const doc = await (await t.call('GET', '/openapi.json')).json();
    const op = doc.paths['/api/v1/register/imports'].post;
    expect(Object.keys(op.requestBody.content).sort()).toEqual(['application/json', 'text/csv']);
    expect(op.tags).toEqual(['Register']);
    expect(Object.keys(op.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '413', '415', '422', '502']),
    );
    expect(doc.paths['/api/v1/register/sync'].post).toBeDefined();
    expect(
      doc.paths['/api/v1/register/domain-imports'].post.requestBody.content['application/json'],
    ).toBeDefined();
  });
});

describe('POST /api/v1/register/sync', () => {
  it('imports from REGISTER_SOURCE_URL, and a second sync changes nothing', async () => {
    const app = await makeTestApp({ env: { REGISTER_SOURCE_URL: SOURCE_URL } });
    const token = await app.tokenFor('admin');
    let requests = 0;
    server.use(
      http.get(SOURCE_URL, () => {
        requests++;
        return new HttpResponse(registerCsv(), { headers: { 'content-type': 'text/csv' } });
      }),
    );
    const first = await app.call('POST', '/api/v1/register/sync', { token });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ source: SOURCE_URL, changed: true, counts: { added: 470 } });
    const second = await app.call('POST', '/api/v1/register/sync', { token });
    expect(await second.json()).toMatchObject({ changed: false, counts: { unchanged: 470, added: 0 } });
    expect(requests).toBe(2);
    app.close();
  });
});

describe('POST /api/v1/register/domain-imports', () => {
  it('imports the domain list sent as the JSON body', async () => {
    await postCsv(registerText());
    const res = await t.call('POST', '/api/v1/register/domain-imports', {
      token: admin,
      body: domainListJson().toString('utf8'),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({ source: 'upload', version: '0.1.0', counts: { entries: 398 } });
    expect(report.counts.matched).toBeGreaterThanOrEqual(390);
  });

  it('imports the domain list from a URL', async () => {
    await postCsv(registerText());
    server.use(serve(DOMAINS_URL, domainListJson(), 'application/json'));
    const res = await t.call('POST', '/api/v1/register/domain-imports', {
      token: admin,
      body: { url: DOMAINS_URL },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ source: DOMAINS_URL, counts: { entries: 398 } });
  });

  it('refuses a body that is neither {"url"} nor the domain list', async () => {
    await postCsv(registerText());
    const res = await t.call('POST', '/api/v1/register/domain-imports', {
      token: admin,
      body: { domains: 'nope' },
    });
    expect(res.status).toBe(422);
    const csv = await t.call('POST', '/api/v1/register/domain-imports', {
      token: admin,
      body: 'a,b\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(csv.status).toBe(415);
  });
});
