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
});
