// Rate limits kept in the database (fixed windows), so every instance and process shares one count.
// Who is counted matters as much as how much: limits that stop abuse must not let an outsider lock a
// council out. So anonymous requests are counted per requester (client address) first; the limit per
// address counts only mail actually sent to it (and a link already sent still works); and signed-in
// callers are counted per caller, never by the anonymous counters, admins not at all.
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

const HOUR = 3600;

/**
 * Whether one more link may be mailed to this address this hour (counted only when it is about to be sent):
 * at most RATE_LIMIT_PER_ADDRESS, so nobody can make the service mail-bomb an address, while the links
 * already in that mailbox keep working.
 */
export async function mailQuotaAllows(deps: Deps, address: string): Promise<boolean> {
  const outcome = await countAttempt(deps, [
    {
      key: `mail:address:${address.toLowerCase()}`,
      max: deps.config.RATE_LIMIT_PER_ADDRESS,
      windowSeconds: HOUR,
    },
  ]);
  if (!outcome.allowed) deps.log.warn('mail to an address held back: too many this hour', {});
  return outcome.allowed;
}

/** The client as counted: an IPv4 address, or an IPv6 address's /64 (one subscriber's network). */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * The limit a caller's requests count against: anonymous callers per client address (`what` per hour:
 * RATE_LIMIT_PER_IP), signed-in callers per caller (RATE_LIMIT_PER_AUTHORITY), admins none.
 */
export function requesterLimits(
  deps: Deps,
  actor: { principal: { actor: string; role: string; via: string }; ip?: string },
  what: string,
): Limit[] {
  const { principal } = actor;
  if (principal.role === 'admin') return [];
  if (principal.via === 'anonymous')
    return [
      {
        key: `${what}:ip:${clientKey(actor.ip ?? 'unknown')}`,
        max: deps.config.RATE_LIMIT_PER_IP,
        windowSeconds: HOUR,
      },
    ];
  return [
    {
      key: `${what}:actor:${principal.actor}`,
      max: deps.config.RATE_LIMIT_PER_AUTHORITY,
      windowSeconds: HOUR,
    },
  ];
}
