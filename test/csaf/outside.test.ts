// The CSAF provider checked from outside: the service listens on a real port, curl downloads what a CSAF
// downloader would (provider metadata → ROLIE feed → each document with its hash and signature files) into
// a folder, then the usual tools check the files on disk: `sha256sum -c`, `sha512sum -c`, `gpg --verify`
// against the key downloaded from the service, and the BSI validator on the downloaded bytes.
// The service's PUBLIC_BASE_URL is https (test 6.2.11 wants an https canonical URL); the crawler fetches
// each URL from the local port instead, as through a reverse proxy.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Gpg, gpgHome, makeTestKey } from '../pgp/support.js';
import { insertAdvisory } from '../support/advisory-factories.js';
import { type RunningApp, startApp } from '../support/browser.js';
import { validateCsaf } from './validator.js';

const BASE = 'https://cyber-contacts.test';
let app: RunningApp;
let gpg: Gpg;
let dir: string;

beforeAll(async () => {
  const key = await makeTestKey();
  app = await startApp({ env: { PUBLIC_BASE_URL: BASE, OPENPGP_PRIVATE_KEY: key.privateKey } });
  gpg = gpgHome();
  dir = mkdtempSync(join(tmpdir(), 'cc-csaf-'));
  const t1 = new Date('2026-11-02T09:00:00Z');
  const root = await insertAdvisory(app.db, { reference: 'NCSC-2026-0501', tlp: 'CLEAR', releasedAt: t1 });
  await insertAdvisory(app.db, {
    reference: 'NCSC-2026-0502',
    kind: 'update',
    parentId: root.id,
    threadId: root.id,
    tlp: 'CLEAR',
    cves: ['CVE-2026-55555'],
    releasedAt: new Date('2026-11-04T10:00:00Z'),
  });
  await insertAdvisory(app.db, {
    reference: 'NCSC-2026-0503',
    tlp: 'CLEAR',
    releasedAt: t1,
    cves: ['CVE-2026-1234'],
  });
  await insertAdvisory(app.db, { reference: 'NCSC-2026-0504', tlp: 'AMBER', releasedAt: t1 });
});
afterAll(async () => {
  gpg?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await app?.stop();
});

const run = promisify(execFile);

/** curl, as a client outside the service (asynchronous: the server answers from this process). */
async function curl(url: string, file?: string): Promise<string> {
  const local = url.replace(BASE, app.baseUrl);
  const args = ['-sS', '--fail', '--max-time', '20', ...(file ? ['-o', join(dir, file)] : []), local];
  return (await run('curl', args, { timeout: 30_000 })).stdout;
}

const inDir = (command: string, args: string[]) => spawnSync(command, args, { cwd: dir, timeout: 30_000 });

it('passes a downloader’s checks: hashes, signatures and the validator, on the files as downloaded', async () => {
  const metadata = JSON.parse(await curl(`${BASE}/.well-known/csaf/provider-metadata.json`));
  expect(metadata.role).toBe('csaf_trusted_provider');
  gpg.importKeys(await curl(metadata.public_openpgp_keys[0].url));
  const feed = JSON.parse(await curl(metadata.distributions[0].rolie.feeds[0].url));
  const entries = feed.feed.entry as Array<{ id: string; link: Array<{ rel: string; href: string }> }>;
  expect(entries.map((e) => e.id).sort()).toEqual(['NCSC-2026-0501', 'NCSC-2026-0503']);

  for (const entry of entries) {
    const url = entry.link.find((l) => l.rel === 'self')?.href ?? '';
    const file = url.slice(url.lastIndexOf('/') + 1);
    await curl(url, file);
    for (const link of entry.link.filter((l) => l.rel !== 'self'))
      await curl(link.href, link.href.slice(link.href.lastIndexOf('/') + 1));

    for (const sum of ['sha256sum', 'sha512sum']) {
      const check = inDir(sum, ['-c', `${file}.${sum.slice(0, 6)}`]);
      expect(check.status, `${sum} ${file}: ${check.stderr}`).toBe(0);
      expect(check.stdout.toString()).toBe(`${file}: OK\n`);
    }
    const verify = gpg.run(['--verify', join(dir, `${file}.asc`), join(dir, file)]);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stderr).toMatch(/Good signature/);

    const findings = await validateCsaf(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    expect(findings.errors, file).toEqual([]);
    expect(findings.warnings, file).toEqual([]);
  }
  const lineage = JSON.parse(readFileSync(join(dir, 'ncsc-2026-0501.json'), 'utf8'));
  expect(lineage.document.tracking.version).toBe('2');
});
