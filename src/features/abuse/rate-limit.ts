// Rate limits kept in the database (fixed windows), so every instance and process shares one count.
import { and, eq, lt, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { rateLimitHits } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';

export interface Limit {
  /** What is counted, e.g. `register:ip:203.0.113.9`. */
  key: string;
  max: number;
  windowSeconds: number;
}

export interface LimitOutcome {
  allowed: boolean;
  /** The first limit that was exceeded. */
  exceeded?: Limit;
  retryAfterSeconds: number;
}

/** Counts one attempt against every limit (in one atomic write) and says whether all still allow it. */
export async function countAttempt(deps: Deps, limits: Limit[]): Promise<LimitOutcome> {
  if (limits.length === 0) return { allowed: true, retryAfterSeconds: 0 };
  const now = deps.clock.now().getTime();
  const items: BatchItem[] = [];
  for (const limit of limits) {
    const windowMs = limit.windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    items.push(
      deps.db
        .delete(rateLimitHits)
        .where(and(eq(rateLimitHits.key, limit.key), lt(rateLimitHits.windowStart, windowStart))),
      deps.db
        .insert(rateLimitHits)
        .values({ key: limit.key, windowStart, count: 1 })
        .onConflictDoUpdate({
          target: [rateLimitHits.key, rateLimitHits.windowStart],
          set: { count: sql`${rateLimitHits.count} + 1` },
        })
        .returning({ count: rateLimitHits.count }),
    );
  }
  const results = (await deps.db.batch(items as [BatchItem, ...BatchItem[]])) as unknown[];
  for (let i = 0; i < limits.length; i++) {
    const limit = limits[i]!;
    const rows = results[i * 2 + 1] as Array<{ count: number }>;
    if ((rows[0]?.count ?? 0) > limit.max) {
      const windowMs = limit.windowSeconds * 1000;
      const retryAfterSeconds = Math.ceil((Math.floor(now / windowMs) * windowMs + windowMs - now) / 1000);
      return { allowed: false, exceeded: limit, retryAfterSeconds };
    }
  }
  return { allowed: true, retryAfterSeconds: 0 };
}

/** Counts the attempt and throws 429 (with Retry-After) when a limit is exceeded. */
export async function enforceLimits(deps: Deps, limits: Limit[], what: string): Promise<void> {
  const outcome = await countAttempt(deps, limits);
  if (!outcome.allowed) {
    throw new AppError(
      'rate_limited',
      `Too many ${what}. Try again in ${formatWait(outcome.retryAfterSeconds)}.`,
      {
        extra: { retryAfter: outcome.retryAfterSeconds },
      },
    );
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}
