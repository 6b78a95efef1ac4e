// The key that signs acknowledgement links: made once, kept in the database, shared by every instance.
import { eq } from 'drizzle-orm';
import { serviceSecrets } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { constantTimeEqual } from '../../lib/secrets.js';
import { base64url } from '../../ports/random.js';

const KEY_NAME = 'link-signing-key';
const cache = new WeakMap<object, Promise<CryptoKey>>();

async function loadKey(deps: Deps): Promise<CryptoKey> {
  await deps.db
    .insert(serviceSecrets)
    .values({ name: KEY_NAME, value: deps.random.secret(32), createdAt: deps.clock.now() })
    .onConflictDoNothing();
  const row = await deps.db.query.serviceSecrets.findFirst({ where: eq(serviceSecrets.name, KEY_NAME) });
  if (!row) throw new Error('the link signing key could not be stored');
  return crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(row.value),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
}

function signingKey(deps: Deps): Promise<CryptoKey> {
  let key = cache.get(deps.db);
  if (!key) {
    key = loadKey(deps);
    cache.set(deps.db, key);
    key.catch(() => cache.delete(deps.db));
  }
  return key;
}

async function sign(deps: Deps, purpose: string, id: string): Promise<string> {
  const mac = await crypto.subtle.sign(
    'HMAC',
    await signingKey(deps),
    new TextEncoder().encode(`${purpose}:${id}`),
  );
  return base64url(new Uint8Array(mac)).slice(0, 32);
}

/** The VERP tag of a delivery: 16 lower-case hex digits (64 bits) of its signature, the same every time. */
export async function verpTag(deps: Deps, deliveryId: string): Promise<string> {
  const mac = await crypto.subtle.sign(
    'HMAC',
    await signingKey(deps),
    new TextEncoder().encode(`verp:${deliveryId}`),
  );
  return [...new Uint8Array(mac).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Whether `tag` is the delivery's own VERP tag (checked in constant time). */
export async function verpTagValid(deps: Deps, deliveryId: string, tag: string): Promise<boolean> {
  return constantTimeEqual(await verpTag(deps, deliveryId), tag);
}

/** A link token `<id>.<mac>`: the same for the same id every time, so a resent message is identical. */
export async function signedToken(deps: Deps, purpose: string, id: string): Promise<string> {
  return `${id}.${await sign(deps, purpose, id)}`;
}

/** The id inside a valid token, or null. */
export async function verifySignedToken(deps: Deps, purpose: string, token: string): Promise<string | null> {
  const [, id, mac] = /^([0-9a-z]{8,40})\.([A-Za-z0-9_-]{32})$/.exec(token) ?? [];
  if (!id || !mac) return null;
  return constantTimeEqual(await sign(deps, purpose, id), mac) ? id : null;
}
