// `npm run bench [part …] [--flags]`: runs the bench parts in sequence and prints a summary table.
//
//   npm run bench                       every available part
//   npm run bench -- fanout             one part
//   npm run bench -- fanout --runs 3 --connections 10 --messages 10000 --profile [--profile-dir DIR]
//
// Parts: fanout (the advisory fan-out engine against a bare nodemailer pool, fanout.ts), api (api.ts).
// `coverage` is reserved for a later issue: a part is a `run…(flags): Promise<PartSummary>` (lib/part.ts)
// listed in `parts` below.
import { defaultFanoutOptions, runFanout } from './fanout.js';
import type { PartSummary } from './lib/part.js';
import { fmt, now, table } from './lib/timing.js';

type Flags = Record<string, string | true>;

interface Part {
  name: string;
  description: string;
  /** Absent while the part is not written yet. */
  run?: (flags: Flags) => Promise<PartSummary>;
}

const int = (v: string | true | undefined, fallback: number) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive whole number, got ${String(v)}`);
  return n;
};

const parts: Part[] = [
  {
    name: 'fanout',
    description: 'advisory fan-out engine vs a bare nodemailer pool (messages/s, peak RSS, ratio)',
    run: (flags) =>
      runFanout({
        messages: int(flags.messages, defaultFanoutOptions.messages),
        connections: int(flags.connections, defaultFanoutOptions.connections),
        runs: flags.runs === '0' ? 0 : int(flags.runs, defaultFanoutOptions.runs),
        aloneRuns: flags['alone-runs'] === '0' ? 0 : int(flags['alone-runs'], defaultFanoutOptions.aloneRuns),
        baselineInFlight: int(flags['baseline-in-flight'], defaultFanoutOptions.baselineInFlight),
        profile:
          flags.profile === true || flags.profile === 'true' || typeof flags['profile-dir'] === 'string',
        profileDir: typeof flags['profile-dir'] === 'string' ? flags['profile-dir'] : undefined,
        dkim: flags['no-dkim'] === undefined,
        bigMessages: flags.big === '0' ? 0 : int(flags.big, defaultFanoutOptions.bigMessages),
        pgp: flags.pgp === true || flags.pgp === 'true',
      }),
  },
  {
    name: 'api',
    description: 'HTTP API under autocannon vs a bare Hono route, then a soak (SOAK_SECONDS)',
    run: (flags) => import('./api.js').then((m) => m.runApi(flags)),
  },
  {
    name: 'dns',
    description: 'a reachability sweep of 400 domains on a local unbound vs a bare resolver (ratio)',
    run: (flags) =>
      import('./dns.js').then((m) =>
        m.runDns({
          ...m.defaultDnsOptions,
          domains: int(flags.domains, m.defaultDnsOptions.domains),
          runs: int(flags.runs, m.defaultDnsOptions.runs),
        }),
      ),
  },
  {
    name: 'worker',
    description: 'the Workers bundle (bytes, gzip) and its cold start in workerd vs a hello Worker (ratio)',
    run: (flags) => import('./worker.js').then((m) => m.runWorkerBench(int(flags.runs, 5))),
  },
  {
    name: 'encrypt',
    description: 'an advisory copy signed and encrypted to a council key vs signed only (µs/message, ratio)',
    run: (flags) => import('./encrypt.js').then((m) => m.runEncryptBench(int(flags.messages, 500))),
  },
  { name: 'coverage', description: 'coverage report generation (not written yet)' },
];

function parseArgs(argv: string[]): { names: string[]; flags: Flags } {
  const names: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [key, value] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (value !== undefined) flags[key] = value;
      else if (argv[i + 1] && !argv[i + 1]!.startsWith('--') && key !== 'profile') flags[key] = argv[++i]!;
      else flags[key] = true;
    } else names.push(a);
  }
  return { names, flags };
}

async function main() {
  const { names, flags } = parseArgs(process.argv.slice(2));
  if (flags.help) {
    console.log(
      'usage: npm run bench -- [part …] [--runs N] [--messages N] [--connections N] [--no-dkim] [--pgp] [--big N|0] [--profile] [--profile-dir DIR]',
    );
    for (const p of parts) console.log(`  ${p.name.padEnd(9)} ${p.description}`);
    return;
  }
  for (const n of names)
    if (!parts.some((p) => p.name === n))
      throw new Error(`unknown part "${n}"; parts: ${parts.map((p) => p.name).join(', ')}`);
  const chosen = names.length ? parts.filter((p) => names.includes(p.name)) : parts.filter((p) => p.run);
  const missing = parts.filter((p) => !p.run).map((p) => p.name);
  if (!names.length && missing.length) console.log(`parts not written yet, skipped: ${missing.join(', ')}\n`);

  const summaries: Array<PartSummary & { seconds: number }> = [];
  for (const part of chosen) {
    if (!part.run) {
      console.log(`${part.name}: not available yet, skipped`);
      continue;
    }
    const t0 = now();
    const summary = await part.run(flags);
    summaries.push({ ...summary, seconds: (now() - t0) / 1000 });
    console.log('');
  }

  console.log('summary');
  const rows = [['part', 'figure', 'value']];
  for (const s of summaries) {
    for (const r of s.rows) rows.push([s.part, r.figure, r.value]);
    rows.push([s.part, 'part run time', `${fmt.s(s.seconds * 1000, 0)} s`]);
  }
  console.log(
    table(rows)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  },
);
