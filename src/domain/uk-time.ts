// Dates and times as people in the UK read them (GOV.UK style: "2 December 2026 at 9:00am", "midday",
// "midnight"), in the Europe/London time zone. The one formatter for pages, e-mails and the CLI.
const dateTimeParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h12',
});

const dateOnly = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

const dayMonth = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' });
const calendarDay = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

type DateInput = Date | string | number;

function toDate(value: DateInput): Date {
  return value instanceof Date ? value : new Date(value);
}

/** "9:00am", "4:30pm", "midday", "midnight". */
function clock(parts: Record<string, string>): string {
  const period = (parts.dayPeriod ?? '').toLowerCase().replace(/[^a-z]/g, '');
  const time = `${parts.hour}:${parts.minute}${period}`;
  if (time === '12:00pm') return 'midday';
  if (time === '12:00am') return 'midnight';
  return time;
}

/** "2 December 2026 at 9:00am" (UK time). */
export function ukDateTime(value: DateInput): string {
  const parts = Object.fromEntries(dateTimeParts.formatToParts(toDate(value)).map((p) => [p.type, p.value]));
  return `${parts.day} ${parts.month} ${parts.year} at ${clock(parts)}`;
}

/** "2 December 2026" (UK time). */
export function ukDate(value: DateInput): string {
  return dateOnly.format(toDate(value));
}

/** A calendar day given as `YYYY-MM-DD` (a snapshot's day): "2 December 2026". */
export function ukCalendarDay(day: string): string {
  return calendarDay.format(new Date(`${day}T00:00:00Z`));
}

/** A calendar day given as `YYYY-MM-DD`, short, for chart axes: "2 Dec". */
export function ukShortDay(day: string): string {
  return dayMonth.format(new Date(`${day}T00:00:00Z`));
}

const londonDayFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day in the UK (Europe/London) of a moment, as YYYY-MM-DD. */
export function ukDayKey(at: Date): string {
  const parts = Object.fromEntries(londonDayFormat.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

const londonWallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** London's offset from UTC at a moment, in minutes (0 in winter, 60 in summer). */
function londonOffsetMinutes(at: number): number {
  const p = Object.fromEntries(londonWallClock.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  return Math.round((wall - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/**
 * The moment a UK wall-clock time names (what a person types: day, month, year, hour, minute), or null when
 * it is not a real date or time. In the hour the clocks go forward (which does not exist) it is taken in
 * summer time; in the hour they go back (which happens twice), the first.
 */
export function ukWallClock(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): Date | null {
  if (![year, month, day, hour, minute].every(Number.isInteger)) return null;
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  if (new Date(asUtc).getUTCDate() !== day) return null; // 31 April, 29 February in a common year
  // Two passes: the offset at the first guess, then at the moment it gives (clock-change days).
  const first = asUtc - londonOffsetMinutes(asUtc) * 60_000;
  return new Date(asUtc - londonOffsetMinutes(first) * 60_000);
}
