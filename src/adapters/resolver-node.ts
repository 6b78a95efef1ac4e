// The Node resolver: node:dns's Resolver, pointed at DNS_SERVERS (e.g. `127.0.0.1:5353`) or the system's
// servers, with the configured timeout and tries. c-ares error codes map onto the port's three outcomes.
import { Resolver as DnsResolver } from 'node:dns/promises';
import type { Config } from '../config.js';
import {
  type DnsAnswer,
  found,
  nodata,
  normaliseName,
  nxdomain,
  type Resolver,
  temporary,
} from '../ports/resolver.js';

export type NodeResolverConfig = Pick<Config, 'DNS_SERVERS' | 'DNS_TIMEOUT_MS' | 'DNS_TRIES'>;

/** The servers in DNS_SERVERS ("127.0.0.1:5353, [::1]:53"), or [] for the system's. */
export function dnsServers(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function answer<T>(lookup: () => Promise<T[]>): Promise<DnsAnswer<T>> {
  try {
    const records = await lookup();
    return records.length ? found(records) : nodata;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    // ENOTFOUND is c-ares's NXDOMAIN; ENODATA is NODATA (the name exists without that type).
    if (code === 'ENOTFOUND') return nxdomain;
    if (code === 'ENODATA') return nodata;
    return temporary(code); // ESERVFAIL, ETIMEOUT, ECONNREFUSED, EREFUSED, EBADRESP …
  }
}

export function nodeResolver(config: NodeResolverConfig): Resolver {
  const dns = new DnsResolver({ timeout: config.DNS_TIMEOUT_MS, tries: config.DNS_TRIES });
  const servers = dnsServers(config.DNS_SERVERS);
  if (servers.length) dns.setServers(servers);
  const name = normaliseName;
  return {
    resolveMx: (n) =>
      answer(async () =>
        (await dns.resolveMx(name(n))).map((r) => ({
          exchange: normaliseName(r.exchange),
          priority: r.priority,
        })),
      ),
    resolveTxt: (n) => answer(async () => (await dns.resolveTxt(name(n))).map((parts) => parts.join(''))),
    resolve4: (n) => answer(() => dns.resolve4(name(n))),
    resolve6: (n) => answer(() => dns.resolve6(name(n))),
    resolveCname: (n) => answer(async () => (await dns.resolveCname(name(n))).map(normaliseName)),
  };
}
