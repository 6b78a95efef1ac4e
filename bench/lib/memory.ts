// Peak resident memory of the current process: sampled every 50 ms, and the kernel's own high-water mark
// (VmHWM in /proc/self/status, which also sees peaks between samples).
import { readFileSync } from 'node:fs';

const MB = 1024 * 1024;

/** The kernel's peak RSS of this process so far, in bytes (null where /proc is not available). */
export function kernelPeakRss(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface RssSampler {
  /** Stops sampling; returns the highest RSS seen (bytes) and RSS when sampling started. */
  stop(): { peak: number; start: number };
}

export function sampleRss(everyMs = 50): RssSampler {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return { peak, start };
    },
  };
}

export const toMB = (bytes: number) => Math.round(bytes / MB);
