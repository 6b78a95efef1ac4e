// What one Workers invocation spends, against the platform's limits (Workers Paid: 1000 subrequests and
// 1000 D1 queries per invocation; 30 s of CPU by default). Every cron and queue invocation runs with a
// meter: its D1 binding counts each statement (a batch counts each statement in it), its outbound fetch
// (SES, DNS-over-HTTPS, HTTPS checks) and its queue sends count as subrequests. The jobs themselves are
// bounded by settings (EDGE_DISPATCH_MAX_DELIVERIES, CHECKS_PER_RUN, RECONFIRM_PER_RUN) and continue in
// the next invocation; the meter is how that is verified: each invocation logs what it used, as a warning
// once it passes three quarters of a limit. test/worker/budget.test.ts reads these lines.
import type { D1Binding } from '../adapters/db-d1.js';
import type { Logger } from '../ports/logger.js';

/** Workers Paid's limits per invocation (https://developers.cloudflare.com/workers/platform/limits/). */
export const WORKERS_LIMITS = { subrequests: 1000, d1Queries: 1000 } as const;

export interface InvocationMeter {
  readonly handler: string;
  d1Queries: number;
  subrequests: number;
  readonly startedAt: number;
}

export function invocationMeter(handler: string): InvocationMeter {
  return { handler, d1Queries: 0, subrequests: 0, startedAt: Date.now() };
}

type Statement = Record<string | symbol, unknown> & { bind(...values: unknown[]): Statement };
const queryMethods = new Set(['all', 'run', 'first', 'raw']);

/** The D1 binding with every statement counted on the meter. */
export function meteredD1(binding: D1Binding, meter: InvocationMeter): D1Binding {
  const real = new WeakMap<object, Statement>();
  const wrap = (stmt: Statement): Statement => {
    const proxy = new Proxy(stmt, {
      get(t, p) {
        if (p === 'bind') return (...values: unknown[]) => wrap(t.bind(...values));
        const v = Reflect.get(t, p, t);
        if (typeof v !== 'function') return v;
        if (typeof p === 'string' && queryMethods.has(p))
          return (...args: unknown[]) => {
            meter.d1Queries++;
            return (v as (...a: unknown[]) => unknown).apply(t, args);
          };
        return v.bind(t);
      },
    });
    real.set(proxy, stmt);
    return proxy;
  };
  const target = binding as unknown as { prepare(sql: string): Statement; batch(s: unknown[]): unknown };
  return new Proxy(target, {
    get(t, p) {
      if (p === 'prepare') return (query: string) => wrap(t.prepare(query));
      if (p === 'batch')
        return (statements: object[]) => {
          meter.d1Queries += statements.length;
          return t.batch(statements.map((s) => real.get(s) ?? s));
        };
      const v = Reflect.get(t, p, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  }) as unknown as D1Binding;
}

/** Outbound fetch, each call counted as a subrequest. */
export function meteredFetch(fetcher: typeof fetch, meter: InvocationMeter): typeof fetch {
  return (input, init) => {
    meter.subrequests++;
    return fetcher(input, init);
  };
}

/** Logs what the invocation used: info, or a warning past three quarters of a limit. */
export function reportUsage(meter: InvocationMeter, log: Logger, detail: Record<string, unknown> = {}) {
  const usage = {
    handler: meter.handler,
    ...detail,
    d1Queries: meter.d1Queries,
    subrequests: meter.subrequests,
    ms: Date.now() - meter.startedAt,
  };
  const near =
    meter.d1Queries > WORKERS_LIMITS.d1Queries * 0.75 ||
    meter.subrequests > WORKERS_LIMITS.subrequests * 0.75;
  if (near) log.warn('invocation budget: near a Workers limit', { ...usage, limits: WORKERS_LIMITS });
  else log.info('invocation budget', usage);
  return usage;
}
