// A passkey removed (perhaps a rogue one) ends the person's other sessions, those opened with it included.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { browser, linkIn, seedCouncils } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertStaff } from '../support/fixtures.js';
import { type SoftCredential, softAuthenticator } from '../support/soft-authenticator.js';

let t: TestApp;
const A = 'alice@ncsc.gov.uk';
const key = softAuthenticator('http://cyber-contacts.test');
type Browser = ReturnType<typeof browser>;

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  await insertStaff(t.db, [A, 'bob@ncsc.gov.uk'], { role: 'admin' });
});
afterEach(() => t.close());

async function api(b: Browser, path: string, body: unknown = {}) {
  const res = await t.app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-csrf-token': b.csrf,
    },
    body: JSON.stringify(body),
  });
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair!.indexOf('=');
    b.jar.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
  return res;
}
async function signInWithLink(address: string, b: Browser = browser(t)) {
  await b.get('/sign-in');
  await b.submit('/sign-in', { address });
  const res = await b.post(linkIn(t, address, 'sign-in'), {});
  await b.get(res.location!);
  return b;
}
async function register(b: Browser, name: string) {
  const options = await api(b, '/api/v1/passkeys/registration-options');
  const { credential, response } = await key.create(await options.json());
  const res = await api(b, '/api/v1/passkeys', { name, response });
  return { credential, id: ((await res.json()) as { id: string }).id };
}
async function passkeySignIn(b: Browser, credential: SoftCredential) {
  const options = await (await api(b, '/api/v1/sign-in/passkey/options')).json();
  const res = await api(b, '/api/v1/sign-in/passkey', { response: await key.get(credential, options) });
  if (res.status === 200) await b.get('/account');
  return res;
}

it('an admin removes a rogue passkey: the session opened with it ends, the admin’s own goes on', async () => {
  const owner = await signInWithLink(A);
  const good = await register(owner, 'Mine');
  expect((await passkeySignIn(owner, good.credential)).status).toBe(200);
  const rogue = await register(owner, 'Rogue'); // e.g. added while the owner's laptop was unlocked
  const attacker = browser(t);
  await attacker.get('/sign-in');
  expect((await passkeySignIn(attacker, rogue.credential)).status).toBe(200);
  expect((await attacker.get('/team')).status).toBe(200);
  // the owner notices and removes the rogue passkey
  const removed = await owner.submit(`/account/passkeys/${rogue.id}/remove`, {});
  expect(removed.status).toBe(303);
  // The attacker's session ended with the passkey (it would otherwise last SESSION_TTL_HOURS).
  expect((await attacker.get('/team')).status).not.toBe(200);
  expect((await owner.get('/team')).status).toBe(200);
});
