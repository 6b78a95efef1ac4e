// Summarises a V8 .cpuprofile (written by node --cpu-prof): self time by function and by where the code
// lives (the engine, drizzle, libsql, nodemailer, Node's own net/stream code, GC, idle).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function area(url: string, fn: string): string {
  if (fn === '(idle)') return 'idle (waiting for I/O)';
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)' || fn === '(root)') return 'V8/native (program)';
  if (url.includes('/node_modules/nodemailer/')) return 'nodemailer';
  if (url.includes('/node_modules/drizzle-orm/')) return 'drizzle-orm';
  if (url.includes('/node_modules/@libsql/') || url.includes('/node_modules/libsql/')) return 'libsql';
  if (url.includes('/node_modules/tsx/') || url.includes('/node_modules/esbuild/')) return 'tsx loader';
  if (url.includes('/src/features/advisories/')) return 'engine (src/features/advisories)';
  if (url.includes('/templates/') || url.includes('/src/features/mail/')) return 'mail compose/templates';
  if (url.includes('/src/adapters/')) return 'adapters (mailer-smtp …)';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:')) return 'node core (net, streams, crypto …)';
  if (url.includes('/src/')) return 'other src';
  if (url === '') return 'native/builtin';
  return 'other';
}

export interface ProfileSummary {
  totalMs: number;
  areas: Array<{ area: string; ms: number; share: number }>;
  functions: Array<{ name: string; where: string; ms: number; share: number }>;
}

/** Self time per function and per area, over the samples between `fromMs` and `toMs` (profile-relative). */
export function summariseProfile(path: string, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + delta);
    total += delta;
  }
  const areas = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const name = functionName || '(anonymous)';
    const where = url
      ? `${url.replace(/^.*\/(node_modules|src|bench|templates)\//, '$1/')}:${lineNumber + 1}`
      : '';
    const key = `${name} ${where}`;
    const f = functions.get(key) ?? { name, where, us: 0 };
    f.us += us;
    functions.set(key, f);
  }
  return {
    totalMs: total / 1000,
    areas: [...areas]
      .map(([a, us]) => ({ area: a, ms: us / 1000, share: us / total }))
      .sort((x, y) => y.ms - x.ms),
    functions: [...functions.values()]
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: f.us / total }))
      .sort((x, y) => y.ms - x.ms),
  };
}
