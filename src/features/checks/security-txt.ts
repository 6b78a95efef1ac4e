// security.txt (RFC 9116) of a council's domain: fetched from https://<domain>/.well-known/security.txt
// (https only, a timeout, a size limit, at most three https redirects), parsed, and compared with the
// registered mailbox. Informational: it never makes a mailbox at risk.
import type { Deps } from '../../deps.js';
import { fetchText } from './fetch-text.js';
import { type CheckResult, checkResult, type Finding, finding, listWords } from './findings.js';

export const SECURITY_TXT_LIMIT = 32 * 1024;

export interface SecurityTxt {
  fields: Record<string, string[]>;
  contacts: string[];
  expires: Date | null;
}

/** Parses the fields (a PGP clear-signed file too); field names are case-insensitive, kept lower case. */
export function parseSecurityTxt(text: string): SecurityTxt {
  let lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const signed = lines.findIndex((l) => l.startsWith('-----BEGIN PGP SIGNED MESSAGE-----'));
  if (signed >= 0) {
    const body = lines.slice(signed + 1);
    const blank = body.findIndex((l) => l.trim() === '');
    const end = body.findIndex((l) => l.startsWith('-----BEGIN PGP SIGNATURE-----'));
    lines = body
      .slice(blank + 1, end < 0 ? undefined : end)
      .map((l) => (l.startsWith('- ') ? l.slice(2) : l));
  }
  const fields: Record<string, string[]> = {};
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9-]+):\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    fields[key] = [...(fields[key] ?? []), m[2]!];
  }
  const expiresText = fields.expires?.[0];
  const expires = expiresText && !Number.isNaN(Date.parse(expiresText)) ? new Date(expiresText) : null;
  return { fields, contacts: fields.contact ?? [], expires };
}

const mailtoAddress = (uri: string) => {
  const m = /^mailto:([^?]+)/i.exec(uri.trim());
  return m ? decodeURIComponent(m[1]!).toLowerCase() : null;
};

export async function checkSecurityTxt(
  deps: Pick<Deps, 'fetch' | 'config' | 'clock'>,
  domain: string,
  registered: string[],
): Promise<CheckResult> {
  const url = `https://${domain}/.well-known/security.txt`;
  const fetched = await fetchText(deps, url, {
    timeoutMs: deps.config.CHECKS_HTTP_TIMEOUT_MS,
    maxBytes: SECURITY_TXT_LIMIT,
    maxRedirects: 3,
  });
  if (fetched.kind === 'network' || (fetched.kind === 'http-error' && fetched.status >= 500))
    return checkResult(
      'security-txt',
      [
        finding(
          'security-txt-temporary',
          'temporary',
          `We could not fetch ${url} just now (${fetched.kind === 'network' ? fetched.reason : `HTTP ${fetched.status}`}). We will try again.`,
        ),
      ],
      { url },
    );
  const parsed =
    fetched.kind === 'ok' && /^text\/plain\b/i.test(fetched.contentType)
      ? parseSecurityTxt(fetched.text)
      : null;
  if (!parsed || Object.keys(parsed.fields).length === 0)
    return checkResult(
      'security-txt',
      [
        finding(
          'security-txt-missing',
          'info',
          `${domain} publishes no security.txt (RFC 9116) at ${url}. Publishing one with “Contact: mailto:” your security mailbox helps people who find a vulnerability reach your security team.`,
        ),
      ],
      { url },
    );
  const listed = parsed.contacts.map(mailtoAddress).filter((a): a is string => a !== null);
  const wanted = registered.map((a) => a.toLowerCase());
  const detail = {
    url: fetched.kind === 'ok' ? fetched.url : url,
    contacts: parsed.contacts,
    expires: parsed.expires?.toISOString() ?? null,
    // Whether a registered mailbox is listed, never which: findings are shown to every council with a
    // mailbox on the domain, and must not name another council's address.
    listsRegisteredMailbox: wanted.some((a) => listed.includes(a)),
  };
  const findings: Finding[] = [];
  if (parsed.contacts.length === 0)
    findings.push(
      finding(
        'security-txt-no-contact',
        'info',
        `${url} has no Contact: line, which RFC 9116 requires. Add one with your security mailbox (“Contact: mailto:…”).`,
      ),
    );
  else if (detail.listsRegisteredMailbox)
    findings.push(
      finding(
        'security-txt-lists-mailbox',
        'ok',
        `${domain}’s security.txt lists a security mailbox registered with this service.`,
      ),
    );
  else
    findings.push(
      finding(
        'security-txt-other-contact',
        'info',
        `${domain}’s security.txt lists ${listWords(parsed.contacts)} but no security mailbox registered with this service. Consider adding your registered mailbox as a Contact.`,
      ),
    );
  if (!parsed.expires || parsed.expires <= deps.clock.now())
    findings.push(
      finding(
        'security-txt-expired',
        'info',
        parsed.expires
          ? `${domain}’s security.txt expired on ${parsed.expires.toISOString().slice(0, 10)}; readers may no longer trust it. Renew its Expires: date.`
          : `${domain}’s security.txt has no valid Expires: date, which RFC 9116 requires. Add one less than a year ahead.`,
      ),
    );
  else if (parsed.expires.getTime() > yearAfter(deps.clock.now()).getTime())
    findings.push(
      finding(
        'security-txt-expires-far',
        'info',
        `${domain}’s security.txt expires on ${parsed.expires.toISOString().slice(0, 10)}, more than a year ahead; RFC 9116 asks for less than a year, so that the file is reviewed. Bring its Expires: date nearer.`,
      ),
    );
  return checkResult('security-txt', findings, detail);
}

/** The same moment a year later (UTC). */
function yearAfter(now: Date): Date {
  const later = new Date(now.getTime());
  later.setUTCFullYear(later.getUTCFullYear() + 1);
  return later;
}
