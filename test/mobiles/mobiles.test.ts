import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memorySms } from '../../src/adapters/sms-memory.js';
import { auditLog, mobileNumbers, smsMessages } from '../../src/db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedCouncils } from '../support/fixtures.js';

let t: TestApp;
let council: string;
beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  council = await t.tokenFor('council', { authority: 'CRF' });
});
afterEach(() => t.close());

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? '';
const add = (token: string, body: Record<string, unknown> = {}, code = 'CRF') =>
  t.call('POST', `/api/v1/authorities/${code}/mobiles`, {
    token,
    body: { number: '07700 900123', label: 'Out-of-hours duty officer', ...body },
  });

describe('adding and confirming an out-of-hours mobile', () => {
  it('texts a code that confirms the number; a wrong code counts down; the code is never stored or kept', async () => {
    const res = await add(council);
    expect(res.status).toBe(201);
    const mobile = await res.json();
    expect(mobile).toMatchObject({ number: '+447700900123', display: '07700 900123', state: 'pending' });
    const [text] = t.sms.to('+447700900123');
    expect(text?.text).toContain('Cardiff Council');
    const code = codeIn(text?.text ?? '');
    expect(code).toMatch(/^\d{6}$/);
    const [row] = await t.db.select().from(mobileNumbers);
    expect(row?.codeHash).not.toContain(code);
    const [queued] = await t.db.select().from(smsMessages);
    expect(queued).toMatchObject({ purpose: 'code', status: 'sending', text: null });

    const wrong = code === '000000' ? '111111' : '000000';
    const bad = await t.call('POST', `/api/v1/mobiles/${mobile.id}/confirm`, {
      token: council,
      body: { code: wrong },
    });
    expect(bad.status).toBe(422);
    expect((await bad.json()).detail).toContain('4 tries left');

    const ok = await t.call('POST', `/api/v1/mobiles/${mobile.id}/confirm`, {
      token: council,
      body: { code: `${code.slice(0, 3)} ${code.slice(3)}` },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).mobile.state).toBe('confirmed');
    const actions = (await t.db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['mobile.add', 'mobile.code-wrong', 'mobile.confirm']));
    // Confirmed once: the same code again is a conflict, nothing changes.
    const again = await t.call('POST', `/api/v1/mobiles/${mobile.id}/confirm`, {
      token: council,
      body: { code },
    });
    expect(again.status).toBe(409);
  });

  it('locks after five wrong codes until a new code is sent; an expired code is refused', async () => {
    const mobile = await (await add(council)).json();
    const code = codeIn(t.sms.sent.at(-1)?.text ?? '');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++)
      await t.call('POST', `/api/v1/mobiles/${mobile.id}/confirm`, { token: council, body: { code: wrong } });
    const locked = await t.call('POST', `/api/v1/mobiles/${mobile.id}/confirm`, {
      token: council,
      body: { code },
    });
    expect(locked.status).toBe(409);
    expect((await locked.json()).detail).toContain('send a new code');

    expect((await t.call('POST', `/api/v1/mobiles/${mobile.id}/code`, { token: council })).status).toBe(200);
    const fresh = codeIn(t.sms.sent.at(-1)?.text ?? '');
    t.clock.advance(11 * 60_000);
    const late = await t.call('POST', `/api/v1/mobiles/${mobile.id}/confirm`, {
      token: council,
      body: { code: fresh },
    });
    expect(late.status).toBe(409);
    expect((await late.json()).detail).toContain('expired');
  });

  it('refuses what is not a UK mobile, duplicates and a fourth number, writing nothing', async () => {
    for (const number of ['029 2087 2000', '07000 123456', '+1 202 555 0100', 'call me']) {
      const res = await add(council, { number });
      expect(res.status, number).toBe(422);
    }
    expect(await t.db.select().from(mobileNumbers)).toHaveLength(0);
    expect(t.sms.sent).toHaveLength(0);
    expect((await add(council)).status).toBe(201);
    expect((await add(council, { number: '+44 7700 900123' })).status).toBe(409);
    expect((await add(council, { number: '07700 900124' })).status).toBe(201);
    expect((await add(council, { number: '07700 900125' })).status).toBe(201);
    expect((await add(council, { number: '07700 900126' })).status).toBe(409);
  });

  it('texts one number at most three codes an hour, whoever asks', async () => {
    const admin = await t.tokenFor('admin');
    const mobile = await (await add(council)).json();
    expect((await t.call('POST', `/api/v1/mobiles/${mobile.id}/code`, { token: admin })).status).toBe(200);
    expect((await t.call('POST', `/api/v1/mobiles/${mobile.id}/code`, { token: admin })).status).toBe(200);
    const res = await t.call('POST', `/api/v1/mobiles/${mobile.id}/code`, { token: admin });
    expect(res.status).toBe(429);
    expect(t.sms.to('+447700900123')).toHaveLength(3);
  });

  it('a number the network refuses is marked unreachable, not retried', async () => {
    t.deps.sms = memorySms(() => ({
      status: 'permanent-failure',
      reply: '400 phone_number Not a UK mobile number',
      failure: 'Notify ValidationError',
    }));
    const mobile = await (await add(council)).json();
    const [row] = await t.db.select().from(mobileNumbers).where(eq(mobileNumbers.id, mobile.id));
    expect(row?.unreachableAt).not.toBeNull();
    const [text] = await t.db.select().from(smsMessages);
    expect(text).toMatchObject({ status: 'permanent-failure', nextAttemptAt: null, text: null });
  });

  it('without an SMS provider, adding a number is a 503 naming the setting, and nothing is written', async () => {
    t.deps.sms = {
      provider: 'none',
      unavailable: { reason: 'no SMS provider', missing: ['NOTIFY_API_KEY'] },
      send: async () => ({ status: 'technical-failure', reply: 'x' }),
      close: async () => {},
    };
    const res = await add(council);
    expect(res.status).toBe(503);
    expect((await res.json()).missing).toEqual(['NOTIFY_API_KEY']);
    expect(await t.db.select().from(mobileNumbers)).toHaveLength(0);
    const ready = await t.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'degraded',
      checks: { sms: { ok: false, missing: ['NOTIFY_API_KEY'] } },
    });
  });

  it('counts texts and mobiles on /metrics', async () => {
    const mobile = await (await add(council)).json();
    await t.call('POST', `/api/v1/mobiles/${mobile.id}/confirm`, {
      token: council,
      body: { code: codeIn(t.sms.sent[0]!.text) },
    });
    const metrics = await (await t.call('GET', '/metrics', { token: await t.tokenFor('admin') })).text();
    expect(metrics).toContain('cc_sms_messages{purpose="code",status="sending"} 1');
    expect(metrics).toContain('cc_councils_with_mobile 1');
    const ready = await (await t.call('GET', '/readyz')).json();
    expect(ready.checks.sms).toMatchObject({ ok: true, detail: 'text messages go through memory' });
  });
});

describe('who may see or change a council’s mobiles', () => {
  it('other councils, WARP operators and anonymous callers cannot; a WARP sees its members masked', async () => {
    const mobile = await (await add(council)).json();
    const newport = await t.tokenFor('council', { authority: 'NWP' });
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const london = await t.tokenFor('warp', { warp: 'london' });

    expect((await t.call('GET', '/api/v1/authorities/CRF/mobiles')).status).toBe(401);
    expect((await t.call('GET', '/api/v1/authorities/CRF/mobiles', { token: newport })).status).toBe(403);
    expect((await t.call('GET', `/api/v1/mobiles/${mobile.id}`, { token: newport })).status).toBe(404);
    expect((await t.call('GET', '/api/v1/authorities/CRF/mobiles', { token: london })).status).toBe(403);
    for (const token of [newport, wales]) {
      expect((await t.call('POST', `/api/v1/mobiles/${mobile.id}/code`, { token })).status).not.toBe(200);
      expect((await t.call('DELETE', `/api/v1/mobiles/${mobile.id}`, { token })).status).not.toBe(200);
      expect((await add(token)).status).toBe(403);
    }
    const seen = await (await t.call('GET', '/api/v1/authorities/CRF/mobiles', { token: wales })).json();
    expect(seen.items[0].number).toBe('07••• •••123');
    expect(JSON.stringify(seen)).not.toContain('900123');

    expect((await t.call('DELETE', `/api/v1/mobiles/${mobile.id}`, { token: council })).status).toBe(200);
    const after = await (await t.call('GET', '/api/v1/authorities/CRF/mobiles', { token: council })).json();
    expect(after.items).toHaveLength(0);
  });

  it('takes receipt callbacks only with an inbound token', async () => {
    const body = { id: 'x', status: 'delivered' };
    expect((await t.call('POST', '/api/v1/notify/receipts', { body })).status).toBe(401);
    const admin = await t.tokenFor('admin');
    expect((await t.call('POST', '/api/v1/notify/receipts', { token: admin, body })).status).toBe(403);
    const inbound = await t.tokenFor('inbound');
    // The memory sender has no receipts to read.
    expect((await t.call('POST', '/api/v1/notify/receipts', { token: inbound, body })).status).toBe(409);
  });
});
