// The checks' HTTPS fetches: host names looked up through the checks' own resolver (not the system's),
// failures recorded with their real cause instead of "fetch failed", the MTA-STS record and id kept when
// the policy cannot be fetched, and no SPF/DMARC/MTA-STS noise for a domain that does not exist.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { resolverLookup, resolvingFetch } from '../../src/adapters/fetch-node.js';
import { memoryResolver } from '../../src/adapters/resolver-memory.js';
import { parseConfig } from '../../src/config.js';
import { fetchText, whyFetchFailed } from '../../src/features/checks/fetch-text.js';
import { checkMtaSts } from '../../src/features/checks/mta-sts.js';
import { runDomainChecks } from '../../src/features/reachability/run-checks.js';
import { makeTestApp } from '../support/app.js';
import { insertCouncils } from '../support/fixtures.js';
import { goodZone } from './support.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function httpServer(): Promise<number> {
  const server = createServer((_req, res) => res.end('policy'));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

describe('the checks’ fetch', () => {
  it('looks host names up through the checks’ resolver, not the system’s', async () => {
    const port = await httpServer();
    // a name no public DNS knows: only our resolver does
    const resolver = memoryResolver({ 'policy.only-in-our-zone.example': { A: ['127.0.0.1'] } });
    const res = await resolvingFetch(resolver)(`http://policy.only-in-our-zone.example:${port}/`);
    expect(await res.text()).toBe('policy');
    expect(resolver.queries).toContain('A policy.only-in-our-zone.example');
  });

  it('says why a fetch failed: no such host, refused, a failed lookup', async () => {
    const port = await httpServer();
    await new Promise((r) => servers.pop()!.close(r)); // now nothing listens there
    const resolver = memoryResolver({ 'closed.example': { A: ['127.0.0.1'] }, 'flaky.example': 'SERVFAIL' });
    const fetch = resolvingFetch(resolver);
    const why = async (url: string) =>
      fetch(url).then(
        () => 'fetched',
        (err) => whyFetchFailed(err),
      );
    expect(await why('http://gone.example/')).toBe('no such host (gone.example)');
    expect(await why(`http://closed.example:${port}/`)).toBe('the connection was refused');
    expect(await why('http://flaky.example/')).toBe('the host name could not be looked up just now');
    // and fetchText records it so
    const result = await fetchText({ fetch }, 'https://gone.example/.well-known/mta-sts.txt', {
      timeoutMs: 2000,
      maxBytes: 1000,
    });
    expect(result).toMatchObject({ kind: 'network', reason: 'no such host (gone.example)' });
  });

  it('answers a lookup as node:net expects, with every address when asked for all', async () => {
    const lookup = resolverLookup(
      memoryResolver({ 'both.example': { A: ['192.0.2.1'], AAAA: ['2001:db8::1'] } }),
    );
    const all = await new Promise((resolve) => lookup('both.example', { all: true }, (_e, a) => resolve(a)));
    expect(all).toEqual([
      { address: '192.0.2.1', family: 4 },
      { address: '2001:db8::1', family: 6 },
    ]);
    const one = await new Promise((resolve) =>
      lookup('both.example', { family: 6 }, (_e, a, f) => resolve([a, f])),
    );
    expect(one).toEqual(['2001:db8::1', 6]);
  });
});

describe('MTA-STS when the policy cannot be fetched', () => {
  it('keeps the TXT record and its id beside the temporary result and the real cause', async () => {
    const D = 'example.gov.uk';
    const deps = {
      config: parseConfig({ PUBLIC_BASE_URL: 'http://cyber-contacts.test', CHECKS_HTTP_TIMEOUT_MS: '2000' }),
      fetch: resolvingFetch(memoryResolver({})),
    };
    const result = await checkMtaSts(deps, memoryResolver(goodZone(D)), D, [`mx1.${D}`]);
    expect(result.severity).toBe('temporary');
    expect(result.detail).toMatchObject({ record: 'v=STSv1; id=20261130T090000', id: '20261130T090000' });
    expect(result.summary).toContain(`no such host (mta-sts.${D})`);
  });
});

describe('a domain that does not exist', () => {
  it('gets its MX finding and nothing else: no SPF, DMARC or MTA-STS noise', async () => {
    const t = await makeTestApp({ deps: { resolver: memoryResolver({}) } });
    await insertCouncils(t.db, { count: 1, address: () => 'cyber@no-such-council.gov.uk' });
    const run = await runDomainChecks(t.deps, 'no-such-council.gov.uk');
    expect(run.results.map((r) => r.kind)).toEqual(['mx']);
    expect(run.results[0]!.summary).toMatch(/does not exist in the DNS/);
    t.close();
  });
});
