// Single-use links (confirmation, re-confirmation, sign-in): the secret goes in the e-mail, only its hash
// is stored, each link expires, and using one marks it used in the same write as the change it makes.
import { and, eq, gt, isNull, type SQL, sql } from 'drizzle-orm';
import { linkTokens } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { constantTimeEqual, hashSecret } from '../../lib/secrets.js';

/** How long a confirmation link works. */
export function confirmationTtl(deps: Pick<Deps, 'config'>): number {
  return deps.config.CONFIRMATION_TTL_HOURS * 3600_000;
}

export type LinkPurpose = (typeof linkTokens.$inferSelect)['purpose'];

const paths: Record<LinkPurpose, string> = {
  confirm: 'confirm',
  reconfirm: 'confirm',
  'sign-in': 'sign-in',
  handover: 'handover',
};

/** `browser`: the mark of the browser that asked (sign-in links), whose hash is kept with the link. */
export async function issueLink(
  deps: Deps,
  mailboxId: string,
  purpose: LinkPurpose,
  ttlMs: number,
  browser: string | null = null,
) {
  const secret = deps.random.secret(32);
  const tokenHash = await hashSecret(secret);
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const browserHash = browser ? await hashSecret(browser) : null;
  const row = { tokenHash, purpose, mailboxId, createdAt: now, expiresAt, browserHash };
  return {
    secret,
    tokenHash,
    expiresAt,
    url: `${deps.config.PUBLIC_BASE_URL}/${paths[purpose]}/${secret}`,
    /** The stored row (for a conditional insert inside a transition). */
    row,
    insert: deps.db.insert(linkTokens).values(row),
  };
}

export type LinkState = 'valid' | 'expired' | 'used' | 'unknown';

/** Looks a link up without using it: for the page that shows what following it will do. */
export async function inspectLink(deps: Deps, secret: string, purposes: LinkPurpose[]) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(secret)) return { state: 'unknown' as const };
  const tokenHash = await hashSecret(secret);
  const row = await deps.db.query.linkTokens.findFirst({ where: eq(linkTokens.tokenHash, tokenHash) });
  if (!row || !constantTimeEqual(row.tokenHash, tokenHash) || !purposes.includes(row.purpose))
    return { state: 'unknown' as const };
  const state: LinkState = row.usedAt ? 'used' : row.expiresAt <= deps.clock.now() ? 'expired' : 'valid';
  return { state, link: row };
}

/**
 * Whether a link is opened in the browser that asked for it: the hash of this browser's mark is the one kept
 * with the link. A link kept without one (asked for before links were bound) is taken as bound.
 */
export async function sameBrowser(browserHash: string | null, browser: string | null): Promise<boolean> {
  if (browserHash === null) return true;
  if (!browser) return false;
  return constantTimeEqual(browserHash, await hashSecret(browser));
}

/** The statement that spends a link; it changes nothing when the link was already used. */
export function spendLink(deps: Deps, tokenHash: string, at: Date) {
  return deps.db
    .update(linkTokens)
    .set({ usedAt: at })
    .where(and(eq(linkTokens.tokenHash, tokenHash), isNull(linkTokens.usedAt)));
}

/** `exists (…)`: the link is unspent and unexpired at `at`; part of the guard of the change it makes. */
export function linkIsUnspent(tokenHash: string, at: Date): SQL {
  return sql`exists (select 1 from ${linkTokens} where ${and(
    eq(linkTokens.tokenHash, tokenHash),
    isNull(linkTokens.usedAt),
    gt(linkTokens.expiresAt, at),
  )})`;
}

/**
 * The statement that spends every unused link of this purpose for the mailbox (when `condition` holds):
 * issued just before a new one, so only the newest link works.
 */
export function retireEarlierLinks(
  deps: Pick<Deps, 'db' | 'clock'>,
  mailboxId: string,
  purpose: LinkPurpose,
  condition: SQL,
) {
  return deps.db
    .update(linkTokens)
    .set({ usedAt: deps.clock.now() })
    .where(
      and(
        eq(linkTokens.mailboxId, mailboxId),
        eq(linkTokens.purpose, purpose),
        isNull(linkTokens.usedAt),
        condition,
      ),
    );
}
