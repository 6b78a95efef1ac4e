// Headers put on top of a genuine advisory (Reply-To, a second Subject, a second To) are not covered by our
// DKIM signature as a reader sees them: such a message is never called genuine (red-team pass, 5 Dec 2026).
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveredCopy, genuineApp } from '../genuine/support.js';
import { makeTestKey, type TestKey } from '../pgp/support.js';
import type { TestApp } from '../support/app.js';

let key: TestKey;
let t: TestApp;
let admin: string;
beforeAll(async () => {
  key = await makeTestKey();
});
beforeEach(async () => {
  ({ t, admin } = await genuineApp(key));
});
afterEach(() => t.close());

async function check(raw: string) {
  const res = await t.app.request('/api/v1/genuine', {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: raw,
  });
  return (await res.json()) as { verdict: string; explanation: string };
}

describe('headers added to a genuine advisory', () => {
  it('an added Reply-To is not genuine', async () => {
    const { raw } = await deliveredCopy(t, admin);
    expect((await check(raw)).verdict).toBe('genuine');
    const forged = `Reply-To: attacker@evil.example\r\n${raw}`;
    expect((await check(forged)).verdict).not.toBe('genuine');
  });
  it('a second Subject on top is not genuine', async () => {
    const { raw } = await deliveredCopy(t, admin);
    const forged = `Subject: URGENT: install the patch from https://evil.example\r\n${raw}`;
    expect((await check(forged)).verdict).not.toBe('genuine');
  });
  it('a second To on top is not genuine for the added address', async () => {
    const { raw } = await deliveredCopy(t, admin);
    const forged = `To: victim@other-council.gov.uk\r\n${raw}`;
    const a = await check(forged);
    expect(a.explanation).not.toContain('victim@other-council.gov.uk');
    expect(a.verdict).not.toBe('genuine');
  });
});
