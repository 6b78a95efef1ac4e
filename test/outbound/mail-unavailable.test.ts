// A service started without working mail settings runs degraded: reads and changes that need no mail work,
// /readyz says what is missing, and every action that needs mail is refused up front (503 problem, nothing
// written), while a message queued before is a failure of ours (sending pauses), never the recipient's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailSetupProblem, unconfiguredMailer } from '../../src/adapters/mailer-unconfigured.js';
import { parseConfig } from '../../src/config.js';
import { memoryLogger } from '../../src/ports/logger.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { advisoryBody, insertMailbox, registration, seedCouncils } from '../support/fixtures.js';

const missing = {
  reason: 'Amazon SES needs SES_ACCESS_KEY_ID, which is not set',
  missing: ['SES_ACCESS_KEY_ID'],
};

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp({ deps: { mailer: unconfiguredMailer(missing, memoryLogger('silent')) } });
  await seedCouncils(t);
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

const count = async (table: string) =>
  Number((await t.client.execute(`select count(*) as n from ${table}`)).rows[0]!.n);

async function expectRefused(res: Response) {
  expect(res.status, await res.clone().text()).toBe(503);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const problem = (await res.json()) as { detail: string; missing: string[] };
  expect(problem.detail).toContain('cannot send e-mail yet: Amazon SES needs SES_ACCESS_KEY_ID');
  expect(problem.missing).toEqual(['SES_ACCESS_KEY_ID']);
}

describe('a service without working mail settings', () => {
  it('is ready but degraded, naming what is missing', async () => {
    const res = await t.call('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'degraded',
      checks: { database: { ok: true }, mail: { ok: false, missing: ['SES_ACCESS_KEY_ID'] } },
    });
  });

  it('refuses a registration (anonymous and signed in) and writes nothing', async () => {
    await expectRefused(await t.call('POST', '/api/v1/mailboxes', { body: registration() }));
    await expectRefused(await t.call('POST', '/api/v1/mailboxes', { token: admin, body: registration() }));
    expect(await count('mailboxes')).toBe(0);
    expect(await count('outbound_mail')).toBe(0);
    expect(await count("audit_log where subject_type = 'mailbox'")).toBe(0);
  });

  it('refuses a release and a staff invitation, leaving the advisory a draft and nobody added', async () => {
    await insertMailbox(t.db, { authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk' });
    const created = await t.call('POST', '/api/v1/advisories', { token: admin, body: advisoryBody() });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await expectRefused(await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin }));
    const after = await t.call('GET', `/api/v1/advisories/${id}`, { token: admin });
    expect(((await after.json()) as { state: string }).state).toBe('draft');
    expect(await count('deliveries')).toBe(0);
    await expectRefused(
      await t.call('POST', '/api/v1/staff', {
        token: admin,
        body: { address: 'analyst@ncsc.gov.uk', name: 'An Analyst', role: 'admin' },
      }),
    );
    expect(await count('staff_members')).toBe(0);
  });

  it('still answers what needs no mail: the register, the advisory list, the coverage report', async () => {
    for (const path of ['/api/v1/authorities', '/api/v1/advisories', '/api/v1/coverage'])
      expect((await t.call('GET', path, { token: admin })).status, path).toBe(200);
  });

  it('the register page says so in a GOV.UK error summary', async () => {
    const form = await t.app.request('/register', { headers: { accept: 'text/html' } });
    const cookie = form.headers.get('set-cookie')?.split(';')[0] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const res = await t.app.request('/register', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html' },
      body: new URLSearchParams({ _csrf: csrf, ...registration(), authority: 'CRF' }).toString(),
    });
    const html = await res.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('We cannot send e-mail at the moment');
    // The settings are for administrators (/readyz, the API), not for the public page.
    expect(html).not.toContain('SES_ACCESS_KEY_ID');
    expect(await count('mailboxes')).toBe(0);
  });
});

describe('which settings each provider still needs', () => {
  const config = (env: Record<string, string>) =>
    parseConfig({ PUBLIC_BASE_URL: 'https://cyber-contacts.example.gov.uk', ...env });
  it('names the missing SES settings, SMTP_URL for smtp, and refuses smtp on Workers', () => {
    expect(
      mailSetupProblem(config({ MAIL_PROVIDER: 'ses', SES_REGION: 'eu-west-2' }), 'workers')?.missing,
    ).toEqual(['SES_ACCESS_KEY_ID', 'SES_SECRET_ACCESS_KEY']);
    expect(mailSetupProblem(config({ MAIL_PROVIDER: 'smtp' }), 'node')?.missing).toEqual(['SMTP_URL']);
    expect(
      mailSetupProblem(config({ MAIL_PROVIDER: 'smtp', SMTP_URL: 'smtp://relay:25' }), 'workers')?.missing,
    ).toEqual(['MAIL_PROVIDER']);
    const complete = {
      MAIL_PROVIDER: 'ses',
      SES_REGION: 'eu-west-2',
      SES_ACCESS_KEY_ID: 'a',
      SES_SECRET_ACCESS_KEY: 'b',
    };
    expect(mailSetupProblem(config(complete), 'workers')).toBeNull();
    expect(mailSetupProblem(config({}), 'node')).toBeNull(); // the outbox folder
  });

  it('a message sent anyway is a technical failure of ours, never the recipient’s', async () => {
    const mailer = unconfiguredMailer(missing, memoryLogger('silent'));
    const result = await mailer.send({
      to: 'cyber@cardiff.gov.uk',
      subject: 's',
      text: 't',
      messageId: '<m@x>',
    });
    expect(result).toMatchObject({ status: 'technical-failure', command: 'config' });
    expect(result.reply).toContain('SES_ACCESS_KEY_ID');
  });
});
