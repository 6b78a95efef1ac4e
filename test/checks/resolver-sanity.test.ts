// Verdicts staff can trust: a resolver that says "no such domain" of everything must not make 397
// councils unreachable. A run proves its resolver on control names first; a run in which an implausible
// share of domains fail alike is not believed; unreachable needs the same answer on two looks some time
// apart; and one run may mark at most UNREACHABLE_MAX_SHARE of the mailboxes.
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryResolver, type ZoneRecords, type Zones } from '../../src/adapters/resolver-memory.js';
import { runChecks } from '../../src/features/reachability/run-checks.js';
import { nxdomain, type Resolver } from '../../src/ports/resolver.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertCouncils } from '../support/fixtures.js';
import { goodZone } from './support.js';

const COUNCILS = 20;
const domainOf = (i: number) => `c${String(i).padStart(3, '0')}.gov.uk`;
const everyZone = (n = COUNCILS): Zones =>
  Object.assign(
    { 'control.example.net': { A: ['192.0.2.1'] } },
    ...Array.from({ length: n }, (_, i) => goodZone(domainOf(i))),
  );

/** A resolver that answers "no such domain" for every name (a broken or captive one). */
const sayNoToEverything: Resolver = {
  resolveMx: async () => nxdomain,
  resolveTxt: async () => nxdomain,
  resolve4: async () => nxdomain,
  resolve6: async () => nxdomain,
  resolveCname: async () => nxdomain,
};

let t: TestApp;
let resolver: ReturnType<typeof memoryResolver>;
let admin: string;
afterEach(() => t?.close());

async function setUp(env: Record<string, string> = {}, resolverOverride?: Resolver) {
  resolver = memoryResolver(everyZone());
  // No web server answers (security.txt, MTA-STS policies): 404 at once, not a network timeout.
  const fetch = async () => new Response('not found', { status: 404 });
  t = await makeTestApp({ env, deps: { resolver: resolverOverride ?? resolver, fetch } });
  await insertCouncils(t.db, { count: COUNCILS, address: (i) => `cyber@${domainOf(i)}` });
  admin = await t.tokenFor('admin');
}

const unreachable = async () =>
  Number(
    (
      await t.db.all<{ n: number }>(sql`select count(*) as n from mailboxes where unreachable_at is not null`)
    )[0]?.n,
  );
const metric = async (name: string) => {
  const text = await (await t.call('GET', '/metrics', { token: admin })).text();
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
};
const later = () => t.clock.advance(61 * 60_000);

describe('a resolver that says "no such domain" of everything', () => {
  it('fails its control names: every domain is temporary, nobody unreachable, and /metrics and the log say why', async () => {
    await setUp({ DNS_CONTROL_NAMES: 'control.example.net' }, sayNoToEverything);
    for (let look = 0; look < 3; look++) {
      const runs = await runChecks(t.deps);
      expect(runs).toHaveLength(COUNCILS);
      for (const run of runs) {
        expect(run.markedUnreachable).toEqual([]);
        expect(run.results.map((r) => [r.kind, r.severity])).toEqual([['mx', 'temporary']]);
        expect(run.results[0]!.summary).toMatch(
          /could not trust our DNS resolver.*control name control\.example\.net/,
        );
      }
      later();
    }
    expect(await unreachable()).toBe(0);
    expect(await metric('cc_dns_resolver_failing')).toBe(1);
    const warnings = t.log.lines.filter((l) => String(l.msg).startsWith('DNS resolver not believed'));
    expect(warnings).toHaveLength(1); // once, when it started failing
  });

  it('is not believed even without control names: half the run failing alike is implausible', async () => {
    await setUp({}, sayNoToEverything);
    await runChecks(t.deps);
    later();
    const runs = await runChecks(t.deps);
    expect(runs.every((r) => r.results[0]!.severity === 'temporary')).toBe(true);
    expect(runs[0]!.results[0]!.summary).toMatch(/20 of the 20 domains .* same reason \(domain-not-found\)/);
    expect(await unreachable()).toBe(0);
    expect(await metric('cc_dns_resolver_failing')).toBe(1);
  });

  it('is believed again once the controls resolve, and /metrics says so', async () => {
    await setUp({ DNS_CONTROL_NAMES: 'control.example.net' });
    resolver.set('control.example.net', 'SERVFAIL');
    await runChecks(t.deps);
    expect(await metric('cc_dns_resolver_failing')).toBe(1);
    resolver.set('control.example.net', { A: ['192.0.2.1'] });
    const runs = await runChecks(t.deps);
    expect(runs.every((r) => r.results.find((x) => x.kind === 'mx')!.severity === 'ok')).toBe(true);
    expect(await metric('cc_dns_resolver_failing')).toBe(0);
  });
});

describe('marking unreachable', () => {
  it('needs the same answer on two looks some time apart', async () => {
    await setUp();
    resolver.set(domainOf(3), { MX: ['0 .'] });
    const first = await runChecks(t.deps);
    expect(first.flatMap((r) => r.markedUnreachable)).toEqual([]);
    // every run says where each mailbox stands: at risk after one look, confirmed elsewhere
    const looked = first.find((r) => r.domain === domainOf(3))!;
    expect(looked.mailboxes).toEqual([
      expect.objectContaining({ address: `cyber@${domainOf(3)}`, status: 'at-risk' }),
    ]);
    expect(looked.mailboxes[0]!.reasons.join(' ')).toMatch(/null MX/);
    expect(first.find((r) => r.domain === domainOf(4))!.mailboxes[0]).toMatchObject({
      status: 'confirmed',
      reasons: [],
    });
    // the domain is due again as soon as a second look can confirm it, before the others
    t.clock.advance(60 * 60_000);
    const due = await runChecks(t.deps, { dueOnly: true });
    expect(due.map((r) => r.domain)).toEqual([domainOf(3)]);
    expect(due[0]!.markedUnreachable).toHaveLength(1);
    expect(due[0]!.mailboxes[0]).toMatchObject({ status: 'unreachable' });
    expect(await unreachable()).toBe(1);
  });

  it('forgets a first look that the next look contradicts', async () => {
    await setUp();
    resolver.set(domainOf(3), { MX: ['0 .'] });
    await runChecks(t.deps);
    later();
    resolver.set(domainOf(3), goodZone(domainOf(3))[domainOf(3)] as ZoneRecords);
    await runChecks(t.deps);
    later();
    resolver.set(domainOf(3), { MX: ['0 .'] });
    expect((await runChecks(t.deps)).flatMap((r) => r.markedUnreachable)).toEqual([]); // a first look again
  });

  it('marks at most UNREACHABLE_MAX_SHARE of the mailboxes in one run (at least 5), the rest on the next', async () => {
    await setUp({ UNREACHABLE_MAX_SHARE: '0.1' });
    const dead = [1, 4, 7, 10, 13, 16]; // 6 of 20: plausible, but more than one run may mark
    for (const i of dead) resolver.set(domainOf(i), { MX: ['0 .'] });
    await runChecks(t.deps);
    later();
    const second = await runChecks(t.deps);
    expect(second.flatMap((r) => r.markedUnreachable)).toHaveLength(5);
    const held = second.filter((r) =>
      r.results[0]!.summary.includes('as many mailboxes unreachable as one run may'),
    );
    expect(held).toHaveLength(1);
    expect(t.log.lines.some((l) => String(l.msg).startsWith('unreachable marks held back'))).toBe(true);
    const third = await runChecks(t.deps);
    expect(third.flatMap((r) => r.markedUnreachable)).toHaveLength(1);
    expect(await unreachable()).toBe(6);
  });
});

describe('a sweep', () => {
  it('never lets one slow domain hold up the rest: past its time budget it is temporary', async () => {
    const zones = memoryResolver(everyZone());
    const hang = <T>(name: string, answer: () => Promise<T>) =>
      name.endsWith(domainOf(5)) ? new Promise<T>(() => {}) : answer();
    const slow: Resolver = {
      resolveMx: (n) => hang(n, () => zones.resolveMx(n)),
      resolveTxt: (n) => hang(n, () => zones.resolveTxt(n)),
      resolve4: (n) => hang(n, () => zones.resolve4(n)),
      resolve6: (n) => hang(n, () => zones.resolve6(n)),
      resolveCname: (n) => hang(n, () => zones.resolveCname(n)),
    };
    await setUp({ CHECKS_DOMAIN_BUDGET_MS: '300', CHECKS_CONCURRENCY: '4' }, slow);
    const runs = await runChecks(t.deps);
    expect(runs).toHaveLength(COUNCILS);
    const stuck = runs.find((r) => r.domain === domainOf(5))!;
    expect(stuck.results[0]!.severity).toBe('temporary');
    expect(stuck.results[0]!.summary).toMatch(/The checks of c005\.gov\.uk took longer than 0\.3 s/);
    expect(runs.filter((r) => r.results[0]!.severity === 'ok')).toHaveLength(COUNCILS - 1);
  });

  it('asks each question once per run, however many domains share it', async () => {
    await setUp();
    // every council's mail goes to one provider
    for (let i = 0; i < COUNCILS; i++)
      resolver.set(domainOf(i), {
        ...(goodZone(domainOf(i))[domainOf(i)] as ZoneRecords),
        MX: ['10 mx.provider.example'],
      });
    resolver.set('mx.provider.example', { A: ['192.0.2.99'] });
    resolver.queries.length = 0;
    await runChecks(t.deps);
    expect(resolver.queries.filter((q) => q === 'A mx.provider.example')).toHaveLength(1);
  });
});
