// The Worker part of `npm run bench`: what wrangler would upload (bytes, gzip bytes) and the cold start in
// workerd (miniflare): from starting the runtime to the first answer of /healthz, then of the home page
// (module evaluation, config, the app and its first database reads), each against the same measured for a
// minimal "hello" Worker started the same way (the baseline: what workerd itself costs). Runs alternate
// service, baseline, … and the table gives medians and the ratio service / baseline.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import {
  applyMigrations,
  buildWorker,
  d1DatabaseId,
  tempDir,
  wranglerConfig,
} from '../test/worker/support.js';
import type { PartSummary } from './lib/part.js';
import { fmt, now } from './lib/timing.js';

const ms = (x: number) => `${x.toFixed(0)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function coldStart(options: ConstructorParameters<typeof Miniflare>[0], paths: string[]) {
  const t0 = now();
  const mf = new Miniflare(options);
  await mf.ready;
  const ready = now() - t0;
  const firsts: number[] = [];
  for (const path of paths) {
    const t = now();
    const res = await mf.dispatchFetch(`http://localhost${path}`, { headers: { accept: 'text/html' } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    firsts.push(now() - t);
  }
  await mf.dispose();
  return { ready, firsts };
}

export async function runWorkerBench(runs: number): Promise<PartSummary> {
  const bundle = tempDir('cc-bench-bundle-');
  const persist = tempDir('cc-bench-d1-');
  try {
    const [build] = await Promise.all([buildWorker(bundle.path), applyMigrations(persist.path)]);
    const helloPath = join(bundle.path, 'hello.mjs');
    writeFileSync(helloPath, 'export default { fetch() { return new Response("ok"); } };\n');
    const service = {
      modules: true,
      scriptPath: build.scriptPath,
      modulesRoot: build.dir,
      compatibilityDate: wranglerConfig().compatibility_date,
      d1Databases: { DB: d1DatabaseId() },
      d1Persist: join(persist.path, 'v3', 'd1'),
      bindings: {
        PUBLIC_BASE_URL: 'http://localhost',
        LOG_LEVEL: 'error',
        REGISTER_SYNC_ON_EMPTY: 'false',
      },
    };
    const hello = {
      modules: true,
      scriptPath: helloPath,
      modulesRoot: bundle.path,
      compatibilityDate: wranglerConfig().compatibility_date,
      // The same D1 binding, so the runtime's own set-up is the same on both sides.
      d1Databases: service.d1Databases,
      d1Persist: service.d1Persist,
    };
    const s = { ready: [] as number[], health: [] as number[], home: [] as number[] };
    const b = { ready: [] as number[], first: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const one = await coldStart(service, ['/healthz', '/']);
      s.ready.push(one.ready);
      s.health.push(one.firsts[0]!);
      s.home.push(one.firsts[1]!);
      const base = await coldStart(hello, ['/']);
      b.ready.push(base.ready);
      b.first.push(base.firsts[0]!);
    }
    const ratio = (x: number, y: number) => `${(x / Math.max(y, 0.001)).toFixed(1)}×`;
    const rows = [
      {
        figure: 'bundle',
        value: `${fmt.int(build.bytes)} B (${fmt.int(build.gzipBytes)} B gzip; limit 3 MiB free, 10 MiB paid)`,
      },
      {
        figure: 'runtime ready (median)',
        value: `${ms(median(s.ready))} vs hello ${ms(median(b.ready))} (${ratio(median(s.ready), median(b.ready))})`,
      },
      {
        figure: 'first /healthz (median)',
        value: `${ms(median(s.health))} vs hello ${ms(median(b.first))} (${ratio(median(s.health), median(b.first))})`,
      },
      { figure: 'then the home page (median)', value: ms(median(s.home)) },
    ];
    for (const r of rows) console.log(`worker  ${r.figure.padEnd(28)} ${r.value}`);
    return { part: 'worker', rows, ok: true };
  } finally {
    bundle.remove();
    persist.remove();
  }
}
