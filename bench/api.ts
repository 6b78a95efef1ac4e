// The API part of `npm run bench`: the running Node service under load (autocannon, loopback only).
//
//   parent (this file)      seeds a database (the shared register and domain list, confirmed mailboxes for
//                           some councils, an admin token), starts lib/api-server.ts, drives it, stops it
//   lib/api-server.ts       the real app (buildNodeRuntime + createApp) behind a parent Hono app that
//                           answers GET /bench/bare itself: a bare Hono route on the same server
//
// Each scenario runs for --duration seconds (default 10) with --connections (default 10): the bare route,
// authority reads (GET /api/v1/authorities?nation=Wales with a token), coverage (GET /api/v1/coverage?by=
// nation) and registration (POST /api/v1/mailboxes, a new address each time, client addresses spread with
// X-Forwarded-For and the rate limits raised by config). It prints requests/s, p99 latency and the ratio to
// the bare route for each. Then a soak (SOAK_SECONDS or --soak, default 120 s) of mixed reads and
// registrations at a lower rate, sampling the server's RSS (/proc/<pid>/status) every second, prints the
// start, peak and end RSS. Everything stops by itself; the server is killed if the bench fails.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { cliPrincipal } from '../src/domain/principal.js';
import { buildNodeRuntime } from '../src/entry/node-deps.js';
import { importDomains } from '../src/features/authority-register/import-domains.js';
import { importRegister } from '../src/features/authority-register/import-register.js';
import { insertRows, insertToken, mailboxRow } from '../test/support/fixtures.js';
import { benchDir, projectDir } from './lib/child.js';
import { toMB } from './lib/memory.js';
import type { PartSummary } from './lib/part.js';
import { table } from './lib/timing.js';

type Flags = Record<string, string | true>;

export interface ApiOptions {
  durationSeconds: number;
  connections: number;
  soakSeconds: number;
  /** Requests per second the soak aims at (spread over its connections). */
  soakRate: number;
}

const positive = (v: string | true | undefined, fallback: number) => {
  if (v === undefined || v === true) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`expected a positive number, got ${String(v)}`);
  return n;
};

export function apiOptions(flags: Flags): ApiOptions {
  return {
    durationSeconds: positive(flags.duration, 10),
    connections: Math.round(positive(flags.connections, 10)),
    soakSeconds: positive(flags.soak ?? process.env.SOAK_SECONDS, 120),
    soakRate: positive(flags['soak-rate'], 200),
  };
}

const sharedData = (name: string) => readFileSync(join(projectDir, '..', 'shared', 'data', name));

interface Seeded {
  token: string;
  /** [authority code, one of its domains] for registrations. */
  targets: Array<[string, string]>;
}

async function seed(env: Record<string, string>): Promise<Seeded> {
  const runtime = await buildNodeRuntime(env, { logLevel: 'warn' });
  try {
    const deps = runtime.deps;
    const actor = { principal: cliPrincipal };
    await importRegister(deps, actor, {
      content: sharedData('uk_local_authorities_current.csv'),
      source: 'bench',
    });
    await importDomains(deps, actor, { content: sharedData('ukps_user_domains.json'), source: 'bench' });
    const rows = await deps.db.all<{ code: string; domain: string }>(sql`
      select a.code, min(d.domain) as domain from authorities a join authority_domains d on d.authority_code = a.code
      where a.current = 1 group by a.code order by a.code`);
    // Some councils already have a confirmed primary: coverage has something to count.
    const now = new Date();
    await insertRows(deps.db, {
      mailboxes: rows
        .filter((_, i) => i % 2 === 0)
        .map((r) =>
          mailboxRow({
            id: `bench-${r.code}`,
            authorityCode: r.code,
            address: `cyber@${r.domain}`,
            createdBy: 'bench',
            createdAt: now,
          }),
        ),
    });
    const token = (await insertToken(deps.db, { role: 'admin', name: 'bench' }, { now })).secret;
    return { token, targets: rows.map((r) => [r.code, r.domain]) };
  } finally {
    await runtime.close();
  }
}

interface Server {
  child: ChildProcess;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', tsxLoader, join(benchDir, 'lib', 'api-server.ts')], {
    cwd: projectDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const [url, pid] = await new Promise<[string, number]>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('the bench server did not start within 60 s')), 60_000);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /listening (http:\/\/127\.0\.0\.1:\d+) (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve([m[1]!, Number(m[2])]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the bench server exited (${code}) before listening`));
      });
    });
    return { child, url, pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The server process's resident memory (bytes), from /proc; null where there is no /proc. */
function rssOf(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

interface Scenario {
  name: string;
  requests: autocannon.Request[];
  /** Status the scenario's requests should get (anything else is counted as an error). */
  expect: number;
}

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  total: number;
  errors: number;
  unexpected: number;
}

let sequence = 0;

function scenarios(seeded: Seeded): Scenario[] {
  const auth = { authorization: `Bearer ${seeded.token}` };
  const registration: autocannon.Request = {
    method: 'POST',
    path: '/api/v1/mailboxes',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req) => {
      sequence += 1;
      const [code, domain] = seeded.targets[sequence % seeded.targets.length]!;
      return {
        ...req,
        headers: {
          ...req.headers,
          'x-forwarded-for': `10.${(sequence >> 16) & 255}.${(sequence >> 8) & 255}.${sequence & 255}`,
        },
        body: JSON.stringify({
          authority: code,
          address: `soc-${sequence}@${domain}`,
          kind: 'secondary',
          team: 'Cyber Security Team',
          phone: '029 2087 2000',
        }),
      };
    },
  };
  return [
    { name: 'bare Hono route', requests: [{ method: 'GET', path: '/bench/bare' }], expect: 200 },
    {
      name: 'authorities (Wales)',
      requests: [{ method: 'GET', path: '/api/v1/authorities?nation=Wales', headers: auth }],
      expect: 200,
    },
    {
      name: 'coverage by nation',
      requests: [{ method: 'GET', path: '/api/v1/coverage?by=nation' }],
      expect: 200,
    },
    { name: 'registration', requests: [registration], expect: 202 },
  ];
}

function run(url: string, s: Scenario, opts: { connections: number; duration: number; rate?: number }) {
  let unexpected = 0;
  return new Promise<Measured>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: opts.connections,
        duration: opts.duration,
        requests: s.requests,
        ...(opts.rate ? { overallRate: opts.rate } : {}),
        timeout: 10,
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          name: s.name,
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          total: result.requests.total,
          errors: result.errors + result.timeouts,
          unexpected,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number) => {
      if (statusCode !== s.expect) unexpected++;
    });
  });
}

export async function runApi(flags: Flags): Promise<PartSummary> {
  const options = apiOptions(flags);
  const dir = mkdtempSync(join(tmpdir(), 'cyber-contacts-bench-api-'));
  const env = {
    DATABASE_URL: `file:${join(dir, 'api.db')}`,
    OUTBOX_DIR: join(dir, 'outbox'),
    PUBLIC_BASE_URL: 'https://cyber-contacts.bench.example',
    LOG_LEVEL: 'warn',
    REGISTER_SYNC_ON_EMPTY: 'false',
    TRUST_PROXY: 'true',
    // Every registration is a new address on a real council; the limits have their own tests.
    RATE_LIMIT_PER_IP: '1000000000',
    RATE_LIMIT_PER_AUTHORITY: '1000000000',
    RATE_LIMIT_PER_ADDRESS: '1000000000',
    HOST: '127.0.0.1',
    PORT: '0',
  };
  console.log(
    `api: ${options.durationSeconds} s per scenario, ${options.connections} connections; soak ${options.soakSeconds} s at ~${options.soakRate} req/s`,
  );
  const seeded = await seed(env);
  console.log(`api: seeded ${seeded.targets.length} councils with domains; starting the server`);
  const server = await startServer(env);
  try {
    const measured: Measured[] = [];
    for (const s of scenarios(seeded)) {
      // A short warm-up (JIT, caches), then the measured run.
      await run(server.url, s, { connections: options.connections, duration: 1 });
      const m = await run(server.url, s, {
        connections: options.connections,
        duration: options.durationSeconds,
      });
      measured.push(m);
      console.log(
        `api: ${s.name.padEnd(20)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  (${m.total} requests, ${m.errors} errors, ${m.unexpected} unexpected statuses)`,
      );
    }
    const bare = measured[0]!;
    const rows = [['scenario', 'req/s', 'p99 ms', 'vs bare req/s', 'vs bare p99', 'errors']];
    for (const m of measured)
      rows.push([
        m.name,
        m.rps.toFixed(0),
        String(m.p99),
        m === bare ? '1' : (m.rps / bare.rps).toFixed(3),
        m === bare ? '1' : `${(m.p99 / Math.max(bare.p99, 1)).toFixed(1)}×`,
        String(m.errors + m.unexpected),
      ]);
    console.log(`\n${table(rows)}\n`);

    // The soak: mixed traffic at a steady rate; the server's RSS every second.
    const mixed: Scenario = {
      name: 'soak',
      requests: scenarios(seeded)
        .slice(1)
        .flatMap((s) => s.requests),
      expect: 0, // mixed statuses (200 and 202): only errors count here
    };
    const samples: number[] = [];
    const first = rssOf(server.pid);
    if (first !== null) samples.push(first);
    const sampler = setInterval(() => {
      const rss = rssOf(server.pid);
      if (rss !== null) samples.push(rss);
    }, 1000);
    let soak: Measured;
    try {
      soak = await run(server.url, mixed, {
        connections: Math.min(4, options.connections),
        duration: options.soakSeconds,
        rate: options.soakRate,
      });
    } finally {
      clearInterval(sampler);
    }
    const last = rssOf(server.pid);
    if (last !== null) samples.push(last);
    const rss =
      samples.length > 0
        ? { start: samples[0]!, peak: Math.max(...samples), end: samples.at(-1)! }
        : { start: Number.NaN, peak: Number.NaN, end: Number.NaN };
    // The first third of the soak is warm-up (caches, JIT); "flat" compares the rest.
    const settled = samples.slice(Math.floor(samples.length / 3));
    const settledGrowth = settled.length > 1 ? settled.at(-1)! - Math.min(...settled) : 0;
    console.log(
      `api: soak ${options.soakSeconds} s, ${soak.total} requests (${soak.rps.toFixed(0)} req/s, p99 ${soak.p99} ms, ${soak.errors} errors); ` +
        `server RSS start ${toMB(rss.start)} MB, peak ${toMB(rss.peak)} MB, end ${toMB(rss.end)} MB ` +
        `(after warm-up: +${toMB(settledGrowth)} MB)`,
    );

    const metrics = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${seeded.token}` },
    });
    const text = await metrics.text();
    const served = [...text.matchAll(/^cc_http_requests_total\{[^}]*\} (\d+)$/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    console.log(`api: /metrics answered ${metrics.status}; the server counted ${served} requests`);

    const failures = measured.reduce((n, m) => n + m.errors + m.unexpected, 0) + soak.errors;
    const ok = failures === 0 && metrics.status === 200 && settledGrowth < 64 * 1024 * 1024;
    return {
      part: 'api',
      ok,
      rows: [
        ...measured.map((m) => ({
          figure: `${m.name} req/s (p99)`,
          value: `${m.rps.toFixed(0)} (${m.p99} ms)${m === bare ? '' : `, ${(m.rps / bare.rps).toFixed(3)} of bare`}`,
        })),
        { figure: 'errors and unexpected statuses', value: String(failures) },
        {
          figure: `soak ${options.soakSeconds} s server RSS start/peak/end`,
          value: `${toMB(rss.start)}/${toMB(rss.peak)}/${toMB(rss.end)} MB (+${toMB(settledGrowth)} MB after warm-up)`,
        },
      ],
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
