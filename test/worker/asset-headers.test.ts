// The edge serves GOV.UK Frontend's files as static assets, before the Worker runs: they carry the app's
// security headers from the `_headers` file the build writes (scripts/build-assets.mjs), generated from the
// middleware's own options, so the two cannot drift.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetHeadersFile, staticAssetHeaders } from '../../src/middleware/security-headers.js';
import {
  buildWorker,
  outboundFakes,
  repoRoot,
  startWorker,
  tempDir,
  type WorkerBuild,
  type WorkerUnderTest,
} from './support.js';

let build: WorkerBuild;
let bundleDir: ReturnType<typeof tempDir>;
let worker: WorkerUnderTest;

beforeAll(async () => {
  bundleDir = tempDir('cc-bundle-assets-');
  build = await buildWorker(bundleDir.path);
  worker = await startWorker({ build, fakes: outboundFakes() });
}, 120_000);
afterAll(async () => {
  await worker?.dispose();
  bundleDir?.remove();
});

describe('static assets on Workers', () => {
  it('the build writes `_headers` from the middleware: the same headers, the same values', async () => {
    const written = readFileSync(join(repoRoot, 'dist/public/_headers'), 'utf8');
    expect(written).toBe(assetHeadersFile(await staticAssetHeaders()));
  });

  it('every asset (CSS, JS, font, image) carries the security headers', async () => {
    const expected = await staticAssetHeaders();
    for (const path of [
      '/assets/govuk-frontend.min.css',
      '/assets/govuk-frontend.min.js',
      '/assets/fonts/bold-b542beb274-v2.woff2',
      '/assets/manifest.json',
    ]) {
      const res = await worker.fetch(path);
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
      for (const [name, value] of Object.entries(expected))
        expect(res.headers.get(name), `${path} ${name}`).toBe(value);
    }
  });

  it('the `_headers` file itself is not served', async () => {
    const res = await worker.fetch('/_headers');
    expect(await res.text()).not.toContain('content-security-policy');
  });
});
