// The drill commands end to end on a database file: schedule (and its refusals), list, start, report.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDatabase } from '../support/cli.js';

const db = tempDatabase();
afterAll(() => db.cleanup());
const cli = (...args: string[]) => runCli(args, { databaseUrl: db.url });

describe('drill commands', () => {
  it('--help names every verb and its options, without opening a database', { timeout: 60_000 }, async () => {
    const help = await cli('drill', '--help');
    expect(help.code).toBe(0);
    for (const text of [
      'drill schedule',
      '--audience WHO',
      '--at ISO',
      '--window-hours N',
      '--recurrence',
      'drill list',
      'drill report <ref|id>',
      '--csv',
    ])
      expect(help.stdout).toContain(text);
    expect(help.stderr).not.toContain('Using database');
  });

  it('schedules, lists, starts and reports; bad usage exits 2', { timeout: 120_000 }, async () => {
    expect((await cli('register', 'import', '../shared/data/uk_local_authorities_current.csv')).code).toBe(0);
    const mailboxes = join(db.dir, 'mailboxes.csv');
    writeFileSync(
      mailboxes,
      'authority,address,kind,team,phone\nCRF,cyber@cardiff.gov.uk,primary,Cyber,029 2087 2000\nSWA,soc@swansea.gov.uk,primary,SOC,01792 636000\nCMD,cyber@camden.gov.uk,primary,Cyber,020 7974 4444\n',
    );
    expect(
      (await cli('mailboxes', 'import', mailboxes, '--confirmed', '--reason', 'test list', '--quiet')).code,
    ).toBe(0);

    const bad = await cli('drill', 'schedule', '--audience', 'planet:Mars');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--audience');
    expect((await cli('drill', 'schedule', '--audience', 'all', '--window-hours', '0')).code).toBe(2);
    expect((await cli('drill', 'schedule', '--audience', 'warp:atlantis')).code).toBe(1);

    const scheduled = await cli(
      'drill',
      'schedule',
      '--audience',
      'nation:Wales',
      '--window-hours',
      '12',
      '--recurrence',
      'quarterly',
      '--json',
    );
    expect(scheduled.code, scheduled.stderr).toBe(0);
    const drill = JSON.parse(scheduled.stdout) as { id: string; reference: string };
    expect(drill.reference).toMatch(/^DRILL-\d{4}-0001$/);

    const list = await cli('drill', 'list');
    expect(list.stdout).toMatch(
      new RegExp(`^${drill.reference} +scheduled .* 12h +quarterly +nation:Wales$`, 'm'),
    );

    const started = await cli('drill', 'start', drill.reference);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain(`Drill ${drill.reference} started: 2 messages queued`);

    const csv = await cli('drill', 'report', drill.reference, '--csv');
    const lines = csv.stdout.trim().split('\n');
    expect(lines).toHaveLength(3); // CRF and SWA (Welsh); not Camden
    expect(lines.slice(1).every((l) => l.includes(',email,') && l.includes(',pending,'))).toBe(true);
    const table = await cli('drill', 'report', drill.id);
    expect(table.stdout).toContain(`${drill.reference} (running) to nation:Wales`);
    expect(table.stdout).toMatch(/^total +2 +0 +0 +0/m);
    expect(table.stdout).toContain('never answered (2):');
    expect((await cli('drill', 'list')).stdout).toMatch(/scheduled .* quarterly/); // the next of the series
  });
});
