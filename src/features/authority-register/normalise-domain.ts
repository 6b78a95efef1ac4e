// Normalises an e-mail domain (trim, lower-case, no trailing dot, IDN → punycode) and checks it is a DNS name.
import { AppError } from '../../errors.js';

const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Characters that would make the URL parser read something other than a bare host. */
const notHost = /[\s/\\?#@:%*[\]<>^|"'`{}]/u;

/** The domain as stored, or a reason it is not a usable mail domain. */
export function tryNormaliseDomain(input: string): { domain: string } | { problem: string } {
  let d = input.trim().toLowerCase();
  if (d.endsWith('.')) d = d.slice(0, -1);
  if (!d) return { problem: 'The domain is empty.' };
  if (d.length > 1000) return { problem: 'The domain is longer than 253 characters.' };
  if (d.includes('*')) return { problem: 'Wildcard domains are not accepted.' };
  if (notHost.test(d)) return { problem: 'The domain may contain only letters, digits, hyphens and dots.' };
  let host: string;
  try {
    // The WHATWG URL parser does IDNA (UTS #46) on Node and on Workers alike.
    host = new URL(`http://${d}`).hostname;
  } catch {
    return { problem: 'The domain is not a valid DNS name.' };
  }
  if (host.length > 253) return { problem: 'The domain is longer than 253 characters.' };
  const labels = host.split('.');
  if (labels.length < 2)
    return { problem: 'The domain needs at least one dot (for example "cardiff.gov.uk").' };
  if (!labels.every((l) => label.test(l)))
    return {
      problem:
        'Each part of the domain must be 1–63 letters, digits or hyphens, not starting or ending with a hyphen.',
    };
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return { problem: 'An IP address is not a domain.' };
  return { domain: host };
}

/** As tryNormaliseDomain, but an unusable domain is a 422 naming the field. */
export function normaliseDomain(input: string, field = 'domain'): string {
  const result = tryNormaliseDomain(input);
  if ('problem' in result)
    throw new AppError('validation_failed', `${field}: ${result.problem}`, {
      errors: [{ path: field, message: result.problem }],
    });
  return result.domain;
}
