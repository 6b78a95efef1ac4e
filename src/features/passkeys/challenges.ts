// WebAuthn challenges: made here (random, 32 bytes), stored only as a hash with what they are for, the
// browser that asked (the hash of its mark) and, for a registration, whose passkey it will be. A challenge
// is spent by the one request that answers it, in the browser that asked, before it expires.
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import { webauthnChallenges } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { hashSecret } from '../../lib/secrets.js';

/** How long a ceremony may take (the browser's own timeout is the same). */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export type ChallengePurpose = 'register' | 'authenticate';

export async function issueChallenge(
  deps: Deps,
  purpose: ChallengePurpose,
  browser: string,
  staffAddress: string | null,
): Promise<string> {
  const challenge = deps.random.secret(32);
  const now = deps.clock.now();
  await deps.db.batch([
    // Old challenges are of no use to anyone: cleared as new ones are made.
    deps.db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, now)),
    deps.db.insert(webauthnChallenges).values({
      challengeHash: await hashSecret(challenge),
      purpose,
      browserHash: await hashSecret(browser),
      staffAddress,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
    }),
  ]);
  return challenge;
}

/** The challenge a WebAuthn response answers (from its clientDataJSON), or null when it cannot be read. */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const padded = clientDataJSON.replaceAll('-', '+').replaceAll('_', '/');
    const data = JSON.parse(atob(padded + '='.repeat((4 - (padded.length % 4)) % 4))) as unknown;
    const challenge = (data as { challenge?: unknown }).challenge;
    return typeof challenge === 'string' && /^[A-Za-z0-9_-]{20,200}$/.test(challenge) ? challenge : null;
  } catch {
    return null;
  }
}

/**
 * Spends a challenge: the row when it was issued for this purpose to this browser, is unspent and unexpired
 * (one guarded UPDATE … RETURNING: of two requests answering it, one gets it); null otherwise.
 */
export async function spendChallenge(
  deps: Deps,
  challenge: string,
  purpose: ChallengePurpose,
  browser: string | null,
) {
  if (!browser) return null;
  const now = deps.clock.now();
  const [row] = await deps.db
    .update(webauthnChallenges)
    .set({ usedAt: now })
    .where(
      and(
        eq(webauthnChallenges.challengeHash, await hashSecret(challenge)),
        eq(webauthnChallenges.purpose, purpose),
        eq(webauthnChallenges.browserHash, await hashSecret(browser)),
        isNull(webauthnChallenges.usedAt),
        gt(webauthnChallenges.expiresAt, now),
      ),
    )
    .returning();
  return row ?? null;
}
