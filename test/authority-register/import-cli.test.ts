import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDatabase } from '../support/cli.js';
import { englishCouncilsEnded } from './import-helpers.js';

const CSV = '../shared/data/uk_local_authorities_current.csv';
const DOMAINS = '../shared/data/ukps_user_domains.json';

let db: ReturnType<typeof tempDatabase>;
beforeAll(() => {
  db = tempDatabase();
});
afterAll(() => db.cleanup());

const cli = (...args: string[]) => runCli(['register', ...args], { databaseUrl: db.url });

describe('npm run cli -- register (as a child process)', () => {
  it('imports the shared CSV, then a second import reports no change, then imports the domains', async () => {
    const first = await cli('import', CSV);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('added 470, updated 0, ended 0, unchanged 0, rejected 0');
    expect(first.stdout).toContain('397 current and 73 former');
    // Not a terminal: no progress bar is drawn, only where it ended, on one line.
    expect(first.stderr).toMatch(/^writing \d+ of \d+ statements \(100%\)$/m);
    expect(first.stderr).not.toMatch(/parsing/);

    const second = await cli('import', CSV, '--json');
    expect(second.code, second.stderr).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report).toMatchObject({
      changed: false,
      counts: { added: 0, updated: 0, ended: 0, unchanged: 470, rejected: 0 },
      current: 397,
      former: 73,
    });

    const domains = await cli('domains', DOMAINS);
    expect(domains.code, domains.stderr).toBe(0);
    expect(domains.stdout).toMatch(/398 local-authority domains: 393 matched \(98\.7%\), 393 added/);
    expect(domains.stdout).toContain('tfl.gov.uk');
  });

  it('previews a large change with --dry-run, holds it (exit 3), lists it, and applies it on approval', async () => {
    const file = join(db.dir, 'sixty-ended.csv');
    writeFileSync(file, englishCouncilsEnded(60));

    const dry = await cli('import', file, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('(dry run: nothing written)');
    expect(dry.stdout).toContain('ended (60):');
    expect(dry.stdout).toContain('It would be HELD for an admin’s approval:');

    const held = await cli('import', file);
    expect(held.code, held.stderr).toBe(3);
    const id = /register approve (\S+),/.exec(held.stdout)?.[1];
    expect(id).toBeTruthy();
    const list = await cli('held');
    expect(list.stdout).toContain(`${id}  held`);
    expect(list.stdout).toContain('It would end 60 of the 397 current authorities');

    const approved = await cli('approve', id!);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain('337 current and 133 former');
    const twice = await cli('approve', id!);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/applied, so it cannot be approved/);
  });

  it('refuses a broken file with exit 1 and a readable reason', async () => {
    const broken = join(db.dir, 'broken.csv');
    writeFileSync(broken, 'code,name\nBIR,Birmingham\n');
    const [res, json, missing] = await Promise.all([
      cli('import', broken),
      cli('import', DOMAINS),
      cli('import', join(db.dir, 'nothing-here.csv')),
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^Error: The file is not the register CSV: its header lacks the columns local-authority-code/m,
    );
    expect(res.stderr).not.toMatch(/\bat .+\.ts:\d+/); // no stack trace
    expect(json.code).toBe(1);
    expect(json.stderr).toContain('it looks like JSON');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no file at');
  });

  it('answers bad usage with exit 2 and the usage text', async () => {
    const res = await cli('import');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('register import <path-or-https-url>');
  });
});
