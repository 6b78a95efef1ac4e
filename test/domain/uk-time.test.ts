import { describe, expect, it } from 'vitest';
import { ukDateTime, ukWallClock } from '../../src/domain/uk-time.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('a UK wall-clock time as a moment', () => {
  it('is UTC in winter and an hour behind it in summer', () => {
    expect(iso(ukWallClock(2027, 1, 15, 9, 30))).toBe('2027-01-15T09:30:00.000Z');
    expect(iso(ukWallClock(2027, 7, 1, 9, 30))).toBe('2027-07-01T08:30:00.000Z');
    expect(ukDateTime(ukWallClock(2027, 7, 1, 9, 30)!)).toBe('1 July 2027 at 9:30am');
  });

  it('on the days the clocks change: the missing hour is taken in summer time, the doubled hour the first time', () => {
    // 28 March 2027: 01:00 GMT becomes 02:00 BST; 01:30 does not exist on the clock.
    expect(iso(ukWallClock(2027, 3, 28, 0, 30))).toBe('2027-03-28T00:30:00.000Z');
    expect(iso(ukWallClock(2027, 3, 28, 3, 0))).toBe('2027-03-28T02:00:00.000Z');
    expect(ukDateTime(ukWallClock(2027, 3, 28, 1, 30)!)).toMatch(/28 March 2027 at [12]:30am/);
    // 31 October 2027: 02:00 BST becomes 01:00 GMT; 01:30 happens twice.
    expect(iso(ukWallClock(2027, 10, 31, 1, 30))).toMatch(/^2027-10-31T0[01]:30:00\.000Z$/);
    expect(iso(ukWallClock(2027, 10, 31, 3, 0))).toBe('2027-10-31T03:00:00.000Z');
  });

  it('is null for a date or time that is not real', () => {
    const cases: Array<[number, number, number, number, number]> = [
      [2027, 4, 31, 9, 0],
      [2027, 2, 29, 9, 0],
      [2027, 13, 1, 9, 0],
      [2027, 1, 1, 24, 0],
      [2027, 1, 1, 9, 60],
      [2027, 1, 0, 9, 0],
      [2027.5, 1, 1, 9, 0],
    ];
    for (const [y, mo, d, h, mi] of cases)
      expect(ukWallClock(y, mo, d, h, mi), `${y}-${mo}-${d} ${h}:${mi}`).toBeNull();
    expect(iso(ukWallClock(2028, 2, 29, 12, 0))).toBe('2028-02-29T12:00:00.000Z');
  });
});
