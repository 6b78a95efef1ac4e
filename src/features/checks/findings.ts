// What a check produces: findings (a machine code, a severity and a sentence a council officer can act
// on), folded into one result per kind of check. A temporary finding makes the whole result temporary:
// the check could not reach a conclusion and will be asked again.
import type { checkKinds, checkSeverities } from '../../domain/check-results.js';

export type CheckKind = (typeof checkKinds)[number];
export type Severity = (typeof checkSeverities)[number];

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
}

export interface CheckResult {
  kind: CheckKind;
  severity: Severity;
  summary: string;
  detail: { findings: Finding[] } & Record<string, unknown>;
}

const rank: Record<Severity, number> = { ok: 0, info: 1, warning: 2, critical: 3, temporary: 4 };

export function worstSeverity(findings: readonly Finding[]): Severity {
  return findings.reduce<Severity>((w, f) => (rank[f.severity] > rank[w] ? f.severity : w), 'ok');
}

export function finding(code: string, severity: Severity, message: string): Finding {
  return { code, severity, message };
}

/** One result: its severity is the worst finding's; its summary the findings' sentences, worst first. */
export function checkResult(
  kind: CheckKind,
  findings: Finding[],
  detail: Record<string, unknown> = {},
): CheckResult {
  const ordered = [...findings].sort((a, b) => rank[b.severity] - rank[a.severity]);
  const shown = ordered.some((f) => f.severity === 'temporary')
    ? ordered.filter((f) => f.severity === 'temporary')
    : ordered;
  return {
    kind,
    severity: worstSeverity(findings),
    summary: shown.map((f) => f.message).join(' '),
    detail: { ...detail, findings: ordered },
  };
}

/** The finding codes of a stored check's detail (an empty list for anything unexpected). */
export function findingCodes(detail: unknown): string[] {
  const list = (detail as { findings?: unknown } | null)?.findings;
  return Array.isArray(list)
    ? list.map((f) => (f as { code?: unknown }).code).filter((c): c is string => typeof c === 'string')
    : [];
}

/** "mx1.example.gov.uk and mx2.example.gov.uk" */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
