// The keys advisories are encrypted to: each mailbox's confirmed key, not revoked and not expired. Read
// once for a fan-out (one query: few mailboxes have keys) and each key parsed once, when first needed.
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { PublicKey } from 'openpgp';
import { mailboxKeys } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { readStoredKey } from '../../mail/recipient-key.js';

export interface RecipientKeys {
  /** The mailbox's key to encrypt to, or null when it has none usable. */
  keyOf(mailboxId: string): Promise<PublicKey | null>;
  /** The mailboxes with a usable key. */
  readonly mailboxIds: ReadonlySet<string>;
}

export async function usableKeyRows(deps: Pick<Deps, 'db' | 'clock'>) {
  const now = deps.clock.now();
  return deps.db
    .select({ mailboxId: mailboxKeys.mailboxId, armoredKey: mailboxKeys.armoredKey })
    .from(mailboxKeys)
    .where(
      and(
        eq(mailboxKeys.state, 'confirmed'),
        isNull(mailboxKeys.revokedAt),
        or(isNull(mailboxKeys.expiresAt), gt(mailboxKeys.expiresAt, now)),
      ),
    );
}

export async function recipientKeys(deps: Pick<Deps, 'db' | 'clock' | 'log'>): Promise<RecipientKeys> {
  const armored = new Map((await usableKeyRows(deps)).map((r) => [r.mailboxId, r.armoredKey] as const));
  const parsed = new Map<string, Promise<PublicKey | null>>();
  return {
    mailboxIds: new Set(armored.keys()),
    keyOf(mailboxId) {
      const text = armored.get(mailboxId);
      if (!text) return Promise.resolve(null);
      let key = parsed.get(mailboxId);
      if (!key) {
        key = readStoredKey(text).catch((err: Error) => {
          deps.log.error('a confirmed mailbox key could not be read', { mailboxId, err });
          return null;
        });
        parsed.set(mailboxId, key);
      }
      return key;
    },
  };
}
