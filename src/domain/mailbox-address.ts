// Mailbox addresses: normalised (case, IDN → punycode), look-alike domains refused, personal-looking
// local parts flagged. Pure functions, so they run the same on Node and Workers.

export type AddressCheck =
  | {
      ok: true;
      address: string;
      localPart: string;
      domain: string;
      unicodeDomain: string;
      looksPersonal: boolean;
    }
  | { ok: false; reason: string };

const localPartPattern = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const labelPattern = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const scripts = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Han',
  'Hangul',
  'Thai',
] as const;
const scriptPatterns = scripts.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')] as const);

/** The scripts used by the letters of a label (digits and hyphens belong to none). */
function scriptsIn(label: string): Set<string> {
  const found = new Set<string>();
  for (const ch of label) {
    if (/[\p{N}-]/u.test(ch)) continue;
    const hit = scriptPatterns.find(([, re]) => re.test(ch));
    found.add(hit ? hit[0] : 'Other');
  }
  return found;
}

/** Decodes one punycode (RFC 3492) label, for checking what an `xn--` label really spells. */
export function decodePunycode(input: string): string {
  const base = 36;
  const output: number[] = [];
  const last = input.lastIndexOf('-');
  for (let j = 0; j < Math.max(last, 0); j++) output.push(input.charCodeAt(j));
  let n = 128;
  let bias = 72;
  let i = 0;
  for (let index = last > 0 ? last + 1 : 0; index < input.length; ) {
    const oldi = i;
    for (let w = 1, k = base; ; k += base) {
      if (index >= input.length) throw new Error('bad punycode');
      const cp = input.charCodeAt(index++);
      const digit = cp - 48 < 10 ? cp - 22 : cp - 65 < 26 ? cp - 65 : cp - 97 < 26 ? cp - 97 : base;
      if (digit >= base) throw new Error('bad punycode');
      i += digit * w;
      const t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
      if (digit < t) break;
      w *= base - t;
    }
    const len = output.length + 1;
    let delta = oldi === 0 ? Math.floor((i - oldi) / 700) : (i - oldi) >> 1;
    delta += Math.floor(delta / len);
    let k = 0;
    while (delta > 455) {
      delta = Math.floor(delta / 35);
      k += base;
    }
    bias = k + Math.floor((36 * delta) / (delta + 38));
    n += Math.floor(i / len);
    i %= len;
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

const teamWords =
  /^(cyber|secur|infosec|csirt|cert$|incident|ict$|it$|soc$|digital|service|desk|help|admin|team|alert|noc$|ops$|warp|info|contact|enquir|abuse|postmaster|hostmaster|dpo$|data|risk|resilien|emergenc|ooh$|duty|network|systems?$|tech|gov|council|mail)/;

/** firstname.lastname@ (or first_last, first-last): likely a person's own mailbox, not a team's. */
export function looksPersonal(localPart: string): boolean {
  const m = /^([a-z]{2,})[._-]([a-z]{2,})(\d{0,3})$/.exec(localPart);
  if (!m) return false;
  return !teamWords.test(m[1]!) && !teamWords.test(m[2]!);
}

export function checkAddress(input: string): AddressCheck {
  const raw = input.trim().normalize('NFC');
  if (raw.length === 0) return { ok: false, reason: 'Enter the mailbox address' };
  if (raw.length > 254) return { ok: false, reason: 'The address must be 254 characters or fewer' };
  const at = raw.lastIndexOf('@');
  if (at <= 0 || at === raw.length - 1)
    return { ok: false, reason: 'Enter the address in the correct format, like cyber@council.gov.uk' };
  const localPart = raw.slice(0, at).toLowerCase();
  const domainInput = raw.slice(at + 1).replace(/\.$/, '');
  if (/[%!]/.test(localPart))
    // Source routing (`x%evil.example@council.gov.uk`, bang paths): some mail systems still forward on them.
    return {
      ok: false,
      reason:
        'The part before the @ cannot contain % or !: give the mailbox’s own address, like cyber@council.gov.uk',
    };
  if (!localPartPattern.test(localPart) || localPart.length > 64)
    return { ok: false, reason: 'Enter the address in the correct format, like cyber@council.gov.uk' };
  let domain: string;
  try {
    if (/[/?#:@\s\\[\]%]/.test(domainInput)) throw new Error('bad');
    domain = new URL(`http://${domainInput}`).hostname.toLowerCase();
  } catch {
    return { ok: false, reason: 'The domain after the @ is not valid' };
  }
  const labels = domain.split('.');
  if (
    labels.length < 2 ||
    domain.length > 253 ||
    !labels.every((l) => labelPattern.test(l)) ||
    /^\d+$/.test(labels.at(-1)!)
  )
    return { ok: false, reason: 'The domain after the @ is not valid' };
  let unicodeLabels: string[];
  try {
    unicodeLabels = labels.map((l) => (l.startsWith('xn--') ? decodePunycode(l.slice(4)) : l));
  } catch {
    return { ok: false, reason: 'The domain after the @ is not valid' };
  }
  for (const label of unicodeLabels) {
    const used = scriptsIn(label);
    if (used.size > 1)
      return {
        ok: false,
        reason: `The domain mixes ${[...used].join(' and ')} letters in "${label}", which is how look-alike domains are made`,
      };
  }
  return {
    ok: true,
    address: `${localPart}@${domain}`,
    localPart,
    domain,
    unicodeDomain: unicodeLabels.join('.'),
    looksPersonal: looksPersonal(localPart),
  };
}

/**
 * Whether a mailbox domain is one of the authority's listed domains. Only an exact match counts: a
 * sub-domain (`x@anything.cardiff.gov.uk`) may be run by someone else, so it needs an admin's approval
 * unless an admin lists it as one of the council's domains.
 */
export function domainIsAffiliated(domain: string, authorityDomains: readonly string[]): boolean {
  return authorityDomains.includes(domain);
}
