// Builds the service's dependencies on Cloudflare Workers from the Worker's `env`: its string values go
// through the same config schema as Node's process.env; the bindings pick the adapters.
//   database: the D1 binding `DB` when present, else DATABASE_URL (libsql:// or https://, Turso) with
//             DATABASE_AUTH_TOKEN;
//   mail:     Amazon SES's HTTP API (MAIL_PROVIDER=ses, the default) or GOV.UK Notify's (MAIL_PROVIDER=notify):
//             no raw TCP for SMTP;
//   SMS:      GOV.UK Notify (NOTIFY_API_KEY, NOTIFY_SMS_TEMPLATE_ID), else a sender that refuses;
//   DNS:      DNS-over-HTTPS at DOH_URL;
//   fan-out:  the `DELIVERY_QUEUE` producer, which a release hands its advisory to.
import type { GetConnInfo } from 'hono/conninfo';
import { type D1Binding, openD1Database } from '../adapters/db-d1.js';
import { openLibsqlWebDatabase } from '../adapters/db-libsql-web.js';
import { notifyMailer } from '../adapters/mailer-notify.js';
import { sesMailer } from '../adapters/mailer-ses.js';
import { mailSetupProblem, unconfiguredMailer } from '../adapters/mailer-unconfigured.js';
import { type NotifyRateLimit, notifyRateLimit } from '../adapters/notify-client.js';
import { dohResolver } from '../adapters/resolver-doh.js';
import { notifySms } from '../adapters/sms-notify.js';
import { smsSetupProblem } from '../adapters/sms-setup.js';
import { unconfiguredSms } from '../adapters/sms-unconfigured.js';
import { type Config, parseConfig } from '../config.js';
import type { Db } from '../db/client.js';
import type { Deps } from '../deps.js';
import { systemClock } from '../ports/clock.js';
import { jsonLogger, type Logger } from '../ports/logger.js';
import type { Mailer } from '../ports/mailer.js';
import { cryptoRandom } from '../ports/random.js';
import type { SmsSender } from '../ports/sms.js';
import { type InvocationMeter, meteredD1, meteredFetch } from './worker-budget.js';

/** Scheduled work that continues in another invocation when one invocation's budget was not enough. */
export type ContinuedJob = 'dispatch' | 'checks' | 'reconfirmations' | 'drills';

/**
 * A queue message: "send what is due of this advisory", "send the queued mail" (links, notices …), or
 * "go on with this scheduled job".
 */
export type DispatchMessage = { advisoryId: string } | { mail: true } | { job: ContinuedJob };

/** The part of a Queue producer binding the service uses. */
export interface QueueProducer<Body> {
  send(body: Body, options?: { delaySeconds?: number; contentType?: 'json' }): Promise<unknown>;
}

/** The Worker's env: [vars] and secrets (strings) and the bindings wrangler.toml declares. */
export interface WorkerEnv {
  /** The D1 database ([[d1_databases]] binding "DB"). */
  DB?: D1Binding;
  /** The fan-out queue's producer ([[queues.producers]] binding "DELIVERY_QUEUE"). */
  DELIVERY_QUEUE?: QueueProducer<DispatchMessage>;
  [name: string]: unknown;
}

export interface WorkerRuntime {
  deps: Deps;
  queue?: QueueProducer<DispatchMessage>;
}

export interface WorkerDepsOptions {
  /** Where log lines go (console.log, which Workers Logs collect, by default). */
  logWrite?: (line: string) => void;
  /** Counts this invocation's D1 queries and subrequests (cron and queue invocations). */
  meter?: InvocationMeter;
}

/** A queue producer whose sends count as subrequests. */
function meteredQueue<Body>(queue: QueueProducer<Body>, meter: InvocationMeter): QueueProducer<Body> {
  return {
    send: (body, options) => {
      meter.subrequests++;
      return queue.send(body, options);
    },
  };
}

/** The env's string values (vars and secrets), which is all the config schema reads. */
export function configRecord(env: WorkerEnv): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') record[name] = value;
  return record;
}

/** Cloudflare puts the client's address in CF-Connecting-IP (a client cannot set it). */
export const workerConnInfo: GetConnInfo = (c) => ({
  remote: { address: c.req.header('cf-connecting-ip') },
});

function workerDatabase(env: WorkerEnv, config: Config, log: Logger, meter?: InvocationMeter): Db {
  if (env.DB) return openD1Database(meter ? meteredD1(env.DB, meter) : env.DB);
  if (/^(libsql|https?|wss?):\/\//.test(config.DATABASE_URL)) {
    if (!config.DATABASE_AUTH_TOKEN)
      log.warn('DATABASE_AUTH_TOKEN is not set: Turso will refuse the connection');
    return openLibsqlWebDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN).db;
  }
  throw new Error(
    'No database: bind a D1 database as DB (wrangler.toml [[d1_databases]]) or set DATABASE_URL to a libsql:// or https:// URL (Turso) and DATABASE_AUTH_TOKEN.',
  );
}

/**
 * Amazon SES, or GOV.UK Notify (MAIL_PROVIDER=notify); without their secrets (a first `wrangler dev`, say) the
 * service runs degraded instead of failing.
 */
export function workerMailer(
  config: Config,
  log: Logger,
  fetcher: typeof fetch,
  rateLimit?: NotifyRateLimit,
): Mailer {
  const problem = mailSetupProblem(config, 'workers');
  if (problem) return unconfiguredMailer(problem, log);
  if (config.MAIL_PROVIDER === 'notify') return notifyMailer(config, log, { fetch: fetcher, rateLimit });
  return sesMailer(config, log, { fetch: fetcher });
}

/** GOV.UK Notify when configured; else a sender that refuses, naming what is missing. */
export function workerSms(
  config: Config,
  log: Logger,
  fetcher: typeof fetch,
  rateLimit?: NotifyRateLimit,
): SmsSender {
  const problem = smsSetupProblem(config, 'workers');
  if (problem) return unconfiguredSms(problem, log);
  return notifySms(config, log, { fetch: fetcher, rateLimit });
}

export function buildWorkerRuntime(env: WorkerEnv, options: WorkerDepsOptions = {}): WorkerRuntime {
  const config = parseConfig(configRecord(env));
  const log = jsonLogger(config.LOG_LEVEL, options.logWrite);
  const { meter } = options;
  const queue = meter && env.DELIVERY_QUEUE ? meteredQueue(env.DELIVERY_QUEUE, meter) : env.DELIVERY_QUEUE;
  const plainFetch: typeof fetch = (input, init) => fetch(input, init);
  const fetcher = meter ? meteredFetch(plainFetch, meter) : plainFetch;
  const clock = systemClock();
  // One Notify key, one rate limit (this isolate's): the SMS sender and a Notify mailer share it.
  const notifyLimit = notifyRateLimit(config.NOTIFY_RATE_PER_MINUTE, () => clock.now());
  const deps: Deps = {
    config,
    db: workerDatabase(env, config, log, meter),
    clock,
    log,
    random: cryptoRandom(),
    mailer: workerMailer(config, log, fetcher, notifyLimit),
    sms: workerSms(config, log, fetcher, notifyLimit),
    fetch: fetcher,
    resolver: dohResolver({
      url: config.DOH_URL,
      fetch: fetcher,
      timeoutMs: config.DNS_TIMEOUT_MS,
      tries: config.DNS_TRIES,
    }),
    connInfo: workerConnInfo,
    // GOV.UK Frontend's files are static assets ([assets] in wrangler.toml), served before the Worker runs.
  };
  if (queue) {
    deps.dispatchQueue = {
      enqueue: async (advisoryId) => {
        await queue.send({ advisoryId }, { contentType: 'json' });
      },
    };
    // Queued mail (a sign-in link someone waits for) is sent by a consumer at once, not by the next cron.
    // (A sweep that queues hundreds wakes it once, at its end.)
    deps.outbound = {
      wake: async () => {
        await queue.send({ mail: true }, { contentType: 'json' });
      },
    };
  } else {
    log.warn(
      'no DELIVERY_QUEUE binding: released advisories and queued mail are sent by the scheduled dispatch only',
    );
  }
  return queue ? { deps, queue } : { deps };
}
