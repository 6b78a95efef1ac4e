// The Worker with a security.txt Expires more than a year ahead (RFC 9116 asks for less): it cannot start,
// as with any wrong setting: liveness answers, readiness names SECURITY_EXPIRES (503), everything else is a
// clear 503 problem. Workers have no start-up, so the first request finds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  buildWorker,
  outboundFakes,
  startWorker,
  tempDir,
  type WorkerBuild,
  type WorkerUnderTest,
} from './support.js';

let build: WorkerBuild;
let bundleDir: ReturnType<typeof tempDir>;
let persist: ReturnType<typeof tempDir>;
let worker: WorkerUnderTest;

beforeAll(async () => {
  bundleDir = tempDir('cc-bundle-security-expires-');
  persist = tempDir('cc-d1-security-expires-');
  [build] = await Promise.all([buildWorker(bundleDir.path), applyMigrations(persist.path)]);
  // The Worker's clock is the real one: two years from now is always too far.
  const twoYears = new Date(Date.now() + 2 * 365 * 86_400_000).toISOString();
  worker = await startWorker({
    build,
    persistDir: persist.path,
    fakes: outboundFakes(),
    bindings: { SECURITY_EXPIRES: twoYears },
  });
}, 180_000);

afterAll(async () => {
  await worker?.dispose();
  persist?.remove();
  bundleDir?.remove();
});

describe('a SECURITY_EXPIRES more than a year ahead', { timeout: 60_000 }, () => {
  it('answers liveness, readiness naming the setting, and a 503 problem elsewhere', async () => {
    expect((await worker.fetch('/healthz')).status).toBe(200);
    const ready = await worker.fetch('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', settings: ['SECURITY_EXPIRES'] });
    const file = await worker.fetch('/.well-known/security.txt');
    expect(file.status).toBe(503);
    expect(file.headers.get('content-type')).toContain('application/problem+json');
    expect(await file.text()).toContain('SECURITY_EXPIRES');
  });
});
