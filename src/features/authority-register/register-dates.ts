// What a register row means on a given day: an authority whose start date is still to come is a shadow
// (created, not yet vested); one whose end date is still to come stays current until then, whatever the
// file's current flag says (mySociety marks an authority not current once its abolition is decided). The
// register calendar (register-calendar.ts) moves each on its day.
import type { RegisterRow } from './import-csv.js';

export type DatedRegisterRow = RegisterRow & { shadow: boolean };

export function onDay(row: RegisterRow, today: string): DatedRegisterRow {
  const shadow = row.startDate !== null && row.startDate > today;
  const stillRunning = row.endDate !== null && row.endDate >= today;
  return { ...row, shadow, current: !shadow && (row.current || stillRunning) };
}
