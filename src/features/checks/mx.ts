// The MX check: where mail for the domain goes. No MX means the implicit MX of RFC 5321 §5.1 (the domain's
// own A/AAAA address); `MX 0 .` is a null MX (RFC 7505): the domain takes no mail. Each MX host must be a
// host name with an address of its own, not an alias (RFC 2181 §10.3) and not nothing.
import type { DnsAnswer, Resolver } from '../../ports/resolver.js';
import { type CheckResult, checkResult, type Finding, finding, listWords } from './findings.js';

export interface MxOutcome {
  result: CheckResult;
  /** The MX hosts in priority order ([the domain] for an implicit MX). */
  hosts: string[];
  /** Definitely takes no mail (null MX, no such domain, or no MX and no address): the mailbox is unreachable. */
  takesNoMail: boolean;
}

const ipLiteral = /^(\d{1,3}\.){3}\d{1,3}$|:/;

const later = (what: string, reason: string) =>
  finding(
    'dns-temporary',
    'temporary',
    `We could not look up ${what} just now (${reason}). We will try again; nothing has been marked unreachable.`,
  );

async function addressesOf(resolver: Resolver, host: string) {
  const [a, aaaa] = await Promise.all([resolver.resolve4(host), resolver.resolve6(host)]);
  const temporary = [a, aaaa].find((x) => x.status === 'temporary') as
    | Extract<DnsAnswer<string>, { status: 'temporary' }>
    | undefined;
  const addresses = [
    ...(a.status === 'found' ? a.records : []),
    ...(aaaa.status === 'found' ? aaaa.records : []),
  ];
  const missing: 'nxdomain' | 'no-address' =
    a.status === 'none' && a.reason === 'nxdomain' ? 'nxdomain' : 'no-address';
  return { addresses, temporary: addresses.length === 0 ? temporary : undefined, missing };
}

/**
 * An exchange's addresses, its alias followed to the end (at most 8 hops) when the name is a CNAME: a
 * recursive resolver usually does this itself; this does not depend on it.
 */
async function exchangeAddresses(resolver: Resolver, host: string) {
  const [cname, own] = await Promise.all([resolver.resolveCname(host), addressesOf(resolver, host)]);
  if (cname.status === 'temporary') return { alias: null, ...own, temporary: own.temporary ?? cname };
  const alias = cname.status === 'found' ? (cname.records[0] ?? null) : null;
  let target = alias;
  let result = own;
  for (let hop = 0; target && result.addresses.length === 0 && !result.temporary && hop < 8; hop++) {
    result = await addressesOf(resolver, target);
    const next = await resolver.resolveCname(target);
    target = next.status === 'found' ? (next.records[0] ?? null) : null;
  }
  return { alias, ...result };
}

export async function checkMx(resolver: Resolver, domain: string): Promise<MxOutcome> {
  const mx = await resolver.resolveMx(domain);
  if (mx.status === 'temporary')
    return {
      result: checkResult('mx', [later(`the mail servers (MX) for ${domain}`, mx.reason)], {
        error: mx.reason,
      }),
      hosts: [],
      takesNoMail: false,
    };

  if (mx.status === 'none') {
    if (mx.reason === 'nxdomain')
      return {
        result: checkResult('mx', [
          finding(
            'domain-not-found',
            'critical',
            `The domain ${domain} does not exist in the DNS, so no mail can be delivered to it. Check the address, or register a mailbox on a domain that receives mail.`,
          ),
        ]),
        hosts: [],
        takesNoMail: true,
      };
    // No MX: RFC 5321 §5.1 delivers to the domain's own address (the implicit MX).
    const own = await addressesOf(resolver, domain);
    if (own.temporary)
      return {
        result: checkResult('mx', [later(`the address of ${domain}`, own.temporary.reason)]),
        hosts: [],
        takesNoMail: false,
      };
    if (own.addresses.length === 0)
      return {
        result: checkResult('mx', [
          finding(
            'no-mail-host',
            'critical',
            `${domain} has no MX records and no address, so no mail can be delivered to it. Publish an MX record for your mail service.`,
          ),
        ]),
        hosts: [],
        takesNoMail: true,
      };
    return {
      result: checkResult(
        'mx',
        [
          finding(
            'implicit-mx',
            'warning',
            `${domain} has no MX records, so mail is delivered to the domain’s own address (${listWords(own.addresses)}) under RFC 5321’s implicit MX rule. Publish an MX record that names your mail service.`,
          ),
        ],
        { implicit: true, addresses: own.addresses },
      ),
      hosts: [domain],
      takesNoMail: false,
    };
  }

  const records = [...mx.records].sort((a, b) => a.priority - b.priority);
  const nulls = records.filter((r) => r.exchange === '' || r.exchange === '.');
  const hosts = [...new Set(records.filter((r) => r.exchange && r.exchange !== '.').map((r) => r.exchange))];
  const detail = { records: records.map((r) => ({ priority: r.priority, exchange: r.exchange || '.' })) };
  if (nulls.length && hosts.length === 0)
    return {
      result: checkResult(
        'mx',
        [
          finding(
            'null-mx',
            'critical',
            `${domain} publishes a null MX (“MX 0 .”, RFC 7505): it declares that it accepts no mail at all, so the mailbox cannot receive alerts. Register a mailbox on a domain that receives mail, or replace the null MX with your mail servers.`,
          ),
        ],
        detail,
      ),
      hosts: [],
      takesNoMail: true,
    };

  const findings: Finding[] = [];
  if (nulls.length)
    findings.push(
      finding(
        'null-mx-mixed',
        'warning',
        `${domain} publishes a null MX (“MX 0 .”) beside other MX records; RFC 7505 says a null MX must be the only one. Remove it.`,
      ),
    );
  const hostDetail: Array<{ host: string; addresses: string[]; cname: string | null }> = [];
  const dangling: Array<{ host: string; missing: 'nxdomain' | 'no-address' }> = [];
  const literals: string[] = [];
  let temporary: Finding | undefined;
  for (const host of hosts) {
    if (ipLiteral.test(host)) {
      findings.push(
        finding(
          'mx-ip-literal',
          'warning',
          `The MX record ${host} is an address, not a host name; many senders will not deliver to it. Point the MX at a host name.`,
        ),
      );
      literals.push(host);
      continue;
    }
    const exchange = await exchangeAddresses(resolver, host);
    if (exchange.temporary) {
      temporary = later(`the mail server ${host}`, exchange.temporary.reason);
      continue;
    }
    hostDetail.push({ host, addresses: exchange.addresses, cname: exchange.alias });
    if (exchange.alias)
      findings.push(
        finding(
          'mx-cname',
          'warning',
          exchange.addresses.length
            ? `The mail server ${host} is an alias (CNAME) for ${exchange.alias}; mail still reaches it, but RFC 2181 and RFC 5321 say an MX must name a host directly, and some senders will not deliver. Point the MX at ${exchange.alias}.`
            : `The mail server ${host} is an alias (CNAME) for ${exchange.alias}, which has no address.`,
        ),
      );
    if (exchange.addresses.length === 0) dangling.push({ host, missing: exchange.missing });
  }
  if (temporary) return { result: checkResult('mx', [temporary], detail), hosts, takesNoMail: false };
  const described = (d: (typeof dangling)[number]) =>
    d.missing === 'nxdomain' ? `${d.host} does not exist` : `${d.host} has no address (neither A nor AAAA)`;
  // Every exchange that is a name leads nowhere, and no address is given instead: nothing can be delivered.
  if (dangling.length && dangling.length === hosts.length - literals.length && literals.length === 0)
    return {
      result: checkResult(
        'mx',
        [
          ...findings,
          finding(
            'mx-no-address',
            'critical',
            `No mail can be delivered to ${domain}: its MX records name mail servers that lead nowhere (${listWords(dangling.map(described))}). Fix the MX records or the servers’ A/AAAA records.`,
          ),
        ],
        { ...detail, hosts: hostDetail },
      ),
      hosts,
      takesNoMail: true,
    };
  if (dangling.length)
    findings.push(
      finding(
        'mx-some-no-address',
        'warning',
        `Some mail servers for ${domain} lead nowhere (${listWords(dangling.map(described))}); mail still arrives through the others. Remove or fix those MX records.`,
      ),
    );
  if (findings.length === 0)
    findings.push(
      finding('mx-ok', 'ok', `Mail for ${domain} goes to ${listWords(hosts)}, and each has an address.`),
    );
  return { result: checkResult('mx', findings, { ...detail, hosts: hostDetail }), hosts, takesNoMail: false };
}
