// The bucket rule in its one place (mailbox-state.ts): the SQL rank the reports aggregate and the TypeScript
// rank the authority page uses agree on every kind of row, and both agree with issue 5's mailboxStatus on
// what is stale, unreachable, unverified or gone (its at-risk still counts as confirmed coverage).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxStates } from '../../src/domain/mailbox-states.js';
import { mailboxStatus } from '../../src/features/checks/status.js';
import {
  authorityBucket,
  bucketOfRank,
  mailboxRank,
  rank,
} from '../../src/features/coverage/mailbox-state.js';
import { coverageReport } from '../../src/features/coverage/report.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertMailbox } from '../support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const when = new Date('2026-10-01T00:00:00Z');
const combos = mailboxStates.flatMap((state) =>
  [false, true].flatMap((stale) =>
    [false, true].map((unreachable) => ({
      kind: 'primary',
      state,
      staleAt: stale ? when : null,
      unreachableAt: unreachable ? when : null,
      unreachableReason: null,
      softBounces: 0,
    })),
  ),
);

describe('the bucket rule', () => {
  it('agrees with mailboxStatus (issue 5) for a primary in every state', () => {
    const expected: Record<string, string> = {
      confirmed: 'confirmed',
      'at-risk': 'confirmed',
      stale: 'stale',
      unreachable: 'unreachable',
      unverified: 'pending',
      retired: 'none',
    };
    for (const row of combos) {
      const status = mailboxStatus(row);
      // A registration waiting for an admin receives nothing: whatever its status, it counts as none.
      const want = row.state === 'awaiting-approval' ? 'none' : expected[status];
      expect(bucketOfRank(mailboxRank(row)), JSON.stringify({ ...row, status })).toBe(want);
    }
  });

  it('gives the same bucket in SQL as in TypeScript, one authority per combination', async () => {
    const expected = { confirmed: 0, stale: 0, unreachable: 0, pending: 0, none: 0 };
    for (const [i, row] of combos.entries()) {
      const code = `Q${String(i).padStart(3, '0')}`;
      await insertAuthority(t.db, { code, nation: 'Testland' });
      await insertMailbox(t.db, {
        authorityCode: code,
        state: row.state,
        staleAt: row.staleAt,
        unreachableAt: row.unreachableAt,
      });
      // a healthy secondary never lifts the bucket
      await insertMailbox(t.db, { authorityCode: code, kind: 'secondary' });
      expected[authorityBucket([row])] += 1;
    }
    const report = await coverageReport(t.deps, { by: 'nation', filters: { nation: ['Testland'] } });
    const { confirmed, stale, unreachable, pending, none } = report.total;
    expect({ confirmed, stale, unreachable, pending, none }).toEqual(expected);
    expect(expected).toEqual({ confirmed: 1, stale: 1, unreachable: 6, pending: 4, none: 12 });
  });

  it('takes the best of an authority’s primaries', () => {
    const row = (
      state: string,
      extra: Partial<{ staleAt: Date; unreachableAt: Date; kind: string }> = {},
    ) => ({
      kind: 'primary',
      state,
      staleAt: null,
      unreachableAt: null,
      ...extra,
    });
    expect(authorityBucket([row('pending'), row('confirmed', { staleAt: when })])).toBe('stale');
    expect(
      authorityBucket([row('confirmed', { unreachableAt: when }), row('confirmed', { staleAt: when })]),
    ).toBe('stale');
    expect(authorityBucket([row('awaiting-approval'), row('confirmed', { unreachableAt: when })])).toBe(
      'unreachable',
    );
    expect(authorityBucket([row('retired'), row('refused')])).toBe('none');
    expect(authorityBucket([row('confirmed', { kind: 'secondary' })])).toBe('none');
    expect(authorityBucket([])).toBe('none');
    expect(rank.confirmed).toBeGreaterThan(rank.stale);
  });
});

describe('a registration waiting for approval', () => {
  it('does not move a council out of none in public coverage (anyone can register an address)', async () => {
    const app = await makeTestApp();
    await insertAuthority(app.db, { code: 'PUB', name: 'Public Council', nation: 'Publand' });
    const before = await (await app.call('GET', '/api/v1/coverage?by=nation')).json();
    const res = await app.call('POST', '/api/v1/mailboxes', {
      body: {
        authority: 'PUB',
        address: 'cyber@not-their-domain.example',
        kind: 'primary',
        team: 'Someone',
        phone: '01234 567890',
      },
    });
    expect(res.status).toBe(202);
    expect((await res.json()).state).toBe('awaiting-approval');
    const after = await (await app.call('GET', '/api/v1/coverage?by=nation')).json();
    expect(after.total).toMatchObject({ none: before.total.none, pending: before.total.pending });
    app.close();
  });
});
