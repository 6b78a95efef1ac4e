// Browser tests: Debian's chromium driven by playwright-core, against the real app served over HTTP on
// 127.0.0.1 (a free port) with GOV.UK Frontend's assets, exactly as the Node entry serves them.
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Browser, chromium } from 'playwright-core';
import { buildNodeRuntime } from '../../src/entry/node-deps.js';
import { makeTestApp, type TestApp, type TestAppOptions } from './app.js';
import { insertAuthority, insertDomains } from './fixtures.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** The Node entry's /assets middleware (GOV.UK Frontend's CSS, JS, fonts and images). */
async function nodeAssets() {
  const runtime = await buildNodeRuntime(
    {
      DATABASE_URL: ':memory:',
      LOG_LEVEL: 'silent',
      OUTBOX_DIR: await mkdtemp(join(tmpdir(), 'cc-outbox-')),
    },
    { logLevel: 'silent' },
  );
  const assets = runtime.deps.assets;
  await runtime.close();
  return assets;
}

export interface RunningApp extends TestApp {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * The test app (in-memory database, memory mailer, fixed clock) listening on 127.0.0.1 on a free port, or on
 * `port` (a test that must know its address first, e.g. for PUBLIC_BASE_URL: see `freePort`).
 */
export async function startApp(options: TestAppOptions & { port?: number } = {}): Promise<RunningApp> {
  const assets = await nodeAssets();
  const t = await makeTestApp({ ...options, deps: { assets, connInfo: getConnInfo, ...options.deps } });
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const s = serve(
        { fetch: t.app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' },
        (info: AddressInfo) => resolve({ server: s, port: info.port }),
      );
    },
  );
  return {
    ...t,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      t.close();
    },
  };
}

/** A port free on 127.0.0.1 just now. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The council most browser tests start from: Cardiff (Welsh unitary), with its e-mail domain. */
export async function seedCardiff(db: TestApp['db']) {
  await insertAuthority(db, { code: 'CRF', name: 'Cardiff Council', shortName: 'Cardiff', nation: 'Wales' });
  await insertDomains(db, 'CRF', ['cardiff.gov.uk']);
}

/**
 * A running test app with Cardiff seeded, Chromium, one page at 1024 × 900, and a temporary folder for
 * screenshots; `close()` stops them all.
 */
export async function startBrowserTest(options: { seed?: (db: TestApp['db']) => Promise<void> } = {}) {
  const app = await startApp();
  await seedCardiff(app.db);
  await options.seed?.(app.db);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
  const shots = await mkdtemp(join(tmpdir(), 'cc-screens-'));
  return {
    app,
    browser,
    page,
    shots,
    async close() {
      await browser.close();
      await app.stop();
    },
  };
}
