import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { browser, titleOf } from '../pages/form-client.js';
import { insertAdvisory } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const HOUR = 3600_000;
const base = Date.parse('2026-11-01T09:00:00Z');
const releasedAt = (hours: number) => new Date(base + hours * HOUR);
const nasty = 'Flaw in <script>alert("x")</script> & “Example” VPN';

beforeEach(async () => {
  t = await makeTestApp({ now: '2026-11-30T09:00:00Z' });
  await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0001',
    tlp: 'CLEAR',
    title: nasty,
    summary: 'Patch <b>now</b> & check logs',
    body: '## What to do\n\n<script>alert(1)</script> Apply the fix.',
    cves: ['CVE-2026-12345'],
    references: ['https://www.ncsc.gov.uk/news/example'],
    releasedAt: releasedAt(1),
  });
  await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0002',
    tlp: 'CLEAR',
    state: 'sending',
    releasedAt: releasedAt(2),
  });
  await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0003',
    tlp: 'CLEAR',
    kind: 'update',
    title: 'Second look',
    releasedAt: releasedAt(3),
  });
  // Never public:
  await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0010',
    tlp: 'AMBER',
    title: 'Amber secret',
    releasedAt: releasedAt(4),
  });
  await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0011',
    tlp: 'GREEN',
    title: 'Green secret',
    releasedAt: releasedAt(4),
  });
  await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0012',
    tlp: 'RED',
    title: 'Red secret',
    releasedAt: releasedAt(4),
  });
  await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0013',
    tlp: 'CLEAR',
    title: 'Test run',
    test: true,
    testAudience: 'soc',
    releasedAt: releasedAt(4),
  });
  await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0014',
    tlp: 'CLEAR',
    title: 'Draft',
    state: 'draft',
    releasedAt: null,
    sentAt: null,
  });
  await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0015',
    tlp: 'CLEAR',
    title: 'Waiting',
    state: 'awaiting-approval',
    releasedAt: releasedAt(4),
  });
  await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0016',
    tlp: 'CLEAR',
    title: 'Stopped',
    state: 'cancelled',
    releasedAt: releasedAt(4),
  });
});
afterEach(() => t.close());

const hidden = ['Amber secret', 'Green secret', 'Red secret', 'Test run', 'Draft', 'Waiting', 'Stopped'];

/** A small XML well-formedness check: balanced tags, quoted attributes, only known entities, no stray `<`. */
function assertWellFormedXml(xml: string) {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const token = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|</g;
  const stack: string[] = [];
  for (const m of body.matchAll(token)) {
    const [whole, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      expect(text.replace(entity, '').includes('&'), `bare & in ${text.slice(0, 60)}`).toBe(false);
      continue;
    }
    expect(name, `stray < at ${m.index}: ${body.slice(m.index, m.index + 40)}`).toBeDefined();
    expect((attrs ?? '').replace(entity, '').includes('&'), `bare & in ${whole}`).toBe(false);
    if (closing) expect(stack.pop(), `closing ${name}`).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  expect(stack).toEqual([]);
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

describe('the Atom feed', () => {
  it('is checked by a well-formedness test that catches broken XML', () => {
    for (const broken of ['<a>&</a>', '<a><b></a></b>', '<a>x < y</a>', '<a title="&x">y</a>', '<a>'])
      expect(() => assertWellFormedXml(broken), broken).toThrow();
    assertWellFormedXml('<a title="&amp;">&lt;b&gt; &#38;<c/></a>');
  });

  it('is well-formed Atom with only released, non-test TLP:CLEAR advisories, newest first, every text escaped', async () => {
    const res = await t.call('GET', '/feeds/advisories.atom');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await res.text();
    assertWellFormedXml(xml);
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(xml).not.toContain('<script');
    for (const h of hidden) expect(xml).not.toContain(h);

    const titles = [...xml.matchAll(/<entry>[\s\S]*?<title type="text">([^<]*)<\/title>/g)].map((m) =>
      unescapeXml(m[1]!),
    );
    expect(titles).toEqual([
      'Update: NCSC-2026-0003: Second look',
      expect.stringMatching(/^NCSC-2026-0002: /),
      `NCSC-2026-0001: ${nasty}`,
    ]);
    expect(xml).toContain(
      '<link rel="alternate" type="text/html" href="http://cyber-contacts.test/advisories/public/NCSC-2026-0001"/>',
    );
    expect(xml).toContain('<updated>2026-11-01T12:00:00.000Z</updated>');

    const content = unescapeXml(
      /<content type="html">([^<]*)<\/content>/.exec(xml.slice(xml.lastIndexOf('<entry>')))![1]!,
    );
    expect(content.startsWith('<p><strong>TLP:CLEAR</strong></p>')).toBe(true);
    expect(content).not.toContain('<script>');
    expect(content).toContain('&lt;script&gt;');
    expect(content).toContain('Patch &lt;b&gt;now&lt;/b&gt; &amp; check logs');
  });

  it('is valid and empty when nothing is public', async () => {
    const fresh = await makeTestApp({ now: '2026-11-30T09:00:00Z' });
    try {
      const xml = await (await fresh.call('GET', '/feeds/advisories.atom')).text();
      assertWellFormedXml(xml);
      expect(xml).not.toContain('<entry>');
      expect(xml).toContain('<updated>2026-11-30T09:00:00.000Z</updated>');
    } finally {
      fresh.close();
    }
  });

  it('holds at most the 50 newest', async () => {
    for (let i = 0; i < 55; i++)
      await insertAdvisory(t.db, {
        reference: `BULK-2026-${String(i).padStart(4, '0')}`,
        tlp: 'CLEAR',
        releasedAt: releasedAt(10 + i),
      });
    const xml = await (await t.call('GET', '/feeds/advisories.atom')).text();
    expect(xml.match(/<entry>/g)).toHaveLength(50);
    expect(xml).toContain('BULK-2026-0054');
    expect(xml).not.toContain('BULK-2026-0004');
  });
});

describe('the JSON feed', () => {
  it('is JSON Feed 1.1 with the same entries', async () => {
    const res = await t.call('GET', '/feeds/advisories.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/feed+json');
    const text = await res.text();
    for (const h of hidden) expect(text).not.toContain(h);
    const feed = JSON.parse(text) as {
      version: string;
      feed_url: string;
      items: Array<{
        id: string;
        url: string;
        title: string;
        content_html: string;
        date_published: string;
        tags: string[];
      }>;
    };
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.feed_url).toBe('http://cyber-contacts.test/feeds/advisories.json');
    expect(feed.items.map((i) => i.url)).toEqual([
      'http://cyber-contacts.test/advisories/public/NCSC-2026-0003',
      'http://cyber-contacts.test/advisories/public/NCSC-2026-0002',
      'http://cyber-contacts.test/advisories/public/NCSC-2026-0001',
    ]);
    const oldest = feed.items[2]!;
    expect(oldest.title).toBe(`NCSC-2026-0001: ${nasty}`);
    expect(oldest.content_html).not.toContain('<script>');
    expect(oldest.date_published).toBe('2026-11-01T10:00:00.000Z');
    expect(oldest.tags).toEqual(['TLP:CLEAR', 'severity:high', 'CVE-2026-12345']);
  });
});

describe('the public advisory page', () => {
  it('shows a TLP:CLEAR advisory with its label first and everything escaped', async () => {
    const res = await browser(t).get('/advisories/public/NCSC-2026-0001');
    expect(res.status).toBe(200);
    expect(titleOf(res.html)).toContain('NCSC-2026-0001: Flaw in &lt;script&gt;');
    expect(res.html).not.toContain('<script>alert');
    expect(res.html).toContain('TLP:CLEAR');
    expect(res.html.indexOf('TLP:CLEAR')).toBeLessThan(res.html.indexOf('<h1'));
    expect(res.html).toContain('<h2>What to do</h2>');
    expect(res.html).toContain('href="https://www.ncsc.gov.uk/news/example"');
  });

  it('is a 404 for anything that is not public, without saying why', async () => {
    for (const ref of [
      'NCSC-2026-0010',
      'NCSC-2026-0011',
      'NCSC-2026-0012',
      'NCSC-2026-0013',
      'NCSC-2026-0014',
      'NCSC-2026-0015',
      'NCSC-2026-0016',
      'NOPE-2026-0001',
    ]) {
      const res = await browser(t).get(`/advisories/public/${ref}`);
      expect(res.status, ref).toBe(404);
      for (const h of hidden) expect(res.html).not.toContain(h);
    }
    const api = await t.call('GET', '/advisories/public/NCSC-2026-0010');
    expect(api.status).toBe(404);
    expect(await api.text()).not.toContain('Amber secret');
  });
});
