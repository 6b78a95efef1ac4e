// The one test against a real DNS server: unbound serves MX (and a null MX), TXT and address records on
// 127.0.0.1, the Node resolver adapter is pointed at it, and an admin runs the checks through the API.
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeResolver } from '../../src/adapters/resolver-node.js';
import type { Resolver } from '../../src/ports/resolver.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertMailbox } from '../support/fixtures.js';
import { useMsw } from '../support/msw.js';
import { startUnbound, unboundAvailable } from '../support/unbound.js';

useMsw(
  // No council here publishes MTA-STS policy files or security.txt over https.
  http.get(/^https:\/\/.*\/\.well-known\/security\.txt$/, () => new HttpResponse('', { status: 404 })),
);

const records = [
  'good.test. 300 IN MX 10 mx1.good.test.',
  'good.test. 300 IN MX 20 mx2.good.test.',
  'mx1.good.test. 300 IN A 192.0.2.25',
  'mx2.good.test. 300 IN AAAA 2001:db8::26',
  'good.test. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
  '_dmarc.good.test. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.test"',
  '_smtp._tls.good.test. 300 IN TXT "v=TLSRPTv1; rua=mailto:tls@good.test"',
  'nullmx.test. 300 IN MX 0 .',
  'nullmx.test. 300 IN A 192.0.2.80',
  'implicit.test. 300 IN A 192.0.2.81',
  '_dmarc.implicit.test. 300 IN TXT "v=DMARC1; p=none"',
];

describe('checks against a real DNS server (unbound)', () => {
  it('has unbound installed (npm run test:all installs it)', () => {
    expect(unboundAvailable(), 'install it with: bash scripts/test-deps.sh').toBe(true);
  });

  let dns: Awaited<ReturnType<typeof startUnbound>>;
  let resolver: Resolver;
  let t: TestApp;
  beforeAll(async () => {
    dns = await startUnbound({
      zones: ['good.test', 'nullmx.test', 'implicit.test'],
      records,
      broken: ['broken.test'],
    });
    resolver = nodeResolver({ DNS_SERVERS: dns.server, DNS_TIMEOUT_MS: 1500, DNS_TRIES: 1 });
    t = await makeTestApp({ deps: { resolver } });
    for (const code of ['GOOD', 'NULL', 'IMPL', 'BRKN']) await insertAuthority(t.db, { code });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
  });

  it('answers found, NODATA, NXDOMAIN and the null MX through node:dns', async () => {
    expect(await resolver.resolveMx('good.test')).toEqual({
      status: 'found',
      records: expect.arrayContaining([
        { priority: 10, exchange: 'mx1.good.test' },
        { priority: 20, exchange: 'mx2.good.test' },
      ]),
    });
    expect(await resolver.resolveMx('nullmx.test')).toEqual({
      status: 'found',
      records: [{ priority: 0, exchange: '' }],
    });
    expect(await resolver.resolveMx('implicit.test')).toEqual({ status: 'none', reason: 'nodata' });
    expect(await resolver.resolve4('nothing.good.test')).toEqual({ status: 'none', reason: 'nxdomain' });
    expect(await resolver.resolveTxt('_dmarc.good.test')).toEqual({
      status: 'found',
      records: ['v=DMARC1; p=reject; rua=mailto:dmarc@good.test'],
    });
    expect((await resolver.resolveMx('broken.test')).status).toBe('temporary');
  });

  it('runs every check, marks the null-MX mailbox unreachable, and keeps a failing lookup temporary', async () => {
    const good = await insertMailbox(t.db, { authorityCode: 'GOOD', address: 'cyber@good.test' });
    const nul = await insertMailbox(t.db, { authorityCode: 'NULL', address: 'cyber@nullmx.test' });
    const impl = await insertMailbox(t.db, { authorityCode: 'IMPL', address: 'cyber@implicit.test' });
    const brkn = await insertMailbox(t.db, { authorityCode: 'BRKN', address: 'cyber@broken.test' });
    const admin = await t.tokenFor('admin');
    const run = async (domain: string) => {
      const res = await t.call('POST', `/api/v1/domains/${domain}/checks`, { token: admin });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        results: Array<{ kind: string; severity: string; findings: Array<{ code: string }> }>;
        markedUnreachable: string[];
      };
    };
    const severity = (r: Awaited<ReturnType<typeof run>>, kind: string) =>
      r.results.find((x) => x.kind === kind)!.severity;

    const goodRun = await run('good.test');
    expect(severity(goodRun, 'mx')).toBe('ok');
    expect(severity(goodRun, 'spf')).toBe('ok');
    expect(severity(goodRun, 'dmarc')).toBe('ok');
    expect(severity(goodRun, 'tls-rpt')).toBe('ok');
    expect(severity(goodRun, 'mta-sts')).toBe('info');
    expect(goodRun.markedUnreachable).toEqual([]);

    const firstLook = await run('nullmx.test');
    expect(firstLook.results.find((r) => r.kind === 'mx')!.findings[0]!.code).toBe('null-mx');
    expect(firstLook.markedUnreachable).toEqual([]); // one look is not enough
    t.clock.advance(3_600_000);
    const nullRun = await run('nullmx.test');
    expect(nullRun.markedUnreachable).toEqual([nul.id]);

    const implRun = await run('implicit.test');
    expect(implRun.results.find((r) => r.kind === 'mx')!.findings[0]!.code).toBe('implicit-mx');

    const brokenRun = await run('broken.test');
    expect(severity(brokenRun, 'mx')).toBe('temporary');
    expect(brokenRun.markedUnreachable).toEqual([]);

    const status = async (id: string) =>
      (
        (await (await t.call('GET', `/api/v1/mailboxes/${id}`, { token: admin })).json()) as {
          status: string;
        }
      ).status;
    expect(await status(good.id)).toBe('confirmed');
    expect(await status(nul.id)).toBe('unreachable');
    expect(await status(impl.id)).toBe('at-risk'); // DMARC p=none and no SPF
    expect(await status(brkn.id)).toBe('confirmed');
  }, 60_000);
});
