// `token bootstrap`: a one-time token for the first admin, made without a database (the edge has none to
// reach): the token alone on the last line of stdout, the SHA-256 to set and the steps on stderr; the
// token it prints is the bootstrap admin of a service given that hash.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import { runCli, tempDatabase } from '../support/cli.js';

const db = tempDatabase();
const cli = (...args: string[]) => runCli(args, { databaseUrl: db.url });
afterAll(() => db.cleanup());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TOKEN = /^cct_[A-Za-z0-9_-]{43}$/;

describe('token bootstrap', () => {
  it('prints a fresh token on its own last line and, on stderr, its SHA-256 and what to do with it', async () => {
    const [one, two] = await Promise.all([cli('token', 'bootstrap'), cli('token', 'bootstrap')]);
    expect(one!.code, one!.stderr).toBe(0);
    const lines = one!.stdout.trimEnd().split('\n');
    const token = lines.at(-1)!;
    expect(token).toMatch(TOKEN);
    expect(one!.stdout).toBe(`${token}\n`);
    expect(two!.stdout.trim()).not.toBe(token);

    const hash = sha256(token);
    expect(one!.stderr).toContain(hash);
    expect(one!.stderr).toContain('npx wrangler secret put BOOTSTRAP_ADMIN_TOKEN_SHA256');
    expect(one!.stderr).toContain(`BOOTSTRAP_ADMIN_TOKEN_SHA256=${hash}`);
    expect(one!.stderr).toContain('/api/v1/tokens');
    expect(one!.stderr).toContain('npx wrangler secret delete BOOTSTRAP_ADMIN_TOKEN_SHA256');
    expect(one!.stderr).not.toContain(token);
    // No database: none is named, none is made.
    expect(one!.stderr).not.toContain('Using database');
    expect(existsSync(db.url.replace(/^file:/, ''))).toBe(false);
  });

  it('gives {token, sha256} with --json', async () => {
    const r = await cli('token', 'bootstrap', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { token: string; sha256: string };
    expect(Object.keys(out).sort()).toEqual(['sha256', 'token']);
    expect(out.token).toMatch(TOKEN);
    expect(out.sha256).toBe(sha256(out.token));
  });

  it('has a usage line of its own, and takes no arguments', async () => {
    const help = await cli('token', 'bootstrap', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('token bootstrap [--json]');
    expect(help.stdout).not.toContain('token revoke');
    const extra = await cli('token', 'bootstrap', 'now');
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('token bootstrap takes no arguments');
  });

  it('makes a token that a service given its hash takes as the bootstrap admin', async () => {
    const r = await cli('token', 'bootstrap', '--json');
    const out = JSON.parse(r.stdout) as { token: string; sha256: string };
    const t = await makeTestApp({ env: { BOOTSTRAP_ADMIN_TOKEN_SHA256: out.sha256 } });
    try {
      const me = await t.call('GET', '/api/v1/me', { token: out.token });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ actor: 'bootstrap', role: 'admin' });
    } finally {
      t.close();
    }
  });
});
