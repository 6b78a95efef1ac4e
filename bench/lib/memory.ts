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
  /**
   * Stops sampling; returns the highest RSS seen (bytes), RSS when sampling started, and what the JS heap
   * and buffers held at that peak (bytes).
   */
  stop(): { peak: number; start: number; atPeak: { heapUsed: number; heapTotal: number; external: number } };
}

export function sampleRss(everyMs = 50): RssSampler {
  const start = process.memoryUsage.rss();
  let peak = start;
  let atPeak = { heapUsed: 0, heapTotal: 0, external: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss >= peak) {
      peak = m.rss;
      atPeak = { heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peak, start, atPeak };
    },
  };
}

export const toMB = (bytes: number) => Math.round(bytes / MB);
