// Every mailbox transition fired twice at once: exactly one wins, the other gets 409, and the audit log and
// the mail show only the one that happened.
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { registration, seedCouncils } from './support.js';

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

async function auditActions(subjectId: string) {
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
