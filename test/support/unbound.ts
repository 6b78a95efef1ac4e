// A real DNS server for tests: Debian's unbound serving local zones on 127.0.0.1 at a free port. Writes an
// unbound.conf (local-zone / local-data), starts `unbound -d -c conf` as a child and waits until it answers.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface UnboundZones {
  /** Zones answered locally (`static`: a name without data is NXDOMAIN). */
  zones: string[];
  /** Resource records in zone-file form, e.g. `example.test. 300 IN MX 10 mx1.example.test.`. */
  records: string[];
  /** Zones forwarded to a dead server: every query in them fails (SERVFAIL or a timeout). */
  broken?: string[];
}

/** A Debian binary from /usr/sbin (which a non-login PATH may lack), else by name from PATH. */
function sbin(name: string): string {
  return existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name;
}

export function unboundAvailable(): boolean {
  return spawnSync(sbin('unbound'), ['-V'], { stdio: 'ignore' }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const quote = (rr: string) => `'${rr.replaceAll("'", '')}'`;

export async function startUnbound(config: UnboundZones) {
  const dir = mkdtempSync(join(tmpdir(), 'unbound-'));
  const port = await freePort();
  const conf = [
    'server:',
    '  interface: 127.0.0.1',
    `  port: ${port}`,
    '  do-ip6: no',
    '  do-daemonize: no',
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 0',
    '  username: ""',
    '  chroot: ""',
    `  directory: "${dir}"`,
    `  pidfile: "${join(dir, 'unbound.pid')}"`,
    '  access-control: 127.0.0.0/8 allow',
    '  module-config: "iterator"',
    '  do-not-query-localhost: no',
    '  num-threads: 1',
    ...config.zones.map((z) => `  local-zone: "${z}." static`),
    ...config.records.map((rr) => `  local-data: ${quote(rr)}`),
    // unbound answers the special-use "test." itself (RFC 6761): let the broken zones reach their forwarder.
    ...(config.broken ?? []).map((z) => `  local-zone: "${z}." transparent`),
    'remote-control:',
    '  control-enable: no',
    ...(config.broken ?? []).flatMap((z) => [
      'forward-zone:',
      `  name: "${z}."`,
      '  forward-addr: 127.0.0.1@9',
    ]),
    '',
  ].join('\n');
  const file = join(dir, 'unbound.conf');
  writeFileSync(file, conf);
  const check = spawnSync(sbin('unbound-checkconf'), [file], { encoding: 'utf8' });
  if (check.status !== 0 && check.error === undefined)
    throw new Error(`unbound.conf is not valid: ${check.stdout}${check.stderr}`);

  const child: ChildProcess = spawn(sbin('unbound'), ['-d', '-c', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const server = `127.0.0.1:${port}`;
  const probe = new Resolver({ timeout: 200, tries: 1 });
  probe.setServers([server]);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`unbound exited (${child.exitCode}): ${stderr}`);
    try {
      await probe.resolveSoa(config.zones[0]!);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENODATA' || code === 'ENOTFOUND') break; // it answers
      if (Date.now() > deadline) throw new Error(`unbound did not answer on ${server}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    server,
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
