// `npm run cli -- checks …` as a child process against a temporary database.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDatabase } from '../support/cli.js';

const db = tempDatabase();
afterAll(() => db.cleanup());
// A DNS server that is not there: every lookup fails for now, so every result is temporary.
const env = {
  DNS_SERVERS: '127.0.0.1:9',
  DNS_TIMEOUT_MS: '200',
  DNS_TRIES: '1',
  CHECKS_HTTP_TIMEOUT_MS: '300',
};

describe('npm run cli -- checks', () => {
  it('runs the checks of one domain, and records a failing lookup as temporary', async () => {
    const out = await runCli(['checks', 'run', '--domain', 'example.test'], { databaseUrl: db.url, env });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('example.test  mx:temporary spf:temporary dmarc:temporary');
    expect(out.stdout).toContain('nothing has been marked unreachable');
  }, 60_000);

  it('sweeps re-confirmations, records a bounce from a file, and refuses bad usage', async () => {
    const sweep = await runCli(['checks', 'sweep'], { databaseUrl: db.url, env });
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stdout).toContain('Re-confirmation links sent: 0; reminders: 0; marked stale: 0');
    const file = fileURLToPath(new URL('./fixtures/postfix-bounce.eml', import.meta.url));
    const bounce = await runCli(['checks', 'bounce', file], { databaseUrl: db.url, env });
    expect(bounce.code, bounce.stderr).toBe(0);
    expect(bounce.stdout).toContain('Recorded: no delivery matched; nothing changed.');
    // An ordinary e-mail (no delivery-status part) is not recorded as a bounce.
    const letter = join(db.dir, 'letter.eml');
    writeFileSync(letter, 'From: a@b.example\r\nTo: c@d.example\r\nSubject: Hello\r\n\r\nJust a letter.\r\n');
    const refused = await runCli(['checks', 'bounce', letter], { databaseUrl: db.url, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not a delivery report');
    const bad = await runCli(['checks', 'run', '--domain', 'not a domain'], { databaseUrl: db.url, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--domain must be a domain name');
  }, 60_000);
});
