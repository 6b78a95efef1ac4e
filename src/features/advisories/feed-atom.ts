// The public advisory feed as Atom 1.0 (RFC 4287): well-formed whatever the text, every value escaped.
import type { Config } from '../../config.js';
import { entryContentHtml, type PublicAdvisory, publicHeadline } from './feed-entries.js';

const xmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text safe inside an XML element or attribute: escaped, and without characters XML 1.0 forbids. */
function xmlText(value: string): string {
  return (
    value
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing what XML 1.0 does not allow is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
      .replace(/[&<>"']/g, (ch) => xmlEscapes[ch] ?? ch)
  );
}

export const ATOM_PATH = '/feeds/advisories.atom';

export function renderAtomFeed(
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'SERVICE_NAME'>,
  entries: PublicAdvisory[],
  now: Date,
): string {
  const base = config.PUBLIC_BASE_URL;
  const updated = entries.length ? new Date(Math.max(...entries.map((e) => e.updatedAt.getTime()))) : now;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">',
    `  <id>${xmlText(base + ATOM_PATH)}</id>`,
    `  <title type="text">${xmlText(`${config.SERVICE_NAME}: TLP:CLEAR advisories`)}</title>`,
    '  <subtitle type="text">Security advisories for UK local authorities that anyone may share (TLP:CLEAR).</subtitle>',
    `  <updated>${updated.toISOString()}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(base + ATOM_PATH)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(`${base}/`)}"/>`,
    `  <author><name>${xmlText(config.SERVICE_NAME)}</name></author>`,
  ];
  for (const e of entries) {
    lines.push(
      '  <entry>',
      `    <id>${xmlText(e.url)}</id>`,
      `    <title type="text">${xmlText(publicHeadline(e))}</title>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(e.url)}"/>`,
      `    <published>${e.publishedAt.toISOString()}</published>`,
      `    <updated>${e.updatedAt.toISOString()}</updated>`,
      `    <category term="${xmlText(`severity:${e.severity}`)}" label="${xmlText(`Severity: ${e.severity}`)}"/>`,
      `    <category term="TLP:${xmlText(e.tlp)}"/>`,
      ...e.cves.map((cve) => `    <category term="${xmlText(cve)}"/>`),
      `    <summary type="text">${xmlText(e.summary)}</summary>`,
      `    <content type="html">${xmlText(entryContentHtml(e))}</content>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
