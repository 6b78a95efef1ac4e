// Shared set-up for the reachability tests: a well-configured zone, and the HTTP edge
// (MTA-STS policy files, security.txt) served by msw.

import { readFileSync } from 'node:fs';
import { HttpResponse, http } from 'msw';
import type { Zones } from '../../src/adapters/resolver-memory.js';
import type { Deps } from '../../src/deps.js';
import { verpTag } from '../../src/features/advisories/signing-key.js';

/** A domain with everything in order: MX with addresses, SPF -all, DMARC reject, MTA-STS, TLS-RPT. */
export function goodZone(domain: string): Zones {
  return {
    [domain]: {
      MX: [`10 mx1.${domain}`, `20 mx2.${domain}`],
      TXT: ['v=spf1 ip4:192.0.2.0/24 -all', 'google-site-verification=x'],
      A: ['192.0.2.80'],
    },
    [`mx1.${domain}`]: { A: ['192.0.2.25'] },
    [`mx2.${domain}`]: { A: ['192.0.2.26'], AAAA: ['2001:db8::26'] },
    [`_dmarc.${domain}`]: { TXT: [`v=DMARC1; p=reject; rua=mailto:dmarc@${domain}`] },
    [`_mta-sts.${domain}`]: { TXT: ['v=STSv1; id=20261130T090000'] },
    [`_smtp._tls.${domain}`]: { TXT: [`v=TLSRPTv1; rua=mailto:tls-reports@${domain}`] },
  };
}

export const policyFile = (domain: string, mode = 'enforce', mx = [`mx1.${domain}`, `*.${domain}`]) =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), 'max_age: 604800', ''].join('\r\n');

/** msw: the MTA-STS policy file of `domain`. */
export const servePolicy = (domain: string, body = policyFile(domain), status = 200) =>
  http.get(
    `https://mta-sts.${domain}/.well-known/mta-sts.txt`,
    () => new HttpResponse(body, { status, headers: { 'content-type': 'text/plain' } }),
  );

/** msw: the security.txt of `domain` (404 when body is null). */
export const serveSecurityTxt = (domain: string, body: string | null) =>
  http.get(`https://${domain}/.well-known/security.txt`, () =>
    body === null
      ? new HttpResponse('Not found', { status: 404, headers: { 'content-type': 'text/html' } })
      : new HttpResponse(body, { headers: { 'content-type': 'text/plain; charset=utf-8' } }),
  );

export const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

export const DAY = 86_400_000;

/**
 * A fixture as the service's own mail would have it bounced: every `bounces+<delivery id>@` VERP address
 * in it carries the delivery's signature tag (`bounces+<id>.<tag>@`), as the addresses the engine sends from.
 */
export async function signedFixture(deps: Deps, name: string): Promise<string> {
  const raw = fixture(name);
  const ids = new Set([...raw.matchAll(/bounces\+([0-9a-z]+)@/g)].map((m) => m[1] ?? ''));
  let out = raw;
  for (const id of ids) out = out.replaceAll(`bounces+${id}@`, `bounces+${id}.${await verpTag(deps, id)}@`);
  return out;
}
