// The TLS-RPT check (RFC 8460): `_smtp._tls.<domain>` TXT `v=TLSRPTv1; rua=mailto:…` asks senders to report
// failures to deliver to the domain securely.
import type { Resolver } from '../../ports/resolver.js';
import { type CheckResult, checkResult, finding } from './findings.js';

export async function checkTlsRpt(resolver: Resolver, domain: string): Promise<CheckResult> {
  const txt = await resolver.resolveTxt(`_smtp._tls.${domain}`);
  if (txt.status === 'temporary')
    return checkResult(
      'tls-rpt',
      [
        finding(
          'dns-temporary',
          'temporary',
          `We could not read the TLS-RPT record of ${domain} just now (${txt.reason}). We will try again.`,
        ),
      ],
      { error: txt.reason },
    );
  const records =
    txt.status === 'found' ? txt.records.filter((r) => /^v=TLSRPTv1\s*(;|$)/i.test(r.trim())) : [];
  if (records.length === 0)
    return checkResult('tls-rpt', [
      finding(
        'tls-rpt-missing',
        'info',
        `${domain} publishes no TLS-RPT record (_smtp._tls.${domain}), so you get no reports when senders cannot deliver to you securely. Publish “v=TLSRPTv1; rua=mailto:…”.`,
      ),
    ]);
  if (records.length > 1)
    return checkResult(
      'tls-rpt',
      [
        finding(
          'tls-rpt-multiple',
          'warning',
          `_smtp._tls.${domain} holds ${records.length} TLS-RPT records; senders then ignore them. Keep one.`,
        ),
      ],
      { records },
    );
  const rua = (/(?:^|;)\s*rua\s*=\s*([^;]*)/i.exec(records[0]!)?.[1] ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => /^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/i.test(u));
  const detail = { record: records[0], rua };
  if (rua.length === 0)
    return checkResult(
      'tls-rpt',
      [
        finding(
          'tls-rpt-invalid',
          'warning',
          `The TLS-RPT record of ${domain} has no valid rua= (a mailto: or https: address), so no reports can be sent. Fix the record.`,
        ),
      ],
      detail,
    );
  return checkResult(
    'tls-rpt',
    [finding('tls-rpt-ok', 'ok', `${domain} asks for TLS reports at ${rua.join(', ')}.`)],
    detail,
  );
}
