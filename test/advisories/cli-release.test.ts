// The advisory commands end to end on the embedded defaults: create, release, dispatch (to the outbox),
// report.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDatabase } from '../support/cli.js';

const db = tempDatabase();
afterAll(() => db.cleanup());
const cli = (...args: string[]) => runCli(args, { databaseUrl: db.url });

describe('advisory commands', () => {
  // Seven CLI processes, each compiling TypeScript at start: generous on a loaded 2-core machine.
  it('creates, releases, dispatches with a progress bar and reports', { timeout: 120_000 }, async () => {
    expect((await cli('register', 'import', '../shared/data/uk_local_authorities_current.csv')).code).toBe(0);
    const mailboxes = join(db.dir, 'mailboxes.csv');
    writeFileSync(
      mailboxes,
      'authority,address,kind,team,phone\nCRF,cyber@cardiff.gov.uk,primary,Cyber,029 2087 2000\nSWA,soc@swansea.gov.uk,primary,SOC,01792 636000\n',
    );
    expect((await cli('mailboxes', 'import', mailboxes, '--confirmed', '--reason', 'test list')).code).toBe(
      0,
    );
    const file = join(db.dir, 'advisory.json');
    writeFileSync(
      file,
      JSON.stringify({
        title: 'Patch now',
        summary: 'A summary',
        body: 'Body',
        severity: 'high',
        tlp: 'GREEN',
        cves: [],
        references: [],
        audience: { authorities: ['CRF', 'SWA'] },
        test: false,
      }),
    );
    const created = await cli('advisory', 'create', file, '--json');
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.stdout).advisory;
    const released = await cli('advisory', 'release', id);
    expect(released.stdout).toContain('2 deliveries created');
    // The import's "confirmed" notices wait in the queue with the advisory's deliveries (no server runs here).
    const status = await cli('mail', 'status');
    expect(status.stdout).toMatch(/^advisories +2 due now$/m);
    expect(status.stdout).toMatch(/^notices +2 due now$/m);
    const dispatched = await cli('advisory', 'dispatch');
    expect(dispatched.code).toBe(0);
    expect(dispatched.stderr).toMatch(/\[#+\] 100% 4\/4/);
    expect(dispatched.stdout).toContain('Sent 4 messages: 4 delivered, 0 failed, 0 to retry.');
    expect((await cli('mail', 'status')).stdout).toContain('The queue is empty.');
    const outbox = await cli('outbox', 'list');
    expect(outbox.stdout).toContain('[TLP:GREEN]');
    const report = await cli('advisory', 'report', id, '--csv');
    const lines = report.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((l) => l.includes(',delivered,'))).toBe(true);
    // Without --csv or --json: the per-council table the help promises.
    const table = (await cli('advisory', 'report', id)).stdout.trim().split('\n');
    expect(table[1]).toMatch(/^COUNCIL\s+MAILBOX\s+STATUS\s+ACKNOWLEDGED$/);
    expect(table.slice(2, 4).every((l) => /\(\w+\)\s+\S+@\S+\s+delivered\s+not yet$/.test(l))).toBe(true);
    expect(table.at(-1)).toMatch(
      /^\d+ deliveries: \d+ delivered, 0 failed for good; 0 of \d+ councils acknowledged\.$/,
    );
    expect(JSON.parse((await cli('advisory', 'report', id, '--json')).stdout).items).toHaveLength(
      lines.length - 1,
    );
  });
});
