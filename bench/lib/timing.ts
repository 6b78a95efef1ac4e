// Timing and formatting helpers shared by the bench parts.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

/** CPU time of this process's main thread so far (ms), from /proc (Linux); null elsewhere. */
export function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** Measures the event loop and CPU of this process between start and stop. */
export function processMeter() {
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const main = mainThreadCpuMs();
  const t0 = now();
  return {
    stop() {
      const wallMs = now() - t0;
      const used = process.cpuUsage(cpu);
      const mainNow = mainThreadCpuMs();
      return {
        /** CPU time of the main thread alone (the event loop; not the thread pool or GC helpers), ms. */
        mainThreadCpuMs: main === null || mainNow === null ? null : mainNow - main,
        wallMs,
        /** Share of wall time the event loop was busy (1 = never idle). */
        eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
        /** CPU time (user + system) in ms, and as a share of one core. */
        cpuMs: (used.user + used.system) / 1000,
        cpuShare: (used.user + used.system) / 1000 / wallMs,
      };
    },
  };
}

export type ProcessMeasure = ReturnType<ReturnType<typeof processMeter>['stop']>;

export const fmt = {
  int: (n: number) => Math.round(n).toString(),
  s: (ms: number, digits = 2) => (ms / 1000).toFixed(digits),
  pct: (x: number) => `${Math.round(x * 100)}%`,
};

/** Left-aligned table with a header row. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
