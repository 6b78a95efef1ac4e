// The command line as a newcomer meets it: --help on every command and subcommand (exit 0, aligned), bad
// usage (exit 2), which database a command uses, quiet when its reader goes away, token expiry given as a
// date and never in the past, and `warps list` for the ids other commands take.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, tempDatabase } from '../support/cli.js';

const db = tempDatabase();
const cli = (...args: string[]) => runCli(args, { databaseUrl: db.url });
const commands = [
  'token',
  'outbox',
  'mail',
  'register',
  'mailboxes',
  'advisory',
  'checks',
  'staff',
  'db',
  'warps',
];

beforeAll(async () => {
  const imported = await cli(
    'register',
    'import',
    join(repoRoot, '..', 'shared', 'data', 'uk_local_authorities_current.csv'),
  );
  expect(imported.code, imported.stderr).toBe(0);
}, 60_000);
afterAll(() => db.cleanup());

describe('help and usage', () => {
  it('answers --help on every command with its usage, exit 0, without opening the database', async () => {
    const all = await cli('--help');
    expect(all.code).toBe(0);
    for (const name of commands) expect(all.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const results = await Promise.all(commands.map((name) => cli(name, '--help')));
    results.forEach((r, i) => {
      expect(r.code, commands[i]).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^  ${commands[i]} `, 'm'));
      expect(r.stderr).not.toContain('Using database');
    });
  }, 120_000);

  it('gives one subcommand’s usage, aligned, and refuses an unknown command with the list (exit 2)', async () => {
    const sub = await cli('token', 'create', '-h');
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('token create --role');
    expect(sub.stdout).not.toContain('token revoke');
    const help = await cli('help', 'checks');
    expect(help.code).toBe(0);
    // Descriptions start in one column.
    const columns = help.stdout
      .split('\n')
      .filter((l) => l.startsWith('  checks '))
      .map((l) => l.length - l.replace(/^ {2}.*?\S {2,}/, '').length);
    expect(new Set(columns).size).toBe(1);
    const unknown = await cli('bogus');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('The commands are: token, outbox');
    const badFlag = await cli('token', 'list', '--nope');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('token list [--all] [--json]');
  });
});

describe('commands that use the database', () => {
  it('say which database they use, on stderr', async () => {
    const r = await cli('warps', 'list');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Using database ${db.url}`);
    expect(r.stdout).not.toContain('Using database');
  });

  it('list the WARPs with the ids other commands take (and as JSON)', async () => {
    const r = await cli('warps', 'list');
    expect(r.stdout).toMatch(/^wales\s+Wales WARP \(22 current members\)$/m);
    const json = JSON.parse((await cli('warps', 'list', '--json')).stdout) as Array<{ id: string }>;
    expect(json.map((w) => w.id)).toContain('scotland');
  });

  it('takes a token expiry as a date or date-time in the future, and lists it', async () => {
    const past = await cli('token', 'create', '--role', 'admin', '--expires', '2020-01-01');
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('--expires must be in the future (2020-01-01 has passed)');
    const junk = await cli('token', 'create', '--role', 'admin', '--expires', 'soon');
    expect(junk.code).toBe(2);
    expect(junk.stderr).toContain('--expires must be a date like 2027-03-31');
    const made = await cli(
      'token',
      'create',
      '--role',
      'admin',
      '--name',
      'dated',
      '--expires',
      '2099-03-31',
    );
    expect(made.code).toBe(0);
    expect(made.stderr).toContain('expiring 2099-04-01T00:00:00.000Z');
    const list = await cli('token', 'list');
    expect(list.stdout).toMatch(/dated\s+\(expires 2099-04-01T00:00:00\.000Z; last used never\)/);
  });

  it('stops quietly when the reader of its output goes away', async () => {
    const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, ['src/cli.ts', 'warps', 'list'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: db.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // like `| head` that has read enough
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
  });
});
