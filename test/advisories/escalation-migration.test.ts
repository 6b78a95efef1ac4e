// The migration that gave each delivery its own escalation marks (drizzle/0010_delivery-escalation.sql) carries
// the advisory-level marks over: an advisory escalated (or texted) before it is not escalated again after.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationsFolder, openLibsqlDatabase } from '../../src/adapters/db-libsql.js';

const TAG = '0010_delivery-escalation';
let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** The migrations folder as it was before TAG. */
function foldersBefore(): string {
  dir = mkdtempSync(join(tmpdir(), 'cc-migrations-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const at = journal.entries.findIndex((e) => e.tag === TAG);
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe(`migration ${TAG}`, () => {
  it('marks the deliveries of advisories already escalated or texted, and no others', async () => {
    const database = await openLibsqlDatabase(':memory:');
    try {
      await migrate(database.db, { migrationsFolder: foldersBefore() });
      const advisory = (id: string, escalatedAt: number | null, smsEscalatedAt: number | null) =>
        database.db.run(sql`insert into advisories (id, reference, kind, thread_id, title, summary, body, severity,
          tlp, cves, "references", audience, test, state, created_by, created_at, updated_at, escalated_at,
          sms_escalated_at) values (${id}, ${id}, 'advisory', ${id}, 't', 's', 'b', 'high', 'CLEAR', '[]', '[]',
          '{"all":true}', 0, 'sent', 'test', 0, 0, ${escalatedAt}, ${smsEscalatedAt})`);
      const delivery = (id: string, advisoryId: string) =>
        database.db.run(sql`insert into deliveries (id, advisory_id, mailbox_id, authority_code, address,
          mailbox_kind, status, deadline_at, created_at, delivered_at) values (${id}, ${advisoryId}, ${`m-${id}`},
          'CRF', 'cyber@cardiff.gov.uk', 'primary', 'delivered', 0, 0, 0)`);
      await advisory('escalated', 1000, 500);
      await advisory('texted', null, 700);
      await advisory('silent', null, null);
      await delivery('d1', 'escalated');
      await delivery('d2', 'texted');
      await delivery('d3', 'silent');

      await migrate(database.db, { migrationsFolder });
      const rows = await database.db.all<{ id: string; e: number | null; s: number | null }>(
        sql`select id, escalated_at as e, sms_escalated_at as s from deliveries order by id`,
      );
      expect(rows).toEqual([
        { id: 'd1', e: 1000, s: 500 },
        { id: 'd2', e: null, s: 700 },
        { id: 'd3', e: null, s: null },
      ]);
    } finally {
      database.close();
    }
  });
});
