// The DNS resolver port. Every answer says which of three things happened: records were found; the name
// definitely has none (NXDOMAIN, or NODATA: the name exists without that type); or the lookup failed for
// now (SERVFAIL, timeout, refused …). A temporary failure means "ask again later", never "unreachable".

export interface MxRecord {
  /** The mail host, lower case, no trailing dot; '' for a null MX (`MX 0 .`, RFC 7505). */
  exchange: string;
  priority: number;
}

export type DnsAnswer<T> =
  | { status: 'found'; records: T[] }
  | { status: 'none'; reason: 'nxdomain' | 'nodata' }
  | { status: 'temporary'; reason: string };

export interface Resolver {
  resolveMx(name: string): Promise<DnsAnswer<MxRecord>>;
  /** Each TXT record's character-strings joined into one string (as SPF and DMARC read them). */
  resolveTxt(name: string): Promise<DnsAnswer<string>>;
  resolve4(name: string): Promise<DnsAnswer<string>>;
  resolve6(name: string): Promise<DnsAnswer<string>>;
  /** The name's own CNAME target (not followed); `none` when the name is not an alias. */
  resolveCname(name: string): Promise<DnsAnswer<string>>;
}

export const found = <T>(records: T[]): DnsAnswer<T> => ({ status: 'found', records });
export const nxdomain: DnsAnswer<never> = { status: 'none', reason: 'nxdomain' };
export const nodata: DnsAnswer<never> = { status: 'none', reason: 'nodata' };
export const temporary = (reason: string): DnsAnswer<never> => ({ status: 'temporary', reason });

/** A DNS name as the checks compare it: lower case, no trailing dot. */
export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
