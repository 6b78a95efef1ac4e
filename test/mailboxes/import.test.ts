import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/domain/principal.js';
import { importMailboxes } from '../../src/features/mailboxes/import-mailboxes.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { runCli, tempDatabase } from '../support/cli.js';
import { confirmedPrimaries, seedCouncils } from './support.js';

const csv = `authority,address,kind,team,phone
CRF,cyber@cardiff.gov.uk,primary,Cyber Security Team,029 2087 2000
CMD,soc@camden-council.example,primary,SOC,020 7974 4444
CRF,not-an-address,secondary,Team,029 2087 2000
ZZZ,x@zzz.gov.uk,primary,Team,029 2087 2000
`;

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
});
afterEach(() => t.close());

const actor = { principal: cliPrincipal };

describe('importing the existing list of mailboxes', () => {
  it('registers each row like any other and reports each row’s outcome; a re-run changes nothing', async () => {
    const report = await importMailboxes(t.deps, actor, csv);
    expect(report.rows.map((r) => [r.line, r.outcome])).toEqual([
      [2, 'pending'],
      [3, 'awaiting-approval'],
      [4, 'rejected'],
      [5, 'rejected'],
    ]);
    expect(report.rows[2]!.detail).toMatch(/address/i);
    expect(report.rows[3]!.detail).toContain('ZZZ');
    expect(t.mailer.to('cyber@cardiff.gov.uk')).toHaveLength(1);
    expect(t.mailer.to('soc@camden-council.example')).toHaveLength(0);

    const again = await importMailboxes(t.deps, actor, csv);
    expect(again.changed).toBe(false);
    expect(again.counts).toMatchObject({ unchanged: 2, rejected: 2, pending: 0 });
    expect(t.mailer.sent).toHaveLength(1);
  });

  it('with --confirmed the admin vouches: approved and confirmed at once, reason in the audit log', async () => {
    const report = await importMailboxes(t.deps, actor, csv, {
      confirmedReason: 'NCSC hand-kept list, 2026',
    });
    expect(report.counts).toMatchObject({ confirmed: 2, rejected: 2 });
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
    expect(await confirmedPrimaries(t, 'CMD')).toEqual(['soc@camden-council.example']);
    const rows = await t.client.execute(
      "select action, actor, after from audit_log where subject_type = 'mailbox' order by id",
    );
    const actions = rows.rows.map((r) => `${r.action}:${r.actor}`);
    expect(actions).toContain('mailbox.approve:cli');
    expect(actions).toContain('mailbox.confirm:cli');
    expect(rows.rows.some((r) => String(r.after).includes('NCSC hand-kept list, 2026'))).toBe(true);
    const again = await importMailboxes(t.deps, actor, csv, { confirmedReason: 'NCSC hand-kept list, 2026' });
    expect(again.changed).toBe(false);
    // Each vouched address was told it is confirmed.
    expect(t.mailer.to('cyber@cardiff.gov.uk')).toHaveLength(1);
  });

  it('with --confirmed --quiet the addresses are not told', async () => {
    const report = await importMailboxes(t.deps, actor, csv, {
      confirmedReason: 'NCSC hand-kept list, 2026',
      notify: false,
    });
    expect(report.counts).toMatchObject({ confirmed: 2 });
    expect(await confirmedPrimaries(t, 'CRF')).toEqual(['cyber@cardiff.gov.uk']);
    expect(t.mailer.sent).toHaveLength(0);
  });

  it('refuses a file without the expected columns, changing nothing', async () => {
    await expect(importMailboxes(t.deps, actor, 'code,email\nCRF,a@b.gov.uk\n')).rejects.toThrow(
      /kind, team and phone|missing/,
    );
    const n = await t.client.execute('select count(*) as n from mailboxes');
    expect(Number(n.rows[0]!.n)).toBe(0);
  });

  it('runs from the CLI: per-row lines, a summary, exit 1 when rows were rejected; --confirmed needs --reason', async () => {
    const db = tempDatabase();
    try {
      const register = await runCli(
        ['register', 'import', '../shared/data/uk_local_authorities_current.csv'],
        {
          databaseUrl: db.url,
        },
      );
      expect(register.code).toBe(0);
      const file = join(db.dir, 'list.csv');
      writeFileSync(
        file,
        'authority,address,kind,team,phone\nCRF,cyber@cardiff.gov.uk,primary,Cyber,029 2087 2000\n',
      );
      const noReason = await runCli(['mailboxes', 'import', file, '--confirmed'], { databaseUrl: db.url });
      expect(noReason.code).toBe(2);
      expect(noReason.stderr).toContain('--confirmed needs --reason');
      const first = await runCli(
        ['mailboxes', 'import', file, '--confirmed', '--reason', 'known to the NCSC'],
        {
          databaseUrl: db.url,
        },
      );
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('line 2  CRF   cyber@cardiff.gov.uk  confirmed');
      expect(first.stdout).toContain('Imported: 1 confirmed');
      expect(first.stdout).toContain('Each confirmed address has been told it is confirmed');
      const quietWithout = await runCli(['mailboxes', 'import', file, '--quiet'], { databaseUrl: db.url });
      expect(quietWithout.code).toBe(2);
      expect(quietWithout.stderr).toContain('--quiet goes with --confirmed');
      const second = await runCli(
        ['mailboxes', 'import', file, '--confirmed', '--reason', 'known to the NCSC'],
        {
          databaseUrl: db.url,
        },
      );
      expect(second.stdout).toContain('No changes: 0 confirmed');
    } finally {
      db.cleanup();
    }
  });
});
