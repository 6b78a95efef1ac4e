import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, authorityDomains } from '../../src/db/schema.js';
import {
  normaliseDomain,
  tryNormaliseDomain,
} from '../../src/features/authority-register/normalise-domain.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertDomains, insertWarp, revokeSecret } from '../support/fixtures.js';

let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await makeTestApp();
  admin = await t.tokenFor('admin');
  await insertAuthority(t.db, { code: 'CRF', name: 'Cardiff Council', nation: 'Wales', region: 'Wales' });
  await insertAuthority(t.db, {
    code: 'NWP',
    name: 'Newport City Council',
    nation: 'Wales',
    region: 'Wales',
  });
  await insertDomains(t.db, 'CRF', ['cardiff.gov.uk']);
  await insertDomains(t.db, 'NWP', ['newport.gov.uk', 'shared.gov.uk']);
});
afterEach(() => t.close());

const add = (code: string, domain: unknown, token = admin) =>
  t.call('POST', `/api/v1/authorities/${code}/domains`, { token, body: { domain } });
const remove = (code: string, domain: string, token = admin) =>
  t.call('DELETE', `/api/v1/authorities/${code}/domains/${encodeURIComponent(domain)}`, { token });
const domainsOf = async (code: string) =>
  (
    await t.db
      .select({ domain: authorityDomains.domain, source: authorityDomains.source })
      .from(authorityDomains)
      .where(eq(authorityDomains.authorityCode, code))
  ).sort((a, b) => a.domain.localeCompare(b.domain));
const auditFor = (code: string) => t.db.select().from(auditLog).where(eq(auditLog.subjectId, code));

describe('normaliseDomain', () => {
  it('trims, lower-cases, strips a trailing dot and converts IDN to punycode', () => {
    expect(normaliseDomain('  Cardiff.GOV.uk. ')).toBe('cardiff.gov.uk');
    expect(normaliseDomain('bücher.example')).toBe('xn--bcher-kva.example');
    expect(normaliseDomain('BÜCHER.example.')).toBe('xn--bcher-kva.example');
    expect(normaliseDomain('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
    expect(normaliseDomain('a-b.c-d.example')).toBe('a-b.c-d.example');
  });

  it('accepts 253 characters and refuses 254', () => {
    const label = 'a'.repeat(63);
    const d253 = `${label}.${label}.${label}.${'b'.repeat(61)}`;
    expect(d253).toHaveLength(253);
    expect(normaliseDomain(d253)).toBe(d253);
    expect(tryNormaliseDomain(`${d253}c`)).toHaveProperty('problem');
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['localhost', 'no dot'],
    ['*.cardiff.gov.uk', 'wildcard'],
    ['cardiff..gov.uk', 'empty label'],
    ['-cardiff.gov.uk', 'leading hyphen'],
    ['cardiff-.gov.uk', 'trailing hyphen'],
    [`${'a'.repeat(64)}.gov.uk`, 'label over 63'],
    ['1.2.3.4', 'IPv4'],
    ['0x7f.1', 'IPv4 in hex'],
    ['[::1]', 'IPv6'],
    ['cardiff.gov.uk/path', 'path'],
    ['security@cardiff.gov.uk', 'address'],
    ['cardiff.gov.uk:25', 'port'],
    ['card iff.gov.uk', 'space'],
    ['card_iff.gov.uk', 'underscore'],
    ['cardiff.gov.uk..', 'two trailing dots'],
    ['%63ardiff.gov.uk', 'percent-encoding'],
  ])('refuses %j (%s)', (input) => {
    expect(tryNormaliseDomain(input)).toHaveProperty('problem');
    expect(() => normaliseDomain(input)).toThrow();
  });
});

describe('POST /api/v1/authorities/{code}/domains', () => {
  it('adds a domain with source admin and answers 201 with the sorted list', async () => {
    const res = await add('crf', 'caerdydd.gov.uk');
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ code: 'CRF', domains: ['caerdydd.gov.uk', 'cardiff.gov.uk'] });
    expect(await domainsOf('CRF')).toEqual([
      { domain: 'caerdydd.gov.uk', source: 'admin' },
      { domain: 'cardiff.gov.uk', source: 'test' },
    ]);
    const authority = await (await t.call('GET', '/api/v1/authorities/CRF', { token: admin })).json();
    expect(authority.domains).toEqual(['caerdydd.gov.uk', 'cardiff.gov.uk']);
  });

  it('stores the normalised form', async () => {
    expect(await (await add('CRF', ' Caerdydd.GOV.UK. ')).json()).toMatchObject({
      domains: ['caerdydd.gov.uk', 'cardiff.gov.uk'],
    });
    const idn = await add('CRF', 'bücher.example');
    expect(idn.status).toBe(201);
    expect((await idn.json()).domains).toContain('xn--bcher-kva.example');
  });

  it('writes an audit entry with the list before and after, by the calling token', async () => {
    await add('CRF', 'caerdydd.gov.uk');
    const me = await (await t.call('GET', '/api/v1/me', { token: admin })).json();
    const entries = await auditFor('CRF');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'authority.domain-add',
      subjectType: 'authority',
      subjectId: 'CRF',
      actor: me.actor,
      actorRole: 'admin',
      before: { domains: ['cardiff.gov.uk'] },
      after: { domains: ['caerdydd.gov.uk', 'cardiff.gov.uk'] },
    });
    expect(entries[0]!.requestId).toBeTruthy();
  });

  it('answers 200 with the unchanged list for a domain already there, and writes nothing', async () => {
    const res = await add('CRF', 'CARDIFF.gov.uk');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 'CRF', domains: ['cardiff.gov.uk'] });
    expect(await auditFor('CRF')).toHaveLength(0);
    expect(await domainsOf('CRF')).toEqual([{ domain: 'cardiff.gov.uk', source: 'test' }]);
  });

  it('lets two authorities share a domain', async () => {
    expect((await add('CRF', 'shared.gov.uk')).status).toBe(201);
    expect((await domainsOf('NWP')).map((d) => d.domain)).toContain('shared.gov.uk');
  });

  it('refuses invalid domains and bodies with 422 problem+json, writing nothing', async () => {
    for (const domain of [
      'localhost',
      '*.cardiff.gov.uk',
      'a..b',
      '1.2.3.4',
      `${'x'.repeat(250)}.com`,
      '',
      42,
    ]) {
      const res = await add('CRF', domain);
      expect(res.status, String(domain)).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await res.json()).code).toBe('validation_failed');
    }
    const extra = await t.call('POST', '/api/v1/authorities/CRF/domains', {
      token: admin,
      body: { domain: 'ok.gov.uk', source: 'import' },
    });
    expect(extra.status).toBe(422);
    const named = await (await add('CRF', 'nodot')).json();
    expect(named.errors).toEqual([{ path: 'domain', message: expect.stringContaining('dot') }]);
    expect(await domainsOf('CRF')).toHaveLength(1);
    expect(await auditFor('CRF')).toHaveLength(0);
  });

  it('answers 404 for an unknown authority', async () => {
    const res = await add('NOPE', 'nope.gov.uk');
    expect(res.status).toBe(404);
    expect((await res.json()).code).toBe('not_found');
  });
});

describe('DELETE /api/v1/authorities/{code}/domains/{domain}', () => {
  it('removes a domain, answers the updated list, and audits it', async () => {
    await insertDomains(t.db, 'CRF', ['caerdydd.gov.uk']);
    const res = await remove('crf', 'Cardiff.GOV.uk.');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 'CRF', domains: ['caerdydd.gov.uk'] });
    expect(await domainsOf('CRF')).toEqual([{ domain: 'caerdydd.gov.uk', source: 'test' }]);
    const entries = await auditFor('CRF');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'authority.domain-remove',
      subjectType: 'authority',
      before: { domains: ['caerdydd.gov.uk', 'cardiff.gov.uk'] },
      after: { domains: ['caerdydd.gov.uk'] },
    });
  });

  it('removes an IDN given in Unicode or punycode', async () => {
    await add('CRF', 'bücher.example');
    expect((await remove('CRF', 'bücher.example')).status).toBe(200);
    await add('CRF', 'bücher.example');
    expect((await remove('CRF', 'xn--bcher-kva.example')).status).toBe(200);
  });

  it('answers 404 for a domain the authority does not have, and for an unknown authority', async () => {
    const other = await remove('CRF', 'newport.gov.uk');
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect((await remove('CRF', 'not a domain')).status).toBe(404);
    expect((await remove('NOPE', 'cardiff.gov.uk')).status).toBe(404);
    expect(await domainsOf('NWP')).toHaveLength(2);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.subjectType, 'authority'))).toHaveLength(0);
  });

  it('shows the changes in the audit API', async () => {
    await add('CRF', 'caerdydd.gov.uk');
    await remove('CRF', 'caerdydd.gov.uk');
    const res = await t.call('GET', '/api/v1/audit?subjectType=authority&subjectId=CRF', { token: admin });
    const body = await res.json();
    expect(body.items.map((e: { action: string }) => e.action)).toEqual([
      'authority.domain-remove',
      'authority.domain-add',
    ]);
  });
});

describe('domains admin: who may write', () => {
  const writes = [
    () => ['POST', '/api/v1/authorities/CRF/domains', { domain: 'caerdydd.gov.uk' }] as const,
    () => ['DELETE', '/api/v1/authorities/CRF/domains/cardiff.gov.uk', undefined] as const,
  ];

  it('refuses anonymous callers and revoked admin tokens with 401 problem+json', async () => {
    const revoked = await revokeSecret(t, await t.tokenFor('admin'));
    for (const route of writes) {
      const [method, path, body] = route();
      for (const token of [undefined, revoked]) {
        const res = await t.call(method, path, { token, body });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    expect(await domainsOf('CRF')).toEqual([{ domain: 'cardiff.gov.uk', source: 'test' }]);
  });

  it('refuses WARP and council tokens with 403, even for their own authority', async () => {
    await insertWarp(t.db, { id: 'wales' });
    const tokens = [
      await t.tokenFor('warp', { warp: 'wales' }),
      await t.tokenFor('council', { authority: 'CRF' }),
    ];
    for (const route of writes) {
      const [method, path, body] = route();
      for (const token of tokens) {
        const res = await t.call(method, path, { token, body });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect((await res.json()).code).toBe('forbidden');
      }
    }
    expect(await domainsOf('CRF')).toEqual([{ domain: 'cardiff.gov.uk', source: 'test' }]);
    expect(await auditFor('CRF')).toHaveLength(0);
  });

  it('lets an admin do both', async () => {
    const [post, del] = writes.map((w) => w());
    expect((await t.call(post![0], post![1], { token: admin, body: post![2] })).status).toBe(201);
    expect((await t.call(del![0], del![1], { token: admin })).status).toBe(200);
  });
});
