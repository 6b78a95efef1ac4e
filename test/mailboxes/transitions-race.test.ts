// Every mailbox transition fired twice at once: exactly one wins, the other gets 409, and the audit log and
// the mail show only the one that happened. The database answers on later turns of the event loop, as a
// networked one does, so the two requests interleave between their reads and their writes.
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/domain/principal.js';
import { completeDueHandovers } from '../../src/features/mailboxes/handover.js';
import { importMailboxes } from '../../src/features/mailboxes/import-mailboxes.js';
import { makeRacingApp } from '../support/racing-app.js';
import { confirmedPrimaries, linkIn, registration, seedCouncils } from './support.js';

let t: Awaited<ReturnType<typeof makeRacingApp>>;
let admin: string;
beforeEach(async () => {
  t = await makeRacingApp();
  await seedCouncils(t);
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

async function auditActions(subjectId?: string) {
  if (subjectId === undefined) {
    const rows = await t.db.all<{ action: string }>(
      sql`select action from audit_log where subject_type = 'mailbox' order by id`,
    );
    return rows.map((r) => r.action);
  }
  const rows = await t.db.all<{ action: string }>(
    sql`select action from audit_log where subject_type = 'mailbox' and subject_id = ${subjectId} order by id`,
  );
  return rows.map((r) => r.action);
}

/** A registration on a domain that is not the council's: it waits for an admin. */
async function awaitingApproval() {
  const res = await t.call('POST', '/api/v1/mailboxes', {
    token: admin,
    body: registration({ address: 'cyber@outsourced.example' }),
  });
  const body = (await res.json()) as { id: string; state: string };
  expect(body.state).toBe('awaiting-approval');
  t.mailer.sent.length = 0;
  return body.id;
}

describe('mailbox transitions under a race', () => {
  it('two approvals at once: one succeeds, one 409, one audit entry, one confirmation e-mail', async () => {
    const id = await awaitingApproval();
    const [a, b] = await Promise.all([
      t.call('POST', `/api/v1/mailboxes/${id}/approve`, { token: admin, body: {} }),
      t.call('POST', `/api/v1/mailboxes/${id}/approve`, { token: admin, body: {} }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect((await loser.json()).code).toBe('conflict');
    expect((await auditActions(id)).filter((x) => x === 'mailbox.approve')).toHaveLength(1);
    expect(t.mailer.sent.map((m) => m.to)).toEqual(['cyber@outsourced.example']);
    const links = await t.db.all<{ n: number }>(
      sql`select count(*) as n from link_tokens where mailbox_id = ${id} and purpose = 'confirm'`,
    );
    expect(Number(links[0]?.n)).toBe(1);
  });

  it('an approval racing a refusal: exactly one of them happens', async () => {
    const id = await awaitingApproval();
    const [a, b] = await Promise.all([
      t.call('POST', `/api/v1/mailboxes/${id}/approve`, { token: admin, body: {} }),
      t.call('POST', `/api/v1/mailboxes/${id}/refuse`, { token: admin, body: { reason: 'not theirs' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const actions = await auditActions(id);
    expect(actions.filter((x) => x === 'mailbox.approve' || x === 'mailbox.refuse')).toHaveLength(1);
    // Mail only if the approval won.
    expect(t.mailer.sent).toHaveLength(a.status === 200 ? 1 : 0);
  });
});

const confirm = (secret: string) =>
  t.app.request(`/confirm/${secret}`, { method: 'POST', headers: { accept: 'application/json' } });
const count = (actions: string[], action: string) => actions.filter((a) => a === action).length;
const subjects = (address: string) => t.mailer.to(address).map((m) => m.subject);
const mailboxId = async (address: string) =>
  (
    await t.db.all<{ id: string }>(
      sql`select id from mailboxes where address = ${address} and state in ('pending', 'awaiting-approval', 'awaiting-handover', 'confirmed')`,
    )
  )[0]?.id as string;

/** A pending registration on the council's own domain: its link, and its id. */
async function pending(address: string, token?: string) {
  const res = await t.call('POST', '/api/v1/mailboxes', { token, body: registration({ address }) });
  expect(res.status).toBeLessThan(300);
  return { secret: linkIn(t.mailer.to(address).at(-1)), id: await mailboxId(address) };
}

/** The council's confirmed primary, which a new primary replaces. */
async function confirmedPrimary(address = 'old@cardiff.gov.uk') {
  const { secret, id } = await pending(address);
  expect((await confirm(secret)).status).toBe(200);
  return id;
}

describe('confirming, retiring, vouching and resending under a race', () => {
  it('a confirmation link followed twice at once: one confirms, the other is told it is done; one of each e-mail', async () => {
    const old = await confirmedPrimary();
    // Registered by an admin, so it needs no consent from the old primary to replace it.
    const { secret, id } = await pending('cyber@cardiff.gov.uk', admin);
    t.mailer.sent.length = 0;
    const [a, b] = await Promise.all([confirm(secret), confirm(secret)]);
    const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
    expect(winner.status).toBe(200);
    // The other is told the link no longer works: the mailbox is already confirmed (409), or the link used (410).
    expect([409, 410]).toContain(loser.status);
    expect(count(await auditActions(id), 'mailbox.confirm')).toBe(1);
    expect(count(await auditActions(old), 'mailbox.retire')).toBe(1);
    expect(subjects('cyber@cardiff.gov.uk').filter((s) => /confirmed for/.test(s))).toHaveLength(1);
    expect(subjects('old@cardiff.gov.uk').filter((s) => /has changed/.test(s))).toHaveLength(1);
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
  });

  it('retired twice at once with different reasons: one 200, one 409, one audit entry, the winner’s reason', async () => {
    const { id } = await pending('soc@cardiff.gov.uk');
    const [a, b] = await Promise.all([
      t.call('DELETE', `/api/v1/mailboxes/${id}?reason=first`, { token: admin }),
      t.call('DELETE', `/api/v1/mailboxes/${id}?reason=second`, { token: admin }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = (await (a.status === 200 ? a : b).json()) as { retiredReason: string };
    expect((await (a.status === 409 ? a : b).json()).code).toBe('conflict');
    expect(count(await auditActions(id), 'mailbox.retire')).toBe(1);
    const [row] = await t.db.all<{ retired_reason: string }>(
      sql`select retired_reason from mailboxes where id = ${id}`,
    );
    expect(row?.retired_reason).toBe(winner.retiredReason);
  });

  it('a retirement racing the confirmation: exactly one of them happens, and mail only if it was the confirmation', async () => {
    const { secret, id } = await pending('soc@cardiff.gov.uk');
    t.mailer.sent.length = 0;
    const [retired, confirmed] = await Promise.all([
      t.call('DELETE', `/api/v1/mailboxes/${id}?reason=withdrawn`, { token: admin }),
      confirm(secret),
    ]);
    expect([retired.status, confirmed.status].sort()).toEqual([200, 409]);
    const actions = await auditActions(id);
    expect(count(actions, 'mailbox.retire') + count(actions, 'mailbox.confirm')).toBe(1);
    expect(t.mailer.sent).toHaveLength(confirmed.status === 200 ? 1 : 0);
  });

  it('vouched for twice at once (mailboxes import --confirmed): one confirms and replaces, the other is refused', async () => {
    const old = await confirmedPrimary();
    const { id } = await pending('cyber@cardiff.gov.uk');
    t.mailer.sent.length = 0;
    const csv =
      'authority,address,kind,team,phone\nCRF,cyber@cardiff.gov.uk,primary,Cyber Security Team,029 2087 2000\n';
    const reports = await Promise.all([
      importMailboxes(t.deps, { principal: cliPrincipal }, csv, { confirmedReason: 'known to the NCSC' }),
      importMailboxes(t.deps, { principal: cliPrincipal }, csv, { confirmedReason: 'known to the NCSC' }),
    ]);
    const outcomes = reports.map((r) => r.rows[0]?.outcome).sort();
    expect(outcomes).toEqual(['confirmed', 'rejected']);
    expect(reports.find((r) => r.rows[0]?.outcome === 'rejected')?.rows[0]?.detail).toMatch(/changed|cannot/);
    expect(count(await auditActions(id), 'mailbox.confirm')).toBe(1);
    expect(count(await auditActions(old), 'mailbox.retire')).toBe(1);
    expect(subjects('cyber@cardiff.gov.uk').filter((s) => /confirmed for/.test(s))).toHaveLength(1);
    expect(subjects('old@cardiff.gov.uk')).toHaveLength(1);
  });

  it('a new address registered twice at once: one row, one audit entry, one e-mail, and no 500', async () => {
    const body = registration({ address: 'new@cardiff.gov.uk' });
    const [a, b] = await Promise.all([
      t.call('POST', '/api/v1/mailboxes', { body }),
      t.call('POST', '/api/v1/mailboxes', { body }),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(await auditActions()).toEqual(['mailbox.register']);
    expect(t.mailer.to('new@cardiff.gov.uk')).toHaveLength(1);
    const rows = await t.db.all(sql`select id from mailboxes where address = 'new@cardiff.gov.uk'`);
    expect(rows).toHaveLength(1);
  });

  it('a new address vouched for twice at once: one row, its audit entries once, the other row unchanged', async () => {
    const csv =
      'authority,address,kind,team,phone\nCRF,new@cardiff.gov.uk,primary,Cyber Security Team,029 2087 2000\n';
    const reports = await Promise.all([
      importMailboxes(t.deps, { principal: cliPrincipal }, csv, { confirmedReason: 'known to the NCSC' }),
      importMailboxes(t.deps, { principal: cliPrincipal }, csv, { confirmedReason: 'known to the NCSC' }),
    ]);
    expect(reports.map((r) => r.rows[0]?.outcome).sort()).toEqual(['confirmed', 'unchanged']);
    expect(await auditActions()).toEqual(['mailbox.register', 'mailbox.approve', 'mailbox.confirm']);
    expect(t.mailer.to('new@cardiff.gov.uk')).toHaveLength(1);
  });

  it('a confirmation resent twice at once: as many e-mails and audit entries as successes', async () => {
    const { id } = await pending('soc@cardiff.gov.uk');
    t.mailer.sent.length = 0;
    const results = await Promise.all([
      t.call('POST', `/api/v1/mailboxes/${id}/resend`, { token: admin }),
      t.call('POST', `/api/v1/mailboxes/${id}/resend`, { token: admin }),
    ]);
    const successes = results.filter((r) => r.status === 200).length;
    expect(successes).toBeGreaterThan(0);
    expect(t.mailer.sent).toHaveLength(successes);
    expect(count(await auditActions(id), 'mailbox.confirmation-resend')).toBe(successes);
  });

  it('a resend racing a retirement: no link goes to a retired mailbox', async () => {
    const { id } = await pending('soc@cardiff.gov.uk');
    t.mailer.sent.length = 0;
    const [resent, retired] = await Promise.all([
      t.call('POST', `/api/v1/mailboxes/${id}/resend`, { token: admin }),
      t.call('DELETE', `/api/v1/mailboxes/${id}?reason=withdrawn`, { token: admin }),
    ]);
    expect(retired.status).toBe(200);
    expect([200, 409]).toContain(resent.status);
    const actions = await auditActions(id);
    // Resent before the retirement, or refused after it; never resent to what is by then retired.
    expect(count(actions, 'mailbox.confirmation-resend')).toBe(resent.status === 200 ? 1 : 0);
    expect(t.mailer.sent).toHaveLength(resent.status === 200 ? 1 : 0);
    if (resent.status === 200)
      expect(actions.indexOf('mailbox.confirmation-resend')).toBeLessThan(actions.indexOf('mailbox.retire'));
  });
});

describe('a handover under a race', () => {
  /** A new primary, confirmed by its own link, waiting for the old primary's consent: the link to answer. */
  async function awaitingHandover() {
    const old = await confirmedPrimary();
    const { secret, id } = await pending('cyber@cardiff.gov.uk');
    expect((await confirm(secret)).status).toBe(200);
    const asked = t.mailer.to('old@cardiff.gov.uk').filter((m) => /Action needed/.test(m.subject));
    t.mailer.sent.length = 0;
    return { old, id, answer: linkIn(asked.at(-1), 'handover') };
  }
  const reply = (secret: string, answer: 'agree' | 'refuse') =>
    t.app.request(`/handover/${secret}`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ answer }),
    });

  it('agreed and refused at once: exactly one happens, and only its mail goes', async () => {
    const { old, id, answer } = await awaitingHandover();
    const [agreed, refused] = await Promise.all([reply(answer, 'agree'), reply(answer, 'refuse')]);
    expect([agreed.status, refused.status].sort()).toEqual([200, 410]);
    const actions = await auditActions(id);
    expect(count(actions, 'mailbox.confirm') + count(actions, 'mailbox.handover-refused')).toBe(1);
    if (agreed.status === 200) {
      expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
      expect(count(await auditActions(old), 'mailbox.retire')).toBe(1);
      expect(subjects('old@cardiff.gov.uk').filter((s) => /has changed/.test(s))).toHaveLength(1);
    } else {
      expect(await confirmedPrimaries(t, 'CRF')).toEqual(['old@cardiff.gov.uk']);
      expect(subjects('old@cardiff.gov.uk').filter((s) => /has changed/.test(s))).toHaveLength(0);
    }
  });

  it('agreed while the window’s end is swept: one handover, one audit entry, one notice', async () => {
    const { old, id, answer } = await awaitingHandover();
    t.clock.advance(t.deps.config.HANDOVER_WINDOW_HOURS * 3600_000);
    const [agreed, swept] = await Promise.all([reply(answer, 'agree'), completeDueHandovers(t.deps)]);
    expect(agreed.status === 200 ? 1 : 0).toBe(1 - swept.handedOver.length);
    expect(count(await auditActions(id), 'mailbox.confirm')).toBe(1);
    expect(count(await auditActions(old), 'mailbox.retire')).toBe(1);
    expect(subjects('old@cardiff.gov.uk').filter((s) => /has changed/.test(s))).toHaveLength(1);
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
  });
});
