/**
 * Civil dates and time zones, in whole epoch seconds. A "day" is a day number: days since
 * 1970-01-01 of a calendar date (no zone attached). Zone converts between a studio's local wall
 * clock and UTC, daylight saving included, from the offsets Intl reports.
 */

export const DAY = 86_400;
export const HOUR = 3_600;
export const MINUTE = 60;

export function dayOf(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / 1000 / DAY);
}

export function civil(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * DAY * 1000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

function two(n: number): string {
  return TWO[n] as string;
}

/** `YYYY-MM-DD` of a day number. */
export function isoDate(day: number): string {
  const c = civil(day);
  return `${c.year}-${two(c.month)}-${two(c.day)}`;
}

/** `YYYY-MM` of a year and month. */
export function isoMonth(year: number, month: number): string {
  return `${year}-${two(month)}`;
}

/** Adds months to a (year, month) pair. */
export function addMonths(year: number, month: number, n: number): { year: number; month: number } {
  const k = year * 12 + (month - 1) + n;
  return { year: Math.floor(k / 12), month: (k % 12) + 1 };
}

let isoMinute = Number.NaN;
let isoPrefix = '';

/**
 * `2026-09-08T14:03:12Z` for whole epoch seconds. Called for every row, so all but the seconds
 * is cached: rows come out in time order and share their minute.
 */
export function isoUtc(sec: number): string {
  const minute = Math.floor(sec / MINUTE);
  if (minute !== isoMinute) {
    isoMinute = minute;
    const day = Math.floor(sec / DAY);
    const rest = minute * MINUTE - day * DAY;
    isoPrefix = `${isoDate(day)}T${two(Math.floor(rest / HOUR))}:${two(Math.floor((rest % HOUR) / MINUTE))}:`;
  }
  return `${isoPrefix}${two(sec - minute * MINUTE)}Z`;
}

/** A studio's time zone: UTC offset at an instant, and local wall clock to UTC. */
export class Zone {
  private readonly format: Intl.DateTimeFormat;
  /** Offset by UTC day, null on a day the offset changes; then by UTC hour. */
  private readonly dayOffsets = new Map<number, number | null>();
  private readonly hourOffsets = new Map<number, number>();

  constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Seconds to add to a UTC instant to read the local wall clock (negative in the Americas). */
  offsetAt(utc: number): number {
    // One Intl call per UTC day when the offset does not change that day (nearly always);
    // per hour on the two change days (US zones change only on whole UTC hours).
    const day = Math.floor(utc / DAY);
    let offset = this.dayOffsets.get(day);
    if (offset === undefined) {
      const start = this.computeOffset(day * DAY);
      offset = start === this.computeOffset(day * DAY + DAY - 1) ? start : null;
      this.dayOffsets.set(day, offset);
    }
    if (offset !== null) return offset;
    const hour = Math.floor(utc / HOUR);
    let hourly = this.hourOffsets.get(hour);
    if (hourly === undefined) {
      hourly = this.computeOffset(hour * HOUR);
      this.hourOffsets.set(hour, hourly);
    }
    return hourly;
  }

  private computeOffset(utc: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(new Date(utc * 1000))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    const local = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0) / 1000;
    return local - utc;
  }

  /**
   * The UTC instant of a local wall-clock time. Two passes: the offset at the first guess can be
   * off by the daylight-saving hour near a change. An ambiguous autumn time takes the first of
   * its two instants; the generator never asks for times in the spring-forward gap.
   */
  toUtc(day: number, secOfDay: number): number {
    const local = day * DAY + secOfDay;
    const guess = local - this.offsetAt(local);
    return local - this.offsetAt(guess);
  }

  /** The local day number of a UTC instant. */
  localDay(utc: number): number {
    return Math.floor((utc + this.offsetAt(utc)) / DAY);
  }

  /** Seconds since local midnight of a UTC instant. */
  localSecOfDay(utc: number): number {
    const local = utc + this.offsetAt(utc);
    return local - Math.floor(local / DAY) * DAY;
  }
}

function nthWeekday(year: number, month: number, wd: number, n: number): number {
  const first = dayOf(year, month, 1);
  return first + ((wd - weekday(first) + 7) % 7) + (n - 1) * 7;
}

function lastWeekday(year: number, month: number, wd: number): number {
  const last = dayOf(year, month + 1, 0);
  return last - ((weekday(last) - wd + 7) % 7);
}

/** A fixed-date holiday moves to Friday when on a Saturday, to Monday when on a Sunday. */
function observed(day: number): number {
  const wd = weekday(day);
  return wd === 6 ? day - 1 : wd === 0 ? day + 1 : day;
}

/** US federal holidays (observed dates) of a year. */
function federalHolidays(year: number): number[] {
  return [
    observed(dayOf(year, 1, 1)),
    nthWeekday(year, 1, 1, 3),
    nthWeekday(year, 2, 1, 3),
    lastWeekday(year, 5, 1),
    observed(dayOf(year, 6, 19)),
    observed(dayOf(year, 7, 4)),
    nthWeekday(year, 9, 1, 1),
    nthWeekday(year, 10, 1, 2),
    observed(dayOf(year, 11, 11)),
    nthWeekday(year, 11, 4, 4),
    observed(dayOf(year, 12, 25)),
  ];
}

/**
 * Business days (Monday to Friday, not a federal holiday) from the day after `from` up to and
 * including `to`, as SPEC section 4 counts them for sends after an opt-out.
 */
export function businessDaysBetween(from: number, to: number): number {
  const holidays = new Set<number>();
  for (let y = civil(from).year; y <= civil(to).year + 1; y++) for (const h of federalHolidays(y)) holidays.add(h);
  let n = 0;
  for (let d = from + 1; d <= to; d++) {
    const wd = weekday(d);
    if (wd !== 0 && wd !== 6 && !holidays.has(d)) n++;
  }
  return n;
}
