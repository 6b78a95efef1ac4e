// The Notify adapters run on Workers: a tiny Worker (notify-worker.ts) that builds the SMS sender and the
// mailer as the service's Worker does, bundled by wrangler and run in workerd by miniflare, whose outbound
// requests reach the fake Notify (test/notify/fake-notify.ts) in this process. The fake checks the JWT
// that workerd's Web Crypto signed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY,
  EMAIL_TEMPLATE,
  type FakeNotify,
  fakeNotify,
  NOTIFY_URL,
  notifyErrors,
  SERVICE_ID,
  SMS_TEMPLATE,
} from '../notify/fake-notify.js';
import { repoRoot, tempDir, wrangler, wranglerConfig } from './support.js';

let dir: ReturnType<typeof tempDir>;
let fake: FakeNotify;
let configured: Miniflare;
let missingKey: Miniflare;

async function start(scriptPath: string, bindings: Record<string, string>) {
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dir.path,
    compatibilityDate: wranglerConfig().compatibility_date,
    bindings: {
      PUBLIC_BASE_URL: 'https://cyber-contacts.test',
      LOG_LEVEL: 'error',
      NOTIFY_BASE_URL: NOTIFY_URL,
      NOTIFY_SMS_TEMPLATE_ID: SMS_TEMPLATE,
      NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE,
      MAIL_PROVIDER: 'notify',
      MAIL_FROM: 'Council cyber contacts <no-reply@cyber-contacts.test>',
      ...bindings,
    },
    outboundService: ((request: Request) => fake.handle(request)) as unknown as () => never,
  });
  await mf.ready;
  return mf;
}

async function call(mf: Miniflare, path: string, init: RequestInit = {}) {
  const res = await mf.dispatchFetch(`https://worker.test${path}`, init as never);
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
}

beforeAll(async () => {
  dir = tempDir('cc-notify-worker-');
  // wrangler's own bundle of the tiny Worker, as `wrangler deploy` would make it (no nodejs_compat).
  const toml = join(dir.path, 'wrangler.toml');
  writeFileSync(
    toml,
    [
      'name = "notify-adapter-test"',
      `main = ${JSON.stringify(join(repoRoot, 'test/worker/notify-worker.ts'))}`,
      `compatibility_date = "${wranglerConfig().compatibility_date}"`,
    ].join('\n'),
  );
  const out = join(dir.path, 'out');
  const built = await wrangler(['deploy', '--dry-run', '--config', toml, '--outdir', out]);
  expect(`${built.stdout}\n${built.stderr}`).toMatch(/--dry-run: exiting now/);
  fake = fakeNotify();
  const script = join(out, 'notify-worker.js');
  configured = await start(script, { NOTIFY_API_KEY: API_KEY });
  missingKey = await start(script, {});
}, 180_000);

afterAll(async () => {
  await configured?.dispose();
  await missingKey?.dispose();
  dir?.remove();
});

const sms = { to: '+447700900123', text: 'An urgent advisory is waiting.', reference: 'sms.w1' };

describe('the Notify adapters in workerd', { timeout: 60_000 }, () => {
  it('sends a text with a JWT signed by workerd’s Web Crypto, which Notify accepts', async () => {
    const before = fake.calls.length;
    const { body } = await call(configured, '/sms', { method: 'POST', body: JSON.stringify(sms) });
    expect(body.provider).toBe('notify');
    expect(body.result).toMatchObject({
      status: 'sending',
      providerId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const sent = fake.calls.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      path: '/v2/notifications/sms',
      answered: 201,
      header: { alg: 'HS256' },
      claims: { iss: SERVICE_ID },
      body: {
        phone_number: sms.to,
        template_id: SMS_TEMPLATE,
        personalisation: { message: sms.text },
        reference: 'sms.w1',
      },
    });

    const id = (body.result as { providerId: string }).providerId;
    fake.setStatus(id, 'delivered');
    const looked = await call(configured, `/sms/${id}`);
    expect(looked.body.receipt).toMatchObject({ providerId: id, reference: 'sms.w1', status: 'delivered' });
  });

  it('maps Notify’s refusals there as on Node', async () => {
    fake.answerNext(notifyErrors.rateLimit, notifyErrors.teamKey);
    const limited = await call(configured, '/sms', { method: 'POST', body: JSON.stringify(sms) });
    expect(limited.body.result).toMatchObject({
      status: 'temporary-failure',
      failure: 'Notify RateLimitError',
      retryAfterMs: 60_000,
    });
    const team = await call(configured, '/sms', { method: 'POST', body: JSON.stringify(sms) });
    expect(team.body.result).toMatchObject({
      status: 'technical-failure',
      failure: 'Notify BadRequestError',
    });
  });

  it('sends mail through Notify (MAIL_PROVIDER=notify)', async () => {
    const before = fake.calls.length;
    const message = {
      to: 'cyber@cardiff.gov.uk',
      subject: 'A test',
      text: 'Hello.',
      messageId: '<delivery.w1@cyber-contacts.test>',
    };
    const { body } = await call(configured, '/mail', { method: 'POST', body: JSON.stringify(message) });
    expect(body.result).toMatchObject({ status: 'delivered', messageId: message.messageId });
    expect(fake.calls.slice(before)[0]).toMatchObject({
      path: '/v2/notifications/email',
      answered: 201,
      body: { email_address: 'cyber@cardiff.gov.uk', reference: message.messageId },
    });
  });

  it('parses a receipt', async () => {
    const receipt = {
      id: '740e5834-3a29-46b4-9a6f-16142fde533a',
      reference: 'sms.w1',
      to: '+447700900123',
      status: 'permanent-failure',
      created_at: '2026-05-06T10:00:00.000000Z',
      completed_at: '2026-05-06T10:00:07.000000Z',
      sent_at: null,
      notification_type: 'sms',
      template_id: SMS_TEMPLATE,
      template_version: 1,
    };
    const ok = await call(configured, '/receipts', {
      method: 'POST',
      body: JSON.stringify(receipt),
    });
    expect(ok.body.receipt).toMatchObject({ status: 'permanent-failure', reference: 'sms.w1', type: 'sms' });
  });

  it('without NOTIFY_API_KEY, gives a sender that refuses, naming NOTIFY_API_KEY, and asks Notify nothing', async () => {
    const before = fake.calls.length;
    const { body } = await call(missingKey, '/sms', { method: 'POST', body: JSON.stringify(sms) });
    expect(body.provider).toBe('none');
    expect(body.unavailable).toEqual({
      reason: 'GOV.UK Notify needs NOTIFY_API_KEY, which is not set',
      missing: ['NOTIFY_API_KEY'],
    });
    expect(body.result).toMatchObject({ status: 'technical-failure', failure: 'SMS not configured' });
    expect(fake.calls.length).toBe(before);
  });
});
