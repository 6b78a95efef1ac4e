// Every advisory and delivery transition fired twice at once, and transitions that exclude each other fired
// together: both requests read before either writes (race-support.ts). Exactly one wins and the other gets
// 409 (the acknowledgement link and the escalation sweep learn it already happened); the audit log, the
// deliveries, the dispatcher's wake-ups and the mail show only what happened.
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.js';
import { cliPrincipal } from '../../src/domain/principal.js';
import { editAdvisory } from '../../src/features/advisories/edit-advisory.js';
import { escalateUnacknowledged } from '../../src/features/advisories/escalate-unacknowledged.js';
import { cancelAdvisory, onRelease, releaseAdvisory } from '../../src/features/advisories/release.js';
import { browser, titleOf } from '../pages/form-client.js';
import { insertAdvisory, insertDelivery } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createAdvisory, seedFanOut } from './fanout-support.js';
import { writesAtOnce } from './race-support.js';
import { ackPath, seedTrackingWorld } from './tracking-support.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

async function auditActions(subjectId: string) {
  const rows = await t.db.all<{ action: string }>(
    sql`select action from audit_log where subject_id = ${subjectId} order by id`,
  );
  return rows.map((r) => r.action);
}

async function deliveryStatuses(advisoryId: string) {
  const rows = await t.db.all<{ status: string }>(
    sql`select status from deliveries where advisory_id = ${advisoryId}`,
  );
  return rows.map((r) => r.status);
}

async function advisoryState(id: string) {
  const [row] = await t.db.all<{ state: string }>(sql`select state from advisories where id = ${id}`);
  return row?.state;
}

/** Counts the dispatcher wake-ups a release or an approval gives. */
function countWakeUps() {
  const woken: string[] = [];
  onRelease(t.deps, (id) => woken.push(id));
  return woken;
}

const post = (path: string, token: string, body?: unknown) => t.call('POST', path, { token, body });

/** The two answers, sorted: [the winner, the loser]. */
async function oneWins(a: Response, b: Response) {
  expect([a.status, b.status].sort()).toEqual([200, 409]);
  const loser = a.status === 409 ? a : b;
  expect(((await loser.json()) as { code: string }).code).toBe('conflict');
  return a.status === 200 ? a : b;
}

describe('advisory transitions under a race', () => {
  let admin: string;
  beforeEach(async () => {
    await seedFanOut(t);
    admin = await t.tokenFor('admin');
  });

  /** Deps whose next batch first runs `meanwhile`: another request landing between a verb's read and its write. */
  function landingFirst(meanwhile: () => Promise<unknown>): Deps {
    const db = t.deps.db;
    let pending = true;
    const batch: typeof db.batch = async (items) => {
      if (pending) {
        pending = false;
        await meanwhile();
      }
      return db.batch(items);
    };
    return { ...t.deps, db: Object.assign(Object.create(db), { batch }) };
  }
  const actor = { principal: cliPrincipal };

  it('two releases at once: one 200, one 409, one audit entry, the deliveries created once, one wake-up', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    const woken = countWakeUps();
    writesAtOnce(t.db);
    const [a, b] = await Promise.all([
      post(`/api/v1/advisories/${id}/release`, admin),
      post(`/api/v1/advisories/${id}/release`, admin),
    ]);
    const winner = await oneWins(a, b);
    expect(await winner.json()).toMatchObject({ state: 'sending', deliveries: 6 });
    expect(await auditActions(id)).toEqual(['advisory.create', 'advisory.release']);
    expect(await deliveryStatuses(id)).toHaveLength(6);
    expect(woken).toEqual([id]);
  });

  it('two releases for approval at once: one 200, one 409, one audit entry', async () => {
    const { id } = await createAdvisory(t, admin);
    writesAtOnce(t.db);
    const [a, b] = await Promise.all([
      post(`/api/v1/advisories/${id}/release`, admin),
      post(`/api/v1/advisories/${id}/release`, admin),
    ]);
    expect(await (await oneWins(a, b)).json()).toMatchObject({ state: 'awaiting-approval' });
    expect(await auditActions(id)).toEqual(['advisory.create', 'advisory.release']);
  });

  it('two second-admin approvals at once: one 200, one 409, one audit entry, deliveries once, one wake-up', async () => {
    const { id } = await createAdvisory(t, admin);
    expect((await post(`/api/v1/advisories/${id}/release`, admin)).status).toBe(200);
    const [second, third] = [await t.tokenFor('admin'), await t.tokenFor('admin')];
    const woken = countWakeUps();
    writesAtOnce(t.db);
    const [a, b] = await Promise.all([
      post(`/api/v1/advisories/${id}/approve`, second),
      post(`/api/v1/advisories/${id}/approve`, third),
    ]);
    expect(await (await oneWins(a, b)).json()).toMatchObject({ state: 'sending', deliveries: 12 });
    expect((await auditActions(id)).filter((x) => x === 'advisory.approve')).toHaveLength(1);
    expect(await deliveryStatuses(id)).toHaveLength(12);
    expect(woken).toEqual([id]);
  });

  it('two cancels at once: one 200, one 409, one audit entry', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    expect((await post(`/api/v1/advisories/${id}/release`, admin)).status).toBe(200);
    writesAtOnce(t.db);
    const [a, b] = await Promise.all([
      post(`/api/v1/advisories/${id}/cancel`, admin, { reason: 'sent in error' }),
      post(`/api/v1/advisories/${id}/cancel`, admin, { reason: 'sent in error' }),
    ]);
    expect(await (await oneWins(a, b)).json()).toMatchObject({ state: 'cancelled', stoppedDeliveries: 6 });
    expect((await auditActions(id)).filter((x) => x === 'advisory.cancel')).toHaveLength(1);
    expect(await deliveryStatuses(id)).toEqual(Array(6).fill('cancelled'));
  });

  it('a release racing a cancel: the advisory, its deliveries and the audit log agree', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    const woken = countWakeUps();
    writesAtOnce(t.db);
    const [release, cancel] = await Promise.all([
      post(`/api/v1/advisories/${id}/release`, admin),
      post(`/api/v1/advisories/${id}/cancel`, admin, {}),
    ]);
    const actions = (await auditActions(id)).filter((x) => x !== 'advisory.create');
    const statuses = await deliveryStatuses(id);
    if (release.status === 200 && cancel.status === 200) {
      // One after the other: released, then cancelled.
      expect(actions).toEqual(['advisory.release', 'advisory.cancel']);
      expect(await advisoryState(id)).toBe('cancelled');
      expect(statuses).toEqual(Array(6).fill('cancelled'));
    } else if (release.status === 200) {
      await oneWins(release, cancel);
      expect(actions).toEqual(['advisory.release']);
      expect(await advisoryState(id)).toBe('sending');
      expect(statuses).toEqual(Array(6).fill('created'));
    } else {
      await oneWins(release, cancel);
      expect(actions).toEqual(['advisory.cancel']);
      expect(await advisoryState(id)).toBe('cancelled');
      expect(statuses).toEqual([]);
    }
    expect(woken).toHaveLength(release.status === 200 ? 1 : 0);
  });

  it('a cancel read before a release lands is refused: it neither stops the new deliveries nor is audited', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    const deps = landingFirst(() => releaseAdvisory(t.deps, actor, id));
    await expect(cancelAdvisory(deps, actor, id)).rejects.toMatchObject({ code: 'conflict' });
    expect(await advisoryState(id)).toBe('sending');
    expect(await deliveryStatuses(id)).toEqual(Array(6).fill('created'));
    expect(await auditActions(id)).toEqual(['advisory.create', 'advisory.release']);
  });

  it('a release read before a cancel lands is refused: no deliveries, no audit entry, no wake-up', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    const woken = countWakeUps();
    const deps = landingFirst(() => cancelAdvisory(t.deps, actor, id));
    await expect(releaseAdvisory(deps, actor, id)).rejects.toMatchObject({ code: 'conflict' });
    expect(await advisoryState(id)).toBe('cancelled');
    expect(await deliveryStatuses(id)).toEqual([]);
    expect(await auditActions(id)).toEqual(['advisory.create', 'advisory.cancel']);
    expect(woken).toEqual([]);
  });

  it('an edit racing a release: the edit lands before the release, or not at all', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    writesAtOnce(t.db);
    const [edit, release] = await Promise.all([
      t.call('PATCH', `/api/v1/advisories/${id}`, { token: admin, body: { title: 'Edited title' } }),
      post(`/api/v1/advisories/${id}/release`, admin),
    ]);
    expect(release.status).toBe(200);
    expect([200, 409]).toContain(edit.status);
    const edits = (await auditActions(id)).filter((x) => x === 'advisory.edit');
    expect(edits).toHaveLength(edit.status === 200 ? 1 : 0);
    const [row] = await t.db.all<{ title: string }>(sql`select title from advisories where id = ${id}`);
    expect(row?.title === 'Edited title').toBe(edit.status === 200);
  });

  it('a release read before an edit of its audience lands is refused: it never sends to what it did not check', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    const deps = landingFirst(() => editAdvisory(t.deps, actor, id, { audience: { warps: ['london'] } }));
    await expect(releaseAdvisory(deps, actor, id)).rejects.toMatchObject({ code: 'conflict' });
    expect(await advisoryState(id)).toBe('draft');
    expect(await deliveryStatuses(id)).toEqual([]);
    expect(await auditActions(id)).toEqual(['advisory.create', 'advisory.edit']);
  });

  it('an edit read before a release lands is refused, with no audit entry claiming it', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    const deps = landingFirst(() => releaseAdvisory(t.deps, actor, id));
    await expect(editAdvisory(deps, actor, id, { title: 'Too late' })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await auditActions(id)).toEqual(['advisory.create', 'advisory.release']);
    expect(await advisoryState(id)).toBe('sending');
  });
});

describe('acknowledgement and escalation under a race', () => {
  beforeEach(() => seedTrackingWorld(t));

  it('two acknowledgements at once: one records it, the other is told the time kept; one audit entry', async () => {
    const advisory = await insertAdvisory(t.db, {});
    const delivery = await insertDelivery(t.db, { advisoryId: advisory.id, authorityCode: 'CRF' });
    const link = await ackPath(t.deps, delivery.id);
    writesAtOnce(t.db);
    const [a, b] = await Promise.all([
      browser(t).post(link, { name: 'First' }),
      browser(t).post(link, { name: 'Second' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const titles = [titleOf(a.html), titleOf(b.html)].sort();
    expect(titles[0]).toMatch(/^Advisory acknowledged – /);
    expect(titles[1]).toMatch(/^Advisory already acknowledged – /);
    const winner = titleOf(a.html).startsWith('Advisory acknowledged') ? 'First' : 'Second';
    expect(a.html.includes('already') ? a.html : b.html).toContain(`at 9:00am by ${winner}`);
    expect(await auditActions(delivery.id)).toEqual(['delivery.acknowledge']);
  });

  it('the escalation sweep run twice at once: the operators are e-mailed once, one audit entry', async () => {
    const advisory = await insertAdvisory(t.db, {});
    await insertDelivery(t.db, { advisoryId: advisory.id, authorityCode: 'CRF' });
    t.clock.advance(25 * 3600_000);
    writesAtOnce(t.db);
    const [a, b] = await Promise.all([escalateUnacknowledged(t.deps), escalateUnacknowledged(t.deps)]);
    expect([...a, ...b].map((r) => r.escalated).sort()).toEqual([false, true]);
    expect(t.mailer.sent.map((m) => m.to)).toEqual(['ops@wales-warp.gov.uk']);
    expect(await auditActions(advisory.id)).toEqual(['advisory.escalate']);
  });

  it('two escalation requests at once: one 200, one 409, one e-mail, one audit entry', async () => {
    const advisory = await insertAdvisory(t.db, {});
    await insertDelivery(t.db, { advisoryId: advisory.id, authorityCode: 'CRF' });
    const admin = await t.tokenFor('admin');
    writesAtOnce(t.db);
    const [a, b] = await Promise.all([
      post(`/api/v1/advisories/${advisory.id}/escalate`, admin),
      post(`/api/v1/advisories/${advisory.id}/escalate`, admin),
    ]);
    await oneWins(a, b);
    expect(t.mailer.sent.map((m) => m.to)).toEqual(['ops@wales-warp.gov.uk']);
    expect(await auditActions(advisory.id)).toEqual(['advisory.escalate']);
  });
});
