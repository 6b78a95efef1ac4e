// A rehearsal of a reorganisation, modelled on the ones of 2023: Kent County Council and its twelve
// districts are replaced by two unitaries, West Kent and East Kent, on a vesting day to come. The register
// file says so; it is previewed and applied; before vesting day the new councils are upcoming (they can
// register, be named in audiences, and count in coverage as upcoming) and an advisory to them reaches the
// predecessors' mailboxes offered to them; on vesting day they become current and the old ones former
// without another import; the offers are answered, and coverage counts the successors. Throughout: nobody
// is lost from any audience, and the coverage totals add up.
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorities, deliveries, mailboxes, mailboxOffers } from '../../src/db/schema.js';
import { cliPrincipal } from '../../src/domain/principal.js';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { importRegister } from '../../src/features/authority-register/import-register.js';
import { applyRegisterCalendar } from '../../src/features/authority-register/register-calendar.js';
import { snapshotCoverage } from '../../src/features/coverage/snapshot.js';
import { askPendingOffers } from '../../src/features/reorganisation/carry-forward.js';
import { browser } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { advisoryBody, insertMailbox, registration } from '../support/fixtures.js';
import { kentCodes, kentReorganised, registerText } from './import-helpers.js';

const VESTING = '2027-04-01';
let t: TestApp;
let admin: string;
let kent: string[];

const reorganisedRegister = () => kentReorganised(VESTING);

beforeEach(async () => {
  t = await makeTestApp({ now: '2026-12-01T09:00:00Z' });
  await importRegister(t.deps, { principal: cliPrincipal }, { content: registerText(), source: 'shared' });
  kent = kentCodes();
  expect(kent).toHaveLength(13);
  for (const code of kent)
    await insertMailbox(t.db, { authorityCode: code, address: `cyber@${code.toLowerCase()}.gov.uk` });
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

const importFile = (csv: string, query = '') =>
  t.call('POST', `/api/v1/register/imports${query}`, {
    token: admin,
    body: csv,
    headers: { 'content-type': 'text/csv' },
  });
const coverage = async () =>
  (await (await t.call('GET', '/api/v1/coverage?by=nation', { token: admin })).json()) as {
    total: { authorities: number; confirmed: number; none: number };
    upcoming: { authorities: number; confirmed: number; offered: number };
  };
const statusOf = async (code: string) =>
  (
    (await (await t.call('GET', `/api/v1/authorities/${code}`, { token: admin })).json()) as {
      status: string;
    }
  ).status;

async function release(audience: Record<string, unknown>) {
  const created = await t.call('POST', '/api/v1/advisories', {
    token: admin,
    body: advisoryBody({ tlp: 'AMBER', audience }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const released = await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
  expect(released.status, await released.clone().text()).toBe(200);
  if (((await released.json()) as { needsSecondApproval: boolean }).needsSecondApproval) {
    const second = await t.tokenFor('admin');
    const approved = await t.call('POST', `/api/v1/advisories/${id}/approve`, { token: second });
    expect(approved.status, await approved.clone().text()).toBe(200);
  }
  const rowsOf = await t.db
    .select({
      address: deliveries.address,
      authority: deliveries.authorityCode,
      onBehalfOf: deliveries.onBehalfOf,
    })
    .from(deliveries)
    .where(eq(deliveries.advisoryId, id));
  return { id, deliveries: rowsOf };
}

describe('a reorganisation rehearsed: Kent and its districts become West Kent and East Kent', () => {
  it('previews, applies, bridges the gap before vesting day, vests on the day, and carries the contacts forward', async () => {
    // 1. The dry run shows the change and writes nothing.
    const dry = await (await importFile(reorganisedRegister(), '?dryRun=true')).json();
    expect(dry).toMatchObject({ dryRun: true, held: null });
    expect(dry.diff.ending).toHaveLength(13);
    expect(dry.diff.ending[0]).toMatchObject({ endDate: '2027-03-31', successors: ['KEW', 'KEE'] });
    expect(dry.diff.added).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'KEW', shadow: true, startDate: VESTING })]),
    );
    expect(dry.diff.ended).toEqual([]);
    expect(await t.db.select().from(mailboxOffers)).toEqual([]);

    // 2. Applied: the predecessors stay current until their end date; the successors are upcoming.
    const before = await coverage();
    const applied = await importFile(reorganisedRegister());
    expect(applied.status, await applied.clone().text()).toBe(200);
    expect(await statusOf('KEN')).toBe('current');
    expect(await statusOf('KEW')).toBe('upcoming');
    const during = await coverage();
    expect(during.total).toEqual(before.total); // nothing lost, nothing counted twice
    expect(during.upcoming).toEqual({ authorities: 2, confirmed: 0, offered: 2 });
    // The public report says how many are upcoming, not which have a mailbox (fewer than 5 of them).
    const publicReport = await (await t.call('GET', '/api/v1/coverage?by=nation')).json();
    expect(publicReport.upcoming).toEqual({ authorities: 2, confirmed: null, offered: null });
    // Each Kent mailbox is offered to each successor.
    const offers = await t.db.select().from(mailboxOffers);
    expect(offers).toHaveLength(26);
    expect(new Set(offers.map((o) => o.state))).toEqual(new Set(['offered']));

    // An upcoming council can register its own mailbox before its day.
    const registered = await t.call('POST', '/api/v1/mailboxes', {
      body: registration({ authority: 'KEW', address: 'cyber@westkent.gov.uk' }),
    });
    expect(registered.status, await registered.clone().text()).toBe(202);

    // The preview counts each mailbox once, however many councils of the audience it is reached for.
    const both = await (
      await t.call('POST', '/api/v1/advisories/preview', {
        token: admin,
        body: { audience: { authorities: ['KEN', 'KEW', 'KEE'] }, tlp: 'AMBER' },
      })
    ).json();
    expect(both.mailboxes).toBe(13);

    // 3. Before vesting day an advisory to the successors reaches the predecessors' mailboxes, once each.
    const toSuccessors = await release({ authorities: ['KEW', 'KEE'] });
    expect(toSuccessors.deliveries).toHaveLength(13);
    expect(new Set(toSuccessors.deliveries.map((d) => d.onBehalfOf))).toEqual(new Set(['KEE']));
    // The delivery view groups the borrowed copies under the council they went for.
    const view = await (
      await t.call('GET', `/api/v1/advisories/${toSuccessors.id}/deliveries?limit=100`, { token: admin })
    ).json();
    expect(view.councils).toBe(1);
    expect(new Set(view.items.map((i: { onBehalfOfName: string }) => i.onBehalfOfName))).toEqual(
      new Set(['East Kent Council']),
    );
    // …and an advisory to England still reaches every Kent council directly: nobody lost.
    const toEngland = await release({ nations: ['England'] });
    const kentCopies = toEngland.deliveries.filter((d) => kent.includes(d.authority ?? ''));
    expect(kentCopies).toHaveLength(13);
    expect(kentCopies.every((d) => d.onBehalfOf === null)).toBe(true);

    // 4. The sweep asks each offered mailbox, by a link.
    expect(await askPendingOffers(t.deps)).toBe(26);
    expect(await askPendingOffers(t.deps)).toBe(0); // asked once
    await drainDeliveries(t.deps, dispatchOptions(t.deps, { mailOnly: true }));
    const asked = t.mailer
      .to('cyber@ken.gov.uk')
      .filter((m) => m.subject.includes('will this mailbox serve'));
    expect(asked).toHaveLength(2);

    // 5. Vesting day: the calendar makes the successors current and the predecessors former.
    await snapshotCoverage(t.deps);
    t.clock.set(new Date('2027-04-01T08:00:00Z'));
    const calendar = await applyRegisterCalendar(t.deps);
    expect(calendar.vested.sort()).toEqual(['KEE', 'KEW']);
    expect(calendar.ended.sort()).toEqual([...kent].sort());
    expect(await applyRegisterCalendar(t.deps)).toEqual({ vested: [], ended: [] });
    expect(await statusOf('KEW')).toBe('current');
    expect(await statusOf('KEN')).toBe('former');
    const vested = await coverage();
    expect(vested.total.authorities).toBe(before.total.authorities - 13 + 2);
    expect(vested.upcoming.authorities).toBe(0);
    // Still nobody lost: England now means West and East Kent, reached through the offered mailboxes.
    const afterVesting = await release({ nations: ['England'] });
    const bridged = afterVesting.deliveries.filter((d) => d.onBehalfOf !== null);
    expect(bridged).toHaveLength(13);

    // 6. The offers are answered through their links: Kent County Council's mailbox will serve West Kent,
    //    Maidstone's will not; the answered link answers once.
    const link = (to: string, successor: string) => {
      const m = t.mailer
        .to(to)
        .find((x) => x.subject.includes(successor) && x.subject.includes('will this mailbox serve'));
      const url = /\/offers\/[A-Za-z0-9_.-]+/.exec(m?.text ?? '')?.[0];
      expect(url, `the offer link to ${to} for ${successor}`).toBeTruthy();
      return url!;
    };
    const accept = await t.call('POST', link('cyber@ken.gov.uk', 'West Kent'), {
      body: { answer: 'accept' },
    });
    expect(await accept.json()).toMatchObject({ state: 'accepted', successor: 'KEW' });
    const again = await t.call('POST', link('cyber@ken.gov.uk', 'West Kent'), {
      body: { answer: 'decline' },
    });
    expect(await again.json()).toMatchObject({ state: 'accepted' });
    // In a browser: East Kent's question answered on its page, and the page after it can be refreshed.
    const person = browser(t);
    const question = await person.get(link('cyber@ken.gov.uk', 'East Kent'));
    expect(question.html).toContain('Will cyber@ken.gov.uk serve East Kent Council?');
    const declined = await person.send(link('cyber@ken.gov.uk', 'East Kent'), { answer: 'decline' });
    expect(declined.redirectedTo).toBe('/offers/done');
    expect(declined.html).toContain('cyber@ken.gov.uk will not receive advisories for East Kent Council');
    expect((await person.get('/offers/done')).html).toContain('Answer recorded');
    const maidstone = kent.find((c) => c === 'MAI') ?? kent[1]!;
    const decline = await t.call('POST', link(`cyber@${maidstone.toLowerCase()}.gov.uk`, 'West Kent'), {
      body: { answer: 'decline' },
    });
    expect(await decline.json()).toMatchObject({ state: 'declined' });
    const westKent = await t.db
      .select()
      .from(mailboxes)
      .where(and(eq(mailboxes.authorityCode, 'KEW'), eq(mailboxes.state, 'confirmed')));
    expect(westKent).toEqual([expect.objectContaining({ address: 'cyber@ken.gov.uk', kind: 'primary' })]);

    // The predecessors' addresses offered to West Kent are shown to staff, not to the council itself.
    const staffPage = await t.app.request('/authorities/KEW', {
      headers: { accept: 'text/html', authorization: `Bearer ${admin}` },
    });
    expect(await staffPage.text()).toContain('Mailboxes offered by its predecessors');
    const westKentToken = await t.tokenFor('council', { authority: 'KEW' });
    const ownPage = await t.app.request('/authorities/KEW', {
      headers: { accept: 'text/html', authorization: `Bearer ${westKentToken}` },
    });
    expect(ownPage.status).toBe(200);
    const own = await ownPage.text();
    expect(own).not.toContain('Mailboxes offered by its predecessors');
    expect(own).not.toContain('cyber@mai.gov.uk');

    // 7. Coverage counts the successor that has its own confirmed primary now.
    const answered = await coverage();
    expect(answered.total.confirmed).toBe(vested.total.confirmed + 1);
    // The history chart goes on across the change: a point each side of vesting day.
    await snapshotCoverage(t.deps);
    const history = await (
      await t.call('GET', '/api/v1/coverage/history?by=nation&from=2026-12-01&to=2027-04-01', {
        token: admin,
      })
    ).json();
    const days = (history.days as Array<{ day: string; total: { authorities: number } }>).map(
      (d) => d.total.authorities,
    );
    expect(days).toEqual([before.total.authorities, before.total.authorities - 11]);

    // 8. An audience naming an ended council reaches its successors instead, with a warning.
    const check = await t.call('POST', '/api/v1/advisories/preview', {
      token: admin,
      body: { audience: { authorities: ['KEN'] }, tlp: 'AMBER' },
    });
    expect(check.status, await check.clone().text()).toBe(200);
    const preview = await check.json();
    expect(preview.endedNamed).toEqual([
      { code: 'KEN', name: 'Kent County Council', successors: ['KEW', 'KEE'] },
    ]);
    expect(preview.reached.map((r: { code: string }) => r.code).sort()).toEqual(['KEE', 'KEW']);
    const stillOffered = await t.db
      .select()
      .from(mailboxOffers)
      .where(and(eq(mailboxOffers.successorCode, 'KEE'), eq(mailboxOffers.state, 'offered')));
    expect(stillOffered).toHaveLength(12); // Kent's own mailbox declined East Kent
    expect(preview.viaPredecessors).toContainEqual({ code: 'KEE', name: 'East Kent Council', mailboxes: 12 });
    // A council that ended without successors would reach nobody: still refused.
    const [orphan] = await t.db
      .select({ code: authorities.code })
      .from(authorities)
      .where(
        and(eq(authorities.current, false), eq(authorities.shadow, false), eq(authorities.replacedBy, [])),
      );
    const refused = await t.call('POST', '/api/v1/advisories', {
      token: admin,
      body: advisoryBody({ audience: { authorities: [orphan!.code] } }),
    });
    expect(refused.status).toBe(422);
    const toKent = await release({ authorities: ['KEN'] });
    expect(toKent.deliveries.map((d) => d.address)).toContain('cyber@ken.gov.uk');
    expect(toKent.deliveries.find((d) => d.authority === 'KEW')).toBeTruthy();
    expect(await t.db.select().from(authorities).where(eq(authorities.code, 'KEN'))).toEqual([
      expect.objectContaining({ current: false, shadow: false }),
    ]);
  });
});
