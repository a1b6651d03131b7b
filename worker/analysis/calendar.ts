import { DuckDBDateValue } from '@duckdb/node-api';
import type { Db } from '../db.ts';

/**
 * US federal holidays and business days, for the 10-business-day ceiling on honouring an
 * opt-out (SPEC section 4). Observed dates follow OPM's rule: a holiday on a Saturday is
 * observed the Friday before, on a Sunday the Monday after.
 */

const iso = (d: Date): string => d.toISOString().slice(0, 10);

function utc(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day));
}

/** The n-th (1-based) given weekday (0 = Sunday) of a month; n = -1 for the last. */
function nthWeekday(year: number, month: number, weekday: number, n: number): Date {
  if (n > 0) {
    const first = utc(year, month, 1);
    const offset = (weekday - first.getUTCDay() + 7) % 7;
    return utc(year, month, 1 + offset + (n - 1) * 7);
  }
  const last = utc(year, month + 1, 0);
  const back = (last.getUTCDay() - weekday + 7) % 7;
  return utc(year, month, last.getUTCDate() - back);
}

function observed(d: Date): Date {
  const day = d.getUTCDay();
  if (day === 6) return new Date(d.getTime() - 86400e3);
  if (day === 0) return new Date(d.getTime() + 86400e3);
  return d;
}

/**
 * The observed US federal holidays of a year, as YYYY-MM-DD. A holiday may be observed in the
 * year before (New Year's Day on a Saturday is observed on Friday 31 December): look a date up
 * in its own year's list and the next year's (observedHolidays does).
 */
export function usFederalHolidays(year: number): string[] {
  const days = [
    observed(utc(year, 1, 1)), // New Year's Day
    nthWeekday(year, 1, 1, 3), // Birthday of Martin Luther King, Jr.
    nthWeekday(year, 2, 1, 3), // Washington's Birthday
    nthWeekday(year, 5, 1, -1), // Memorial Day
    ...(year >= 2021 ? [observed(utc(year, 6, 19))] : []), // Juneteenth, since 2021
    observed(utc(year, 7, 4)), // Independence Day
    nthWeekday(year, 9, 1, 1), // Labor Day
    nthWeekday(year, 10, 1, 2), // Columbus Day
    observed(utc(year, 11, 11)), // Veterans Day
    nthWeekday(year, 11, 4, 4), // Thanksgiving Day
    observed(utc(year, 12, 25)), // Christmas Day
  ];
  return days.map(iso).sort();
}

/**
 * Business days (Monday to Friday, not a federal holiday) counted from the day after `from` up
 * to and including `to`; 0 when `to` is not after `from`.
 */
export function businessDaysBetween(from: string, to: string): number {
  if (to <= from) return 0;
  const rows = businessDayIndex(from, to);
  return (rows.at(-1)?.business_day_index ?? 0) - (rows[0]?.business_day_index ?? 0);
}

/** Every observed holiday that falls between two years (inclusive), whichever year it is the holiday of. */
export function observedHolidays(fromYear: number, toYear: number): Set<string> {
  const out = new Set<string>();
  // a year's holidays are observed from 31 December of the year before to 31 December
  for (let year = fromYear; year <= toYear + 1; year++) for (const d of usFederalHolidays(year)) out.add(d);
  return out;
}

/** Rows for a calendar table: every date from `from` to `to` with its running business-day count. */
export function businessDayIndex(from: string, to: string): { date: string; business_day_index: number }[] {
  const rows: { date: string; business_day_index: number }[] = [];
  let index = 0;
  const holidays = observedHolidays(Number(from.slice(0, 4)), Number(to.slice(0, 4)));
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86400e3) {
    const d = new Date(t);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6 && !holidays.has(iso(d))) index++;
    rows.push({ date: iso(d), business_day_index: index });
  }
  return rows;
}

/**
 * Creates `business_calendar(date, business_day_index)` over the span of the export's messages
 * and opt-outs (a day either side, for local dates), so that SQL can count business days between
 * two dates as a difference of indexes.
 */
export async function createBusinessCalendar(db: Db): Promise<void> {
  const span = await db.queryOne<{ first: string | null; last: string | null }>(`
    select strftime(min(t)::date - 2, '%Y-%m-%d') as first, strftime(max(t)::date + 2, '%Y-%m-%d') as last
    from (select sent_at as t from stg_messages union all select opted_out_at from stg_opt_outs)`);
  await db.exec(`create or replace table business_calendar (date date, business_day_index integer)`);
  if (!span.first || !span.last) return;
  const appender = await db.appender('business_calendar');
  for (const row of businessDayIndex(span.first, span.last)) {
    appender.appendDate(DuckDBDateValue.fromParts({ year: Number(row.date.slice(0, 4)), month: Number(row.date.slice(5, 7)), day: Number(row.date.slice(8, 10)) }));
    appender.appendInteger(row.business_day_index);
    appender.endRow();
  }
  appender.closeSync();
}
