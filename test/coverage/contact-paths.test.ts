// Independence of contact paths: confirmed mailboxes grouped by what their mail depends on (same domain,
// MX host, MX address or provider), mobiles as SMS paths, "not yet checked" domains, and who may see it.
// MX results come from the real checks run through the memory resolver.
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryResolver, type Zones } from '../../src/adapters/resolver-memory.js';
import { contactPaths } from '../../src/features/coverage/contact-paths.js';
import { mailProviderOf, registrableDomain } from '../../src/features/coverage/mail-provider.js';
import { runDomainChecks } from '../../src/features/reachability/run-checks.js';
import { browser } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertMailbox, insertMobile, insertWarp } from '../support/fixtures.js';
import { useMsw } from '../support/msw.js';

useMsw(
  http.get(
    /^https:\/\/.*\/\.well-known\/(security|mta-sts)\.txt$/,
    () => new HttpResponse('', { status: 404 }),
  ),
);

const mx = (domain: string, host: string, address: string): Zones => ({
  [domain]: { MX: [`10 ${host}`] },
  [host]: { A: [address] },
});

const zones: Zones = {
  ...mx('kent.gov.uk', 'kent-gov-uk.mail.protection.outlook.com', '52.101.68.1'),
  ...mx('kentooh.org.uk', 'kentooh-org-uk.mail.protection.outlook.com', '52.101.68.2'),
  ...mx('kent-ooh.co.uk', 'eu-smtp-inbound-1.mimecast.com', '195.130.217.1'),
  ...mx('surrey.gov.uk', 'mx.surrey.gov.uk', '192.0.2.9'),
  ...mx('surrey-ooh.org.uk', 'relay.hosting-example.net', '192.0.2.9'),
  'flaky.gov.uk': { MX: 'SERVFAIL' },
};

interface Paths {
  code: string;
  independent: number;
  resilient: boolean;
  paths: Array<{ channel: string; notYetChecked: boolean; description: string; mailboxes: unknown[] }>;
  findings: Array<{ code: string; message: string; severity: string }>;
}

let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await makeTestApp({ deps: { resolver: memoryResolver(zones) } });
  admin = await t.tokenFor('admin');
  const kent = await insertWarp(t.db, { id: 'south-east', name: 'South East WARP' });
  await insertAuthority(t.db, { code: 'KEN', name: 'Kent County Council', warpId: kent.id });
  await insertAuthority(t.db, { code: 'SRY', name: 'Surrey County Council', warpId: kent.id });
  await insertAuthority(t.db, { code: 'CMD', name: 'London Borough of Camden' });
});
afterEach(() => t.close());

async function checked(...domains: string[]) {
  for (const d of domains) await runDomainChecks(t.deps, d);
}

async function pathsOf(code: string, token = admin): Promise<Paths> {
  const res = await t.call('GET', `/api/v1/authorities/${code}/contact-paths`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Paths;
}

const m365Words =
  'single path: both mailboxes are delivered by Microsoft 365 (kent-gov-uk.mail.protection.outlook.com and kentooh-org-uk.mail.protection.outlook.com)';

describe('contact paths', () => {
  it('counts two mailboxes on two domains both delivered by Microsoft 365 as a single path, and says so', async () => {
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'cyber@kent.gov.uk' });
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'ooh@kentooh.org.uk', kind: 'out-of-hours' });
    await checked('kent.gov.uk', 'kentooh.org.uk');
    const p = await pathsOf('KEN');
    expect(p.paths).toHaveLength(1);
    expect(p.paths[0]!.mailboxes).toHaveLength(2);
    expect(p.resilient).toBe(false);
    expect(p.independent).toBe(1);
    expect(p.findings.map((f) => f.message)).toEqual([m365Words]);

    const b = browser(t);
    await b.signInAs(t.deps, { role: 'admin' });
    const page = await b.get('/authorities/KEN');
    expect(page.html).toContain('Contact paths');
    expect(page.html).toMatch(
      /govuk-warning-text[\s\S]*Single path: both mailboxes are delivered by Microsoft 365/,
    );
    expect(page.html).toContain('add an out-of-hours mobile or a mailbox on another provider');
  });

  it('counts mailboxes on different providers as independent: resilient', async () => {
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'cyber@kent.gov.uk' });
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'ooh@kent-ooh.co.uk', kind: 'out-of-hours' });
    await checked('kent.gov.uk', 'kent-ooh.co.uk');
    const p = await pathsOf('KEN');
    expect(p.paths).toHaveLength(2);
    expect(p.independent).toBe(2);
    expect(p.resilient).toBe(true);
    expect(p.findings).toEqual([]);
    expect(p.paths.map((x) => x.description)).toEqual([
      'cyber@kent.gov.uk, delivered by Microsoft 365 (kent-gov-uk.mail.protection.outlook.com)',
      'ooh@kent-ooh.co.uk, delivered by Mimecast (eu-smtp-inbound-1.mimecast.com)',
    ]);
  });

  it('counts mailboxes whose MX hosts differ in name but share an address as a single path', async () => {
    await insertMailbox(t.db, { authorityCode: 'SRY', address: 'cyber@surrey.gov.uk' });
    await insertMailbox(t.db, { authorityCode: 'SRY', address: 'ooh@surrey-ooh.org.uk', kind: 'secondary' });
    await checked('surrey.gov.uk', 'surrey-ooh.org.uk');
    const p = await pathsOf('SRY');
    expect(p.paths).toHaveLength(1);
    expect(p.resilient).toBe(false);
    expect(p.findings[0]!.message).toBe(
      'single path: both mailboxes are delivered to the same mail server address (192.0.2.9)',
    );
  });

  it('counts two mailboxes on one domain as one path', async () => {
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'cyber@kent.gov.uk' });
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'soc@kent.gov.uk', kind: 'secondary' });
    const p = await pathsOf('KEN'); // not even checked: the same domain is the same servers
    expect(p.paths).toHaveLength(1);
    expect(p.findings[0]!.message).toBe('single path: both mailboxes are on the same domain (kent.gov.uk)');
  });

  it('makes a council resilient with a confirmed mobile, but not with a pending or unreachable one', async () => {
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'cyber@kent.gov.uk' });
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'ooh@kentooh.org.uk', kind: 'out-of-hours' });
    await checked('kent.gov.uk', 'kentooh.org.uk');
    await insertMobile(t.db, { authorityCode: 'KEN', state: 'pending', confirmedAt: null });
    await insertMobile(t.db, { authorityCode: 'KEN', unreachableAt: new Date('2026-11-01T00:00:00Z') });
    await insertMobile(t.db, { authorityCode: 'KEN', state: 'retired' });
    const without = await pathsOf('KEN');
    expect(without.resilient).toBe(false);
    expect(without.paths.map((x) => x.channel)).toEqual(['email']);

    await insertMobile(t.db, { authorityCode: 'KEN', number: '+447700900123' });
    const p = await pathsOf('KEN');
    expect(p.resilient).toBe(true);
    expect(p.independent).toBe(2);
    expect(p.paths.map((x) => x.channel)).toEqual(['email', 'sms']);
    expect(p.paths[1]!.description).toBe(
      'Text message to Out-of-hours duty officer (number ending 123): does not depend on your mail',
    );
    expect(JSON.stringify(p)).not.toContain('7700900123');
  });

  it('flags a domain never checked, or only failed temporarily, as its own path "not yet checked"', async () => {
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'cyber@kent.gov.uk' });
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'ooh@flaky.gov.uk', kind: 'out-of-hours' });
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'soc@unseen.gov.uk', kind: 'secondary' });
    await checked('kent.gov.uk', 'flaky.gov.uk');
    const p = await pathsOf('KEN');
    expect(p.paths).toHaveLength(3);
    expect(p.paths.map((x) => x.notYetChecked)).toEqual([false, true, true]);
    // Until they are checked, we cannot tell whether they share Microsoft 365 with the primary.
    expect(p.resilient).toBe(false);
    expect(p.findings.map((f) => f.code)).toEqual(['not-yet-checked']);
    expect(p.findings[0]!.message).toContain('unseen.gov.uk and flaky.gov.uk');

    const b = browser(t);
    await b.signInAs(t.deps, { role: 'admin' });
    expect((await b.get('/authorities/KEN')).html).toContain('Not yet checked');
  });

  it('says there is no independent path for one mailbox alone, and nothing at all for a council with none', async () => {
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'cyber@kent.gov.uk' });
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'old@kent-ooh.co.uk', state: 'retired' });
    await insertMailbox(t.db, {
      authorityCode: 'KEN',
      address: 'gone@kent-ooh.co.uk',
      kind: 'secondary',
      unreachableAt: new Date('2026-11-01T00:00:00Z'),
    });
    await checked('kent.gov.uk', 'kent-ooh.co.uk');
    const p = await pathsOf('KEN');
    expect(p.paths).toHaveLength(1);
    expect(p.findings.map((f) => f.message)).toEqual([
      'no independent path: add an out-of-hours mobile or a mailbox on another provider',
    ]);
    expect((await pathsOf('CMD')).findings.map((f) => f.code)).toEqual(['no-path']);
  });
});

describe('who may see a council’s contact paths', () => {
  beforeEach(async () => {
    await insertMailbox(t.db, { authorityCode: 'KEN', address: 'cyber@kent.gov.uk' });
  });

  it('is the council itself, its WARP’s operators and admins', async () => {
    expect((await pathsOf('KEN', await t.tokenFor('council', { authority: 'KEN' }))).code).toBe('KEN');
    expect((await pathsOf('ken', await t.tokenFor('warp', { warp: 'south-east' }))).code).toBe('KEN');
    const res = await t.call('GET', '/api/v1/authorities/NOPE/contact-paths', { token: admin });
    expect(res.status).toBe(404);
  });

  it('is not another council, a WARP operator of a non-member, or anyone not signed in', async () => {
    const other = await t.tokenFor('council', { authority: 'CMD' });
    const london = await insertWarp(t.db, { id: 'london', name: 'London WARP' });
    const operator = await t.tokenFor('warp', { warp: london.id });
    for (const token of [other, operator]) {
      const res = await t.call('GET', '/api/v1/authorities/KEN/contact-paths', { token });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('kent.gov.uk');
    }
    const anonymous = await t.call('GET', '/api/v1/authorities/KEN/contact-paths');
    expect(anonymous.status).toBe(401);
  });

  it('shows on the council’s own account page, and on no other council’s or operator’s authority page', async () => {
    await insertMailbox(t.db, { authorityCode: 'CMD', address: 'cyber@camden.gov.uk' });
    const own = browser(t);
    await own.signInAs(t.deps, { role: 'council', authorityCode: 'KEN' });
    const account = await own.get('/account');
    expect(account.status).toBe(200);
    expect(account.html).toContain('Contact paths');
    expect(account.html).toContain(
      'No independent path: add an out-of-hours mobile or a mailbox on another provider',
    );
    expect(account.html).not.toContain('camden.gov.uk');

    const camden = browser(t);
    await camden.signInAs(t.deps, { role: 'council', authorityCode: 'CMD' });
    const refused = await camden.get('/authorities/KEN');
    expect(refused.status).toBe(404);
    expect(refused.html).not.toContain('cyber@kent.gov.uk');
    expect((await camden.get('/account')).html).not.toContain('kent.gov.uk');

    const london = await insertWarp(t.db, { id: 'london', name: 'London WARP' });
    const operator = browser(t);
    await operator.signInAs(t.deps, { role: 'warp', warpId: london.id });
    const hidden = await operator.get('/authorities/KEN');
    expect(hidden.status).toBe(404);
    expect(hidden.html).not.toContain('Contact paths');

    const anonymous = await t.app.request('/authorities/KEN', { headers: { accept: 'text/html' } });
    expect(anonymous.status).not.toBe(200);
    expect(await anonymous.text()).not.toContain('cyber@kent.gov.uk');
  });
});

describe('mail providers', () => {
  it('knows the hosted providers by their MX host names, and anyone else by the registrable domain', () => {
    expect(mailProviderOf('kent-gov-uk.mail.protection.outlook.com')).toEqual({
      key: 'microsoft-365',
      name: 'Microsoft 365',
      tenant: 'kent-gov-uk',
    });
    for (const h of ['aspmx.l.google.com', 'alt1.aspmx.l.google.com', 'googlemail.com'])
      expect(mailProviderOf(h).key).toBe('google');
    expect(mailProviderOf('eu-smtp-inbound-2.mimecast.com').key).toBe('mimecast');
    expect(mailProviderOf('mx0a-0012.pphosted.com').key).toBe('proofpoint');
    expect(mailProviderOf('cluster1.eu.messagelabs.com').key).toBe('broadcom');
    expect(mailProviderOf('mail1.symanteccloud.com').key).toBe('broadcom');
    expect(mailProviderOf('mx1.kent.gov.uk').key).toBe('kent.gov.uk');
    expect(registrableDomain('relay.eu.hosting-example.net')).toBe('hosting-example.net');
    expect(registrableDomain('mx.example.co.uk')).toBe('example.co.uk');
  });

  it('joins paths transitively (union-find) and treats an implicit MX as the domain’s own server', () => {
    const box = (address: string) => ({
      id: address,
      address,
      kind: 'secondary',
      domain: address.split('@')[1]!,
    });
    const result = contactPaths({
      mailboxes: [box('a@a.gov.uk'), box('b@b.gov.uk'), box('c@c.gov.uk'), box('d@d.gov.uk')],
      mx: new Map([
        [
          'a.gov.uk',
          {
            records: [{ priority: 10, exchange: 'mx.one.net' }],
            hosts: [{ host: 'mx.one.net', addresses: ['192.0.2.1'], cname: null }],
          },
        ],
        [
          'b.gov.uk',
          {
            records: [{ priority: 10, exchange: 'mx.two.net' }],
            hosts: [{ host: 'mx.two.net', addresses: ['192.0.2.1', '192.0.2.2'], cname: null }],
          },
        ],
        ['c.gov.uk', { implicit: true, addresses: ['192.0.2.2'] }],
        ['d.gov.uk', { implicit: true, addresses: ['198.51.100.7'] }],
      ]),
      mobiles: [],
    });
    expect(result.paths.map((p) => p.mailboxes.map((m) => m.address))).toEqual([
      ['a@a.gov.uk', 'b@b.gov.uk', 'c@c.gov.uk'],
      ['d@d.gov.uk'],
    ]);
    expect(result.resilient).toBe(true);
  });
});
