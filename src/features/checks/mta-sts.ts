// The MTA-STS check (RFC 8461): the `_mta-sts.` TXT record (`v=STSv1; id=…`) and the policy file at
// https://mta-sts.<domain>/.well-known/mta-sts.txt (no redirects, a timeout and a size limit): its version,
// mode, mx patterns and max_age, and whether the patterns cover the domain's MX hosts.
import type { Deps } from '../../deps.js';
import type { Resolver } from '../../ports/resolver.js';
import { fetchText } from './fetch-text.js';
import { type CheckResult, checkResult, type Finding, finding, listWords } from './findings.js';

export const MTA_STS_POLICY_LIMIT = 64 * 1024;

export interface MtaStsPolicy {
  version: string | null;
  mode: 'enforce' | 'testing' | 'none' | null;
  mx: string[];
  maxAge: number | null;
  problems: string[];
}

export function parseMtaStsPolicy(text: string): MtaStsPolicy {
  const fields = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    fields.set(key, [...(fields.get(key) ?? []), line.slice(i + 1).trim()]);
  }
  const version = fields.get('version')?.[0] ?? null;
  const modeText = fields.get('mode')?.[0]?.toLowerCase();
  const mode = modeText === 'enforce' || modeText === 'testing' || modeText === 'none' ? modeText : null;
  const mx = (fields.get('mx') ?? []).map((p) => p.toLowerCase().replace(/\.$/, '')).filter(Boolean);
  const ageText = fields.get('max_age')?.[0];
  const maxAge = ageText && /^\d{1,10}$/.test(ageText) ? Number(ageText) : null;
  const problems: string[] = [];
  if (version !== 'STSv1') problems.push('its version is not STSv1');
  if (!mode) problems.push('its mode is not enforce, testing or none');
  if (maxAge === null || maxAge > 31_557_600) problems.push('its max_age is missing or out of range');
  if (mode && mode !== 'none' && mx.length === 0) problems.push('it lists no mx patterns');
  return { version, mode, mx, maxAge, problems };
}

/** RFC 8461 §4.1: a pattern matches the host exactly, or `*.` matches one leftmost label. */
export function mxMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) {
    const rest = pattern.slice(2);
    const dot = host.indexOf('.');
    return dot > 0 && host.slice(dot + 1) === rest;
  }
  return pattern === host;
}

const later = (domain: string, what: string, reason: string, known: Record<string, unknown> = {}) =>
  checkResult(
    'mta-sts',
    [
      finding(
        'mta-sts-temporary',
        'temporary',
        `We could not read ${what} for ${domain} just now (${reason}). We will try again.`,
      ),
    ],
    { ...known, error: reason },
  );

export async function checkMtaSts(
  deps: Pick<Deps, 'fetch' | 'config'>,
  resolver: Resolver,
  domain: string,
  mxHosts: string[],
): Promise<CheckResult> {
  const txt = await resolver.resolveTxt(`_mta-sts.${domain}`);
  if (txt.status === 'temporary') return later(domain, 'the MTA-STS record', txt.reason);
  const records = txt.status === 'found' ? txt.records.filter((r) => /^v=STSv1\s*(;|$)/i.test(r.trim())) : [];
  if (records.length === 0)
    return checkResult('mta-sts', [
      finding(
        'mta-sts-missing',
        'info',
        `${domain} does not publish MTA-STS, so an attacker on the network can make senders deliver your mail unencrypted. Consider publishing an MTA-STS policy (RFC 8461), in testing mode first.`,
      ),
    ]);
  if (records.length > 1)
    return checkResult(
      'mta-sts',
      [
        finding(
          'mta-sts-txt-multiple',
          'warning',
          `_mta-sts.${domain} holds ${records.length} MTA-STS records; senders then ignore MTA-STS. Keep one.`,
        ),
      ],
      { records },
    );
  const id = /(?:^|;)\s*id\s*=\s*([A-Za-z0-9]{1,32})\s*(;|$)/.exec(records[0]!)?.[1] ?? null;
  const url = `https://mta-sts.${domain}/.well-known/mta-sts.txt`;
  const detail: Record<string, unknown> = { record: records[0], id, url };
  const findings: Finding[] = [];
  if (!id)
    findings.push(
      finding(
        'mta-sts-txt-invalid',
        'warning',
        `The MTA-STS record at _mta-sts.${domain} has no valid id= (1 to 32 letters and digits); senders ignore it. Fix the record.`,
      ),
    );

  const fetched = await fetchText(deps, url, {
    timeoutMs: deps.config.CHECKS_HTTP_TIMEOUT_MS,
    maxBytes: MTA_STS_POLICY_LIMIT,
  });
  // The TXT record and its id are kept even when the policy cannot be fetched.
  if (fetched.kind === 'network')
    return later(domain, `the MTA-STS policy at ${url}`, fetched.reason, detail);
  if (fetched.kind === 'http-error' && fetched.status >= 500)
    return later(domain, `the MTA-STS policy at ${url}`, `HTTP ${fetched.status}`, detail);
  if (fetched.kind !== 'ok') {
    const why =
      fetched.kind === 'redirect'
        ? `answered with a redirect (HTTP ${fetched.status}), which senders must not follow`
        : fetched.kind === 'too-large'
          ? `is larger than ${MTA_STS_POLICY_LIMIT / 1024} KiB`
          : `answered HTTP ${fetched.status}`;
    findings.push(
      finding(
        'mta-sts-policy-unavailable',
        'warning',
        `${domain} publishes an MTA-STS record, but the policy file ${url} ${why}, so senders ignore MTA-STS. Serve the policy file there.`,
      ),
    );
    return checkResult('mta-sts', findings, detail);
  }
  const policy = parseMtaStsPolicy(fetched.text);
  detail.policy = { version: policy.version, mode: policy.mode, mx: policy.mx, maxAge: policy.maxAge };
  if (policy.problems.length) {
    findings.push(
      finding(
        'mta-sts-policy-invalid',
        'warning',
        `The MTA-STS policy at ${url} is not valid: ${listWords(policy.problems)}. Senders ignore it until it is fixed.`,
      ),
    );
    return checkResult('mta-sts', findings, detail);
  }
  const uncovered = mxHosts.filter((h) => !policy.mx.some((p) => mxMatches(p, h)));
  if (policy.mode === 'enforce')
    findings.push(
      finding(
        'mta-sts-enforce',
        'ok',
        `${domain} enforces MTA-STS: senders deliver to it only over verified TLS.`,
      ),
    );
  else if (policy.mode === 'testing')
    findings.push(
      finding(
        'mta-sts-testing',
        'info',
        `${domain}’s MTA-STS policy is in testing mode: failures are reported but mail is still delivered insecurely. Move to enforce when the TLS reports are clean.`,
      ),
    );
  else
    findings.push(
      finding(
        'mta-sts-mode-none',
        'info',
        `${domain}’s MTA-STS policy has mode none: MTA-STS is switched off.`,
      ),
    );
  if (policy.mode !== 'none' && uncovered.length)
    findings.push(
      finding(
        'mta-sts-mx-mismatch',
        policy.mode === 'enforce' ? 'critical' : 'warning',
        `The MTA-STS policy does not cover the mail server${uncovered.length > 1 ? 's' : ''} ${listWords(uncovered)}${policy.mode === 'enforce' ? ', so senders that enforce MTA-STS will refuse to deliver there' : ''}. Add ${uncovered.length > 1 ? 'them' : 'it'} to the policy’s mx: lines.`,
      ),
    );
  if (policy.mode !== 'none' && policy.maxAge !== null && policy.maxAge < 86_400)
    findings.push(
      finding(
        'mta-sts-short-max-age',
        'info',
        `The policy’s max_age is ${policy.maxAge} seconds; RFC 8461 suggests weeks (e.g. 604800 or more) so senders keep it between visits.`,
      ),
    );
  if (!/^text\/plain\b/i.test(fetched.contentType))
    findings.push(
      finding(
        'mta-sts-content-type',
        'info',
        `The policy file is served as “${fetched.contentType || 'no type'}”; RFC 8461 asks for text/plain.`,
      ),
    );
  return checkResult('mta-sts', findings, detail);
}
