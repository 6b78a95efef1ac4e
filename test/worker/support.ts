// Running the Worker in workerd for tests, offline: wrangler builds the bundle exactly as `wrangler deploy`
// would (`--dry-run --outdir`) and applies drizzle/ to a local D1 exactly as `wrangler d1 migrations apply`
// would; miniflare then runs the bundle with that D1, the fan-out queue and the cron triggers, and answers
// the Worker's outbound requests (Amazon SES's API, DNS-over-HTTPS) from fakes in this process.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { simpleParser } from 'mailparser';
import { Miniflare } from 'miniflare';
import { parse as parseToml } from 'smol-toml';
import { hashSecret } from '../../src/lib/secrets.js';
import { API_KEY, fakeNotify, NOTIFY_URL, SMS_TEMPLATE } from '../notify/fake-notify.js';
import { TEST_OPENPGP_PRIVATE_KEY } from '../support/openpgp-key.js';

const run = promisify(execFile);

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const BASE_URL = 'https://cyber-contacts.test';
export const SES_ENDPOINT = 'https://ses.fake';
export const DOH_URL = 'https://doh.fake/dns-query';

/** Runs the project's wrangler, offline and without prompts. */
export async function wrangler(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(repoRoot, 'node_modules/wrangler/bin/wrangler.js'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 120_000,
  });
}

/** wrangler.toml's text, and the D1 database id in it (the local database is keyed by it). */
export const wranglerToml = () => readFileSync(join(repoRoot, 'wrangler.toml'), 'utf8');

interface WranglerConfig {
  compatibility_date: string;
  d1_databases: Array<{ binding: string; database_id: string }>;
  queues: {
    producers: Array<{ binding: string; queue: string }>;
    consumers: Array<{
      queue: string;
      max_batch_size: number;
      max_batch_timeout: number;
      max_retries: number;
      retry_delay?: number;
      dead_letter_queue?: string;
    }>;
  };
  triggers: { crons: string[] };
  vars: Record<string, string>;
  env?: Record<string, Partial<WranglerConfig> & { name?: string }>;
  [key: string]: unknown;
}

/** wrangler.toml parsed: the tests take the queue, D1 and cron settings from it, never from copies. */
export const wranglerConfig = () => parseToml(wranglerToml()) as unknown as WranglerConfig;

export function d1DatabaseId(): string {
  const id = wranglerConfig().d1_databases.find((d) => d.binding === 'DB')?.database_id;
  if (!id) throw new Error('wrangler.toml has no database_id');
  return id;
}

/** The fan-out queue's names and consumer settings, as wrangler.toml declares them. */
export function queueSettings() {
  const { queues } = wranglerConfig();
  const producer = queues.producers.find((p) => p.binding === 'DELIVERY_QUEUE');
  const consumer = queues.consumers.find((c) => c.queue === producer?.queue);
  if (!producer || !consumer?.dead_letter_queue)
    throw new Error('wrangler.toml has no DELIVERY_QUEUE with a consumer and a dead-letter queue');
  const deadLetter = queues.consumers.find((c) => c.queue === consumer.dead_letter_queue);
  return { producer, consumer, deadLetter };
}

export interface WorkerBuild {
  dir: string;
  scriptPath: string;
  bytes: number;
  gzipBytes: number;
  output: string;
}

/** `wrangler deploy --dry-run --outdir`: the deploy's own bundle (its [build] step lays out the assets too). */
export async function buildWorker(dir: string): Promise<WorkerBuild> {
  const { stdout, stderr } = await wrangler(['deploy', '--dry-run', '--env', '', '--outdir', dir]);
  const scriptPath = join(dir, 'worker.js');
  const bytes = statSync(scriptPath).size;
  const gzipBytes = gzipSync(readFileSync(scriptPath)).length;
  return { dir, scriptPath, bytes, gzipBytes, output: `${stdout}\n${stderr}` };
}

/** `wrangler d1 migrations apply --local` into `persistDir`; returns what wrangler printed. */
export async function applyMigrations(persistDir: string): Promise<string> {
  const { stdout, stderr } = await wrangler([
    'd1',
    'migrations',
    'apply',
    'DB',
    '--local',
    '--env',
    '',
    '--persist-to',
    persistDir,
  ]);
  return `${stdout}\n${stderr}`;
}

// ---------- the outbound fakes ----------

export interface SesCall {
  to: string[];
  from: string;
  feedbackTo: string | undefined;
  authorization: string;
  raw: string;
  parsed: Awaited<ReturnType<typeof simpleParser>>;
  answered: number;
}

type DnsRecords = Partial<Record<'MX' | 'TXT' | 'A' | 'AAAA' | 'CNAME', string[]>>;
const rrTypes: Record<string, number> = { A: 1, CNAME: 5, MX: 15, TXT: 16, AAAA: 28 };

/**
 * The HTTP edge the Worker talks to: Amazon SES v2 (`POST /v2/email/outbound-emails`) and a DNS-over-HTTPS
 * JSON endpoint. Everything else answers 404 (an MTA-STS policy or security.txt that is not there).
 */
export function outboundFakes() {
  const ses: SesCall[] = [];
  const sesAnswers = new Map<string, Array<{ status: number; type: string }>>();
  const dnsZones = new Map<string, DnsRecords>();
  const dnsQueries: string[] = [];
  const other: string[] = [];
  // GOV.UK Notify (texts to out-of-hours mobiles): the fake that checks JWTs and requests as Notify does.
  const notify = fakeNotify();

  async function sesSend(request: Request): Promise<Response> {
    const body = JSON.parse(await request.text()) as {
      FromEmailAddress: string;
      Destination?: { ToAddresses?: string[] };
      Content: { Raw: { Data: string } };
      FeedbackForwardingEmailAddress?: string;
    };
    const raw = Buffer.from(body.Content.Raw.Data, 'base64').toString('latin1');
    const to = body.Destination?.ToAddresses ?? [];
    const planned = sesAnswers.get(to[0] ?? '')?.shift();
    const answered = planned?.status ?? 200;
    ses.push({
      to,
      from: body.FromEmailAddress,
      feedbackTo: body.FeedbackForwardingEmailAddress,
      authorization: request.headers.get('authorization') ?? '',
      raw,
      parsed: await simpleParser(Buffer.from(raw, 'latin1')),
      answered,
    });
    if (planned)
      return new Response(JSON.stringify({ message: `fake ${planned.type}` }), {
        status: planned.status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': `${planned.type}:http://fake/` },
      });
    return Response.json({ MessageId: `0100fake${String(ses.length).padStart(4, '0')}` });
  }

  function doh(url: URL): Response {
    const name = (url.searchParams.get('name') ?? '').toLowerCase().replace(/\.$/, '');
    const type = url.searchParams.get('type') ?? 'A';
    dnsQueries.push(`${type} ${name}`);
    const zone = dnsZones.get(name);
    if (!zone) return Response.json({ Status: 3 });
    const data = zone[type as keyof DnsRecords] ?? [];
    return Response.json({
      Status: 0,
      Answer: data.map((d) => ({ name: `${name}.`, type: rrTypes[type], TTL: 300, data: d })),
    });
  }

  async function handler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (`${url.protocol}//${url.host}` === SES_ENDPOINT && url.pathname === '/v2/email/outbound-emails')
      return sesSend(request);
    if (url.href.startsWith(DOH_URL)) return doh(url);
    if (url.href.startsWith(`${NOTIFY_URL}/`)) return notify.handle(request);
    other.push(`${request.method} ${url.href}`);
    return new Response('not here', { status: 404 });
  }

  return {
    handler,
    ses,
    notify,
    dnsQueries,
    other,
    /** The next answers SES gives for an address, before it goes back to 200. */
    answerNext(address: string, ...answers: Array<{ status: number; type: string }>) {
      sesAnswers.set(address, [...(sesAnswers.get(address) ?? []), ...answers]);
    },
    /** DNS records of a name; a name without records is NXDOMAIN. */
    zone(name: string, records: DnsRecords) {
      dnsZones.set(name, records);
    },
    /** Messages SES accepted (200) for an address. */
    accepted: (address: string) => ses.filter((c) => c.answered === 200 && c.to.includes(address)),
  };
}

export type OutboundFakes = ReturnType<typeof outboundFakes>;

// ---------- the Worker ----------

function captureLines(streams: NodeJS.ReadableStream[], onLine: (line: string) => void) {
  for (const stream of streams) {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine(line);
    });
  }
}

export interface WorkerUnderTest {
  mf: Miniflare;
  /** A request to the Worker (path on the public base URL). */
  fetch(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  /** Runs a cron trigger; resolves to the handler's outcome ('ok' or 'exception'). */
  scheduled(cron: string): Promise<string>;
  /** Delivers a message to the Worker's email() handler (Email Routing); the status says accepted (200) or rejected (400). */
  email(from: string, to: string, raw: string): Promise<{ status: number; text: string }>;
  /** SQL straight on the Worker's D1 database. */
  sql<T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]>;
  dispose(): Promise<void>;
}

export async function startWorker(options: {
  build: WorkerBuild;
  /** Where wrangler applied the D1 migrations; without it the Worker has no D1 binding (Turso instead). */
  persistDir?: string;
  fakes: OutboundFakes;
  /** Tried before the fakes: answers a request, or undefined to pass it on. */
  outbound?: (request: Request) => Promise<Response | undefined>;
  bindings?: Record<string, string>;
  /** Settings to leave out (a Worker started without its SES secrets, say). */
  omit?: string[];
  /** Each line the Worker writes (its JSON log), when given. */
  onLog?: (line: string) => void;
}): Promise<WorkerUnderTest> {
  const { persistDir, outbound, fakes } = options;
  const { producer, consumer, deadLetter } = queueSettings();
  const toMiniflare = (c: typeof consumer, maxBatchTimeout: number) => ({
    maxBatchSize: c.max_batch_size,
    maxBatchTimeout,
    maxRetries: c.max_retries,
    ...(c.retry_delay !== undefined ? { retryDelay: 0 } : {}),
    ...(c.dead_letter_queue ? { deadLetterQueue: c.dead_letter_queue } : {}),
  });
  const bindings: Record<string, string> = {
    PUBLIC_BASE_URL: BASE_URL,
    LOG_LEVEL: 'warn',
    MAIL_PROVIDER: 'ses',
    MAIL_FROM: 'Council cyber contacts <no-reply@cyber-contacts.test>',
    SES_REGION: 'eu-west-2',
    SES_ACCESS_KEY_ID: 'AKIAEXAMPLEFAKE00000',
    SES_SECRET_ACCESS_KEY: 'fake-secret-access-key',
    SES_ENDPOINT,
    NOTIFY_API_KEY: API_KEY,
    NOTIFY_BASE_URL: NOTIFY_URL,
    NOTIFY_SMS_TEMPLATE_ID: SMS_TEMPLATE,
    DOH_URL,
    DNS_TRIES: '1',
    REGISTER_SYNC_ON_EMPTY: 'false',
    // Advisories are signed in the Worker too (openpgp.js on Web Crypto): a fixed test key.
    OPENPGP_PRIVATE_KEY: TEST_OPENPGP_PRIVATE_KEY,
    ...options.bindings,
  };
  for (const name of options.omit ?? []) delete bindings[name];
  const mf = new Miniflare({
    modules: true,
    scriptPath: options.build.scriptPath,
    modulesRoot: options.build.dir,
    compatibilityDate: wranglerConfig().compatibility_date,
    ...(persistDir
      ? { d1Databases: { DB: d1DatabaseId() }, d1Persist: join(persistDir, 'v3', 'd1') }
      : { d1Databases: {} }),
    queueProducers: { [producer.binding]: producer.queue },
    // wrangler.toml's consumers, with the waits shortened: batches after 50 ms, retries at once.
    queueConsumers: {
      [consumer.queue]: toMiniflare(consumer, 0.05),
      ...(deadLetter ? { [deadLetter.queue]: toMiniflare(deadLetter, 0.05) } : {}),
    },
    assets: { directory: join(repoRoot, 'dist/public'), routerConfig: { has_user_worker: true } },
    // /cdn-cgi/handler/email delivers a message to the Worker's email() handler, as Email Routing would.
    unsafeTriggerHandlers: true,
    ...(options.onLog
      ? {
          handleRuntimeStdio: (out: NodeJS.ReadableStream, err: NodeJS.ReadableStream) =>
            captureLines([out, err], options.onLog!),
        }
      : {}),
    bindings,
    outboundService: (async (request: Request) =>
      (await outbound?.(request)) ?? fakes.handler(request)) as unknown as () => never,
  });
  await mf.ready;
  const d1 = persistDir ? await mf.getD1Database('DB') : undefined;
  return {
    mf,
    async fetch(path, init = {}) {
      const { token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      const res = await mf.dispatchFetch(`${BASE_URL}${path}`, { ...rest, headers } as never);
      return res as unknown as Response;
    },
    async scheduled(cron) {
      const worker = await mf.getWorker();
      const result = await worker.scheduled({ cron, scheduledTime: new Date() });
      return result.outcome;
    },
    async email(from, to, raw) {
      const url = `${BASE_URL}/cdn-cgi/handler/email?${new URLSearchParams({ from, to })}`;
      const res = await mf.dispatchFetch(url, { method: 'POST', body: raw });
      return { status: res.status, text: await res.text() };
    },
    async sql<T>(query: string, ...params: unknown[]) {
      if (!d1) throw new Error('this Worker has no D1 database');
      const result = await d1
        .prepare(query)
        .bind(...params)
        .all();
      return result.results as T[];
    },
    dispose: () => mf.dispose(),
  };
}

/** An admin API token, inserted straight into the database the way `token create` stores it (hashed). */
export async function insertAdminToken(
  sql: (query: string, ...params: unknown[]) => Promise<unknown>,
  id = 'worker-test-admin',
): Promise<string> {
  const secret = `cct_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`;
  await sql(
    'insert into api_tokens (id, name, role, token_hash, created_by, created_at) values (?, ?, ?, ?, ?, ?)',
    id,
    `worker test admin (${id})`,
    'admin',
    await hashSecret(secret),
    'test',
    Date.now(),
  );
  return secret;
}

/** Polls until `check` returns a value (not undefined/false), or fails after `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, ms = 20_000) {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
