// The CSAF 2.0 trusted provider, read as a CSAF consumer reads it: provider metadata → ROLIE feed → each
// document at its canonical URL, with its hashes and signature. Every document the service exports (the
// public ones and, through the authorised route, the AMBER and RED ones) goes through the BSI's validator:
// strict schema, mandatory and recommended tests. Hashes are checked with node:crypto, signatures with
// Debian's gpg against the key the service publishes.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seedTrackingWorld } from '../advisories/tracking-support.js';
import { type Gpg, gpgHome, makeTestKey } from '../pgp/support.js';
import { insertAdvisory, insertDelivery } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { validateCsaf } from './validator.js';

const BASE = 'https://cyber-contacts.test';
const t1 = new Date('2026-11-02T09:00:00Z');
const t2 = new Date('2026-11-03T14:30:00Z');
const t3 = new Date('2026-11-05T08:00:00Z');
const canonical = (path: string) => `${BASE}/.well-known/csaf/clear/${path}`;

/** Text only a document that must stay private carries: it must never appear on the public side. */
const SECRET = 'SECRET-ONLY-FOR-RECIPIENTS';

let t: TestApp;
let admin: string;
let gpg: Gpg;
const ids = {} as Record<
  | 'plain'
  | 'cves'
  | 'root'
  | 'update'
  | 'cancellation'
  | 'amber'
  | 'red'
  | 'draft'
  | 'withdrawn'
  | 'test'
  | 'raisedRoot'
  | 'raised',
  string
>;

beforeAll(async () => {
  const key = await makeTestKey();
  t = await makeTestApp({ env: { PUBLIC_BASE_URL: BASE, OPENPGP_PRIVATE_KEY: key.privateKey } });
  await seedTrackingWorld(t);
  admin = await t.tokenFor('admin');
  gpg = gpgHome();

  const clear = { tlp: 'CLEAR' as const, releasedAt: t1, sentAt: t1 };
  // Public: no CVEs; with CVEs and references; a lineage of three revisions (update, then cancellation).
  ids.plain = (
    await insertAdvisory(t.db, { ...clear, reference: 'NCSC-2026-0101', title: 'Phishing wave' })
  ).id;
  ids.cves = (
    await insertAdvisory(t.db, {
      ...clear,
      reference: 'NCSC-2026-0102',
      title: 'Example VPN flaw',
      cves: ['CVE-2026-12345', 'CVE-2026-22222'],
      references: ['https://vendor.example/advisory'],
      severity: 'critical',
    })
  ).id;
  const root = await insertAdvisory(t.db, {
    ...clear,
    reference: 'WARP/Wales 2026-7',
    title: 'Mail relay flaw',
  });
  ids.root = root.id;
  ids.update = (
    await insertAdvisory(t.db, {
      ...clear,
      reference: 'NCSC-2026-0104',
      kind: 'update',
      parentId: root.id,
      threadId: root.id,
      title: 'Mail relay flaw: fix released',
      cves: ['CVE-2026-33333'],
      releasedAt: t2,
      sentAt: t2,
    })
  ).id;
  ids.cancellation = (
    await insertAdvisory(t.db, {
      ...clear,
      reference: 'NCSC-2026-0105',
      kind: 'cancellation',
      parentId: root.id,
      threadId: root.id,
      title: 'Mail relay flaw: cancelled',
      releasedAt: t3,
      sentAt: t3,
    })
  ).id;
  // Not public: above CLEAR, a draft, withdrawn (sending cancelled), a test, a lineage raised to AMBER.
  const secret = { summary: `${SECRET} patch now.`, body: `${SECRET} details.` };
  ids.amber = (
    await insertAdvisory(t.db, {
      ...secret,
      reference: 'NCSC-2026-0201',
      tlp: 'AMBER',
      cves: ['CVE-2026-44444'],
      releasedAt: t1,
    })
  ).id;
  ids.red = (
    await insertAdvisory(t.db, { ...secret, reference: 'NCSC-2026-0202', tlp: 'RED', releasedAt: t1 })
  ).id;
  await insertDelivery(t.db, { advisoryId: ids.amber, authorityCode: 'CRF' });
  await insertDelivery(t.db, { advisoryId: ids.red, authorityCode: 'CRF' });
  ids.draft = (
    await insertAdvisory(t.db, {
      ...secret,
      reference: 'NCSC-2026-0203',
      tlp: 'CLEAR',
      state: 'draft',
      releasedAt: null,
      sentAt: null,
    })
  ).id;
  ids.withdrawn = (
    await insertAdvisory(t.db, {
      ...secret,
      reference: 'NCSC-2026-0204',
      tlp: 'CLEAR',
      state: 'cancelled',
      releasedAt: t1,
    })
  ).id;
  ids.test = (
    await insertAdvisory(t.db, {
      ...secret,
      reference: 'NCSC-2026-0205',
      tlp: 'CLEAR',
      test: true,
      releasedAt: t1,
    })
  ).id;
  const raisedRoot = await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0206',
    tlp: 'CLEAR',
    releasedAt: t1,
  });
  ids.raisedRoot = raisedRoot.id;
  ids.raised = (
    await insertAdvisory(t.db, {
      ...secret,
      reference: 'NCSC-2026-0207',
      kind: 'update',
      parentId: raisedRoot.id,
      threadId: raisedRoot.id,
      tlp: 'AMBER',
      releasedAt: t2,
    })
  ).id;
});
afterAll(async () => {
  gpg?.close();
  await t?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });
const pathOf = (url: string) => url.slice(BASE.length);

/** What a consumer reads: the metadata, its feed, every document in it and the files beside each. */
async function crawl() {
  const metadata = await (await get('/.well-known/csaf/provider-metadata.json')).json();
  const feedUrl: string = metadata.distributions[0].rolie.feeds[0].url;
  const feed = await (await get(pathOf(feedUrl))).json();
  const entries = feed.feed.entry as Array<{ id: string; link: Array<{ rel: string; href: string }> }>;
  return { metadata, feed, entries };
}

const sha = (algorithm: string, bytes: Uint8Array) => createHash(algorithm).update(bytes).digest('hex');

const ProviderMetadata = z
  .object({
    canonical_url: z.string().regex(/^https:\/\/.+\/provider-metadata\.json$/),
    distributions: z
      .array(
        z.object({
          directory_url: z.url().optional(),
          rolie: z.object({
            feeds: z
              .array(
                z.object({
                  summary: z.string().optional(),
                  tlp_label: z.enum(['UNLABELED', 'WHITE', 'GREEN', 'AMBER', 'RED']),
                  url: z.url().regex(/\.json$/),
                }),
              )
              .min(1),
          }),
        }),
      )
      .min(1),
    last_updated: z.iso.datetime({ offset: true }),
    list_on_CSAF_aggregators: z.boolean(),
    metadata_version: z.literal('2.0'),
    mirror_on_CSAF_aggregators: z.boolean(),
    public_openpgp_keys: z
      .array(z.object({ fingerprint: z.string().regex(/^[0-9a-fA-F]{40,}$/), url: z.url() }))
      .optional(),
    publisher: z.object({
      category: z.enum(['coordinator', 'discoverer', 'other', 'translator', 'user', 'vendor']),
      name: z.string().min(1),
      namespace: z.url(),
    }),
    role: z.enum(['csaf_publisher', 'csaf_provider', 'csaf_trusted_provider']),
  })
  .strict();

describe('the CSAF trusted provider (TLP:CLEAR)', () => {
  it('publishes provider metadata as CSAF 2.0 §7.1.7 describes it, as a trusted provider', async () => {
    const res = await get('/.well-known/csaf/provider-metadata.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const metadata = await res.json();
    expect(ProviderMetadata.safeParse(metadata).error).toBeUndefined();
    const keyAsc = await (await get('/.well-known/openpgpkey/key.asc')).text();
    expect(metadata).toMatchObject({
      canonical_url: `${BASE}/.well-known/csaf/provider-metadata.json`,
      role: 'csaf_trusted_provider',
      last_updated: t3.toISOString(),
      distributions: [
        {
          directory_url: `${BASE}/.well-known/csaf/clear/`,
          rolie: { feeds: [{ tlp_label: 'WHITE', url: canonical('feed-tlp-clear.json') }] },
        },
      ],
      public_openpgp_keys: [{ url: `${BASE}/.well-known/openpgpkey/key.asc` }],
      publisher: { category: 'coordinator', name: 'Council cyber contacts', namespace: BASE },
    });
    // The fingerprint named is the key served at that URL.
    gpg.importKeys(keyAsc);
    const listed = gpg.run(['--with-colons', '--fingerprint']).stdout;
    expect(listed).toContain(`fpr:::::::::${metadata.public_openpgp_keys[0].fingerprint}:`);
  });

  it('lists exactly the public lineages in the ROLIE feed, with their hash and signature links', async () => {
    const { feed, entries } = await crawl();
    expect(feed.feed).toMatchObject({
      link: [{ rel: 'self', href: canonical('feed-tlp-clear.json') }],
      category: [{ scheme: 'urn:ietf:params:rolie:category:information-type', term: 'csaf' }],
      updated: t3.toISOString(),
    });
    expect(entries.map((e) => e.id).sort()).toEqual([
      'NCSC-2026-0101',
      'NCSC-2026-0102',
      'WARP/Wales 2026-7',
    ]);
    const lineage = entries.find((e) => e.id === 'WARP/Wales 2026-7');
    const url = canonical('2026/warp_wales_2026-7.json');
    expect(lineage).toMatchObject({
      title: 'Mail relay flaw: cancelled',
      published: t1.toISOString(),
      updated: t3.toISOString(),
      content: { type: 'application/json', src: url },
      format: { schema: 'https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json', version: '2.0' },
      link: [
        { rel: 'self', href: url },
        { rel: 'hash', href: `${url}.sha256` },
        { rel: 'hash', href: `${url}.sha512` },
        { rel: 'signature', href: `${url}.asc` },
      ],
    });
  });

  it('serves every listed document valid: schema, mandatory and recommended tests, no failure', async () => {
    const { entries } = await crawl();
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      const self = entry.link.find((l) => l.rel === 'self')?.href ?? '';
      const res = await get(pathOf(self));
      expect(res.status, self).toBe(200);
      // The served bytes, parsed as they are (key order kept), not the object the service built.
      const doc = JSON.parse(await res.text());
      const findings = await validateCsaf(doc);
      expect(findings.ran).toBeGreaterThan(50);
      expect(findings.errors, self).toEqual([]);
      expect(findings.warnings, self).toEqual([]);
      // The canonical URL it names is the one it was fetched from (6.2.11), and the feed's id is its id.
      expect(doc.document.references).toContainEqual({
        category: 'self',
        summary: 'This document (canonical URL)',
        url: self,
      });
      expect(doc.document.tracking.id).toBe(entry.id);
      expect(doc.document.distribution.tlp.label).toBe('WHITE');
    }
  });

  it('makes an update a new revision of the same document, its first version’s reference the id', async () => {
    const res = await get('/.well-known/csaf/clear/2026/warp_wales_2026-7.json');
    const doc = await res.json();
    expect(doc.document.title).toBe('Mail relay flaw: cancelled');
    expect(doc.document.tracking).toEqual({
      aliases: ['NCSC-2026-0104', 'NCSC-2026-0105'],
      current_release_date: t3.toISOString(),
      id: 'WARP/Wales 2026-7',
      initial_release_date: t1.toISOString(),
      revision_history: [
        { date: t1.toISOString(), number: '1', summary: 'Initial version.' },
        {
          date: t2.toISOString(),
          number: '2',
          summary: 'Update: NCSC-2026-0104: Mail relay flaw: fix released',
        },
        {
          date: t3.toISOString(),
          number: '3',
          summary: 'Cancellation: NCSC-2026-0105: Mail relay flaw: cancelled',
        },
      ],
      status: 'final',
      version: '3',
    });
    // The authorised export of the update is revision 2 of the same document.
    const update = await (
      await t.call('GET', `/api/v1/advisories/${ids.update}/csaf`, { token: admin })
    ).json();
    expect(update.document.tracking).toMatchObject({ id: 'WARP/Wales 2026-7', version: '2' });
    expect(update.document.tracking.revision_history).toHaveLength(2);
    expect(update.vulnerabilities.map((v: { cve: string }) => v.cve)).toEqual(['CVE-2026-33333']);
  });

  it('puts CVE ids in vulnerabilities, with their CVE records', async () => {
    const doc = await (await get('/.well-known/csaf/clear/2026/ncsc-2026-0102.json')).json();
    expect(doc.document.category).toBe('council_security_advisory');
    expect(doc.vulnerabilities).toEqual([
      {
        cve: 'CVE-2026-12345',
        notes: [
          {
            category: 'description',
            text: 'Patch Example VPN now: the flaw is being exploited.',
            title: 'What NCSC-2026-0102 says',
          },
        ],
        references: [
          {
            category: 'external',
            summary: 'The CVE record of CVE-2026-12345',
            url: 'https://www.cve.org/CVERecord?id=CVE-2026-12345',
          },
        ],
      },
      expect.objectContaining({ cve: 'CVE-2026-22222' }),
    ]);
    const plain = await (await get('/.well-known/csaf/clear/2026/ncsc-2026-0101.json')).json();
    expect(plain.document.category).toBe('csaf_informational_advisory');
    expect(plain).not.toHaveProperty('vulnerabilities');
  });

  it('serves hash files that match the bytes served, in sha256sum’s format', async () => {
    const path = '/.well-known/csaf/clear/2026/ncsc-2026-0102.json';
    const bytes = new Uint8Array(await (await get(path)).arrayBuffer());
    const sha256 = await get(`${path}.sha256`);
    expect(sha256.status).toBe(200);
    expect(await sha256.text()).toBe(`${sha('sha256', bytes)}  ncsc-2026-0102.json\n`);
    expect(await (await get(`${path}.sha512`)).text()).toBe(`${sha('sha512', bytes)}  ncsc-2026-0102.json\n`);
  });

  it('signs each document: gpg --verify accepts the .asc against the published key, and refuses a change', async () => {
    gpg.importKeys(await (await get('/.well-known/openpgpkey/key.asc')).text());
    for (const file of ['2026/ncsc-2026-0101.json', '2026/warp_wales_2026-7.json']) {
      const path = `/.well-known/csaf/clear/${file}`;
      const bytes = new Uint8Array(await (await get(path)).arrayBuffer());
      const asc = await get(`${path}.asc`);
      expect(asc.status).toBe(200);
      expect(asc.headers.get('content-type')).toBe('application/pgp-signature');
      const signature = await asc.text();
      const good = gpg.verify(bytes, signature);
      expect(good.status, good.stderr).toBe(0);
      expect(good.stderr).toMatch(/Good signature/);
      const tampered = new TextDecoder().decode(bytes).replace('"final"', '"interim"');
      expect(gpg.verify(tampered, signature).status).not.toBe(0);
    }
  });

  it('lists the documents in index.txt and changes.csv (most recent first)', async () => {
    expect(await (await get('/.well-known/csaf/clear/index.txt')).text()).toBe(
      '2026/warp_wales_2026-7.json\n2026/ncsc-2026-0101.json\n2026/ncsc-2026-0102.json\n',
    );
    expect(await (await get('/.well-known/csaf/clear/changes.csv')).text()).toBe(
      [
        `"2026/warp_wales_2026-7.json","${t3.toISOString()}"`,
        `"2026/ncsc-2026-0101.json","${t1.toISOString()}"`,
        `"2026/ncsc-2026-0102.json","${t1.toISOString()}"`,
        '',
      ].join('\n'),
    );
  });

  it('is cacheable: ETag and Last-Modified, and 304 for a copy that is still current', async () => {
    for (const path of [
      '/.well-known/csaf/provider-metadata.json',
      '/.well-known/csaf/clear/feed-tlp-clear.json',
      '/.well-known/csaf/clear/2026/warp_wales_2026-7.json',
      '/.well-known/csaf/clear/2026/warp_wales_2026-7.json.sha256',
      '/.well-known/csaf/clear/2026/warp_wales_2026-7.json.asc',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toMatch(/^public/);
      expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
      const etag = res.headers.get('etag') ?? '';
      const lastModified = res.headers.get('last-modified') ?? '';
      expect(etag, path).toMatch(/^W\/"[0-9a-f]{32}"$/);
      expect(new Date(lastModified).getTime(), path).toBe(t3.getTime());
      expect((await get(path, { 'if-none-match': etag })).status, path).toBe(304);
      expect((await get(path, { 'if-none-match': 'W/"something-else"' })).status, path).toBe(200);
      expect((await get(path, { 'if-modified-since': lastModified })).status, path).toBe(304);
      expect((await get(path, { 'if-modified-since': new Date(t1).toUTCString() })).status, path).toBe(200);
    }
  });
});

describe('who must not see a document', () => {
  const notPublic = [
    ['TLP:AMBER', '2026/ncsc-2026-0201.json'],
    ['TLP:RED', '2026/ncsc-2026-0202.json'],
    ['a draft', '2026/ncsc-2026-0203.json'],
    ['a withdrawn one', '2026/ncsc-2026-0204.json'],
    ['a test', '2026/ncsc-2026-0205.json'],
    ['a lineage updated to AMBER', '2026/ncsc-2026-0206.json'],
    ['an update by its own reference', '2026/ncsc-2026-0104.json'],
    ['the wrong year', '2025/ncsc-2026-0101.json'],
  ] as const;

  it('never has an AMBER, RED, draft, withdrawn or test advisory at a canonical URL, signed in or not', async () => {
    const callers = { anonymous: {}, admin: { authorization: `Bearer ${admin}` } };
    for (const [what, file] of notPublic)
      for (const [who, headers] of Object.entries(callers))
        for (const suffix of ['', '.sha256', '.sha512', '.asc']) {
          const res = await get(`/.well-known/csaf/clear/${file}${suffix}`, headers);
          expect(res.status, `${what}${suffix} for ${who}`).toBe(404);
          expect(await res.text()).not.toContain(SECRET);
        }
    expect((await get('/.well-known/csaf/clear/2026/..%2Fprovider-metadata.json')).status).toBe(404);
    expect((await get('/.well-known/csaf/clear/2026/NCSC-2026-0101.json')).status).toBe(404);
  });

  it('leaves them out of the feed, index.txt, changes.csv and the provider metadata', async () => {
    for (const path of [
      '/.well-known/csaf/clear/feed-tlp-clear.json',
      '/.well-known/csaf/clear/index.txt',
      '/.well-known/csaf/clear/changes.csv',
      '/.well-known/csaf/provider-metadata.json',
    ]) {
      const text = await (await get(path)).text();
      expect(text, path).not.toContain(SECRET);
      for (const reference of ['0201', '0202', '0203', '0204', '0205', '0206', '0207'])
        expect(text.toLowerCase(), `${path} ${reference}`).not.toContain(`ncsc-2026-${reference}`);
    }
  });

  it('keeps AMBER and RED behind the authorised route and its scope; their exports are valid too', async () => {
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const london = await t.tokenFor('warp', { warp: 'london' });
    const council = await t.tokenFor('council', { authority: 'CRF' });
    const csaf = (id: string, token?: string) => t.call('GET', `/api/v1/advisories/${id}/csaf`, { token });
    expect((await csaf(ids.amber, wales)).status).toBe(200);
    expect((await csaf(ids.amber, london)).status).toBe(404);
    expect((await csaf(ids.red, wales)).status).toBe(404);
    expect((await csaf(ids.amber, council)).status).toBe(403);
    expect((await csaf(ids.amber)).status).toBe(401);

    for (const id of [ids.amber, ids.red, ids.raised]) {
      const res = await csaf(id, admin);
      expect(res.status).toBe(200);
      const doc = JSON.parse(await res.text());
      expect(doc.document.references.some((r: { category: string }) => r.category === 'self')).toBe(false);
      const findings = await validateCsaf(doc);
      expect(findings.errors).toEqual([]);
      // 6.2.11 (a canonical https URL ending in the file name) cannot hold: a document above TLP:CLEAR has
      // no public URL (its canonical place would be a 404 for everyone), so it names none.
      expect(findings.warnings).toEqual(['optionalTest_6_2_11 /document/references: missing canonical url']);
    }
    // The AMBER update of a CLEAR lineage is its revision 2; its CVE-less, AMBER text stays in it.
    const raised = await (await csaf(ids.raised, admin)).json();
    expect(raised.document.tracking).toMatchObject({ id: 'NCSC-2026-0206', version: '2' });
  });

  it('hides an AMBER version’s title from the history of a CLEAR document', async () => {
    // A CLEAR update of an AMBER original: the public document's history names the original by reference only.
    const amberRoot = await insertAdvisory(t.db, {
      reference: 'NCSC-2026-0301',
      tlp: 'AMBER',
      title: SECRET,
      releasedAt: t1,
    });
    await insertAdvisory(t.db, {
      reference: 'NCSC-2026-0302',
      kind: 'update',
      parentId: amberRoot.id,
      threadId: amberRoot.id,
      tlp: 'CLEAR',
      title: 'Now public',
      releasedAt: t2,
    });
    const res = await get('/.well-known/csaf/clear/2026/ncsc-2026-0301.json');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text).document.tracking.revision_history[1].summary).toBe(
      'Update: NCSC-2026-0302: Now public',
    );
    const findings = await validateCsaf(JSON.parse(text));
    expect([...findings.errors, ...findings.warnings]).toEqual([]);
  });

  it('names an AMBER version in between by neither title nor reference (history, aliases)', async () => {
    const root = await insertAdvisory(t.db, {
      reference: 'NCSC-2026-0311',
      tlp: 'CLEAR',
      title: 'Public first',
      releasedAt: t1,
    });
    await insertAdvisory(t.db, {
      reference: 'NCSC-2026-0312',
      kind: 'update',
      parentId: root.id,
      threadId: root.id,
      tlp: 'AMBER',
      title: SECRET,
      releasedAt: t2,
    });
    await insertAdvisory(t.db, {
      reference: 'NCSC-2026-0313',
      kind: 'update',
      parentId: root.id,
      threadId: root.id,
      tlp: 'CLEAR',
      title: 'Public again',
      releasedAt: new Date(t2.getTime() + 3_600_000),
    });
    const res = await get('/.well-known/csaf/clear/2026/ncsc-2026-0311.json');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('NCSC-2026-0312');
    expect(text).toContain('NCSC-2026-0313');
    const findings = await validateCsaf(JSON.parse(text));
    expect([...findings.errors, ...findings.warnings]).toEqual([]);
  });
});

describe('without a signing key', () => {
  it('is a plain provider: no .asc, no signature links, no keys listed', async () => {
    const unsigned = await makeTestApp({ env: { PUBLIC_BASE_URL: BASE } });
    try {
      await insertAdvisory(unsigned.db, { reference: 'NCSC-2026-0101', tlp: 'CLEAR', releasedAt: t1 });
      const metadata = await (await unsigned.app.request('/.well-known/csaf/provider-metadata.json')).json();
      expect(ProviderMetadata.safeParse(metadata).error).toBeUndefined();
      expect(metadata.role).toBe('csaf_provider');
      expect(metadata).not.toHaveProperty('public_openpgp_keys');
      const feed = await (await unsigned.app.request('/.well-known/csaf/clear/feed-tlp-clear.json')).json();
      expect(feed.feed.entry[0].link.map((l: { rel: string }) => l.rel)).toEqual(['self', 'hash', 'hash']);
      const path = '/.well-known/csaf/clear/2026/ncsc-2026-0101.json';
      expect((await unsigned.app.request(path)).status).toBe(200);
      expect((await unsigned.app.request(`${path}.asc`)).status).toBe(404);
    } finally {
      await unsigned.close();
    }
  });

  it('answers an empty feed and listings when nothing is public yet', async () => {
    const empty = await makeTestApp({ env: { PUBLIC_BASE_URL: BASE } });
    try {
      const feed = await (await empty.app.request('/.well-known/csaf/clear/feed-tlp-clear.json')).json();
      expect(feed.feed.entry).toEqual([]);
      expect(await (await empty.app.request('/.well-known/csaf/clear/index.txt')).text()).toBe('');
      const metadata = await (await empty.app.request('/.well-known/csaf/provider-metadata.json')).json();
      expect(ProviderMetadata.safeParse(metadata).error).toBeUndefined();
    } finally {
      await empty.close();
    }
  });
});

describe('file names', () => {
  it('gives a file name to one lineage only: the first released keeps it', async () => {
    const app = await makeTestApp({ env: { PUBLIC_BASE_URL: BASE } });
    try {
      await insertAdvisory(app.db, { reference: 'WARP 1', tlp: 'CLEAR', title: 'Later', releasedAt: t2 });
      await insertAdvisory(app.db, { reference: 'warp/1', tlp: 'CLEAR', title: 'First', releasedAt: t1 });
      const feed = await (await app.app.request('/.well-known/csaf/clear/feed-tlp-clear.json')).json();
      expect(feed.feed.entry.map((e: { id: string }) => e.id)).toEqual(['warp/1']);
      const doc = await (await app.app.request('/.well-known/csaf/clear/2026/warp_1.json')).json();
      expect(doc.document.title).toBe('First');
    } finally {
      await app.close();
    }
  });
});
