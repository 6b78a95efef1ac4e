// mailboxStatus (the one place a status is derived), storing check runs (unreachable marked and lifted in
// the same write, never on a temporary failure), and the scheduled work that spreads domains out.
import { eq } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryResolver } from '../../src/adapters/resolver-memory.js';
import { domainChecks, mailboxes } from '../../src/db/schema.js';
import { latestChecksFor } from '../../src/features/checks/latest.js';
import { mailboxStatus, mailboxStatusDetail, type StatusRow } from '../../src/features/checks/status.js';
import { runChecks, runDomainChecks } from '../../src/features/reachability/run-checks.js';
import { runScheduledWork } from '../../src/features/reachability/scheduled.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertMailbox } from '../support/fixtures.js';
import { useMsw } from '../support/msw.js';
import { goodZone } from './support.js';

useMsw(
  http.get(
    /^https:\/\/.*\/\.well-known\/(security|mta-sts)\.txt$/,
    () => new HttpResponse('', { status: 404 }),
  ),
);

const base: StatusRow = {
  state: 'confirmed',
  staleAt: null,
  unreachableAt: null,
  unreachableReason: null,
  softBounces: 0,
};
const at = new Date('2026-11-30T09:00:00Z');
const check = (
  kind: 'mx' | 'spf' | 'dmarc' | 'mta-sts',
  severity: 'ok' | 'warning' | 'critical' | 'temporary',
  codes: string[],
) => ({
  kind,
  severity,
  summary: `${kind} ${codes.join(',')}`,
  detail: { findings: codes.map((code) => ({ code, severity, message: code })) },
  checkedAt: at,
});

describe('mailboxStatus', () => {
  it('derives each status from the row', () => {
    expect(mailboxStatus(base)).toBe('confirmed');
    expect(mailboxStatus({ ...base, state: 'pending' })).toBe('unverified');
    expect(mailboxStatus({ ...base, state: 'awaiting-approval' })).toBe('unverified');
    expect(mailboxStatus({ ...base, staleAt: at })).toBe('stale');
    expect(mailboxStatus({ ...base, staleAt: at, unreachableAt: at })).toBe('unreachable');
    expect(mailboxStatus({ ...base, state: 'retired', unreachableAt: at })).toBe('retired');
    expect(mailboxStatus({ ...base, state: 'refused' })).toBe('retired');
    expect(mailboxStatus({ ...base, softBounces: 2 })).toBe('confirmed');
    expect(mailboxStatus({ ...base, softBounces: 3 })).toBe('at-risk');
    expect(mailboxStatus({ ...base, softBounces: 3 }, {}, { softBounceThreshold: 5 })).toBe('confirmed');
  });

  it('is at risk on a critical MX or MTA-STS check, or with neither effective DMARC nor SPF', () => {
    expect(mailboxStatus(base, { mx: check('mx', 'critical', ['mx-no-address']) })).toBe('at-risk');
    expect(mailboxStatus(base, { 'mta-sts': check('mta-sts', 'critical', ['mta-sts-mx-mismatch']) })).toBe(
      'at-risk',
    );
    const weak = {
      dmarc: check('dmarc', 'warning', ['dmarc-none']),
      spf: check('spf', 'warning', ['spf-missing']),
    };
    expect(mailboxStatusDetail(base, weak)).toEqual({
      status: 'at-risk',
      reasons: ['Its domain has neither an effective DMARC policy nor an effective SPF record.'],
    });
    expect(mailboxStatus(base, { ...weak, spf: check('spf', 'ok', ['spf-fail-all']) })).toBe('confirmed');
    expect(mailboxStatus(base, { ...weak, dmarc: check('dmarc', 'ok', ['dmarc-reject']) })).toBe('confirmed');
    expect(
      mailboxStatus({ ...base, state: 'pending' }, { mx: check('mx', 'critical', ['mx-no-address']) }),
    ).toBe('unverified');
  });

  it('says so of a confirmed mailbox whose domain was never checked successfully', () => {
    const row = {
      state: 'confirmed' as const,
      staleAt: null,
      unreachableAt: null,
      unreachableReason: null,
      softBounces: 0,
    };
    expect(mailboxStatusDetail(row, {})).toEqual({
      status: 'confirmed',
      reasons: ['Its domain has not been checked successfully yet, so nothing is known of its mail set-up.'],
    });
  });

  it('never counts a temporary result: the latest definite one stands', () => {
    const temporary = check('mx', 'temporary', ['dns-temporary']);
    expect(mailboxStatus(base, { mx: temporary })).toBe('confirmed');
    expect(
      mailboxStatus(base, { mx: { ...temporary, lastDefinite: check('mx', 'critical', ['mx-no-address']) } }),
    ).toBe('at-risk');
  });
});

describe('storing check runs', () => {
  let t: TestApp;
  let resolver: ReturnType<typeof memoryResolver>;
  beforeEach(async () => {
    resolver = memoryResolver(goodZone('example.gov.uk'));
    t = await makeTestApp({ deps: { resolver } });
    await insertAuthority(t.db, { code: 'EXA' });
  });
  const mailbox = async (id: string) => (await t.db.select().from(mailboxes).where(eq(mailboxes.id, id)))[0]!;

  it('marks live mailboxes unreachable on a null MX, keeps it on a temporary failure, and lifts it when mail flows', async () => {
    const live = await insertMailbox(t.db, { authorityCode: 'EXA', address: 'cyber@example.gov.uk' });
    const pending = await insertMailbox(t.db, {
      authorityCode: 'EXA',
      address: 'new@example.gov.uk',
      state: 'pending',
      confirmedAt: null,
    });
    const retired = await insertMailbox(t.db, {
      authorityCode: 'EXA',
      address: 'old@example.gov.uk',
      state: 'retired',
    });
    resolver.set('example.gov.uk', { MX: ['0 .'] });
    // One look is not enough: the same answer again, at least UNREACHABLE_CONFIRM_MINUTES later, is.
    const first = await runDomainChecks(t.deps, 'example.gov.uk');
    expect(first.markedUnreachable).toEqual([]);
    expect(first.results.find((r) => r.kind === 'mx')!.summary).toMatch(/not marked unreachable on one look/);
    t.clock.advance(30 * 60_000);
    expect((await runDomainChecks(t.deps, 'example.gov.uk')).markedUnreachable).toEqual([]); // too soon
    t.clock.advance(30 * 60_000);
    const nul = await runDomainChecks(t.deps, 'example.gov.uk');
    expect(nul.markedUnreachable.sort()).toEqual([live.id, pending.id].sort());
    expect((await mailbox(live.id)).unreachableReason).toMatch(/^dns: example\.gov\.uk publishes a null MX/);
    expect((await mailbox(retired.id)).unreachableAt).toBeNull();

    resolver.set('example.gov.uk', 'SERVFAIL');
    const flaky = await runDomainChecks(t.deps, 'example.gov.uk');
    expect(flaky.results.find((r) => r.kind === 'mx')!.severity).toBe('temporary');
    expect(flaky.restored).toEqual([]);
    expect((await mailbox(live.id)).unreachableAt).not.toBeNull();

    resolver.set('example.gov.uk', goodZone('example.gov.uk')['example.gov.uk']);
    const back = await runDomainChecks(t.deps, 'example.gov.uk');
    expect(back.restored.sort()).toEqual([live.id, pending.id].sort());
    expect((await mailbox(live.id)).unreachableAt).toBeNull();
    expect(await t.db.select().from(domainChecks)).toHaveLength(30); // five runs of six checks
  });

  it('never lifts an unreachable mark that came from a bounce', async () => {
    const m = await insertMailbox(t.db, {
      authorityCode: 'EXA',
      address: 'cyber@example.gov.uk',
      unreachableAt: new Date(),
      unreachableReason: 'bounce: 5.1.1 user unknown',
    });
    expect((await runDomainChecks(t.deps, 'example.gov.uk')).restored).toEqual([]);
    expect((await mailbox(m.id)).unreachableReason).toBe('bounce: 5.1.1 user unknown');
  });

  it('a temporary DNS failure never marks a mailbox unreachable', async () => {
    const m = await insertMailbox(t.db, { authorityCode: 'EXA', address: 'cyber@example.gov.uk' });
    resolver.set('example.gov.uk', 'TIMEOUT');
    const run = await runDomainChecks(t.deps, 'example.gov.uk');
    expect(run.markedUnreachable).toEqual([]);
    expect(
      mailboxStatus(
        await mailbox(m.id),
        (await latestChecksFor(t.deps, ['example.gov.uk'])).get('example.gov.uk'),
      ),
    ).toBe('confirmed');
  });

  it('checks the domains that are due, oldest first, at most CHECKS_PER_RUN at a time', async () => {
    for (const d of ['a', 'b', 'c']) {
      await insertAuthority(t.db, { code: `D${d.toUpperCase()}` });
      await insertMailbox(t.db, {
        authorityCode: `D${d.toUpperCase()}`,
        address: `cyber@${d}.example.gov.uk`,
      });
    }
    const limited = await makeTestApp({
      deps: { resolver, db: t.db, clock: t.clock },
      env: { CHECKS_PER_RUN: '2' },
    });
    const first = await runScheduledWork(limited.deps, 'checks');
    expect(first.checks!.map((c) => c.domain)).toEqual(['a.example.gov.uk', 'b.example.gov.uk']);
    const second = await runScheduledWork(limited.deps, 'checks');
    expect(second.checks!.map((c) => c.domain)).toEqual(['c.example.gov.uk']);
    expect((await runScheduledWork(limited.deps, 'checks')).checks).toEqual([]); // nothing due within the interval
    t.clock.advance(24 * 3600_000);
    expect((await runScheduledWork(limited.deps, 'all')).checks).toHaveLength(2);
    expect((await runChecks(t.deps)).map((r) => r.domain)).toHaveLength(3); // on demand: every domain
    await limited.close();
  });
});
