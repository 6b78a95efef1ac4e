// The embedded defaults sign advisories too: with mail going to the local outbox and no OPENPGP_PRIVATE_KEY,
// the Node runtime makes a development key once (data folder, mode 0600), keeps it across restarts and
// publishes it like a configured key; never when mail leaves the machine.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKey, readPrivateKey } from 'openpgp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildNodeRuntime, type NodeRuntime } from '../../src/entry/node-deps.js';
import { developmentKeyPath } from '../../src/entry/node-development-key.js';

let dir: string;
const runtimes: NodeRuntime[] = [];
const quiet = { logWrite: () => {} };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cc-devkey-'));
});
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
  await rm(dir, { recursive: true, force: true });
});

async function runtime(extra: Record<string, string> = {}) {
  const r = await buildNodeRuntime(
    { DATABASE_URL: `file:${join(dir, 'db.sqlite')}`, OUTBOX_DIR: join(dir, 'outbox'), ...extra },
    quiet,
  );
  runtimes.push(r);
  return r;
}

describe('the development signing key', () => {
  it('is made once for the local outbox, kept private, reused after a restart, and published by the service', async () => {
    const first = await runtime();
    const armored = first.deps.config.OPENPGP_PRIVATE_KEY;
    expect(armored).toContain('BEGIN PGP PRIVATE KEY BLOCK');
    const path = developmentKeyPath(first.deps.config);
    expect(path).toBe(join(dir, 'openpgp-development-key.asc'));
    expect(await readFile(path, 'utf8')).toBe(armored);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const fingerprint = (await readPrivateKey({ armoredKey: armored! })).getFingerprint();

    const second = await runtime();
    expect(second.deps.config.OPENPGP_PRIVATE_KEY).toBe(armored);

    const app = createApp(second.deps);
    const published = await app.request('/.well-known/openpgpkey/key.asc');
    expect(published.status).toBe(200);
    expect((await readKey({ armoredKey: await published.text() })).getFingerprint()).toBe(fingerprint);
    const ready = (await (await app.request('/readyz')).json()) as { checks: { signing: { ok: boolean } } };
    expect(ready.checks.signing.ok).toBe(true);
  });

  it('is never made when mail leaves the machine: SMTP stays unsigned (and says so) until a key is set', async () => {
    const smtp = await runtime({
      SMTP_URL: 'smtp://relay.example.gov.uk:25',
      PUBLIC_BASE_URL: 'https://contacts.example.gov.uk',
    });
    expect(smtp.deps.config.OPENPGP_PRIVATE_KEY).toBeUndefined();
    await expect(stat(developmentKeyPath(smtp.deps.config))).rejects.toThrow();
    const ready = (await (await createApp(smtp.deps).request('/readyz')).json()) as {
      checks: { signing: { ok: boolean; missing?: string[] } };
    };
    expect(ready.checks.signing).toMatchObject({ ok: false, missing: ['OPENPGP_PRIVATE_KEY'] });
  });

  it('gives way to a configured key', async () => {
    const made = await runtime();
    const key = made.deps.config.OPENPGP_PRIVATE_KEY!;
    await rm(developmentKeyPath(made.deps.config));
    const configured = await runtime({ OPENPGP_PRIVATE_KEY: key });
    expect(configured.deps.config.OPENPGP_PRIVATE_KEY).toBe(key.trim());
    await expect(stat(developmentKeyPath(configured.deps.config))).rejects.toThrow();
  });
});
