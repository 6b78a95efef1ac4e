// The service's public OpenPGP keys on the web, so anyone can check an advisory's signature:
//   - the Web Key Directory (draft-koch-openpgp-webkey-service §3.1): `gpg --locate-keys no-reply@<domain>`
//     asks https://<domain>/.well-known/openpgpkey/hu/<hash of the local part>?l=<local part> (the direct
//     method), or https://openpgpkey.<domain>/.well-known/openpgpkey/<domain>/hu/<hash> (the advanced one,
//     when that host points here); the answer is the binary keys (the current one and the retired ones
//     still published, concatenated), and the policy file beside it is empty (no flags). CORS is open so
//     web mail programs can fetch them.
//   - the armored keys at /.well-known/openpgpkey/key.asc, for people and for security.txt.
// Plain routes like security.txt (files at well-known places, not API operations). 404 when no key is set.
import { type Context, Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { PUBLIC_KEY_PATH, serviceKeyState, signingDomain } from './service-key.js';

const CACHE = 'public, max-age=3600';

export function openpgpRoutes() {
  const router = new Hono<AppEnv>();

  async function publishedKeys(c: Context<AppEnv>) {
    const state = await serviceKeyState(c.var.deps);
    return state.status === 'ready' ? state.keys : null;
  }

  const policy = async (c: Context<AppEnv>) => {
    const keys = await publishedKeys(c);
    if (!keys) return c.notFound();
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cache-Control', CACHE);
    return c.body('', 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  };

  const key = async (c: Context<AppEnv>, hash: string) => {
    const keys = await publishedKeys(c);
    const binary = keys?.wkd.get(hash);
    if (!binary) return c.notFound();
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cache-Control', CACHE);
    return c.body(binary.slice().buffer, 200, { 'Content-Type': 'application/octet-stream' });
  };

  // The direct method.
  router.get('/.well-known/openpgpkey/policy', (c) => policy(c));
  router.get('/.well-known/openpgpkey/hu/:hash', (c) => key(c, c.req.param('hash')));

  // The advanced method, for the mail domain only (openpgpkey.<domain> pointed at this service).
  router.get('/.well-known/openpgpkey/:domain/policy', (c) =>
    c.req.param('domain').toLowerCase() === signingDomain(c.var.deps.config) ? policy(c) : c.notFound(),
  );
  router.get('/.well-known/openpgpkey/:domain/hu/:hash', (c) =>
    c.req.param('domain').toLowerCase() === signingDomain(c.var.deps.config)
      ? key(c, c.req.param('hash'))
      : c.notFound(),
  );

  router.get(PUBLIC_KEY_PATH, async (c) => {
    const keys = await publishedKeys(c);
    if (!keys) return c.notFound();
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cache-Control', CACHE);
    return c.body(keys.armoredPublicKeys, 200, { 'Content-Type': 'application/pgp-keys; charset=us-ascii' });
  });

  return router;
}
