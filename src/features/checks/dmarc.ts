// The DMARC check (RFC 7489): the `_dmarc.` TXT record of the domain (or of its organisational domain, for
// a subdomain), its policy (none / quarantine / reject), `pct` and whether it asks for aggregate reports.
import type { DnsAnswer, Resolver } from '../../ports/resolver.js';
import { type CheckResult, checkResult, type Finding, finding } from './findings.js';

export interface DmarcRecord {
  record: string;
  tags: Record<string, string>;
  policy: 'none' | 'quarantine' | 'reject' | null;
  subdomainPolicy: 'none' | 'quarantine' | 'reject' | null;
  pct: number;
  rua: string[];
}

export const isDmarc = (txt: string) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(txt.trim());

const policyOf = (v: string | undefined) =>
  v && ['none', 'quarantine', 'reject'].includes(v.toLowerCase())
    ? (v.toLowerCase() as DmarcRecord['policy'])
    : null;

export function parseDmarc(record: string): DmarcRecord {
  const tags: Record<string, string> = {};
  for (const part of record.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const key = part.slice(0, i).trim().toLowerCase();
    if (key && !(key in tags)) tags[key] = part.slice(i + 1).trim();
  }
  const pct = tags.pct !== undefined && /^\d{1,3}$/.test(tags.pct) ? Math.min(100, Number(tags.pct)) : 100;
  const rua = (tags.rua ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => /^(mailto|https?):/i.test(u));
  return {
    record: record.trim(),
    tags,
    policy: policyOf(tags.p),
    subdomainPolicy: policyOf(tags.sp),
    pct,
    rua,
  };
}

// Public suffixes a UK council domain sits under (a small slice of the Public Suffix List: enough to find
// the organisational domain of e.g. "it.cardiff.gov.uk" without shipping the whole list).
const suffixes = [
  'gov.uk',
  'org.uk',
  'co.uk',
  'ac.uk',
  'nhs.uk',
  'police.uk',
  'sch.uk',
  'net.uk',
  'me.uk',
  'ltd.uk',
  'plc.uk',
];

/** The registrable (organisational) domain: one label under a known UK suffix, else the last two labels. */
export function organisationalDomain(domain: string): string {
  const labels = domain.split('.');
  const suffix = suffixes.find((s) => domain.endsWith(`.${s}`));
  const keep = suffix ? suffix.split('.').length + 1 : 2;
  return labels.slice(-keep).join('.');
}

async function dmarcAt(resolver: Resolver, domain: string): Promise<DnsAnswer<string>> {
  const txt = await resolver.resolveTxt(`_dmarc.${domain}`);
  if (txt.status !== 'found') return txt;
  const records = txt.records.filter(isDmarc);
  return records.length ? { status: 'found', records } : { status: 'none', reason: 'nodata' };
}

export async function checkDmarc(resolver: Resolver, domain: string): Promise<CheckResult> {
  const later = (reason: string) =>
    checkResult(
      'dmarc',
      [
        finding(
          'dns-temporary',
          'temporary',
          `We could not read the DMARC record of ${domain} just now (${reason}). We will try again.`,
        ),
      ],
      { error: reason },
    );
  let at = domain;
  let answer = await dmarcAt(resolver, domain);
  if (answer.status === 'temporary') return later(answer.reason);
  const org = organisationalDomain(domain);
  if (answer.status === 'none' && org !== domain) {
    at = org;
    answer = await dmarcAt(resolver, org);
    if (answer.status === 'temporary') return later(answer.reason);
  }
  if (answer.status === 'none')
    return checkResult('dmarc', [
      finding(
        'dmarc-missing',
        'warning',
        `${domain} publishes no DMARC record (_dmarc.${domain}), so mail spoofing your domain is not blocked and you get no reports of it. Publish “v=DMARC1; p=none; rua=mailto:…” to start collecting reports, then move to quarantine or reject.`,
      ),
    ]);
  if (answer.records.length > 1)
    return checkResult(
      'dmarc',
      [
        finding(
          'dmarc-multiple',
          'warning',
          `_dmarc.${at} holds ${answer.records.length} DMARC records; RFC 7489 says receivers then apply none of them. Keep a single record.`,
        ),
      ],
      { records: answer.records },
    );

  const dmarc = parseDmarc(answer.records[0]!);
  const inherited = at !== domain;
  // A subdomain follows its organisational domain's sp= (or p=); a missing p= with reports asked for is p=none.
  const policy =
    (inherited ? (dmarc.subdomainPolicy ?? dmarc.policy) : dmarc.policy) ??
    (dmarc.tags.p === undefined && dmarc.rua.length ? 'none' : null);
  const detail = { record: dmarc.record, at, policy, pct: dmarc.pct, rua: dmarc.rua, inherited };
  const findings: Finding[] = [];
  const where = inherited ? `${domain} (through ${at}’s DMARC record)` : `Your domain ${domain}`;
  if (policy === null)
    findings.push(
      finding(
        'dmarc-invalid',
        'warning',
        `The DMARC record at _dmarc.${at} has no valid policy (p=none, quarantine or reject), so receivers ignore it. Fix the p= tag.`,
      ),
    );
  else if (policy === 'none')
    findings.push(
      finding(
        'dmarc-none',
        'warning',
        `${where} publishes DMARC with p=none: spoofed mail is not blocked. Move to quarantine or reject.`,
      ),
    );
  else
    findings.push(
      finding(
        `dmarc-${policy}`,
        'ok',
        `${where} publishes DMARC with p=${policy}: receivers ${policy === 'reject' ? 'refuse' : 'quarantine'} mail that fails it.`,
      ),
    );
  if (policy && policy !== 'none' && dmarc.pct < 100)
    findings.push(
      finding(
        'dmarc-pct',
        'info',
        `The policy applies to only ${dmarc.pct}% of failing mail (pct=${dmarc.pct}). Raise it to 100.`,
      ),
    );
  if (dmarc.rua.length === 0)
    findings.push(
      finding(
        'dmarc-no-rua',
        'info',
        'The DMARC record asks for no aggregate reports (rua=), so you will not see who sends mail in your name. Add a rua= address.',
      ),
    );
  return checkResult('dmarc', findings, detail);
}
