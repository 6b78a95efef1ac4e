// The Cloudflare Workers entry: the same app as on Node, and the background work Node runs in-process
// split over the Workers triggers.
//   fetch     — the API and the pages: createApp(deps).fetch (background work goes to ctx.waitUntil).
//   queue     — the fan-out (and its dead-letter queue, whose messages are recorded and reported): a release enqueues its advisory; the consumer claims and sends its due
//               deliveries with the same database leases as Node, within a time and subrequest budget, and
//               enqueues the advisory again (delayed until the next retry falls due) while work remains.
//   email     — bounces arriving by Cloudflare Email Routing at the signed VERP addresses.
//   scheduled — the cron triggers in wrangler.toml (see `cronJobs`): a dispatch safety net (overdue
//               retries, leases of a consumer that died, releases whose queue message was lost), escalation
//               of unacknowledged advisories, domain checks, re-confirmation sweeps, the coverage snapshot,
//               and loading the register into an empty database.
import { sql } from 'drizzle-orm';
import { createApp } from '../app.js';
import type { Deps } from '../deps.js';
import { dispatchOptions, drainDeliveries, nextRetryAt } from '../features/advisories/dispatch.js';
import { escalateUnacknowledged } from '../features/advisories/escalate-unacknowledged.js';
import { syncRegisterIfEmpty } from '../features/authority-register/import-sync.js';
import { assertSecurityExpiresValid } from '../features/checks/own-security-txt.js';
import { snapshotCoverage } from '../features/coverage/snapshot.js';
import { runDrills } from '../features/drills/run-drills.js';
import { followUpSms } from '../features/mobiles/sms-receipts.js';
import { assertServiceKeyUsable } from '../features/openpgp/service-key.js';
import { recordDeadLetters } from '../features/outbound/dead-letters.js';
import { receiveInboundMail } from '../features/reachability/inbound-mail.js';
import { runScheduledWork, type ScheduledOutcome } from '../features/reachability/scheduled.js';
import { invocationMeter, reportUsage } from './worker-budget.js';
import {
  buildWorkerRuntime,
  type ContinuedJob,
  type DispatchMessage,
  type QueueProducer,
  type WorkerEnv,
  type WorkerRuntime,
} from './worker-deps.js';

type App = ReturnType<typeof createApp>;
/** The execution context Workers pass to every handler (waitUntil keeps work alive after the answer). */
type ExecutionContext = Parameters<App['fetch']>[2] & {};

/** The parts of a queue batch the consumer uses. */
interface QueueMessage {
  readonly id: string;
  readonly body: unknown;
  readonly attempts: number;
  ack(): void;
  /** Back to the queue after its `retry_delay` (wrangler.toml); after `max_retries`, to the dead-letter queue. */
  retry(options?: { delaySeconds?: number }): void;
}
interface QueueBatch {
  readonly queue: string;
  readonly messages: readonly QueueMessage[];
}
/** The parts of an incoming e-mail (Cloudflare Email Routing's ForwardableEmailMessage) the handler uses. */
interface IncomingEmail {
  readonly from: string;
  readonly to: string;
  readonly raw: ReadableStream<Uint8Array>;
  readonly rawSize: number;
  /** Synchronous on Cloudflare; a promise under miniflare, where the message is an RPC stub (so awaited). */
  setReject(reason: string): void | Promise<void>;
}
interface ScheduledController {
  readonly cron: string;
  readonly scheduledTime: number;
}

/** Queues delay a message by at most 12 hours. */
const MAX_QUEUE_DELAY_SECONDS = 43_200;

// One runtime (config, database, mailer …) and app per isolate: Workers keep `env` for the isolate's life.
// The isolate's first request also reads the OpenPGP signing key: one that cannot sign (or a security.txt
// Expires more than a year ahead) makes the service answer "not configured" as a bad setting does
// (Workers have no start-up to refuse).
const runtimes = new WeakMap<object, { runtime: WorkerRuntime; app: App; keyCheck: Promise<void> }>();

function runtimeFor(env: WorkerEnv) {
  let entry = runtimes.get(env);
  if (!entry) {
    const runtime = buildWorkerRuntime(env);
    const keyCheck = Promise.resolve()
      .then(() => assertSecurityExpiresValid(runtime.deps.config, runtime.deps.clock.now()))
      .then(() => assertServiceKeyUsable(runtime.deps))
      .catch((err: Error) => {
        throw new Error(`Invalid configuration:\n  ${err.message}`);
      });
    keyCheck.catch(() => {}); // reported by the request that awaits it
    entry = { runtime, app: createApp(runtime.deps), keyCheck };
    runtimes.set(env, entry);
  }
  return entry;
}

// ---------- fan-out ----------

const continuedJobs: readonly ContinuedJob[] = ['dispatch', 'checks', 'reconfirmations', 'drills'];

export function isDispatchMessage(body: unknown): body is DispatchMessage {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as { advisoryId?: unknown; mail?: unknown; job?: unknown };
  return (
    (typeof b.advisoryId === 'string' && b.advisoryId.length > 0) ||
    b.mail === true ||
    continuedJobs.includes(b.job as ContinuedJob)
  );
}

/** Enqueues "send the queued mail" again for when the next queued message falls due, if any is waiting. */
async function continueMailLater(deps: Deps, queue: QueueProducer<DispatchMessage> | undefined) {
  const [row] = await deps.db.all<{ at: number | null }>(sql`
    select min(next_attempt_at) as at from outbound_mail
    where status in ('created', 'temporary-failure', 'technical-failure') and next_attempt_at is not null`);
  if (row?.at == null) return null;
  const delaySeconds = Math.min(
    MAX_QUEUE_DELAY_SECONDS,
    Math.max(0, Math.ceil((Number(row.at) - deps.clock.now().getTime()) / 1000)),
  );
  await queue?.send({ mail: true }, { delaySeconds, contentType: 'json' });
  return delaySeconds;
}

/** Enqueues the advisory again for when its next delivery falls due, if any is waiting. */
async function continueLater(
  deps: Deps,
  queue: QueueProducer<DispatchMessage> | undefined,
  advisoryId: string,
) {
  const next = await nextRetryAt(deps, advisoryId);
  if (next === null) return null;
  const delaySeconds = Math.min(
    MAX_QUEUE_DELAY_SECONDS,
    Math.max(0, Math.ceil((next - deps.clock.now().getTime()) / 1000)),
  );
  // Without a producer binding the scheduled dispatch picks it up.
  await queue?.send({ advisoryId }, { delaySeconds, contentType: 'json' });
  return delaySeconds;
}

/**
 * The queue consumer: each advisory named in the batch (once, however many messages name it) is drained
 * of its due deliveries, sharing one budget of EDGE_DISPATCH_SECONDS and EDGE_DISPATCH_MAX_DELIVERIES; what
 * is left (out of budget, or retries due later) goes back on the queue as a new message. A failure hands the
 * messages back to the queue (after its retries, the dead-letter queue); the leases in the database make
 * any repeat harmless.
 */
export async function consumeDispatchBatch(
  runtime: WorkerRuntime,
  batch: QueueBatch,
): Promise<{ advisories: number; claimed: number }> {
  const { deps, queue } = runtime;
  const started = Date.now();
  const budgetMs = deps.config.EDGE_DISPATCH_SECONDS * 1000;
  let room = deps.config.EDGE_DISPATCH_MAX_DELIVERIES;
  let claimed = 0;
  const byAdvisory = new Map<string, QueueMessage[]>();
  const mailMessages: QueueMessage[] = [];
  const jobMessages = new Map<ContinuedJob, QueueMessage[]>();
  for (const message of batch.messages) {
    if (!isDispatchMessage(message.body)) {
      deps.log.warn('dropping a queue message that names no advisory and no mail', {
        queue: batch.queue,
        id: message.id,
      });
      message.ack();
      continue;
    }
    if ('mail' in message.body) {
      mailMessages.push(message);
      continue;
    }
    if ('job' in message.body) {
      jobMessages.set(message.body.job, [...(jobMessages.get(message.body.job) ?? []), message]);
      continue;
    }
    const list = byAdvisory.get(message.body.advisoryId) ?? [];
    list.push(message);
    byAdvisory.set(message.body.advisoryId, list);
  }
  // Queued mail first: someone may be waiting for a link.
  if (mailMessages.length) {
    try {
      const stats = await drainDeliveries(
        deps,
        dispatchOptions(deps, {
          mailOnly: true,
          maxDeliveries: room,
          signal: AbortSignal.timeout(budgetMs),
        }),
      );
      const texts = stats.sms?.claimed ?? 0;
      room -= stats.claimed + texts;
      claimed += stats.claimed + texts;
      if (stats.claimed + texts > 0) deps.log.info('dispatch (queued mail)', { ...stats });
      if (!stats.paused) await continueMailLater(deps, queue);
      for (const m of mailMessages) m.ack();
    } catch (err) {
      deps.log.error('queued mail dispatch failed; the messages go back to the queue', { err });
      for (const m of mailMessages) m.retry();
    }
  }
  for (const [advisoryId, messages] of byAdvisory) {
    try {
      const left = budgetMs - (Date.now() - started);
      if (left > 1000 && room > 0) {
        const stats = await drainDeliveries(
          deps,
          dispatchOptions(deps, { advisoryId, maxDeliveries: room, signal: AbortSignal.timeout(left) }),
        );
        const texts = stats.sms?.claimed ?? 0;
        room -= stats.claimed + texts;
        claimed += stats.claimed + texts;
        if (stats.claimed + texts > 0) deps.log.info('dispatch (queue)', { advisoryId, ...stats });
      }
      const delay = await continueLater(deps, queue, advisoryId);
      if (delay !== null) deps.log.debug('fan-out continues later', { advisoryId, delaySeconds: delay });
      for (const m of messages) m.ack();
    } catch (err) {
      deps.log.error('queue dispatch failed; the messages go back to the queue', { advisoryId, err });
      for (const m of messages) m.retry();
    }
  }
  // Scheduled work continued from an earlier invocation: only in an invocation that sent nothing, so one
  // invocation never spends both budgets; otherwise it is handed on to the next one.
  for (const [job, messages] of jobMessages) {
    try {
      if (claimed > 0) await queue?.send({ job }, { delaySeconds: 1, contentType: 'json' });
      else {
        const left = Math.max(1000, budgetMs - (Date.now() - started));
        const result = await runJob(deps, job, AbortSignal.timeout(left));
        await continueJob(runtime, job, result);
      }
      for (const m of messages) m.ack();
    } catch (err) {
      deps.log.error('a continued scheduled job failed; the messages go back to the queue', { job, err });
      for (const m of messages) m.retry();
    }
  }
  return { advisories: byAdvisory.size, claimed };
}

// ---------- the dead-letter queue ----------

/** wrangler.toml names each dead-letter queue after its queue, with `-dlq` at the end. */
export const isDeadLetterQueue = (name: string) => name.endsWith('-dlq');

/** Records each parked message and tells the admins; a failure hands the batch back (to be tried again). */
export async function consumeDeadLetters(runtime: WorkerRuntime, batch: QueueBatch) {
  const outcome = await recordDeadLetters(
    runtime.deps,
    batch.queue,
    batch.messages.map((m) => ({ id: m.id, body: m.body, attempts: m.attempts })),
  );
  for (const m of batch.messages) m.ack();
  return outcome;
}

// ---------- scheduled work ----------

export type ScheduledJob =
  | 'dispatch'
  | 'escalate'
  | 'checks'
  | 'reconfirmations'
  | 'coverage'
  | 'register'
  | 'drills';

/** Which jobs each cron trigger runs. wrangler.toml's [triggers] crons must list exactly these. */
export const cronJobs: Readonly<Record<string, readonly ScheduledJob[]>> = {
  // Every 5 minutes: the dispatch safety net, and escalation (a cheap read until something is due).
  '*/5 * * * *': ['dispatch', 'escalate'],
  // Every 15 minutes: the slice of mailbox domains that are due a check (CHECKS_PER_RUN at most); drills
  // (start those due, write big ones a slice at a time, continued through the queue; close ended ones).
  '*/15 * * * *': ['checks', 'drills'],
  // Every 6 hours: re-confirmation links, reminders and staleness; the daily coverage snapshot (idempotent per
  // UK day, so four runs a day never miss one); the register, if the database is still empty.
  '17 */6 * * *': ['reconfirmations', 'coverage', 'register'],
};

const allJobs: readonly ScheduledJob[] = [
  'dispatch',
  'escalate',
  'checks',
  'reconfirmations',
  'coverage',
  'register',
  'drills',
];

async function runJob(deps: Deps, job: ScheduledJob, signal: AbortSignal): Promise<unknown> {
  switch (job) {
    case 'dispatch':
      return drainDeliveries(
        deps,
        dispatchOptions(deps, { maxDeliveries: deps.config.EDGE_DISPATCH_MAX_DELIVERIES, signal }),
      );
    case 'escalate': {
      const escalated = (await escalateUnacknowledged(deps)).map((r) => ({
        advisory: r.reference,
        councils: r.councils.length,
      }));
      // Texts the SMS provider took long ago and never reported on (bounded per run).
      const texts = await followUpSms(deps, { limit: 25 });
      return { escalated, texts };
    }
    case 'checks':
      return runScheduledWork(deps, 'checks', signal);
    case 'reconfirmations':
      return runScheduledWork(deps, 'reconfirmations', signal);
    case 'coverage':
      return snapshotCoverage(deps);
    case 'register':
      return syncRegisterIfEmpty(deps, { signal });
    case 'drills':
      return runDrills(deps, { signal });
  }
}

/** Whether a job stopped at its per-invocation limit with work left (see worker-budget.ts). */
export function hasMore(deps: Deps, job: ScheduledJob, result: unknown): boolean {
  switch (job) {
    case 'dispatch':
      return (result as { claimed: number }).claimed >= deps.config.EDGE_DISPATCH_MAX_DELIVERIES;
    case 'checks':
      return ((result as ScheduledOutcome).checks?.length ?? 0) >= deps.config.CHECKS_PER_RUN;
    case 'reconfirmations':
      return ((result as ScheduledOutcome).reconfirmations?.more ?? 0) > 0;
    case 'drills':
      return (result as { more: boolean }).more;
    default:
      return false;
  }
}

/** Hands a job that stopped at its limit on to the next invocation, through the queue (at once). */
async function continueJob(runtime: WorkerRuntime, job: ScheduledJob, result: unknown) {
  if (!continuedJobs.includes(job as ContinuedJob) || !hasMore(runtime.deps, job, result)) return;
  runtime.deps.log.info('scheduled job continues in the next invocation', { job });
  await runtime.queue?.send({ job: job as ContinuedJob }, { contentType: 'json' });
}

/**
 * Runs the jobs of one cron trigger side by side, each on its own (one failing does not stop the others),
 * and throws afterwards if any failed, so the trigger shows as failed. An unknown cron (a local test trigger)
 * runs every job.
 */
export async function runScheduled(
  runtime: WorkerRuntime,
  cron: string,
): Promise<Record<string, { ok: boolean; result?: unknown; error?: string }>> {
  const { deps } = runtime;
  const jobs = cronJobs[cron] ?? allJobs;
  if (!cronJobs[cron]) deps.log.warn('unknown cron: running every scheduled job', { cron });
  const signal = AbortSignal.timeout(deps.config.EDGE_DISPATCH_SECONDS * 1000);
  const settled = await Promise.allSettled(jobs.map((job) => runJob(deps, job, signal)));
  const outcome: Record<string, { ok: boolean; result?: unknown; error?: string }> = {};
  const failures: unknown[] = [];
  const continuing: Promise<unknown>[] = [];
  settled.forEach((s, i) => {
    const job = jobs[i]!;
    if (s.status === 'fulfilled') {
      outcome[job] = { ok: true, result: s.value };
      continuing.push(continueJob(runtime, job, s.value));
    } else {
      failures.push(s.reason);
      outcome[job] = { ok: false, error: (s.reason as Error)?.message ?? String(s.reason) };
      deps.log.error('scheduled job failed', { cron, job, err: s.reason });
    }
  });
  for (const c of await Promise.allSettled(continuing)) if (c.status === 'rejected') failures.push(c.reason);
  deps.log.info('scheduled jobs done', {
    cron,
    jobs: Object.fromEntries(Object.entries(outcome).map(([job, o]) => [job, o.ok])),
  });
  if (failures.length) throw new AggregateError(failures, `scheduled jobs failed: ${cron}`);
  return outcome;
}

// ---------- the handlers ----------

/**
 * Runs one cron, queue or e-mail invocation on a runtime of its own whose D1 binding, fetch and queue
 * count what it spends (worker-budget.ts), and logs the usage when it ends, failed or not.
 */
async function metered<T>(
  env: WorkerEnv,
  handler: string,
  detail: Record<string, unknown>,
  work: (runtime: WorkerRuntime) => Promise<T>,
): Promise<T> {
  const meter = invocationMeter(handler);
  const runtime = buildWorkerRuntime(env, { meter });
  try {
    return await work(runtime);
  } finally {
    reportUsage(meter, runtime.deps.log, detail);
  }
}

/** The names of the settings a configuration error names (never their values). */
export function settingsNamed(err: unknown): string[] {
  const message = (err as Error)?.message ?? '';
  return [...new Set([...message.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!))];
}

/**
 * The answer while the configuration is wrong (the service cannot start): liveness still says the Worker
 * runs, readiness says which settings to fix (names only), and everything else is a clear 503. The whole
 * error goes to the log, never to the client.
 */
function notConfigured(request: Request, err: unknown): Response {
  const settings = settingsNamed(err);
  console.error(
    JSON.stringify({ level: 'error', msg: 'worker start-up failed', err: (err as Error)?.message, settings }),
  );
  const path = new URL(request.url).pathname;
  if (path === '/healthz') return Response.json({ status: 'ok' });
  const detail = settings.length
    ? `The service is not configured correctly: check ${settings.join(', ')}.`
    : 'The service is not configured correctly: see the Worker log.';
  if (path === '/readyz') return Response.json({ status: 'unavailable', detail, settings }, { status: 503 });
  return Response.json(
    { type: 'about:blank', title: 'Service unavailable', status: 503, detail },
    { status: 503, headers: { 'content-type': 'application/problem+json', 'retry-after': '60' } },
  );
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let app: App;
    try {
      const entry = runtimeFor(env);
      await entry.keyCheck;
      app = entry.app;
    } catch (err) {
      return notConfigured(request, err);
    }
    return app.fetch(request, env, ctx);
  },

  /**
   * Cloudflare Email Routing delivers mail for bounces+…@MAIL_DOMAIN here (a route or the catch-all to this
   * Worker). A signed VERP address's delivery report is recorded as POST /api/v1/inbound/bounces records
   * it; any other address is rejected (the sending MTA gets a 5xx), and what is not a delivery report is
   * dropped. A failure of ours (the database) throws, so the message is not accepted and is tried again.
   */
  async email(message: IncomingEmail, env: WorkerEnv, _ctx: ExecutionContext): Promise<void> {
    await metered(env, 'email', {}, async ({ deps }) => {
      if (message.rawSize > deps.config.INBOUND_LIMIT_BYTES) {
        await message.setReject('Message too large');
        return;
      }
      const raw = await new Response(message.raw).text();
      const result = await receiveInboundMail(deps, 'email-routing', message.to, raw);
      if (result.kind === 'refused') await message.setReject(result.reason);
    });
  },

  async scheduled(controller: ScheduledController, env: WorkerEnv, _ctx: ExecutionContext): Promise<void> {
    await metered(env, 'scheduled', { cron: controller.cron }, (runtime) =>
      runScheduled(runtime, controller.cron),
    );
  },

  async queue(batch: QueueBatch, env: WorkerEnv, _ctx: ExecutionContext): Promise<void> {
    await metered<unknown>(
      env,
      'queue',
      { queue: batch.queue, messages: batch.messages.length },
      (runtime) =>
        isDeadLetterQueue(batch.queue)
          ? consumeDeadLetters(runtime, batch)
          : consumeDispatchBatch(runtime, batch),
    );
  },
};
