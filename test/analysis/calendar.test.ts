import { describe, expect, it } from 'vitest';
import { businessDayIndex, businessDaysBetween, usFederalHolidays } from '../../worker/analysis/calendar.ts';

describe('US federal holidays and business days', () => {
  it('lists the observed federal holidays of 2026 (OPM calendar)', () => {
    expect(usFederalHolidays(2026)).toEqual([
      '2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-07-03',
      '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25',
    ]);
    // 2022: New Year's Day on a Saturday is observed on Friday 2021-12-31, not in 2022's list;
    // Christmas on a Sunday is observed Monday the 26th.
    expect(usFederalHolidays(2022)).toContain('2022-12-26');
    expect(usFederalHolidays(2022)).toContain('2022-06-20');
  });

  it('counts business days from the day after the opt-out up to and including the send', () => {
    expect(businessDaysBetween('2026-03-02', '2026-03-02')).toBe(0);
    expect(businessDaysBetween('2026-03-02', '2026-03-03')).toBe(1); // Mon -> Tue
    expect(businessDaysBetween('2026-03-06', '2026-03-09')).toBe(1); // Fri -> Mon: the weekend does not count
    expect(businessDaysBetween('2026-03-02', '2026-03-16')).toBe(10);
    expect(businessDaysBetween('2026-03-02', '2026-03-17')).toBe(11);
    // Thanksgiving week: Nov 26 is a holiday.
    expect(businessDaysBetween('2026-11-20', '2026-11-27')).toBe(4);
  });

  it('builds a running index whose differences are business days', () => {
    const rows = businessDayIndex('2026-11-01', '2026-12-31');
    const at = (d: string) => rows.find((r) => r.date === d)?.business_day_index as number;
    expect(at('2026-11-27') - at('2026-11-20')).toBe(businessDaysBetween('2026-11-20', '2026-11-27'));
    expect(at('2026-12-31') - at('2026-11-01')).toBe(businessDaysBetween('2026-11-01', '2026-12-31'));
  });

  // Every fixed-date holiday that fell or falls on a weekend from 2021 to 2035, and the day it is
  // observed (OPM: Saturday -> the Friday before, Sunday -> the Monday after), worked out apart
  // from the code (Python's datetime).
  const EDGES: [string, string][] = [
    ['2021-06-19', '2021-06-18'], // Juneteenth 2021 on a Saturday
    ['2021-07-04', '2021-07-05'], // Independence Day 2021 on a Sunday
    ['2021-12-25', '2021-12-24'], // Christmas Day 2021 on a Saturday
    ['2022-01-01', '2021-12-31'], // New Year's Day 2022 on a Saturday
    ['2022-06-19', '2022-06-20'], // Juneteenth 2022 on a Sunday
    ['2022-12-25', '2022-12-26'], // Christmas Day 2022 on a Sunday
    ['2023-01-01', '2023-01-02'], // New Year's Day 2023 on a Sunday
    ['2023-11-11', '2023-11-10'], // Veterans Day 2023 on a Saturday
    ['2026-07-04', '2026-07-03'], // Independence Day 2026 on a Saturday
    ['2027-06-19', '2027-06-18'], // Juneteenth 2027 on a Saturday
    ['2027-07-04', '2027-07-05'], // Independence Day 2027 on a Sunday
    ['2027-12-25', '2027-12-24'], // Christmas Day 2027 on a Saturday
    ['2028-01-01', '2027-12-31'], // New Year's Day 2028 on a Saturday
    ['2028-11-11', '2028-11-10'], // Veterans Day 2028 on a Saturday
    ['2029-11-11', '2029-11-12'], // Veterans Day 2029 on a Sunday
    ['2032-06-19', '2032-06-18'], // Juneteenth 2032 on a Saturday
    ['2032-07-04', '2032-07-05'], // Independence Day 2032 on a Sunday
    ['2032-12-25', '2032-12-24'], // Christmas Day 2032 on a Saturday
    ['2033-01-01', '2032-12-31'], // New Year's Day 2033 on a Saturday
    ['2033-06-19', '2033-06-20'], // Juneteenth 2033 on a Sunday
    ['2033-12-25', '2033-12-26'], // Christmas Day 2033 on a Sunday
    ['2034-01-01', '2034-01-02'], // New Year's Day 2034 on a Sunday
    ['2034-11-11', '2034-11-10'], // Veterans Day 2034 on a Saturday
    ['2035-11-11', '2035-11-12'], // Veterans Day 2035 on a Sunday
  ];
  const shift = (d: string, days: number): string => new Date(Date.parse(`${d}T00:00:00Z`) + days * 86400e3).toISOString().slice(0, 10);

  it.each(EDGES)('does not count %s, observed %s, as a business day, across the new year too', (holiday, observed) => {
    expect(usFederalHolidays(Number(holiday.slice(0, 4)))).toContain(observed);
    // the observed day adds nothing to a count that ends on it or runs across it
    expect(businessDaysBetween(shift(observed, -1), observed)).toBe(0);
    const before = shift(observed, -7);
    const after = shift(observed, 7);
    const weekdays = (from: string, to: string): number => {
      let n = 0;
      for (let d = shift(from, 1); d <= to; d = shift(d, 1)) if (![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())) n++;
      return n;
    };
    // a week either side of an edge holds no other federal holiday but Christmas/New Year pairs
    const others = EDGES.filter(([, o]) => o !== observed && o > before && o <= after).length;
    expect(businessDaysBetween(before, after)).toBe(weekdays(before, after) - 1 - others);
  });

  it('counts the 10th business day across Christmas and a New Year observed in December', () => {
    expect(businessDaysBetween('2021-12-30', '2021-12-31')).toBe(0);
    // STOP on Thursday 16 December 2027; 24 and 31 December are observed holidays
    expect(businessDaysBetween('2027-12-16', '2028-01-03')).toBe(10);
    expect(businessDaysBetween('2027-12-16', '2028-01-04')).toBe(11);
  });
});
