// What each bench part hands back to bench/run.ts for the summary table.
export interface PartSummary {
  part: string;
  rows: Array<{ figure: string; value: string }>;
  /** False when the part ran but missed its goal (run.ts still prints everything). */
  ok: boolean;
}
