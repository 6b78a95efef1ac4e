// A mailbox's OpenPGP key as the API and pages show it: never the key's secret parts (it has none) nor the
// confirmation link; the fingerprint in groups of four.
import type { mailboxKeys } from '../../db/schema.js';
import { groupedFingerprint } from '../../mail/recipient-key.js';

export type MailboxKeyRow = typeof mailboxKeys.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toMailboxKeyView(row: MailboxKeyRow) {
  return {
    id: row.id,
    mailboxId: row.mailboxId,
    fingerprint: row.fingerprint,
    fingerprintGrouped: groupedFingerprint(row.fingerprint),
    source: row.source,
    sourceUrl: row.sourceUrl,
    state: row.state,
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    problem: row.problem,
    createdAt: row.createdAt.toISOString(),
    confirmedAt: iso(row.confirmedAt),
    lastCheckedAt: iso(row.lastCheckedAt),
  };
}

export type MailboxKeyView = ReturnType<typeof toMailboxKeyView>;
