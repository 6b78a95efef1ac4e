// Staff who sign in by magic link: managed by an admin (API and CLI), sent a link by the same sign-in form as
// councils (with the same answer whatever the address), signed in to a session with their role and WARP.
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, sessions } from '../../src/db/schema.js';
import { settleBackground } from '../../src/lib/background.js';
import { browser, linkIn, sentTo } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { runCli, tempDatabase } from '../support/cli.js';
import { seedCouncils } from '../support/fixtures.js';

let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

const operator = {
  address: 'Duty@Wales-WARP.gov.uk',
  name: 'Wales WARP duty desk',
  role: 'warp',
  warp: 'wales',
};

async function addOperator() {
  const res = await t.call('POST', '/api/v1/staff', { token: admin, body: operator });
  expect(res.status).toBe(201);
  return (await res.json()) as { address: string };
}

/** Asks for a link in a browser (a new one unless given): a staff link works only in the browser that asked. */
async function askForLink(address: string, b = browser(t)) {
  await b.get('/sign-in');
  const res = await b.submit('/sign-in', { address });
  await settleBackground(t.deps.db);
  return { ...res, b };
}

describe('the staff API', () => {
  it('adds, lists, disables and enables again, with an audit entry each time', async () => {
    const added = await addOperator();
    expect(added).toMatchObject({
      address: 'duty@wales-warp.gov.uk',
      name: 'Wales WARP duty desk',
      role: 'warp',
      warp: 'wales',
      disabledAt: null,
    });
    const again = await t.call('POST', '/api/v1/staff', { token: admin, body: operator });
    expect(again.status).toBe(409);
    const list = (await (await t.call('GET', '/api/v1/staff', { token: admin })).json()) as {
      items: unknown[];
    };
    expect(list.items).toHaveLength(1);

    const gone = await t.call('DELETE', '/api/v1/staff/duty@wales-warp.gov.uk', { token: admin });
    expect(gone.status).toBe(200);
    expect(((await gone.json()) as { disabledAt: string }).disabledAt).toBe('2026-11-30T09:00:00.000Z');
    expect(
      ((await (await t.call('GET', '/api/v1/staff', { token: admin })).json()) as { items: unknown[] }).items,
    ).toEqual([]);
    const withDisabled = (await (
      await t.call('GET', '/api/v1/staff?includeDisabled=true', { token: admin })
    ).json()) as { items: unknown[] };
    expect(withDisabled.items).toHaveLength(1);
    const back = await t.call('POST', '/api/v1/staff', {
      token: admin,
      body: { ...operator, name: 'Duty desk' },
    });
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ name: 'Duty desk', disabledAt: null });

    const actions = (await t.db.select().from(auditLog))
      .map((a) => a.action)
      .filter((a) => a.startsWith('staff.'));
    expect(actions).toEqual(['staff.add', 'staff.disable', 'staff.enable']);
  });

  it('refuses a bad address, a WARP operator without a known WARP, and an admin with one', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...operator, address: 'not an address' }, 'address'],
      [{ ...operator, warp: undefined }, 'warp'],
      [{ ...operator, warp: 'atlantis' }, 'warp'],
      [{ ...operator, role: 'admin' }, 'warp'],
      [{ ...operator, role: 'council' }, 'role'],
    ];
    for (const [body, path] of cases) {
      const res = await t.call('POST', '/api/v1/staff', { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      const problem = (await res.json()) as { errors?: Array<{ path: string }> };
      expect(problem.errors?.[0]?.path).toBe(path);
    }
    const missing = await t.call('DELETE', '/api/v1/staff/nobody@example.gov.uk', { token: admin });
    expect(missing.status).toBe(404);
  });
});

describe('staff sign-in by magic link', () => {
  it('sends a link to an enabled staff member, with the same answer as for an unknown address', async () => {
    await addOperator();
    const known = await askForLink('duty@wales-warp.gov.uk');
    const unknown = await askForLink('nobody@wales-warp.gov.uk');
    expect(known.status).toBe(303);
    expect(unknown.status).toBe(known.status);
    expect(unknown.location).toBe(known.location);
    // The invitation when they were added, then the link they asked for.
    const [invitation, ...links] = t.mailer.to('duty@wales-warp.gov.uk');
    expect(invitation?.subject).toBe('You have been added to Council cyber contacts');
    expect(invitation?.text).toContain('an operator of Wales WARP');
    expect(invitation?.text).not.toMatch(/\/sign-in\/[A-Za-z0-9_-]{20,}/); // no secret in it
    expect(links).toHaveLength(1);
    expect(sentTo(t, 'nobody@wales-warp.gov.uk')).toBe(0);
    const mail = links[0]!;
    expect(mail.subject).toBe(
      'Sign in to Council cyber contacts for Wales WARP duty desk (operator of Wales WARP)',
    );
    expect(mail.text).toContain('The link works once.');
  });

  it('signs in end to end: the link page, the session with role and WARP, the dashboard; once only', async () => {
    await addOperator();
    const { b } = await askForLink('DUTY@wales-warp.gov.uk');
    const link = linkIn(t, 'duty@wales-warp.gov.uk', 'sign-in');
    const page = await b.get(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Sign in as staff');
    expect(page.html).toContain('You are signing in as Wales WARP duty desk, a WARP operator.');
    // GET does not spend the link (mail scanners follow links); POST does.
    const signedIn = await b.post(link, {});
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/dashboard');
    const me = await b.get('/dashboard');
    expect(me.status).toBe(200);
    expect(me.html).toContain('<span class="govuk-caption-l">Wales WARP</span>');
    expect(me.html).toContain('Signed in as Wales WARP duty desk.');
    const [session] = await t.db
      .select()
      .from(sessions)
      .where(eq(sessions.actor, 'staff:duty@wales-warp.gov.uk'));
    expect(session).toMatchObject({ role: 'warp', warpId: 'wales', authorityCode: null });
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'session.sign-in'), eq(auditLog.subjectType, 'staff')));
    expect(audit).toHaveLength(1);

    const twice = await browser(t).post(link, {});
    expect(twice.status).toBe(410);
    expect(twice.html).toContain('This link has already been used');
  });

  it('lets a link expire', async () => {
    await addOperator();
    await askForLink('duty@wales-warp.gov.uk');
    const link = linkIn(t, 'duty@wales-warp.gov.uk', 'sign-in');
    t.clock.advance(31 * 60_000);
    const res = await browser(t).get(link);
    expect(res.status).toBe(410);
    expect(res.html).toContain('This link has expired');
  });

  it('starts an admin session for an NCSC administrator', async () => {
    await t.call('POST', '/api/v1/staff', {
      token: admin,
      body: { address: 'duty@ncsc.gov.uk', name: 'NCSC duty officer', role: 'admin' },
    });
    const { b } = await askForLink('duty@ncsc.gov.uk');
    const res = await b.post(linkIn(t, 'duty@ncsc.gov.uk', 'sign-in'), {});
    expect(res.status).toBe(303);
    // An admin session, held at the passkey step (enrolment) until a passkey answers: see test/passkeys.
    expect(res.location).toBe('/account');
    const [session] = await t.db.select().from(sessions).where(eq(sessions.actor, 'staff:duty@ncsc.gov.uk'));
    expect(session).toMatchObject({ role: 'admin', authMethod: 'link' });
    const approvals = await b.get('/admin/approvals');
    expect(approvals.status).toBe(303);
    expect(approvals.location).toBe('/account');
  });

  it('sends nothing to a disabled member, ends their sessions and refuses their unused links', async () => {
    await addOperator();
    const first = await askForLink('duty@wales-warp.gov.uk');
    const unused = linkIn(t, 'duty@wales-warp.gov.uk', 'sign-in');
    const { b } = await askForLink('duty@wales-warp.gov.uk');
    await b.post(linkIn(t, 'duty@wales-warp.gov.uk', 'sign-in'), {});
    expect((await b.get('/dashboard')).status).toBe(200);

    await t.call('DELETE', '/api/v1/staff/duty@wales-warp.gov.uk', { token: admin });
    const after = await b.get('/dashboard');
    expect(after.status).toBe(303);
    expect(after.location).toBe('/sign-in');
    const refused = await first.b.post(unused, {});
    expect(refused.status).toBe(404);
    const before = sentTo(t, 'duty@wales-warp.gov.uk');
    await askForLink('duty@wales-warp.gov.uk');
    expect(sentTo(t, 'duty@wales-warp.gov.uk')).toBe(before);
  });
});

describe('npm run cli -- staff', () => {
  const db = tempDatabase();
  afterAll(() => db.cleanup());

  it('adds, lists and disables staff', async () => {
    const add = await runCli(
      ['staff', 'add', 'Duty@NCSC.gov.uk', '--role', 'admin', '--name', 'NCSC duty officer'],
      {
        databaseUrl: db.url,
      },
    );
    expect(add.stderr).toBe(`Using database ${db.url}\n`);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('Added admin duty@ncsc.gov.uk "NCSC duty officer"');
    expect(add.stdout).toContain('We have e-mailed them how to sign in');
    // The invitation is queued; the service sends it (here: one drain, as with no service running).
    expect((await runCli(['advisory', 'dispatch'], { databaseUrl: db.url })).code).toBe(0);
    const outbox = await runCli(['outbox', 'list', '--json'], { databaseUrl: db.url });
    expect(JSON.stringify(JSON.parse(outbox.stdout))).toContain(
      'You have been added to Council cyber contacts',
    );
    const list = await runCli(['staff', 'list', '--json'], { databaseUrl: db.url });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([
      { address: 'duty@ncsc.gov.uk', role: 'admin', createdBy: 'cli' },
    ]);
    const off = await runCli(['staff', 'disable', 'duty@ncsc.gov.uk'], { databaseUrl: db.url });
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('Disabled duty@ncsc.gov.uk');
    const bad = await runCli(['staff', 'add', 'x@ncsc.gov.uk', '--role', 'warp', '--name', 'X'], {
      databaseUrl: db.url,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('A WARP operator needs the WARP they operate.');
    // Said once, not once more as a field error.
    expect(bad.stderr.split('A WARP operator needs the WARP they operate.')).toHaveLength(2);
    const usage = await runCli(['staff', 'add', '--role', 'admin'], { databaseUrl: db.url });
    expect(usage.code).toBe(2);
  }, 120_000);
});
