// The SPF check (RFC 7208): exactly one `v=spf1` TXT record at the domain, and how it ends: `-all` (fail
// anything else), `~all` (soft fail), `?all` (neutral) or `+all` (anyone may send as the domain).
import type { DnsAnswer } from '../../ports/resolver.js';
import { type CheckResult, checkResult, finding } from './findings.js';

export interface SpfRecord {
  record: string;
  /** The `all` mechanism's qualifier, or null when the record has none. */
  all: '+' | '-' | '~' | '?' | null;
  redirect: string | null;
}

export const isSpf = (txt: string) => /^v=spf1(\s|$)/i.test(txt.trim());

export function parseSpf(record: string): SpfRecord {
  const terms = record.trim().split(/\s+/).slice(1);
  let all: SpfRecord['all'] = null;
  let redirect: string | null = null;
  for (const term of terms) {
    const m = /^([+\-~?]?)all$/i.exec(term);
    if (m) all = (m[1] || '+') as SpfRecord['all'];
    const r = /^redirect=(.+)$/i.exec(term);
    if (r) redirect = r[1]!.toLowerCase();
  }
  return { record: record.trim(), all, redirect };
}

export function checkSpf(domain: string, txt: DnsAnswer<string>): CheckResult {
  if (txt.status === 'temporary')
    return checkResult(
      'spf',
      [
        finding(
          'dns-temporary',
          'temporary',
          `We could not read the TXT records of ${domain} just now (${txt.reason}). We will try again.`,
        ),
      ],
      { error: txt.reason },
    );
  const records = txt.status === 'found' ? txt.records.filter(isSpf) : [];
  if (records.length === 0)
    return checkResult('spf', [
      finding(
        'spf-missing',
        'warning',
        `${domain} publishes no SPF record, so receivers cannot tell which servers may send mail in its name. Publish one TXT record listing your mail services and ending in -all, e.g. “v=spf1 include:… -all”.`,
      ),
    ]);
  if (records.length > 1)
    return checkResult(
      'spf',
      [
        finding(
          'spf-multiple',
          'warning',
          `${domain} publishes ${records.length} SPF records. RFC 7208 allows only one, so receivers treat SPF as an error and ignore it. Merge them into a single record.`,
        ),
      ],
      { records },
    );
  const spf = parseSpf(records[0]!);
  const detail = { record: spf.record, all: spf.all, redirect: spf.redirect };
  switch (spf.all) {
    case '-':
      return checkResult(
        'spf',
        [
          finding(
            'spf-fail-all',
            'ok',
            `${domain} publishes SPF ending in -all: mail from other servers fails.`,
          ),
        ],
        detail,
      );
    case '~':
      return checkResult(
        'spf',
        [
          finding(
            'spf-softfail-all',
            'info',
            `${domain} publishes SPF ending in ~all (soft fail): mail from servers it does not list is marked but usually still delivered. Move to -all once you are sure the list is complete.`,
          ),
        ],
        detail,
      );
    case '?':
      return checkResult(
        'spf',
        [
          finding(
            'spf-neutral-all',
            'warning',
            `${domain} publishes SPF ending in ?all (neutral): it says nothing about servers it does not list, so it gives no protection. End it in -all.`,
          ),
        ],
        detail,
      );
    case '+':
      return checkResult(
        'spf',
        [
          finding(
            'spf-pass-all',
            'critical',
            `${domain} publishes SPF ending in +all: any server in the world may send mail as your domain. Replace +all with -all now.`,
          ),
        ],
        detail,
      );
    default:
      if (spf.redirect)
        return checkResult(
          'spf',
          [
            finding(
              'spf-redirect',
              'info',
              `${domain} delegates its SPF policy to ${spf.redirect} (redirect); check that record ends in -all.`,
            ),
          ],
          detail,
        );
      return checkResult(
        'spf',
        [
          finding(
            'spf-no-all',
            'warning',
            `${domain} publishes SPF without an “all” at the end, which receivers read as ?all (neutral): no protection for servers it does not list. End it in -all.`,
          ),
        ],
        detail,
      );
  }
}
