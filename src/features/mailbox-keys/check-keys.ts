// The scheduled check of the keys advisories are encrypted to (with the domain checks, runChecks): each
// pending or confirmed key is judged at least once a day, a discovered key first re-fetched from where it
// was found (a revocation published in the council's Web Key Directory or security.txt key is merged in,
// as OpenPGP updates are). The finding is kept on the key (`problem`), shown on the council's account page
// and its authority page, and audited when it changes:
//   revoked               the key is revoked: advisories go unencrypted (or as a heads-up) until a new one
//   expired               the key has expired: the same
//   expiring              it expires within KEY_EXPIRY_WARNING_DAYS: renew it (extend it, or give a new one)
//   gone                  the source no longer publishes it (the key is still used; informational)
//   different-key         the source now publishes another key: give it (discover again) to use it
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { PublicKey } from 'openpgp';
import { inList } from '../../db/limits.js';
import { mailboxes, mailboxKeys } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { systemPrincipal } from '../../domain/principal.js';
import { readAnyKeys, readStoredKey, recipientKeyProblem, revokedIn } from '../../mail/recipient-key.js';
import { discoverKey } from './discover-key.js';
import { mailboxKeyTransitions } from './transitions.js';
import type { MailboxKeyRow } from './view.js';

/** A key expiring within this many days is reported. */
export const KEY_EXPIRY_WARNING_DAYS = 30;
/** How often a key is checked at most. */
const CHECK_EVERY_MS = 20 * 3600_000;
/** Keys checked in one run at most (each discovered one is one or two HTTPS requests). */
const KEYS_PER_RUN = 50;

export interface KeyCheckOutcome {
  checked: number;
  /** Keys whose finding changed, with the new finding (null: fine again). */
  changed: Array<{ keyId: string; mailboxId: string; problem: string | null }>;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The source's answer, when the key was discovered: what it says about this key. */
async function fromSource(deps: Deps, row: MailboxKeyRow, address: string, stored: PublicKey, now: Date) {
  if (row.source === 'upload') return { revokedAt: null, note: null };
  const found = await discoverKey(deps, address, row.source);
  if (!found.found)
    return {
      revokedAt: null,
      note: `its ${row.source === 'wkd' ? 'Web Key Directory' : 'security.txt'} no longer publishes it`,
    };
  const revokedAt = await revokedIn(stored, found.key, now);
  if (revokedAt) return { revokedAt, note: null };
  const fingerprints = (await readAnyKeys(found.key)).map((k) => k.getFingerprint().toUpperCase());
  return {
    revokedAt: null,
    note: fingerprints.includes(row.fingerprint)
      ? null
      : `its ${row.source === 'wkd' ? 'Web Key Directory' : 'security.txt'} now publishes another key (${fingerprints[0] ?? 'unreadable'}): look it up again to use it`,
  };
}

/** The finding about one key now, in words for the council; null when it is fine. */
export async function keyFinding(
  stored: PublicKey,
  row: Pick<MailboxKeyRow, 'expiresAt' | 'revokedAt'>,
  now: Date,
  note: string | null,
): Promise<string | null> {
  if (row.revokedAt) return `The key was revoked on ${day(row.revokedAt)}: give a new key.`;
  const problem = await recipientKeyProblem(stored, now);
  if (problem) return `We can no longer encrypt to this key: ${problem}. Give a new key.`;
  if (row.expiresAt && row.expiresAt.getTime() - now.getTime() < KEY_EXPIRY_WARNING_DAYS * 86400_000)
    return `The key expires on ${day(row.expiresAt)}: extend it or give a new key before then.`;
  return note ? `The key is still used, but ${note}.` : null;
}

/** Checks the keys that are due; records what changed. */
export async function checkMailboxKeys(deps: Deps, signal?: AbortSignal): Promise<KeyCheckOutcome> {
  const now = deps.clock.now();
  const due = await deps.db
    .select({ key: mailboxKeys, address: mailboxes.address })
    .from(mailboxKeys)
    .innerJoin(mailboxes, eq(mailboxes.id, mailboxKeys.mailboxId))
    .where(
      and(
        inList(mailboxKeys.state, ['pending', 'confirmed']),
        or(
          isNull(mailboxKeys.lastCheckedAt),
          lt(mailboxKeys.lastCheckedAt, new Date(now.getTime() - CHECK_EVERY_MS)),
        ),
      ),
    )
    .limit(KEYS_PER_RUN);
  const outcome: KeyCheckOutcome = { checked: 0, changed: [] };
  const actor = { principal: systemPrincipal };
  for (const { key: row, address } of due) {
    if (signal?.aborted) break;
    outcome.checked++;
    const stored = await readStoredKey(row.armoredKey);
    const source = await fromSource(deps, row, address, stored, now);
    const revokedAt = row.revokedAt ?? source.revokedAt;
    const problem = await keyFinding(stored, { expiresAt: row.expiresAt, revokedAt }, now, source.note);
    if (problem === row.problem && revokedAt === row.revokedAt) {
      await deps.db.update(mailboxKeys).set({ lastCheckedAt: now }).where(eq(mailboxKeys.id, row.id));
      continue;
    }
    const applied = await mailboxKeyTransitions.attempt(deps, actor, 'check', row.id, {
      set: { problem, revokedAt, lastCheckedAt: now },
      audit: {
        before: { problem: row.problem },
        after: { mailboxId: row.mailboxId, fingerprint: row.fingerprint, problem },
      },
      at: now,
    });
    if (applied) outcome.changed.push({ keyId: row.id, mailboxId: row.mailboxId, problem });
  }
  return outcome;
}
