// One engine run (a child process of fanout.ts): opens the run's fresh database file as the service does
// (WAL), releases the advisory through the real verbs (a second admin's approval creates the delivery rows
// with the real INSERT … SELECT), then times drainDeliveries until every delivery is delivered.
import { migrateDatabase, openLibsqlDatabase } from '../src/adapters/db-libsql.js';
import { nodeMailer } from '../src/adapters/mailer-node.js';
import { memoryResolver } from '../src/adapters/resolver-memory.js';
import { memorySms } from '../src/adapters/sms-memory.js';
import { parseConfig } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { dispatchOptions, drainDeliveries } from '../src/features/advisories/dispatch.js';
import { approveAdvisory, releaseAdvisory } from '../src/features/advisories/release.js';
import { systemClock } from '../src/ports/clock.js';
import { jsonLogger } from '../src/ports/logger.js';
import type { Mailer } from '../src/ports/mailer.js';
import { cryptoRandom } from '../src/ports/random.js';
import { childInput, runChildMain } from './lib/child.js';
import { approver, author, type BenchDkim, benchEnv } from './lib/fanout-fixture.js';
import { countClientCalls, instrumentLibsql, instrumentMailer, type OpCounter } from './lib/instrument.js';
import { kernelPeakRss, sampleRss } from './lib/memory.js';
import { now, processMeter } from './lib/timing.js';

export interface EngineInput {
  databaseUrl: string;
  smtpUrl: string;
  connections: number;
  advisoryId: string;
  expected: number;
  /** Replace SMTP by a mailer that accepts every message at once: the engine's own cost, alone. */
  instant?: boolean;
  /** Sign every message with DKIM (the service's own signer). */
  dkim?: BenchDkim;
  /** OPENPGP_PRIVATE_KEY: sign every advisory copy with OpenPGP (PGP/MIME), as the service does. */
  openpgpKey?: string;
  /**
   * Time every SQL statement (for the breakdown). Off in the runs measured against the baseline: timing
   * costs the engine ~40 µs a message that the baseline does not pay. On by default with `instant`.
   */
  instrument?: boolean;
}

/** Accepts every message at once, as an SMTP server would reply 250, without building or sending it. */
const instantMailer: Mailer = {
  async send(message) {
    return { status: 'delivered', messageId: message.messageId, reply: '250 2.0.0 Ok: queued', code: 250 };
  },
  async close() {},
};

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

runChildMain(async () => {
  const input = childInput<EngineInput>();
  const config = parseConfig({
    ...benchEnv(input.databaseUrl, input.smtpUrl, input.connections, input.dkim),
    ...(input.openpgpKey ? { OPENPGP_PRIVATE_KEY: input.openpgpKey } : {}),
  });
  const log = jsonLogger(config.LOG_LEVEL, (line) => process.stderr.write(`${line}\n`));
  const instrumented = input.instrument ?? input.instant ?? false;
  const sql = instrumented ? await instrumentLibsql() : { ops: new Map<string, OpCounter>(), reset() {} };
  const database = await openLibsqlDatabase(config.DATABASE_URL);
  await migrateDatabase(database.db);
  if (instrumented) countClientCalls(database.client, sql.ops);
  const { mailer, counter: mail } = instrumentMailer(input.instant ? instantMailer : nodeMailer(config, log));
  const deps: Deps = {
    config,
    db: database.db,
    clock: systemClock(),
    log,
    random: cryptoRandom(),
    mailer,
    sms: memorySms(),
    fetch: globalThis.fetch.bind(globalThis),
    resolver: memoryResolver(), // the fan-out does no DNS
  };

  // Release: the author releases (it reaches many WARPs, so it waits for approval); a second admin approves.
  const t0 = now();
  const released = await releaseAdvisory(deps, { principal: author }, input.advisoryId);
  if (released.state !== 'awaiting-approval') throw new Error(`released into ${released.state}`);
  const t1 = now();
  const approved = await approveAdvisory(deps, { principal: approver }, input.advisoryId);
  const t2 = now();
  if (approved.deliveries !== input.expected)
    throw new Error(`approval created ${approved.deliveries} deliveries, expected ${input.expected}`);
  sql.reset();

  const rss = sampleRss(50);
  const meter = processMeter();
  const options = dispatchOptions(deps);
  const fromUs = monotonicUs();
  const stats = await drainDeliveries(deps, options);
  const toUs = monotonicUs();
  const measured = meter.stop();
  const memory = rss.stop();

  const [left] = (
    await database.client.execute({
      sql: `select count(*) as n from deliveries where advisory_id = ? and status <> 'delivered'`,
      args: [input.advisoryId],
    })
  ).rows;
  const state = (
    await database.client.execute({
      sql: 'select state from advisories where id = ?',
      args: [input.advisoryId],
    })
  ).rows[0]?.state;
  await deps.mailer.close();
  database.close();
  return {
    kind: 'engine',
    stats,
    notDelivered: Number(left?.n ?? -1),
    advisoryState: String(state),
    releaseMs: t1 - t0,
    approveMs: t2 - t1,
    drain: measured,
    /** The drain on the CPU profile's clock (both are CLOCK_MONOTONIC, in µs). */
    drainWindowUs: { fromUs, toUs },
    options: { concurrency: options.concurrency, batchSize: options.batchSize },
    rssPeakSampled: memory.peak,
    rssAtStart: memory.start,
    memoryAtPeak: memory.atPeak,
    rssPeakKernel: kernelPeakRss(),
    sql: Object.fromEntries(sql.ops),
    mail,
  };
});
