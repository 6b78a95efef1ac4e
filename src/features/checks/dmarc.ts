// The DMARC check (RFC 7489, with DMARCbis's DNS tree walk for discovery): the `_dmarc.` TXT record of the
// domain or of the nearest parent that has one, its policy (none / quarantine / reject; a parent's `sp=`
// for a subdomain), `pct` and whether it asks for aggregate reports.
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

/**
 * Where a receiver looks for a domain's DMARC policy, as DMARCbis's DNS tree walk has it: the domain
 * itself, then each parent in turn up to (not including) the top-level domain, at most 8 names; a name of
 * more than 8 labels jumps to its last 7 after the first. So `cyber.council.gov.uk` finds
 * `_dmarc.council.gov.uk`, without a list of public suffixes.
 */
export function dmarcTreeWalk(domain: string): string[] {
  const labels = domain.split('.').filter(Boolean);
  const names = [labels.join('.')];
  let rest = labels.length > 8 ? labels.slice(-7) : labels.slice(1);
  while (rest.length > 1 && names.length < 8) {
    names.push(rest.join('.'));
    rest = rest.slice(1);
  }
  return names;
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
  // The tree walk: the first name up the tree with a DMARC record is the policy's; "none" at every name is
  // a definite answer (no DMARC), and only a failed lookup leaves the answer open.
  let at = domain;
  let answer: DnsAnswer<string> = { status: 'none', reason: 'nodata' };
  for (const name of dmarcTreeWalk(domain)) {
    answer = await dmarcAt(resolver, name);
    if (answer.status === 'temporary') return later(answer.reason);
    if (answer.status === 'found') {
      at = name;
      break;
    }
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
