// The public advisory feed as JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
import type { Config } from '../../config.js';
import { entryContentHtml, type PublicAdvisory, publicHeadline } from './feed-entries.js';

export const JSON_FEED_PATH = '/feeds/advisories.json';

export function jsonFeed(
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'SERVICE_NAME'>,
  entries: PublicAdvisory[],
) {
  const base = config.PUBLIC_BASE_URL;
  return {
    version: 'https://jsonfeed.org/version/1.1' as const,
    title: `${config.SERVICE_NAME}: TLP:CLEAR advisories`,
    home_page_url: `${base}/`,
    feed_url: base + JSON_FEED_PATH,
    description: 'Security advisories for UK local authorities that anyone may share (TLP:CLEAR).',
    language: 'en-GB',
    authors: [{ name: config.SERVICE_NAME }],
    items: entries.map((e) => ({
      id: e.url,
      url: e.url,
      title: publicHeadline(e),
      summary: e.summary,
      content_html: entryContentHtml(e),
      date_published: e.publishedAt.toISOString(),
      date_modified: e.updatedAt.toISOString(),
      tags: [`TLP:${e.tlp}`, `severity:${e.severity}`, ...e.cves],
    })),
  };
}
