// Shared set-up for the drill tests: the seeded councils with every kind of contact path (confirmed
// mailboxes of each kind, ones that must get nothing, confirmed, pending and unreachable mobiles), and
// small helpers to start drills and follow their links.
import { eq } from 'drizzle-orm';
import { drillPaths, drills } from '../../src/db/schema.js';
import { runDrills } from '../../src/features/drills/run-drills.js';
import type { TestApp } from '../support/app.js';
import { FACTORY_TIME, insertMailbox, insertMobile, seedCouncils } from '../support/fixtures.js';

export { insertMobile };

/**
 * The seeded councils (CRF, NWP in Wales WARP; CMD in London WARP; NSH in none) with: CRF a confirmed
 * primary, secondary and out-of-hours mailbox, a retired and a pending one, a confirmed mobile, a pending
 * one and an unreachable one; NWP a confirmed primary; CMD a confirmed primary and a confirmed mobile;
 * NSH only a mailbox awaiting approval (no path at all).
 */
export async function seedPaths(t: Pick<TestApp, 'db'>) {
  const councils = await seedCouncils(t.db);
  const crf = {
    primary: await insertMailbox(t.db, { authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk' }),
    secondary: await insertMailbox(t.db, {
      authorityCode: 'CRF',
      address: 'soc@cardiff.gov.uk',
      kind: 'secondary',
    }),
    ooh: await insertMailbox(t.db, {
      authorityCode: 'CRF',
      address: 'ooh@cardiff.gov.uk',
      kind: 'out-of-hours',
    }),
    retired: await insertMailbox(t.db, {
      authorityCode: 'CRF',
      address: 'old@cardiff.gov.uk',
      state: 'retired',
      retiredAt: FACTORY_TIME,
    }),
    pending: await insertMailbox(t.db, {
      authorityCode: 'CRF',
      address: 'new@cardiff.gov.uk',
      kind: 'secondary',
      state: 'pending',
    }),
    mobile: await insertMobile(t.db, { authorityCode: 'CRF', number: '+447700900123' }),
    pendingMobile: await insertMobile(t.db, {
      authorityCode: 'CRF',
      number: '+447700900456',
      state: 'pending',
    }),
    unreachableMobile: await insertMobile(t.db, {
      authorityCode: 'CRF',
      number: '+447700900789',
      unreachableAt: FACTORY_TIME,
    }),
  };
  const nwp = await insertMailbox(t.db, { authorityCode: 'NWP', address: 'cyber@newport.gov.uk' });
  const cmd = {
    primary: await insertMailbox(t.db, { authorityCode: 'CMD', address: 'cyber@camden.gov.uk' }),
    mobile: await insertMobile(t.db, { authorityCode: 'CMD', number: '+447700900321' }),
  };
  await insertMailbox(t.db, {
    authorityCode: 'NSH',
    address: 'it@gmail.example',
    state: 'awaiting-approval',
  });
  return { ...councils, crf, nwp, cmd };
}

/** The drill's path rows. */
export async function pathsOf(t: Pick<TestApp, 'db'>, drillId: string) {
  return t.db.select().from(drillPaths).where(eq(drillPaths.drillId, drillId));
}

export async function drillRow(t: Pick<TestApp, 'db'>, id: string) {
  const [row] = await t.db.select().from(drills).where(eq(drills.id, id));
  return row!;
}

/** Schedules a drill through the API and returns it. */
export async function schedule(t: TestApp, token: string, body: Record<string, unknown>) {
  const res = await t.call('POST', '/api/v1/drills', { token, body });
  if (res.status !== 201) throw new Error(`schedule answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string; reference: string; state: string };
}

/** Runs the scheduler's drill job once (as the Node and Workers schedules do). */
export const runJob = (t: Pick<TestApp, 'deps'>, limit?: number) => runDrills(t.deps, { limit });

/** The acknowledgement path (/drills/ack/… or /d/…) in a message's text. */
export function ackPathIn(text: string, kind: 'email' | 'sms' = 'email'): string {
  const re =
    kind === 'email'
      ? /https?:\/\/[^/\s]+(\/drills\/ack\/[A-Za-z0-9._-]+)/
      : /https?:\/\/[^/\s]+(\/d\/[A-Za-z0-9._-]+)/;
  const m = re.exec(text);
  if (!m) throw new Error(`no ${kind} acknowledgement link in: ${text}`);
  return m[1]!;
}
