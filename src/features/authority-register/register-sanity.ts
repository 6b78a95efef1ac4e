// Whether an import of the register looks like a real change or a broken file: checked before anything
// is written. A file that would end, or leave out, more than REGISTER_MAX_CHANGE_SHARE of the current
// authorities, that drops a nation's count by more than that share, whose successor links loop, or that
// names successors nobody knows, is held for an admin's explicit approval instead of being applied. A
// first load (an empty register) is never held.
import type { authorities } from '../../db/schema.js';
import type { DatedRegisterRow as RegisterRow } from './register-dates.js';
import type { RegisterDiff } from './register-diff.js';

type Authority = typeof authorities.$inferSelect;

export interface SanityVerdict {
  /** True when the import must wait for an admin's approval. */
  hold: boolean;
  /** Why, in words, one line each. */
  reasons: string[];
}

/** A loop in the successor links (A replaced by B, B replaced by A …), as its codes, or null. */
export function successorLoop(links: ReadonlyMap<string, readonly string[]>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (code: string): string[] | null => {
    if (onPath.has(code)) return [...path.slice(path.indexOf(code)), code];
    if (done.has(code)) return null;
    onPath.add(code);
    path.push(code);
    for (const next of links.get(code) ?? []) {
      const loop = visit(next);
      if (loop) return loop;
    }
    path.pop();
    onPath.delete(code);
    done.add(code);
    return null;
  };
  for (const code of links.keys()) {
    const loop = visit(code);
    if (loop) return loop;
  }
  return null;
}

export function registerSanity(
  stored: readonly Authority[],
  rows: readonly RegisterRow[],
  diff: RegisterDiff,
  maxShare: number,
): SanityVerdict {
  const reasons: string[] = [];
  const current = stored.filter((a) => a.current);
  if (current.length > 0) {
    const limit = Math.max(1, Math.floor(current.length * maxShare));
    const pct = `${Math.round(maxShare * 100)}%`;
    if (diff.ended.length > limit)
      reasons.push(
        `It would end ${diff.ended.length} of the ${current.length} current authorities, more than ${pct}.`,
      );
    if (diff.missing.length > limit)
      reasons.push(
        `${diff.missing.length} current authorities are missing from the file (more than ${pct}): is it truncated?`,
      );
    const nationsNow = countBy(current.map((a) => a.nation));
    const nationsAfter = countBy(rows.filter((r) => r.current).map((r) => r.nation));
    for (const [nation, now] of nationsNow) {
      const after = nationsAfter.get(nation) ?? 0;
      if (now - after > Math.max(1, Math.floor(now * maxShare)))
        reasons.push(`${nation} would go from ${now} current authorities to ${after}.`);
    }
  }
  const links = new Map(rows.map((r) => [r.code, r.replacedBy]));
  const loop = successorLoop(links);
  if (loop) reasons.push(`The successor links loop: ${loop.join(' → ')}.`);
  const known = new Set([...stored.map((a) => a.code), ...rows.map((r) => r.code)]);
  const unknown = [...new Set(rows.flatMap((r) => r.replacedBy).filter((c) => !known.has(c)))];
  if (unknown.length)
    reasons.push(
      `Successors named that are in neither the file nor the register: ${unknown.slice(0, 10).join(', ')}.`,
    );
  return { hold: reasons.length > 0, reasons };
}

function countBy(values: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}
