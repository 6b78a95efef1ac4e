// The fan-out part of `npm run bench`: the engine (release → drainDeliveries → the SMTP pool) against a bare
// nodemailer pool sending the same messages, both to the same SMTP sink, each in a process of its own.
//
//   parent (this file)      seeds a template database once, renders the sample message, runs the children
//   lib/sink-server.ts      the SMTP sink (counts messages and bytes, discards bodies)
//   fanout-engine.ts        one engine run on a fresh copy of the database
//   fanout-baseline.ts      one bare-pool run
//
// Runs alternate engine, baseline, engine, baseline … (so slow phases of a shared machine hit both) and the
// best run of each side counts. messages/s = messages the sink accepted / the sender's wall time.
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import { migrateDatabase, openLibsqlDatabase } from '../src/adapters/db-libsql.js';
import { memoryMailer } from '../src/adapters/mailer-memory.js';
import { memoryResolver } from '../src/adapters/resolver-memory.js';
import { memorySms } from '../src/adapters/sms-memory.js';
import { parseConfig } from '../src/config.js';
import { advisories } from '../src/db/schema.js';
import type { Deps } from '../src/deps.js';
import { HEAP_GROWING_PERCENT } from '../src/entry/node-heap.js';
import { createAdvisory } from '../src/features/advisories/create-advisory.js';
import { prepareAdvisoryMessages } from '../src/features/advisories/message.js';
import { AdvisoryInput } from '../src/features/advisories/schemas.js';
import { systemClock } from '../src/ports/clock.js';
import { jsonLogger } from '../src/ports/logger.js';
import type { OutgoingMessage } from '../src/ports/mailer.js';
import { cryptoRandom } from '../src/ports/random.js';
import type { BaselineInput } from './fanout-baseline.js';
import type { EngineInput } from './fanout-engine.js';
import { startChild } from './lib/child.js';
import { type ProfileSummary, summariseProfile } from './lib/cpu-profile.js';
import { advisoryInput, author, type BenchDkim, benchEnv, seedRegister } from './lib/fanout-fixture.js';
import type { MailerCounter, OpCounter } from './lib/instrument.js';
import { toMB } from './lib/memory.js';
import type { PartSummary } from './lib/part.js';
import { type SinkCounts, type SinkHandle, startSinkProcess } from './lib/sink.js';
import { fmt, now, type ProcessMeasure, table } from './lib/timing.js';

export interface FanoutOptions {
  messages: number;
  connections: number;
  runs: number;
  /** Runs of the engine with an instant mailer (no SMTP): the engine's own CPU cost per message. */
  aloneRuns: number;
  /** Sends the baseline keeps queued ahead of its pool. */
  baselineInFlight: number;
  /** One extra run of each side under --cpu-prof, compared. */
  profile: boolean;
  /** Where the .cpuprofile files go (kept); a temporary folder, removed afterwards, when absent. */
  profileDir?: string;
  /** Pairs with DKIM on both sides too. */
  dkim: boolean;
  /** One engine run to this many recipients, for its peak RSS (0: none). */
  bigMessages: number;
  /** The engine signs every advisory with OpenPGP (PGP/MIME, a fresh Ed25519 key); the baseline does not. */
  pgp?: boolean;
}

export const defaultFanoutOptions: FanoutOptions = {
  messages: 10_000,
  connections: 10,
  runs: 4,
  aloneRuns: 3,
  baselineInFlight: 40,
  profile: false,
  dkim: true,
  bigMessages: 100_000,
};

/** The median (the mean of the middle two of an even count). */
function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A fresh OpenPGP key for `--pgp` (the engine signs each advisory copy with it, as the service does). */
async function benchOpenPgpKey(): Promise<string> {
  const { generateKey } = await import('openpgp');
  const { privateKey } = await generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'NCSC advisories', email: 'advisories@cyber-contacts.bench.example' }],
    format: 'armored',
  });
  return privateKey;
}

/** A fresh RSA-2048 key for the DKIM pairs (a selector that is never published: the sink does not verify). */
function benchDkim(): BenchDkim {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    domain: 'cyber-contacts.bench.example',
    selector: 'bench',
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * One engine run to `bigMessages` recipients (a database of its own), to the same sink: the engine claims,
 * sends and records in batches, so its memory must not grow with the audience.
 */
async function bigRun(dir: string, sink: SinkHandle, options: FanoutOptions) {
  const bigDir = join(dir, 'big');
  mkdirSync(bigDir);
  const t0 = now();
  const prep = await prepare(bigDir, options.bigMessages);
  console.log(
    `  ${options.bigMessages} mailboxes: seeded ${prep.councils} councils in ${fmt.s((now() - t0) / 1)} s; one engine run:`,
  );
  await sink.reset();
  const input: EngineInput = {
    databaseUrl: `file:${prep.templatePath}`,
    smtpUrl: sink.url,
    connections: options.connections,
    advisoryId: prep.advisoryId,
    expected: options.bigMessages,
  };
  const child = startChild('fanout-engine.ts', input, { timeoutMs: 900_000, execArgv: serviceHeap });
  const r = await child.next<EngineResult>('result');
  await child.exited;
  const counts = await sink.snapshot();
  if (counts.messages !== options.bigMessages || r.notDelivered !== 0 || r.advisoryState !== 'sent')
    throw new Error(`big run: the sink accepted ${counts.messages}, ${r.notDelivered} not delivered`);
  const run = {
    n: 1,
    result: r,
    sink: counts,
    rate: counts.messages / (r.drain.wallMs / 1000),
    peakRss: peakOf(r),
  };
  const m = r.memoryAtPeak;
  console.log(
    runLine(
      'engine',
      run,
      `  (rows created in ${fmt.s(r.approveMs)} s; at the peak: JS heap ${toMB(m.heapUsed)} of ${toMB(m.heapTotal)} MB, buffers ${toMB(m.external)} MB)`,
    ),
  );
  return run;
}

interface ChildCommon {
  drain: ProcessMeasure;
  rssPeakSampled: number;
  rssAtStart: number;
  rssPeakKernel: number | null;
}

interface EngineResult extends ChildCommon {
  kind: 'engine';
  memoryAtPeak: { heapUsed: number; heapTotal: number; external: number };
  stats: { claimed: number; delivered: number; retrying: number; failed: number };
  notDelivered: number;
  advisoryState: string;
  releaseMs: number;
  approveMs: number;
  drainWindowUs: { fromUs: number; toUs: number };
  options: { concurrency: number; batchSize: number };
  sql: Record<string, OpCounter>;
  mail: MailerCounter;
}

interface BaselineResult extends ChildCommon {
  kind: 'baseline';
  sendWindowUs: { fromUs: number; toUs: number };
  delivered: number;
  failed: number;
}

interface Run<R> {
  n: number;
  result: R;
  sink: SinkCounts;
  rate: number;
  peakRss: number;
}

/** The engine runs with the service's heap policy, set before its modules load as `npm start` does. */
const serviceHeap = [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`];

const TEMPLATE_ID = 'f'.repeat(26); // the shape of a delivery id: lower(hex(randomblob(13)))

async function prepare(dir: string, messages: number) {
  const url = pathToFileURL(join(dir, 'template.db')).href.replace('file://', 'file:');
  const database = await openLibsqlDatabase(url);
  await migrateDatabase(database.db);
  const config = parseConfig(benchEnv(url, 'smtp://127.0.0.1:25', 10));
  const deps: Deps = {
    config,
    db: database.db,
    clock: systemClock(),
    log: jsonLogger('warn', (line) => process.stderr.write(`${line}\n`)),
    random: cryptoRandom(),
    mailer: memoryMailer(),
    sms: memorySms(),
    fetch: globalThis.fetch.bind(globalThis),
    resolver: memoryResolver(), // the fan-out does no DNS
  };
  const t0 = now();
  const { councils } = await seedRegister(database.db, messages);
  const draft = await createAdvisory(deps, { principal: author }, AdvisoryInput.parse(advisoryInput));
  const seedMs = now() - t0;

  // The message the engine would send to one mailbox, rendered by the engine's own builder.
  const row = await database.db.query.advisories.findFirst({ where: eq(advisories.id, draft.id) });
  const build = await prepareAdvisoryMessages(deps, row!);
  const sample: OutgoingMessage = await build({
    id: TEMPLATE_ID,
    mailboxId: 'mbx-B00000-0',
    address: 'primary-security@b00000.gov.uk',
    mailboxKind: 'primary',
    authorityName: 'Bench Borough Council 00000',
  });
  await database.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  database.close();
  return { templatePath: join(dir, 'template.db'), advisoryId: draft.id, councils, seedMs, sample, config };
}

function peakOf(r: ChildCommon) {
  return Math.max(r.rssPeakKernel ?? 0, r.rssPeakSampled);
}

/** The main thread's part of the CPU time, when it could be read. */
function mainShare(m: ProcessMeasure) {
  return m.mainThreadCpuMs === null ? '' : `, main thread ${fmt.pct(m.mainThreadCpuMs / m.cpuMs)}`;
}

function runLine(side: string, run: Run<EngineResult | BaselineResult>, extra = '') {
  const r = run.result;
  const sinkCpu = run.sink.cpuMs / r.drain.wallMs;
  return (
    `  ${side.padEnd(8)} run ${run.n}  ${run.sink.messages} msgs  ${fmt.s(r.drain.wallMs)} s  ` +
    `${fmt.int(run.rate).padStart(5)} msg/s  peak RSS ${toMB(run.peakRss)} MB (${toMB(r.rssAtStart)} when sending began)  ` +
    `cpu ${fmt.pct(r.drain.cpuShare)} (${(r.drain.cpuMs / run.sink.messages).toFixed(2)} ms/msg${mainShare(r.drain)})  event loop busy ${fmt.pct(r.drain.eventLoopUtilization)}  ` +
    `sink cpu ${fmt.pct(sinkCpu)}  conns ${run.sink.connections}/${run.sink.maxOpen} max open${extra}`
  );
}

function best<R>(runs: Run<R>[]): Run<R> {
  return runs.reduce((a, b) => (b.rate > a.rate ? b : a));
}

function printBreakdown(title: string, r: EngineResult, poolConnections: number | null) {
  const wall = r.drain.wallMs;
  console.log(`\n  where the engine's time goes (${title}, drain ${fmt.s(wall)} s wall):`);
  const rows = [['', 'calls', 'statements', 'thread held ms', 'of which CPU', 'share of wall']];
  const sql = Object.entries(r.sql).sort((a, b) => b[1].syncMs - a[1].syncMs);
  let dbMs = 0;
  let dbCpu = 0;
  for (const [name, c] of sql) {
    dbMs += c.syncMs;
    dbCpu += c.cpuMs;
    rows.push([
      `db: ${name}`,
      String(c.calls),
      String(c.statements),
      c.syncMs.toFixed(0),
      c.cpuMs.toFixed(0),
      fmt.pct(c.syncMs / wall),
    ]);
  }
  if (sql.length)
    rows.push(['db: all statements', '', '', dbMs.toFixed(0), dbCpu.toFixed(0), fmt.pct(dbMs / wall)]);
  else
    rows.push(['db: not timed in this run (timing costs the engine ~40 µs a message)', '', '', '', '', '']);
  rows.push([
    'mailer.send (synchronous part)',
    String(r.mail.sends),
    '',
    r.mail.syncMs.toFixed(0),
    '',
    fmt.pct(r.mail.syncMs / wall),
  ]);
  console.log(indent(table(rows)));
  const meanSend = r.mail.inFlightMs / Math.max(1, r.mail.sends);
  const pool = poolConnections === null ? '' : `, pool ${poolConnections} connections`;
  console.log(
    `    sends in flight: at most ${r.mail.maxInFlight} (concurrency ${r.options.concurrency}${pool}); ` +
      `mean send ${meanSend.toFixed(1)} ms; process CPU ${fmt.s(r.drain.cpuMs)} s = ${fmt.pct(r.drain.cpuShare)} of a core, ` +
      `event loop busy ${fmt.pct(r.drain.eventLoopUtilization)}`,
  );
}

/** Runs one child under --cpu-prof and summarises its main thread's profile over the timed window. */
async function profiledRun<R extends ChildCommon>(
  profDir: string,
  sink: SinkHandle | null,
  script: string,
  input: unknown,
  expected: number,
  window: (r: R) => { fromUs: number; toUs: number } | undefined,
) {
  mkdirSync(profDir, { recursive: true });
  const before = new Set(readdirSync(profDir));
  await sink?.reset();
  const child = startChild(script, input, {
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500'],
    timeoutMs: 180_000,
  });
  const result = await child.next<R>('result');
  await child.exited;
  if (sink) {
    const counts = await sink.snapshot();
    if (counts.messages !== expected) throw new Error(`profiled ${script}: the sink got ${counts.messages}`);
  }
  // The main thread's profile (tsx's module loader thread writes one of its own, thread id ≥ 1).
  const file = readdirSync(profDir).find((f) => /\.0\.\d+\.cpuprofile$/.test(f) && !before.has(f));
  if (!file) throw new Error('no CPU profile was written');
  return {
    result,
    file,
    summary: summariseProfile(join(profDir, file), window(result)),
  };
}

function indent(text: string) {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

async function profileBoth(
  profDir: string,
  sink: SinkHandle,
  engineInput: EngineInput,
  baselineInput: BaselineInput,
) {
  const n = engineInput.expected;
  const e = await profiledRun<EngineResult>(
    profDir,
    sink,
    'fanout-engine.ts',
    engineInput,
    n,
    (r) => r.drainWindowUs,
  );
  const b = await profiledRun<BaselineResult>(
    profDir,
    sink,
    'fanout-baseline.ts',
    baselineInput,
    n,
    (r) => r.sendWindowUs,
  );
  // The profiler's clock is wall time: on a busy machine a descheduled process still collects samples. Each
  // profile's busy samples are therefore scaled to the CPU time the process really used while sending.
  const scaleE = e.result.drain.cpuMs / busyMs(e.summary);
  const scaleB = b.result.drain.cpuMs / busyMs(b.summary);
  console.log(
    `\n  CPU profiles while sending (engine ${fmt.s(e.result.drain.wallMs)} s, baseline ${fmt.s(b.result.drain.wallMs)} s under ` +
      `the profiler), self time scaled to each process's CPU time, µs per message:`,
  );
  const perMsg = (ms: number) => ((ms * 1000) / n).toFixed(0);
  const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${perMsg(ms)}`;
  const areas = new Set([...e.summary.areas.map((a) => a.area), ...b.summary.areas.map((a) => a.area)]);
  const rows = [['area', 'engine', 'baseline', 'difference']];
  for (const area of areas) {
    if (area.startsWith('idle')) continue;
    const me = (e.summary.areas.find((a) => a.area === area)?.ms ?? 0) * scaleE;
    const mb = (b.summary.areas.find((a) => a.area === area)?.ms ?? 0) * scaleB;
    rows.push([area, perMsg(me), perMsg(mb), signed(me - mb)]);
  }
  const ce = e.result.drain.cpuMs;
  const cb = b.result.drain.cpuMs;
  rows.push(['CPU in all', perMsg(ce), perMsg(cb), signed(ce - cb)]);
  console.log(indent(table(rows)));

  // Functions by how much more the engine spends in them than the bare pool does.
  const key = (f: { name: string; where: string }) => `${f.name} ${f.where}`;
  const base = new Map(b.summary.functions.map((f) => [key(f), f.ms * scaleB]));
  const diffs = e.summary.functions
    .filter((f) => f.name !== '(idle)')
    .map((f) => ({ f, me: f.ms * scaleE, mb: base.get(key(f)) ?? 0 }))
    .sort((x, y) => y.me - y.mb - (x.me - x.mb))
    .slice(0, 18);
  console.log('  functions the engine spends more in than the bare pool (self time, µs per message):');
  console.log(
    indent(
      table([
        ['function', 'where', 'engine', 'baseline', 'difference'],
        ...diffs.map(({ f, me, mb }) => [f.name, f.where, perMsg(me), perMsg(mb), signed(me - mb)]),
      ]),
    ),
  );
}

/** Profiles the engine with the instant mailer: its own cost, by function. */
async function profileAlone(profDir: string, input: EngineInput) {
  const n = input.expected;
  const e = await profiledRun<EngineResult>(
    profDir,
    null,
    'fanout-engine.ts',
    input,
    n,
    (r) => r.drainWindowUs,
  );
  const scale = e.result.drain.cpuMs / busyMs(e.summary);
  const perMsg = (ms: number) => ((ms * scale * 1000) / n).toFixed(1);
  console.log(
    `\n  CPU profile of the engine alone (instant mailer; ${fmt.s(e.result.drain.wallMs)} s under the profiler), ` +
      'self time scaled to CPU time, µs per message:',
  );
  const areas = e.summary.areas.filter((a) => !a.area.startsWith('idle'));
  console.log(indent(table([['area', 'µs/msg'], ...areas.map((a) => [a.area, perMsg(a.ms)])])));
  console.log('  top functions:');
  const top = e.summary.functions.filter((f) => f.name !== '(idle)').slice(0, 15);
  console.log(
    indent(table([['function', 'where', 'µs/msg'], ...top.map((f) => [f.name, f.where, perMsg(f.ms)])])),
  );
}

function busyMs(summary: ProfileSummary) {
  return summary.areas.filter((a) => !a.area.startsWith('idle')).reduce((t, a) => t + a.ms, 0);
}

export async function runFanout(options: FanoutOptions): Promise<PartSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'cyber-contacts-bench-'));
  let sink: SinkHandle | null = null;
  try {
    // The engine's signing key (OPENPGP_PRIVATE_KEY), when asked: Ed25519, user ID at the bench's mail domain.
    const openpgpKey = options.pgp ? await benchOpenPgpKey() : undefined;
    console.log(
      `fanout: ${options.messages} confirmed mailboxes, one advisory, pool of ${options.connections} SMTP connections, ` +
        `${options.runs} runs per side`,
    );
    const prep = await prepare(dir, options.messages);
    console.log(
      `  seeded ${prep.councils} councils / ${options.messages} mailboxes and the draft in ${fmt.s(prep.seedMs)} s ` +
        `(template database ${prep.templatePath})`,
    );
    sink = await startSinkProcess();

    const engineInput = (n: number | string): EngineInput => {
      const path = join(dir, `run-${n}.db`);
      copyFileSync(prep.templatePath, path);
      return {
        databaseUrl: `file:${path}`,
        smtpUrl: sink!.url,
        connections: options.connections,
        advisoryId: prep.advisoryId,
        expected: options.messages,
        ...(openpgpKey ? { openpgpKey } : {}),
      };
    };
    const dropDb = (n: number | string) => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `run-${n}.db${suffix}`), { force: true });
    };

    const baselineInput: BaselineInput = {
      smtpUrl: sink.url,
      connections: options.connections,
      messages: options.messages,
      inFlight: options.baselineInFlight,
      sample: prep.sample,
      templateId: TEMPLATE_ID,
      mailFrom: prep.config.MAIL_FROM,
    };

    const engineRun = async (n: number | string, dkim?: BenchDkim): Promise<Run<EngineResult>> => {
      await sink!.reset();
      const engine = startChild(
        'fanout-engine.ts',
        { ...engineInput(n), dkim },
        {
          timeoutMs: 300_000,
          execArgv: serviceHeap,
        },
      );
      const e = await engine.next<EngineResult>('result');
      await engine.exited;
      const eSink = await sink!.snapshot();
      dropDb(n);
      if (eSink.messages !== options.messages || e.notDelivered !== 0 || e.advisoryState !== 'sent')
        throw new Error(
          `engine run ${n}: the sink accepted ${eSink.messages} messages, ${e.notDelivered} deliveries not delivered, advisory ${e.advisoryState}`,
        );
      const run = {
        n: Number(String(n).replace(/\D/g, '')),
        result: e,
        sink: eSink,
        rate: 0,
        peakRss: peakOf(e),
      };
      run.rate = eSink.messages / (e.drain.wallMs / 1000);
      console.log(
        runLine(
          'engine',
          run,
          `  (release ${fmt.s(e.releaseMs)} s, rows created in ${fmt.s(e.approveMs)} s)`,
        ),
      );
      return run;
    };
    const baselineRun = async (n: number, dkim?: BenchDkim): Promise<Run<BaselineResult>> => {
      await sink!.reset();
      const baseline = startChild('fanout-baseline.ts', { ...baselineInput, dkim }, { timeoutMs: 300_000 });
      const b = await baseline.next<BaselineResult>('result');
      await baseline.exited;
      const bSink = await sink!.snapshot();
      if (bSink.messages !== options.messages || b.failed)
        throw new Error(
          `baseline run ${n}: the sink accepted ${bSink.messages} messages, ${b.failed} sends failed`,
        );
      const run = {
        n,
        result: b,
        sink: bSink,
        rate: bSink.messages / (b.drain.wallMs / 1000),
        peakRss: peakOf(b),
      };
      console.log(runLine('baseline', run));
      return run;
    };
    /**
     * Pairs of runs, the engine and the bare pool sending the same messages over the same connections,
     * interleaved (engine first in odd pairs, the pool first in even ones, so a slow spell of the shared
     * machine or a warming disk cache favours neither): the ratio of each pair, and their median.
     */
    const pairedRuns = async (dkim?: BenchDkim) => {
      const engines: Run<EngineResult>[] = [];
      const baselines: Run<BaselineResult>[] = [];
      for (let n = 1; n <= options.runs; n++) {
        const tag = dkim ? `dkim-${n}` : n;
        if (n % 2) {
          engines.push(await engineRun(tag, dkim));
          baselines.push(await baselineRun(n, dkim));
        } else {
          baselines.push(await baselineRun(n, dkim));
          engines.push(await engineRun(tag, dkim));
        }
      }
      const ratios = engines.map((e, i) => e.rate / baselines[i]!.rate);
      return { engines, baselines, ratios, median: median(ratios) };
    };

    const plain = options.runs > 0 ? await pairedRuns() : null;
    const engineRuns = plain?.engines ?? [];
    const baselineRuns = plain?.baselines ?? [];
    let signed: Awaited<ReturnType<typeof pairedRuns>> | null = null;
    if (options.runs > 0 && options.dkim) {
      console.log('  the same with DKIM on both sides (RSA-2048, relaxed/relaxed):');
      signed = await pairedRuns(benchDkim());
    }

    // The engine alone: the same release and drain with a mailer that accepts everything at once.
    const aloneRuns: EngineResult[] = [];
    for (let n = 1; n <= options.aloneRuns; n++) {
      const child = startChild(
        'fanout-engine.ts',
        { ...engineInput(`alone-${n}`), instant: true },
        { timeoutMs: 120_000 },
      );
      const r = await child.next<EngineResult>('result');
      await child.exited;
      dropDb(`alone-${n}`);
      if (r.stats.delivered !== options.messages || r.notDelivered !== 0 || r.advisoryState !== 'sent')
        throw new Error(`engine alone run ${n}: ${r.stats.delivered} delivered, ${r.notDelivered} left`);
      aloneRuns.push(r);
      console.log(
        `  engine alone (instant mailer, no SMTP) run ${n}  ${r.stats.delivered} msgs  ${fmt.s(r.drain.wallMs)} s  ` +
          `${fmt.int(r.stats.delivered / (r.drain.wallMs / 1000)).padStart(5)} msg/s  ` +
          `cpu ${fmt.pct(r.drain.cpuShare)} (${((r.drain.cpuMs * 1000) / r.stats.delivered).toFixed(0)} µs/msg)`,
      );
    }
    const alone = aloneRuns.length
      ? aloneRuns.reduce((x, y) => (y.drain.cpuMs < x.drain.cpuMs ? y : x))
      : null;

    if (!engineRuns.length || !baselineRuns.length) {
      // --runs 0: only the engine alone (a quick check of the engine's own cost).
      if (alone) printBreakdown('engine alone, instant mailer', alone, null);
      if (options.profile) {
        await profileAlone(options.profileDir ? resolve(options.profileDir) : join(dir, 'profiles'), {
          ...engineInput('profile-alone'),
          instant: true,
        });
        dropDb('profile-alone');
      }
      const us = alone ? ((alone.drain.cpuMs * 1000) / options.messages).toFixed(0) : '-';
      console.log(`fanout engine alone  ${us} µs CPU/msg`);
      return {
        part: 'fanout',
        ok: true,
        rows: [{ figure: 'engine alone, CPU per message', value: `${us} µs` }],
      };
    }
    const e = best(engineRuns);
    const b = best(baselineRuns);
    const avgBytes = e.sink.bytes / e.sink.messages;
    printBreakdown(`SMTP run ${e.n}`, e.result, e.sink.maxOpen);
    if (alone) printBreakdown('engine alone, instant mailer', alone, null);
    if (options.profile) {
      const profDir = options.profileDir ? resolve(options.profileDir) : join(dir, 'profiles');
      await profileBoth(profDir, sink, engineInput('profile'), baselineInput);
      await profileAlone(profDir, { ...engineInput('profile-alone'), instant: true });
      dropDb('profile-alone');
      if (options.profileDir) console.log(`  profiles kept in ${profDir} (open them in Chrome DevTools)`);
      dropDb('profile');
    }
    console.log('');
    console.log(
      `  average message ${(avgBytes / 1024).toFixed(1)} KB on the wire; best of ${options.runs} runs each`,
    );
    console.log(
      `fanout engine    ${e.sink.messages} msgs  ${fmt.int(e.rate)} msg/s  peak RSS ${toMB(e.peakRss)} MB  ` +
        `(rows created in ${fmt.s(e.result.approveMs)} s)`,
    );
    console.log(
      `fanout baseline  ${b.sink.messages} msgs  ${fmt.int(b.rate)} msg/s  peak RSS ${toMB(b.peakRss)} MB`,
    );
    if (alone)
      console.log(
        `fanout engine alone  ${fmt.int(options.messages / (alone.drain.wallMs / 1000))} msg/s  ` +
          `${((alone.drain.cpuMs * 1000) / options.messages).toFixed(0)} µs CPU/msg  ` +
          `(the baseline's pool needs ${((b.result.drain.cpuMs * 1000) / options.messages).toFixed(0)} µs CPU/msg)`,
      );
    // How much CPU each side needs per message (its cheapest run): unlike msg/s, this hardly depends on how
    // much of the shared machine a run happened to get.
    const cpuPerMsg = (runs: Run<ChildCommon>[]) =>
      Math.min(...runs.map((r) => r.result.drain.cpuMs / r.sink.messages));
    const cpuE = cpuPerMsg(engineRuns);
    const cpuB = cpuPerMsg(baselineRuns);
    console.log(
      `fanout cpu per message  engine ${(cpuE * 1000).toFixed(0)} µs  baseline ${(cpuB * 1000).toFixed(0)} µs  ` +
        `(baseline/engine ${(cpuB / cpuE).toFixed(2)})`,
    );
    const ratios = plain!.ratios;
    console.log(`fanout paired runs  engine/baseline ${ratios.map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`fanout ratio ${plain!.median.toFixed(2)}`);
    if (signed) {
      const dkimE = best(signed.engines);
      const dkimB = best(signed.baselines);
      console.log(
        `fanout dkim engine ${fmt.int(dkimE.rate)} msg/s  baseline ${fmt.int(dkimB.rate)} msg/s (best of each); ` +
          `paired runs ${signed.ratios.map((x) => x.toFixed(2)).join(' ')}`,
      );
      console.log(`fanout ratio dkim ${signed.median.toFixed(2)}`);
    }
    const big = options.bigMessages > 0 ? await bigRun(dir, sink, options) : null;
    if (big) console.log(`fanout 100k peak RSS ${toMB(big.peakRss)}`);
    return {
      part: 'fanout',
      ok:
        plain!.median >= 1.3 &&
        (!signed || signed.median >= 1.1) &&
        (!big || big.peakRss < 200 * 1024 * 1024),
      rows: [
        { figure: 'engine msg/s (best)', value: fmt.int(e.rate) },
        { figure: 'baseline msg/s (best)', value: fmt.int(b.rate) },
        { figure: 'ratio, median of pairs (goal ≥ 1.3)', value: plain!.median.toFixed(2) },
        ...(signed
          ? [{ figure: 'ratio with DKIM, median of pairs (goal ≥ 1.1)', value: signed.median.toFixed(2) }]
          : []),
        ...(big
          ? [
              {
                figure: `${options.bigMessages} recipients: peak RSS (goal < 200 MB)`,
                value: `${toMB(big.peakRss)} MB`,
              },
              { figure: `${options.bigMessages} recipients: msg/s`, value: fmt.int(big.rate) },
            ]
          : []),
        { figure: 'CPU per message, baseline/engine', value: (cpuB / cpuE).toFixed(2) },
        ...(alone
          ? [
              {
                figure: 'engine alone, CPU per message',
                value: `${((alone.drain.cpuMs * 1000) / options.messages).toFixed(0)} µs`,
              },
            ]
          : []),
        { figure: 'engine peak RSS', value: `${toMB(e.peakRss)} MB` },
        { figure: 'baseline peak RSS', value: `${toMB(b.peakRss)} MB` },
        { figure: 'delivery rows created in', value: `${fmt.s(e.result.approveMs)} s` },
      ],
    };
  } finally {
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
