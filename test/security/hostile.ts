// Hostile values for the property-based suites, and a checker that HTML carries nothing executable.
import fc from 'fast-check';

/** Strings that have broken web services before: injection, look-alikes, control characters, sizes. */
export const hostileStrings: readonly string[] = [
  "' OR '1'='1",
  "'; DROP TABLE mailboxes; --",
  '" OR 1=1 --',
  "%' UNION SELECT token_hash FROM api_tokens --",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>",
  'javascript:alert(1)',
  '{{constructor.constructor("alert(1)")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the Log4Shell lookup, as text
  '${jndi:ldap://example.invalid/a}',
  'cyber@c\u0430rdiff.gov.uk', // Cyrillic а
  'cyber\uff20cardiff.gov.uk', // full-width @
  'cy\u200bber@cardiff.gov.uk', // zero-width space
  'x%evil.example@cardiff.gov.uk', // percent hack: source-routed through the council's MTA
  'evil.example!x@cardiff.gov.uk', // bang path
  'x@attacker.cardiff.gov.uk', // a sub-domain someone else may run
  '\u202egnp.exe', // right-to-left override
  '\uff43\uff59\uff42\uff45\uff52', // full-width letters
  'e\u0301\u0301\u0301\u0301\u0301', // stacked combining marks
  '\u0000',
  'a\u0000b',
  'line1\r\nline2',
  'x\r\nBcc: victim@example.com',
  'x\nSubject: injected',
  '\u0085\u2028\u2029',
  '\u001b[31mred',
  '\ud800', // a lone surrogate
  '\udfff\ud800',
  '../../../../etc/passwd',
  '%00%0d%0a',
  'NaN',
  '-0',
  '1e309',
  '',
  ' ',
  '\t',
  'x'.repeat(10_000),
  '\u00e9'.repeat(70_000), // 140 KB of UTF-8
];

export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }, // lone surrogates included
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...hostileStrings), fc.string({ maxLength: 10 }))
      .map(([a, b]) => `${b}${a}${b}`),
  },
);

/** A placeholder a mutation puts in; the JSON text then gets a 10,000-deep array in its place. */
export const DEEP = '__deeply_nested_placeholder__';
export const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
export const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -1, 0, 0.5) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), hostileString, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.constant(DEEP) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 2000 }, (_, i) => i)) },
);

export type Mutation =
  | { op: 'drop'; key: number }
  | { op: 'extra'; name: string; value: unknown }
  | { op: 'replace'; key: number; value: unknown }
  | { op: 'whole'; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), key: fc.nat() }),
  fc.record({
    op: fc.constant('extra' as const),
    name: fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'role', 'state', 'warpId', 'createdBy'),
      fc.string({ maxLength: 12 }),
    ),
    value: hostileValue,
  }),
  {
    arbitrary: fc.record({ op: fc.constant('replace' as const), key: fc.nat(), value: hostileValue }),
    weight: 3,
  },
  fc.record({ op: fc.constant('whole' as const), value: hostileValue }),
);

/** A JSON text: the valid sample with the mutations applied (nested placeholders become deep arrays). */
export function mutate(sample: unknown, mutations: Mutation[]): string {
  let body: unknown = structuredClone(sample);
  for (const m of mutations) {
    if (m.op === 'whole') {
      body = m.value;
      continue;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) body = {};
    const obj = body as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (m.op === 'drop' && keys.length) delete obj[keys[m.key % keys.length]!];
    else if (m.op === 'replace' && keys.length) obj[keys[m.key % keys.length]!] = m.value;
    else if (m.op === 'extra')
      Object.defineProperty(obj, m.name, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return JSON.stringify(body).replaceAll(`"${DEEP}"`, deepArray(10_000));
}

const entity = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;/gi, '\t')
    .replace(/&newline;/gi, '\n')
    .replace(/&amp;/g, '&');

const tagAt =
  /<\/?([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/y;
const attrRe = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const forbiddenTags = new Set([
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'base',
  'style',
  'template',
  'xmp',
  'noscript',
]);
// biome-ignore lint/suspicious/noControlCharactersInRegex: browsers ignore them inside a URL's scheme
const controlAndSpace = /[\u0000-\u0020]/g;
const urlAttrs = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'srcset',
  'background',
  'poster',
]);

export interface SafeHtmlOptions {
  /**
   * A page in the service's layout: script elements with a same-origin src, and inline SVG (the GOV.UK
   * crown, the charts), are the layout's own. Neither is allowed in e-mail. Attributes are checked anyway.
   */
  layout?: boolean;
}

/**
 * What is wrong with this HTML, if anything: a tag that does not parse as a tag (something broke out of
 * escaping), an element that can run code, an event-handler attribute, a URL with a script-capable
 * scheme, or CSS that can. An empty list means safe.
 */
export function unsafeHtml(html: string, options: SafeHtmlOptions = {}): string[] {
  const problems: string[] = [];
  for (let i = html.indexOf('<'); i !== -1; i = html.indexOf('<', i + 1)) {
    const next = html[i + 1] ?? '';
    if (!/[a-zA-Z/]/.test(next)) {
      if (html.startsWith('<!--', i) || html.startsWith('<!DOCTYPE', i) || html.startsWith('<!doctype', i))
        continue;
      continue; // "<" then a space or digit is text to a browser
    }
    tagAt.lastIndex = i;
    const m = tagAt.exec(html);
    if (!m) {
      problems.push(`malformed tag at ${i}: ${html.slice(i, i + 60)}`);
      continue;
    }
    if (html[i + 1] === '/') continue;
    const name = m[1]!.toLowerCase();
    const attrs = new Map<string, string>();
    for (const a of m[2]!.matchAll(attrRe)) attrs.set(a[1]!.toLowerCase(), a[2] ?? a[3] ?? a[4] ?? '');
    if (forbiddenTags.has(name) && !(options.layout && name === 'svg')) problems.push(`<${name}> element`);
    if (name === 'script') {
      const src = attrs.get('src') ?? '';
      if (!options.layout || !src.startsWith('/') || src.startsWith('//'))
        problems.push(`<script> element: ${m[0]}`);
    }
    if (name === 'meta' && attrs.has('http-equiv') && /refresh/i.test(attrs.get('http-equiv')!))
      problems.push('meta refresh');
    for (const [attr, raw] of attrs) {
      if (attr.startsWith('on')) problems.push(`event handler ${attr} on <${name}>`);
      const value = entity(raw).replace(controlAndSpace, '').toLowerCase();
      if (urlAttrs.has(attr)) {
        const scheme = /^([a-z][a-z0-9+.-]*):/.exec(value)?.[1];
        if (scheme && !['http', 'https', 'mailto', 'tel'].includes(scheme))
          problems.push(`${attr}="${raw}" on <${name}> (scheme ${scheme})`);
      }
      if (attr === 'style' && /expression|javascript:|url\(|@import|behavior/.test(value))
        problems.push(`style="${raw}" on <${name}>`);
    }
  }
  return problems;
}
