// SIGKILL in the middle of the two long writers that are not the fan-out (test/e2e/crash-sigkill.test.ts
// covers that): a register import of a large CSV, and a check sweep (`checks run`). The real CLI is killed
// without warning part-way; the database, opened again, holds either all or nothing of each unit of work:
// the register fully old or fully new (one batch), and each domain's check run whole with the mailbox
// changes it implies, or absent. Running the same command again then completes the work.
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { openLibsqlDatabase } from '../../src/adapters/db-libsql.js';
import { repoRoot, runCli, tempDatabase } from '../support/cli.js';
import { insertCouncils } from '../support/fixtures.js';

const temps: Array<ReturnType<typeof tempDatabase>> = [];
afterAll(() => {
  for (const t of temps) t.cleanup();
});

interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

/** The real CLI in its own process group (tsx runs it in a child), so SIGKILL reaches every process. */
function startCli(args: string[], env: Record<string, string>): Running {
  const child = spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), ['src/cli.ts', ...args], {
    cwd: repoRoot,
    // Progress as lines (not a terminal): the test waits for the write to start before it kills.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      CLI_PROGRESS: 'lines',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
    },
  };
}

async function until(check: () => boolean, what: string, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function query(url: string, sql: string) {
  const client = createClient({ url });
  try {
    return (await client.execute(sql)).rows;
  } finally {
    client.close();
  }
}

describe('SIGKILL during a register import', () => {
  it('leaves the register fully old or fully new', async () => {
    const db = tempDatabase();
    temps.push(db);
    const shared = readFileSync(
      new URL('../../../shared/data/uk_local_authorities_current.csv', import.meta.url),
      'utf8',
    );
    const first = await runCli(['register', 'import', '../shared/data/uk_local_authorities_current.csv'], {
      databaseUrl: db.url,
    });
    expect(first.code, first.stderr).toBe(0);

    // A large new register: every existing authority renamed, and 15,000 more.
    const rows = parse(shared, { columns: true }) as Array<Record<string, string>>;
    const header = Object.keys(rows[0]!);
    const line = (r: Record<string, string>) =>
      header.map((h) => `"${(r[h] ?? '').replaceAll('"', '""')}"`).join(',');
    const lines = [header.join(',')];
    for (const r of rows) lines.push(line({ ...r, 'official-name': `${r['official-name']} (renamed)` }));
    for (let i = 0; i < 15_000; i++) {
      const base = rows[i % rows.length]!;
      lines.push(
        line({
          ...base,
          'local-authority-code': `Z${String(i).padStart(6, '0')}`,
          'gss-code': '',
          'replaced-by': '',
          'official-name': `Synthetic Council ${i}`,
          'nice-name': `Synthetic ${i}`,
        }),
      );
    }
    const big = join(db.dir, 'big-register.csv');
    writeFileSync(big, `${lines.join('\n')}\n`);
    const oldCount = rows.length;
    const newCount = rows.length + 15_000;

    // Killed while it writes: after "writing 0 of …" and before "(100%)".
    const run = startCli(['register', 'import', big], {
      DATABASE_URL: db.url,
      OUTBOX_DIR: join(db.dir, 'outbox'),
    });
    try {
      await until(() => /writing 0 of \d+ statements/.test(run.stderr()), 'the write to start', 90_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(run.stderr(), 'the kill must land before the write finished').not.toMatch(
        /writing \d+ of \d+ statements \(100%\)/,
      );
      run.kill();
      expect((await run.exited).signal).toBe('SIGKILL');
    } finally {
      run.kill();
    }

    // Opened again (as a restart would): all old, nothing of the new.
    const authorities = Number((await query(db.url, 'select count(*) as n from authorities'))[0]!.n);
    const renamed = Number(
      (await query(db.url, "select count(*) as n from authorities where name like '% (renamed)'"))[0]!.n,
    );
    const imports = Number(
      (await query(db.url, "select count(*) as n from audit_log where action = 'register.import'"))[0]!.n,
    );
    expect({ authorities, renamed, imports }).toEqual({ authorities: oldCount, renamed: 0, imports: 1 });
    expect((await query(db.url, 'pragma integrity_check'))[0]![0]).toBe('ok');

    // The same import again, uninterrupted: all new.
    const again = await runCli(['register', 'import', big], { databaseUrl: db.url });
    expect(again.code, again.stderr).toBe(0);
    expect(Number((await query(db.url, 'select count(*) as n from authorities'))[0]!.n)).toBe(newCount);
    expect(
      Number(
        (await query(db.url, "select count(*) as n from authorities where name like '% (renamed)'"))[0]!.n,
      ),
    ).toBe(oldCount);
  }, 180_000);
});

/** A DNS server that answers every question NXDOMAIN after `delayMs` (changeable while it runs). */
async function nxdomainServer(delayMs: number) {
  const state = { delayMs, queries: 0 };
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    state.queries++;
    if (msg.length < 12) return;
    let end = 12;
    while (end < msg.length && msg[end] !== 0) end += msg[end]! + 1;
    end += 5; // the zero label, QTYPE, QCLASS
    const reply = Buffer.from(msg.subarray(0, Math.min(end, msg.length)));
    reply[2] = 0x80 | (msg[2]! & 0x79) | 0x04; // QR, the query's opcode and RD, AA
    reply[3] = 0x80 | 0x03; // RA, RCODE 3 (NXDOMAIN)
    reply.writeUInt16BE(1, 4); // one question
    reply.writeUInt32BE(0, 6); // no answers, authority
    reply.writeUInt16BE(0, 10); // or additional records
    setTimeout(() => socket.send(reply, rinfo.port, rinfo.address), state.delayMs);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    address: `127.0.0.1:${(socket.address() as AddressInfo).port}`,
    state,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

describe('SIGKILL during a check sweep', () => {
  it('leaves each domain’s run whole or absent, and believes no resolver that denies every name', async () => {
    const DOMAINS = 200;
    const db = tempDatabase();
    temps.push(db);
    const made = await runCli(['token', 'list'], { databaseUrl: db.url }); // creates and migrates the file
    expect(made.code, made.stderr).toBe(0);
    const database = await openLibsqlDatabase(db.url);
    try {
      await insertCouncils(database.db, {
        count: DOMAINS,
        code: (i) => `K${String(i).padStart(3, '0')}`,
        authority: (i) => ({ name: `Checked Council ${i}` }),
        address: (i) => `cyber@k${String(i).padStart(3, '0')}.gov.uk`,
      });
    } finally {
      database.close();
    }
    const dns = await nxdomainServer(40);
    const env = {
      DATABASE_URL: db.url,
      OUTBOX_DIR: join(db.dir, 'outbox'),
      DNS_SERVERS: dns.address,
      DNS_TIMEOUT_MS: '2000',
      DNS_TRIES: '1',
      CHECKS_HTTP_TIMEOUT_MS: '300',
    };
    try {
      const run = startCli(['checks', 'run'], env);
      try {
        await until(
          () => run.stdout().split('\n').filter(Boolean).length >= 4,
          'four domains to be checked',
          90_000,
        );
        await new Promise((r) => setTimeout(r, 60));
        run.kill();
        expect((await run.exited).signal).toBe('SIGKILL');
      } finally {
        run.kill();
      }

      const runs = await query(
        db.url,
        'select domain, checked_at, group_concat(kind) as kinds, group_concat(severity) as severities, count(*) as n from domain_checks group by domain, checked_at',
      );
      expect(runs.length, 'some domains were checked before the kill').toBeGreaterThanOrEqual(4);
      expect(runs.length, 'the kill landed part-way').toBeLessThan(DOMAINS);
      // A resolver that says "no such domain" of every name is not believed: each stored run is one
      // temporary MX result, whole; and no mailbox was marked unreachable or audited as such.
      for (const r of runs) {
        expect(String(r.kinds), `the run of ${r.domain}`).toBe('mx');
        expect(String(r.severities), `the run of ${r.domain}`).toBe('temporary');
      }
      const marked = await query(
        db.url,
        'select count(*) as n from mailboxes where unreachable_at is not null',
      );
      expect(Number(marked[0]!.n)).toBe(0);
      const audited = await query(
        db.url,
        "select count(*) as n from audit_log where action = 'mailbox.unreachable'",
      );
      expect(Number(audited[0]!.n)).toBe(0);
      expect((await query(db.url, 'pragma integrity_check'))[0]![0]).toBe('ok');

      // Run again to the end (a fast DNS now): every domain has a whole run.
      dns.state.delayMs = 0;
      const again = await runCli(['checks', 'run'], { databaseUrl: db.url, env });
      expect(again.code, again.stderr).toBe(0);
      const domains = await query(db.url, 'select count(distinct domain) as n from domain_checks');
      expect(Number(domains[0]!.n)).toBe(DOMAINS);
      const partial = await query(
        db.url,
        "select domain, checked_at from domain_checks group by domain, checked_at having group_concat(kind) <> 'mx'",
      );
      expect(partial).toEqual([]);
    } finally {
      await dns.close();
    }
  }, 180_000);
});
