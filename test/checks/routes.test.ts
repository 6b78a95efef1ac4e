// The reachability API: who may read and run a domain's checks, an authority's statuses, the mailbox
// status in the mailbox API, and the service's own security.txt.
import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryResolver } from '../../src/adapters/resolver-memory.js';
import { policy } from '../../src/features/auth/policy.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertDomains, insertMailbox, seedCouncils } from '../support/fixtures.js';
import { useMsw } from '../support/msw.js';
import { goodZone, servePolicy } from './support.js';

useMsw(
  servePolicy('cardiff.gov.uk'),
  http.get(/^https:\/\/.*\/\.well-known\/security\.txt$/, () => new HttpResponse('', { status: 404 })),
);

let t: TestApp;
let tokens: Record<'admin' | 'wales' | 'london' | 'cardiff' | 'camden' | 'inbound', string>;
let resolver: ReturnType<typeof memoryResolver>;
beforeEach(async () => {
  resolver = memoryResolver({
    ...goodZone('cardiff.gov.uk'),
    'camden.gov.uk': { MX: ['10 mx.camden.gov.uk'], TXT: [] },
    'mx.camden.gov.uk': { A: ['192.0.2.99'] },
    '_dmarc.camden.gov.uk': { TXT: ['v=DMARC1; p=none'] },
  });
  t = await makeTestApp({ deps: { resolver }, env: { CHECKS_RATE_PER_HOUR: '2' } });
  await seedCouncils(t);
  await insertMailbox(t.db, { id: 'mbxcardiff', authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk' });
  await insertMailbox(t.db, { id: 'mbxcamden', authorityCode: 'CMD', address: 'soc@camden.gov.uk' });
  tokens = {
    admin: await t.tokenFor('admin'),
    wales: await t.tokenFor('warp', { warp: 'wales' }),
    london: await t.tokenFor('warp', { warp: 'london' }),
    cardiff: await t.tokenFor('council', { authority: 'CRF' }),
    camden: await t.tokenFor('council', { authority: 'CMD' }),
    inbound: await t.tokenFor('inbound'),
  };
});

// Through the typed client: the paths, parameters and answers are checked against the OpenAPI document.
const run = (domain: string, token = tokens.admin) =>
  t.api(token).POST('/api/v1/domains/{domain}/checks', { params: { path: { domain } } });
const domainChecks = (domain: string, token: string, history?: boolean) =>
  t.api(token).GET('/api/v1/domains/{domain}/checks', {
    params: { path: { domain }, query: history === undefined ? {} : { history: history ? 'true' : 'false' } },
  });
const authorityChecks = (code: string, token: string) =>
  t.api(token).GET('/api/v1/authorities/{code}/checks', { params: { path: { code } } });
const read = (path: string, token: string) => t.call('GET', path, { token });

describe('POST /api/v1/domains/{domain}/checks', () => {
  it('runs every check now and stores one row per kind', async () => {
    const res = await run('Cardiff.gov.uk');
    expect(res.response.status).toBe(200);
    const body = res.data!;
    expect(body.domain).toBe('cardiff.gov.uk');
    expect(Object.fromEntries(body.results.map((r) => [r.kind, r.severity]))).toEqual({
      mx: 'ok',
      spf: 'ok',
      dmarc: 'ok',
      'mta-sts': 'ok',
      'tls-rpt': 'ok',
      'security-txt': 'info',
    });
  });

  it('is for admins only, for known domains only, and rate limited per domain', async () => {
    for (const who of ['wales', 'cardiff', 'inbound'] as const)
      expect((await run('cardiff.gov.uk', tokens[who])).response.status).toBe(403);
    expect((await t.app.request('/api/v1/domains/cardiff.gov.uk/checks', { method: 'POST' })).status).toBe(
      401,
    );
    expect((await run('example.com')).response.status).toBe(404); // the service is not a DNS probe for any domain
    expect((await run('not a domain')).response.status).toBe(422);
    expect((await run('cardiff.gov.uk')).response.status).toBe(200);
    expect((await run('cardiff.gov.uk')).response.status).toBe(200); // CHECKS_RATE_PER_HOUR=2
    const limited = await run('cardiff.gov.uk');
    expect(limited.response.status).toBe(429);
    expect(limited.response.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('GET /api/v1/domains/{domain}/checks', () => {
  it('shows the latest result of each kind, and the history on request', async () => {
    await run('camden.gov.uk');
    resolver.set('camden.gov.uk', 'SERVFAIL');
    await run('camden.gov.uk');
    const res = await domainChecks('camden.gov.uk', tokens.admin);
    expect(res.response.status).toBe(200);
    const body = res.data!;
    // the DNS hiccup hides nothing
    expect(body.latest.mx).toMatchObject({ severity: 'temporary', lastDefinite: { severity: 'ok' } });
    expect(body.latest.dmarc?.summary).toContain('p=none: spoofed mail is not blocked');
    expect(body).not.toHaveProperty('history');
    const history = (await domainChecks('camden.gov.uk', tokens.admin, true)).data!;
    expect(history.history).toHaveLength(12); // two runs of six checks, every run kept
  });

  it('is open to staff and the council with a mailbox there, and 404 to anyone else', async () => {
    await run('cardiff.gov.uk');
    const path = '/api/v1/domains/cardiff.gov.uk/checks';
    for (const who of ['admin', 'wales', 'cardiff'] as const)
      expect((await read(path, tokens[who])).status, who).toBe(200);
    for (const who of ['london', 'camden'] as const)
      expect((await read(path, tokens[who])).status, who).toBe(404);
    expect((await read(path, tokens.inbound)).status).toBe(403);
    expect((await t.app.request(path, { headers: { accept: 'application/json' } })).status).toBe(401);
  });
});

describe('GET /api/v1/authorities/{code}/checks and the mailbox status', () => {
  it('gives each mailbox its status and reasons, with its domain’s checks', async () => {
    await run('camden.gov.uk');
    const res = await authorityChecks('CMD', tokens.camden);
    expect(res.response.status).toBe(200);
    const body = res.data!;
    expect(body.mailboxes).toEqual([
      expect.objectContaining({
        id: 'mbxcamden',
        domain: 'camden.gov.uk',
        status: 'at-risk',
        reasons: ['Its domain has neither an effective DMARC policy nor an effective SPF record.'],
      }),
    ]);
    expect(body.domains[0]?.latest.spf?.findings[0]?.code).toBe('spf-missing');
    const list = await (await read('/api/v1/mailboxes', tokens.admin)).json();
    expect(
      Object.fromEntries(list.items.map((m: { id: string; status: string }) => [m.id, m.status])),
    ).toEqual({
      mbxcardiff: 'confirmed',
      mbxcamden: 'at-risk',
    });
    const one = await (await read('/api/v1/mailboxes/mbxcamden', tokens.camden)).json();
    expect(one).toMatchObject({ status: 'at-risk', reachability: { softBounces: 0, staleAt: null } });
  });

  it('is scoped like the mailboxes: WARP members and the council itself', async () => {
    expect((await read('/api/v1/authorities/CRF/checks', tokens.wales)).status).toBe(200);
    expect((await read('/api/v1/authorities/CRF/checks', tokens.cardiff)).status).toBe(200);
    expect((await read('/api/v1/authorities/CRF/checks', tokens.london)).status).toBe(403);
    expect((await read('/api/v1/authorities/CRF/checks', tokens.camden)).status).toBe(403);
    expect((await read('/api/v1/authorities/NOPE/checks', tokens.admin)).status).toBe(404);
    expect((await t.app.request('/api/v1/authorities/CRF/checks')).status).toBe(401);
  });
});

describe('GET /.well-known/security.txt', () => {
  it('publishes Contact, Expires 11 months ahead, Canonical and Preferred-Languages (RFC 9116)', async () => {
    const res = await t.app.request('/.well-known/security.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8/i);
    expect(await res.text()).toBe(
      [
        'Contact: mailto:security@cyber-contacts.test',
        'Expires: 2027-10-30T00:00:00Z',
        'Canonical: http://cyber-contacts.test/.well-known/security.txt',
        'Preferred-Languages: en',
        'CSAF: http://cyber-contacts.test/.well-known/csaf/provider-metadata.json',
        '',
      ].join('\n'),
    );
  });

  it('takes its contacts, expiry and policy from the config', async () => {
    const configured = await makeTestApp({
      env: {
        SECURITY_CONTACT: 'mailto:psirt@ncsc.example, https://ncsc.example/report',
        SECURITY_EXPIRES: '2027-03-31T23:59:59Z',
        SECURITY_POLICY_URL: 'https://ncsc.example/disclosure',
      },
    });
    const text = await (await configured.app.request('/.well-known/security.txt')).text();
    expect(text.split('\n')).toEqual([
      'Contact: mailto:psirt@ncsc.example',
      'Contact: https://ncsc.example/report',
      'Expires: 2027-03-31T23:59:59Z',
      'Canonical: http://cyber-contacts.test/.well-known/security.txt',
      'Policy: https://ncsc.example/disclosure',
      'Preferred-Languages: en',
      'CSAF: http://cyber-contacts.test/.well-known/csaf/provider-metadata.json',
      '',
    ]);
    await configured.close();
  });

  it('is public, and every reachability route is in the policy table', () => {
    expect(policy['GET /.well-known/security.txt']).toBe('public');
    expect(policy['POST /api/v1/inbound/bounces']).toEqual(['inbound']);
    expect(policy['POST /api/v1/domains/:domain/checks']).toEqual(['admin']);
  });
});

describe('checks seen through an unapproved registration', () => {
  it('show a council nothing of a domain it only has a registration waiting for approval on', async () => {
    const t = await makeTestApp({ deps: { resolver: memoryResolver(goodZone('other.gov.uk')) } });
    await insertAuthority(t.db, { code: 'CRF', name: 'Cardiff Council' });
    await insertAuthority(t.db, { code: 'OTH', name: 'Other Council' });
    await insertDomains(t.db, 'OTH', ['other.gov.uk']);
    await insertMailbox(t.db, { authorityCode: 'OTH', address: 'cyber@other.gov.uk' });
    // Cardiff registers an address on the other council's domain: it waits for an admin.
    await insertMailbox(t.db, {
      authorityCode: 'CRF',
      address: 'x@other.gov.uk',
      state: 'awaiting-approval',
    });
    const admin = await t.tokenFor('admin');
    expect((await t.call('POST', '/api/v1/domains/other.gov.uk/checks', { token: admin })).status).toBe(200);
    const council = await t.tokenFor('council', { authority: 'CRF' });
    const res = await t.call('GET', '/api/v1/authorities/CRF/checks', { token: council });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text).domains).toEqual([]);
    expect(text).not.toContain('cyber@other.gov.uk');
    t.close();
  });
});
