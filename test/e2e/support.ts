// End-to-end helpers: the app wired to the real SMTP adapter and a real SMTP sink, the shared reference
// data, advisories made through the API, and the service started as a child process (`tsx src/entry/node.ts`).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openLibsqlDatabase } from '../../src/adapters/db-libsql.js';
import { type SmtpMailerOptions, smtpMailer } from '../../src/adapters/mailer-smtp.js';
import type { Mailer } from '../../src/ports/mailer.js';
import { type Call, makeTestApp, type TestApp, type TestAppOptions } from '../support/app.js';
import { repoRoot } from '../support/cli.js';
import {
  type CouncilsSpec,
  insertCouncils,
  insertToken,
  insertWarp,
  type WarpInsert,
} from '../support/fixtures.js';
import {
  type SinkMessage,
  type SmtpSink,
  type SmtpSinkOptions,
  startSmtpSink,
} from '../support/smtp-sink.js';

/** A file of the shared reference data (read from the repository's parent folder, never copied). */
export function sharedData(name: 'uk_local_authorities_current.csv' | 'ukps_user_domains.json'): Buffer {
  return readFileSync(new URL(`../../../shared/data/${name}`, import.meta.url));
}

export interface SmtpTestApp {
  t: TestApp;
  sink: SmtpSink;
  /** The real SMTP adapter, pointed at the sink. */
  smtp: Mailer;
  /** Sends through the sink from now on (until then the app keeps the in-memory mailer). */
  useSmtp(): void;
  close(): Promise<void>;
}

/**
 * The test app (in-memory database, fixed clock) with an SMTP sink and the real SMTP adapter built from the
 * app's own config (`SMTP_URL` = the sink). The sink disables STARTTLS, so the client needs no `ignoreTLS`.
 */
export async function smtpTestApp(
  options: TestAppOptions & { sink?: SmtpSinkOptions; smtp?: SmtpMailerOptions } = {},
): Promise<SmtpTestApp> {
  const sink = await startSmtpSink(options.sink);
  const t = await makeTestApp({ ...options, env: { SMTP_URL: sink.url, ...options.env } });
  const smtp = smtpMailer(t.deps.config, t.log, options.smtp);
  return {
    t,
    sink,
    smtp,
    useSmtp() {
      t.deps.mailer = smtp;
    },
    async close() {
      await smtp.close();
      await sink.close();
      t.close();
    },
  };
}

export { createAdvisory } from '../support/app.js';
export { advisoryBody } from '../support/fixtures.js';

/** Releases and (when it needs one) approves with a second admin; returns the approval's answer. */
export async function releaseAndApprove(call: Call, id: string, author: string, second: string) {
  const released = await call('POST', `/api/v1/advisories/${id}/release`, { token: author });
  expect(released.status, await released.clone().text()).toBe(200);
  const r = (await released.json()) as { state: string; needsSecondApproval: boolean; deliveries: number };
  if (r.state === 'sending') return r;
  expect(r).toMatchObject({ state: 'awaiting-approval', needsSecondApproval: true, deliveries: 0 });
  const approved = await call('POST', `/api/v1/advisories/${id}/approve`, { token: second });
  expect(approved.status, await approved.clone().text()).toBe(200);
  return (await approved.json()) as { state: string; needsSecondApproval: boolean; deliveries: number };
}

/** How many times each value occurs. */
export function countBy<T>(values: Iterable<T>): Map<T, number> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Accepted messages per envelope recipient. */
export const acceptedPerRecipient = (sink: SmtpSink) => countBy(sink.messages.flatMap((m) => m.rcptTo));

/** RCPT TO commands the sink saw per address (accepted, refused or dropped). */
export const rcptPerAddress = (sink: SmtpSink) =>
  countBy(sink.events.filter((e) => e.stage === 'rcpt').map((e) => e.address ?? ''));

/** The messages accepted for one recipient. */
export const messagesTo = (sink: SmtpSink, address: string): SinkMessage[] =>
  sink.messages.filter((m) => m.rcptTo.includes(address));

/** The path (`/ack/<token>`) of the acknowledgement link in a received advisory's text part. */
export function ackPathIn(message: SinkMessage, baseUrl: string): string {
  const text = message.parsed.text ?? '';
  const escaped = baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}(/ack/[A-Za-z0-9._-]+)`).exec(text);
  expect(match, `an acknowledgement link in:\n${text}`).not.toBeNull();
  return match![1]!;
}

/** The path (`/confirm/<secret>`) of the confirmation link in a received message's text part. */
export function confirmPathIn(
  message: SinkMessage | undefined,
  baseUrl: string,
  purpose: 'confirm' | 'handover' = 'confirm',
): string {
  expect(message, 'a message was received').toBeDefined();
  const text = message!.parsed.text ?? '';
  const escaped = baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}(/${purpose}/[A-Za-z0-9_-]+)`).exec(text);
  expect(match, `a confirmation link in:\n${text}`).not.toBeNull();
  return match![1]!;
}

/** A temporary folder (unique per call) with a database file URL in it. */
export function tempFolder(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `cyber-contacts-${prefix}-`));
  return {
    dir,
    databaseUrl: `file:${join(dir, 'service.db')}`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs` (a safety net). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ServiceProcess {
  child: ChildProcess;
  /** The base URL from the "listening" log line. */
  url: string;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` to the whole process group (tsx runs the service in a child of its own). */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the service as `npm start` does (`tsx src/entry/node.ts`) in its own process group, with only
 * the given environment, and waits for its "listening" line.
 */
export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), ['src/entry/node.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    output += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    output += d;
  });
  const service: ServiceProcess = {
    child,
    url: '',
    output: () => output,
    async kill(signal = 'SIGKILL') {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // the group is gone already
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
  try {
    service.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line; output:\n${output}`)), 45_000);
      const look = () => {
        const m = /"msg":"listening","url":"(http:\/\/[^"]+)"/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout!.on('data', look);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the service exited (${code ?? signal}) before listening; output:\n${output}`));
      });
    });
  } catch (err) {
    await service.kill();
    throw err;
  }
  return service;
}

/** The environment a fan-out test runs the service in: the folder's database and outbox, SMTP to the sink. */
export function serviceEnv(
  folder: ServiceFolder,
  smtpUrl: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    PORT: '0',
    DATABASE_URL: folder.databaseUrl,
    OUTBOX_DIR: `${folder.dir}/outbox`,
    PUBLIC_BASE_URL: 'http://cyber-contacts.test',
    SMTP_URL: smtpUrl,
    SMTP_POOL_CONNECTIONS: '2',
    DISPATCH_IDLE_POLL_MS: '200',
    LOG_LEVEL: 'info',
    REGISTER_SYNC_ON_EMPTY: 'false',
    ...overrides,
  };
}

type ServiceFolder = Pick<ReturnType<typeof tempFolder>, 'dir' | 'databaseUrl'>;

/**
 * Seeds a service's database file before the service first opens it, opened and migrated the way the
 * service does it (`buildNodeRuntime`: openLibsqlDatabase + migrateDatabase): the WARPs, the councils (each
 * with a confirmed primary unless told otherwise), all made now by the wall clock the service runs on, and
 * one admin token per name, made through the real code path. Returns the tokens' secrets.
 */
export async function seedServiceDatabase(
  folder: ServiceFolder,
  seed: { warps: Array<Partial<WarpInsert> & { id: string }>; councils: CouncilsSpec; admins: string[] },
): Promise<string[]> {
  const { buildNodeRuntime } = await import('../../src/entry/node-deps.js');
  const runtime = await buildNodeRuntime({
    DATABASE_URL: folder.databaseUrl,
    OUTBOX_DIR: `${folder.dir}/outbox`,
    LOG_LEVEL: 'silent',
  });
  try {
    const { db } = runtime.deps;
    const now = new Date();
    for (const warp of seed.warps) await insertWarp(db, { createdAt: now, ...warp });
    await insertCouncils(db, { at: now, ...seed.councils });
    const secrets: string[] = [];
    for (const name of seed.admins)
      secrets.push((await insertToken(db, { role: 'admin', name }, { now })).secret);
    return secrets;
  } finally {
    await runtime.close();
  }
}

/** A JSON call to a running service with a bearer token; the body parsed when there is one. */
export async function callService(
  service: ServiceProcess,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

/** Rows from a service's database file, read through a connection of its own (the service may be down). */
export async function readRows(databaseUrl: string, sql: string, args: Array<string | number>) {
  const database = await openLibsqlDatabase(databaseUrl);
  try {
    return (await database.client.execute({ sql, args })).rows;
  } finally {
    database.close();
  }
}

/** An advisory's delivery rows in a service's database file (see `readRows`). */
export async function serviceDeliveries(databaseUrl: string, advisoryId: string) {
  const rows = await readRows(
    databaseUrl,
    'select id, mailbox_id, address, status, attempts, lease_expires_at from deliveries where advisory_id = ?',
    [advisoryId],
  );
  return rows.map((r) => ({
    id: String(r.id),
    mailboxId: String(r.mailbox_id),
    address: String(r.address),
    status: String(r.status),
    attempts: Number(r.attempts),
    leaseExpiresAt: r.lease_expires_at === null ? null : Number(r.lease_expires_at),
  }));
}
