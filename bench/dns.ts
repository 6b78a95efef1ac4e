// The DNS part of `npm run bench`: a sweep of the service's reachability checks over N mailbox domains
// served by a local unbound (80 % with a full mail set-up, 10 % that do not exist, 10 % whose lookups time
// out), against a bare node:dns resolver asking the same questions with the same concurrency. Each run gets
// a fresh unbound (so neither side finds the other's answers, or its knowledge of the dead server, in its
// cache); runs alternate service, bare, service, bare … and the ratio of each pair is bare time / service
// time (service throughput relative to the bare resolver's). `dns ratio <median>`; the goal is ≥ 0.8.
import { Resolver as DnsResolver } from 'node:dns/promises';
import { migrateDatabase, openLibsqlDatabase } from '../src/adapters/db-libsql.js';
import { memoryMailer } from '../src/adapters/mailer-memory.js';
import { nodeResolver } from '../src/adapters/resolver-node.js';
import { memorySms } from '../src/adapters/sms-memory.js';
import { parseConfig } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { runChecks } from '../src/features/reachability/run-checks.js';
import { systemClock } from '../src/ports/clock.js';
import { jsonLogger } from '../src/ports/logger.js';
import { cryptoRandom } from '../src/ports/random.js';
import type { Resolver } from '../src/ports/resolver.js';
import { insertCouncils } from '../test/support/fixtures.js';
import { startUnbound } from '../test/support/unbound.js';
import type { PartSummary } from './lib/part.js';
import { fmt, now } from './lib/timing.js';

export interface DnsOptions {
  domains: number;
  runs: number;
  concurrency: number;
  timeoutMs: number;
  tries: number;
}

export const defaultDnsOptions: DnsOptions = {
  domains: 400,
  runs: 3,
  concurrency: 8,
  timeoutMs: 500,
  tries: 2,
};

type Kind = 'good' | 'missing' | 'slow';
const kindOf = (i: number): Kind => (i % 10 === 3 ? 'missing' : i % 10 === 7 ? 'slow' : 'good');
const domainOf = (i: number) =>
  `d${String(i).padStart(4, '0')}.${kindOf(i) === 'slow' ? 'slow.test' : 'bench.test'}`;

function zoneRecords(n: number): string[] {
  const records: string[] = [];
  for (let i = 0; i < n; i++) {
    if (kindOf(i) !== 'good') continue;
    const d = domainOf(i);
    records.push(
      `${d}. 300 IN MX 10 mx1.${d}.`,
      `${d}. 300 IN MX 20 mx2.${d}.`,
      `mx1.${d}. 300 IN A 192.0.2.25`,
      `mx2.${d}. 300 IN A 192.0.2.26`,
      `${d}. 300 IN TXT "v=spf1 mx ip4:192.0.2.0/24 -all"`,
      `_dmarc.${d}. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@${d}"`,
      `_smtp._tls.${d}. 300 IN TXT "v=TLSRPTv1; rua=mailto:tls@${d}"`,
    );
  }
  return records;
}

interface Question {
  type: 'MX' | 'TXT' | 'A' | 'AAAA' | 'CNAME';
  name: string;
}

/** Records every question that reaches the resolver (after the run's own cache). */
function recording(resolver: Resolver, questions: Question[]): Resolver {
  const ask =
    <T>(type: Question['type'], f: (n: string) => Promise<T>) =>
    (name: string) => {
      questions.push({ type, name });
      return f(name);
    };
  return {
    resolveMx: ask('MX', (n) => resolver.resolveMx(n)),
    resolveTxt: ask('TXT', (n) => resolver.resolveTxt(n)),
    resolve4: ask('A', (n) => resolver.resolve4(n)),
    resolve6: ask('AAAA', (n) => resolver.resolve6(n)),
    resolveCname: ask('CNAME', (n) => resolver.resolveCname(n)),
  };
}

async function serviceRun(server: string, options: DnsOptions) {
  const database = await openLibsqlDatabase(':memory:');
  await migrateDatabase(database.db);
  const config = parseConfig({
    PUBLIC_BASE_URL: 'https://cyber-contacts.bench.example',
    DNS_SERVERS: server,
    DNS_TIMEOUT_MS: String(options.timeoutMs),
    DNS_TRIES: String(options.tries),
    CHECKS_CONCURRENCY: String(options.concurrency),
    LOG_LEVEL: 'error',
  });
  const questions: Question[] = [];
  const deps: Deps = {
    config,
    db: database.db,
    clock: systemClock(),
    log: jsonLogger('error', () => {}),
    random: cryptoRandom(),
    mailer: memoryMailer(),
    sms: memorySms(),
    // No web server in the bench: MTA-STS policies and security.txt answer 404 at once on both sides.
    fetch: async () => new Response('not found', { status: 404 }),
    resolver: recording(nodeResolver(config), questions),
  };
  await insertCouncils(database.db, {
    count: options.domains,
    code: (i) => `B${String(i).padStart(4, '0')}`,
    address: (i) => `cyber@${domainOf(i)}`,
  });
  const t0 = now();
  const runs = await runChecks(deps);
  const ms = now() - t0;
  database.close();
  if (runs.length !== options.domains) throw new Error(`the sweep checked ${runs.length} domains`);
  const temporary = runs.filter((r) => r.results[0]?.severity === 'temporary').length;
  return { ms, questions, temporary };
}

/** The same questions, grouped by domain, asked by a bare node:dns resolver with the same concurrency. */
async function bareRun(server: string, options: DnsOptions, questions: Question[]) {
  const dns = new DnsResolver({ timeout: options.timeoutMs, tries: options.tries });
  dns.setServers([server]);
  const domains = Array.from({ length: options.domains }, (_, i) => domainOf(i));
  const groups = new Map<string, Question[]>();
  for (const q of questions) {
    const owner = domains.find((d) => q.name === d || q.name.endsWith(`.${d}`)) ?? 'shared';
    groups.set(owner, [...(groups.get(owner) ?? []), q]);
  }
  const ask = (q: Question): Promise<unknown> =>
    q.type === 'MX'
      ? dns.resolveMx(q.name)
      : q.type === 'TXT'
        ? dns.resolveTxt(q.name)
        : q.type === 'A'
          ? dns.resolve4(q.name)
          : q.type === 'AAAA'
            ? dns.resolve6(q.name)
            : dns.resolveCname(q.name);
  const work = [...groups.values()];
  let next = 0;
  const t0 = now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < work.length) {
        const group = work[next++]!;
        await Promise.all(group.map((q) => ask(q).catch(() => undefined)));
      }
    }),
  );
  return { ms: now() - t0 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function runDns(options: DnsOptions): Promise<PartSummary> {
  console.log(
    `dns: ${options.domains} domains (80 % with a full mail set-up, 10 % that do not exist, 10 % that time out), ` +
      `concurrency ${options.concurrency}, timeout ${options.timeoutMs} ms × ${options.tries} tries, ${options.runs} pairs`,
  );
  const config = { zones: ['bench.test'], records: zoneRecords(options.domains), broken: ['slow.test'] };
  // One sweep first: the questions the service asks (the bare resolver asks the same), and a warm-up.
  const questions = await serviceQuestions(options);
  const ratios: number[] = [];
  for (let n = 1; n <= options.runs; n++) {
    const pair: { service?: number; bare?: number } = {};
    for (const side of n % 2 ? (['service', 'bare'] as const) : (['bare', 'service'] as const)) {
      const unbound = await startUnbound(config); // cold for each side
      try {
        if (side === 'service') {
          const r = await serviceRun(unbound.server, options);
          pair.service = r.ms;
          console.log(
            `  service run ${n}  ${fmt.s(r.ms)} s  ${r.questions.length} questions  ${r.temporary} domains temporary`,
          );
        } else {
          const r = await bareRun(unbound.server, options, questions);
          pair.bare = r.ms;
          console.log(`  bare    run ${n}  ${fmt.s(r.ms)} s  ${questions.length} questions`);
        }
      } finally {
        await unbound.stop();
      }
    }
    ratios.push(pair.bare! / pair.service!);
  }
  const ratio = median(ratios);
  console.log(`dns paired runs  bare/service time ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
  console.log(`dns ratio ${ratio.toFixed(2)}`);
  return {
    part: 'dns',
    ok: ratio >= 0.8,
    rows: [
      { figure: 'ratio, service to bare resolver (goal ≥ 0.8)', value: ratio.toFixed(2) },
      { figure: 'questions per sweep', value: String(questions.length) },
    ],
  };
}

/** The questions a service sweep asks (for a bare run that goes first): one sweep on its own unbound. */
async function serviceQuestions(options: DnsOptions): Promise<Question[]> {
  const unbound = await startUnbound({
    zones: ['bench.test'],
    records: zoneRecords(options.domains),
    broken: ['slow.test'],
  });
  try {
    return (await serviceRun(unbound.server, options)).questions;
  } finally {
    await unbound.stop();
  }
}
