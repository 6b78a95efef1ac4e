// HTTP request metrics in memory: a counter and a latency histogram per (route, method, status), where the
// route is the pattern that answered (e.g. "/api/v1/authorities/:code"), so the number of series is bounded
// by the route table, never by what callers put in a URL. The counts belong to one process (one Node
// server, or one Worker isolate) and start again at zero when it restarts: Prometheus's rate() and
// increase() expect exactly that, and sum across instances. middleware/http-metrics.ts feeds it.

/** Upper bounds (seconds) of the latency histogram's buckets; +Inf is implied. */
export const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export interface HttpSeries {
  route: string;
  method: string;
  status: number;
  count: number;
  sumSeconds: number;
  /** Cumulative counts per bucket of `latencyBuckets` (observations ≤ each bound). */
  buckets: number[];
}

export interface HttpMetrics {
  observe(route: string, method: string, status: number, seconds: number): void;
  series(): HttpSeries[];
}

/** Requests that matched no route are counted under one label. */
export const UNMATCHED_ROUTE = '(unmatched)';

export function createHttpMetrics(): HttpMetrics {
  const byKey = new Map<string, HttpSeries>();
  return {
    observe(route, method, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let s = byKey.get(key);
      if (!s) {
        s = { route, method, status, count: 0, sumSeconds: 0, buckets: latencyBuckets.map(() => 0) };
        byKey.set(key, s);
      }
      s.count++;
      s.sumSeconds += seconds;
      for (let i = 0; i < latencyBuckets.length; i++) if (seconds <= latencyBuckets[i]!) s.buckets[i]!++;
    },
    series: () => [...byKey.values()],
  };
}
