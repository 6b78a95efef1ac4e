// The Node fetch of the checks (MTA-STS policies, security.txt): host names are looked up through the
// checks' own resolver (DNS_SERVERS or DoH), not the system's, so a policy host is judged by the same DNS
// as the records that point at it. undici's Agent takes the lookup at connect time.
import type { LookupAddress } from 'node:dns';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Resolver } from '../ports/resolver.js';

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A node:net lookup function answering from the resolver: ENOTFOUND for no address, EAI_AGAIN for a failure. */
export function resolverLookup(resolver: Resolver) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: LookupCallback,
  ) => {
    const wanted = Number(options?.family) || 0;
    Promise.all([
      wanted === 6 ? null : resolver.resolve4(hostname),
      wanted === 4 ? null : resolver.resolve6(hostname),
    ]).then(
      ([a, aaaa]) => {
        const found: LookupAddress[] = [
          ...(a?.status === 'found' ? a.records.map((address) => ({ address, family: 4 })) : []),
          ...(aaaa?.status === 'found' ? aaaa.records.map((address) => ({ address, family: 6 })) : []),
        ];
        if (found.length === 0) {
          const failed = [a, aaaa].find((x) => x?.status === 'temporary');
          const err: NodeJS.ErrnoException = new Error(
            failed ? `the DNS lookup of ${hostname} failed for now` : `${hostname} has no address`,
          );
          err.code = failed ? 'EAI_AGAIN' : 'ENOTFOUND';
          (err as { hostname?: string }).hostname = hostname;
          return callback(err, options?.all ? [] : '');
        }
        if (options?.all) return callback(null, found);
        return callback(null, found[0]!.address, found[0]!.family);
      },
      (err: Error) => callback(Object.assign(err, { code: 'EAI_AGAIN' }), options?.all ? [] : ''),
    );
  };
}

/** fetch whose connections look host names up through the resolver. */
export function resolvingFetch(resolver: Resolver): typeof fetch {
  const dispatcher = new Agent({ connect: { lookup: resolverLookup(resolver) as never } });
  return ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;
}
