// `npm run cli -- advisory create <file>`: the real CLI as a child process against a temporary database
// for JSON and YAML files and --as-warp; the refusals run in-process against the same command.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { migrateDatabase, openLibsqlDatabase } from '../../src/adapters/db-libsql.js';
import { advisoryCommand } from '../../src/entry/cli/advisory.js';
import { type CliContext, describeError, UsageError } from '../../src/entry/cli/io.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { runCli, tempDatabase } from '../support/cli.js';
import { contractExample, seedAudience } from './authoring-fixtures.js';

let temp: ReturnType<typeof tempDatabase>;
let t: TestApp;
beforeAll(async () => {
  temp = tempDatabase();
  const database = await openLibsqlDatabase(temp.url);
  await migrateDatabase(database.db);
  await seedAudience(database);
  database.close();
  t = await makeTestApp();
  await seedAudience(t);
});
afterAll(() => {
  temp.cleanup();
  t.close();
});

const cli = (...args: string[]) => runCli(['advisory', ...args], { databaseUrl: temp.url });
const file = (name: string, content: string) => {
  const path = join(temp.dir, name);
  writeFileSync(path, content);
  return path;
};

/** Runs the command in-process; a thrown error comes back as the CLI would print it. */
async function inProcess(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    io: {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      progress: () => {},
      finish: () => {},
      isTty: false,
    },
    deps: async () => t.deps,
  };
  try {
    const code = await advisoryCommand(ctx, args);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } catch (e) {
    return { code: e instanceof UsageError ? 2 : 1, stdout: out.join('\n'), stderr: describeError(e) };
  }
}

describe('npm run cli -- advisory create (as a child process)', () => {
  it('creates drafts from JSON and YAML files and prints the reach', async () => {
    const json = file('advisory.json', JSON.stringify(contractExample()));
    const yaml = file(
      'advisory.yaml',
      stringify({ ...contractExample(), tlp: 'RED', audience: { nations: ['Wales'] }, title: 'From YAML' }),
    );
    const fromJson = await cli('create', json);
    expect(fromJson.code, fromJson.stderr).toBe(0);
    expect(fromJson.stdout).toMatch(/id: {9}[0-9a-z]{26}/);
    expect(fromJson.stdout).toContain('reference:  NCSC-2026-0001');
    expect(fromJson.stdout).toContain('state:      draft');
    expect(fromJson.stdout).toContain('councils:   6');
    expect(fromJson.stdout).toContain('mailboxes:  4');
    expect(fromJson.stdout).toContain('councils without a mailbox: 3');
    expect(fromJson.stderr).toContain('Nothing has been sent');

    const fromYaml = await cli('create', yaml, '--json');
    expect(fromYaml.code, fromYaml.stderr).toBe(0);
    const out = JSON.parse(fromYaml.stdout);
    expect(out.advisory).toMatchObject({
      title: 'From YAML',
      state: 'draft',
      tlp: 'RED',
      reference: 'NCSC-2026-0002',
    });
    expect(out.preview).toMatchObject({ councils: 4, mailboxes: 1, needsSecondApproval: true });
  });

  it('acts as a WARP operator with --as-warp', async () => {
    const res = await cli('create', file('wales.yml', stringify(contractExample())), '--as-warp', 'wales');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('reference:  WALES-2026-0001');
    expect(res.stdout).toContain('councils:   3');
    expect(res.stdout).toContain('WARPs:      wales');
  });
});

describe('advisory create refusals (in-process)', () => {
  it('holds a WARP to its members and needs a WARP that exists', async () => {
    const outside = file(
      'outside.json',
      JSON.stringify({ ...contractExample(), audience: { authorities: ['BRI'] } }),
    );
    const refused = await inProcess('create', outside, '--as-warp', 'wales');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('These councils are not members of your WARP: BRI');
    const unknown = await inProcess('create', outside, '--as-warp', 'atlantis');
    expect(unknown.stderr).toContain('There is no WARP with id "atlantis"');
  });

  it('lists every problem in the file with its path, and refuses files it cannot read', async () => {
    const bad = file(
      'bad.yaml',
      'title: "Two\\nlines"\nsummary: ok\nbody: ok\nseverity: urgent\ntlp: AMBER\ncves: [CVE-1]\naudience: {}\n',
    );
    const res = await inProcess('create', bad);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('is not valid (4 problems)');
    for (const path of ['title:', 'severity:', 'cves.0:', 'audience:'])
      expect(res.stderr).toContain(`  ${path}`);

    const broken = await inProcess('create', file('broken.json', '{"title": '));
    expect(broken.stderr).toContain('is not valid JSON');
    const missing = await inProcess('create', join(temp.dir, 'nothing.yaml'));
    expect(missing.stderr).toContain('There is no file at');
  });

  it('answers bad usage as usage errors', async () => {
    expect(await inProcess('create')).toMatchObject({ code: 2 });
    expect(await inProcess('create', 'a.json', 'b.json')).toMatchObject({ code: 2 });
    expect(await inProcess('create', 'a.json', '--as-warp', 'Not A Slug')).toMatchObject({ code: 2 });
    expect(await inProcess('frobnicate')).toMatchObject({
      code: 2,
      stderr: 'unknown advisory command "frobnicate"',
    });
  });
});
