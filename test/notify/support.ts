// The Notify tests' shared set-up: a fake clock, the settings of a configured service, and msw putting the
// fake Notify (fake-notify.ts) at NOTIFY_URL.
import { createHmac } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { beforeEach } from 'vitest';
import { type Config, parseConfig } from '../../src/config.js';
import { useMsw } from '../support/msw.js';
import {
  API_KEY,
  EMAIL_TEMPLATE,
  type FakeNotify,
  fakeNotify,
  NOTIFY_URL,
  SECRET,
  SMS_TEMPLATE,
} from './fake-notify.js';

export const START = new Date('2026-05-06T10:00:00.000Z');

/** A clock the test moves by hand. */
export function fakeClock(start = START) {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    advance(ms: number) {
      at += ms;
    },
  };
}

export const notifySettings = {
  PUBLIC_BASE_URL: 'https://cyber-contacts.example',
  NOTIFY_API_KEY: API_KEY,
  NOTIFY_BASE_URL: NOTIFY_URL,
  NOTIFY_SMS_TEMPLATE_ID: SMS_TEMPLATE,
  NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE,
  NOTIFY_TIMEOUT_MS: '200',
};

export const notifyConfig = (extra: Record<string, string> = {}): Config =>
  parseConfig({ ...notifySettings, ...extra });

/**
 * msw answering NOTIFY_URL with a fresh fake Notify per test (on the test's clock); `state.fake` is the
 * current one, `state.clock` its clock.
 */
export function useFakeNotify() {
  const state = { clock: fakeClock(), fake: undefined as unknown as FakeNotify };
  const reset = () => {
    state.clock = fakeClock();
    state.fake = fakeNotify({ now: () => state.clock.now() });
  };
  reset();
  beforeEach(reset);
  const server = useMsw(
    http.all(`${NOTIFY_URL}/*`, async ({ request }) => state.fake.handle(request)),
    http.all('https://notify.unreachable/*', () => HttpResponse.error()),
  );
  return { state, server, reset };
}

/** A JWT's parts, decoded, and whether its signature is HMAC-SHA-256 of the secret. */
export function decodeJwt(token: string, secret = SECRET) {
  const [h, p, s] = token.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
  return { header, claims, signed: s === expected };
}
