// A reachability drill's lifecycle and how often one repeats.
//   scheduled  waiting for its time
//   running    its messages are out; acknowledgements are counted until it closes
//   finished   closed (its window ended): its report is final
//   cancelled  stopped before it started
export const drillStates = ['scheduled', 'running', 'finished', 'cancelled'] as const;
export type DrillState = (typeof drillStates)[number];

export const drillRecurrences = ['none', 'monthly', 'quarterly', 'half-yearly', 'yearly'] as const;
export type DrillRecurrence = (typeof drillRecurrences)[number];

/** Months between drills of a recurring series. */
export const recurrenceMonths: Record<Exclude<DrillRecurrence, 'none'>, number> = {
  monthly: 1,
  quarterly: 3,
  'half-yearly': 6,
  yearly: 12,
};
