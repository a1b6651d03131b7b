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

let isoDay = Number.NaN;
let isoPrefix = '';

/**
 * `2026-09-08T14:03:12Z` for whole epoch seconds. Called for every row, so the date part is
 * cached: rows come out in time order and share it.
 */
export function isoUtc(sec: number): string {
  const day = Math.floor(sec / DAY);
  if (day !== isoDay) {
    isoDay = day;
    isoPrefix = `${isoDate(day)}T`;
  }
  let rest = sec - day * DAY;
  const h = Math.floor(rest / HOUR);
  rest -= h * HOUR;
  const m = Math.floor(rest / MINUTE);
  return `${isoPrefix}${two(h)}:${two(m)}:${two(rest - m * MINUTE)}Z`;
}

/** A studio's time zone: UTC offset at an instant, and local wall clock to UTC. */
export class Zone {
  private readonly format: Intl.DateTimeFormat;
  /** Offset by UTC hour: US zones change offset only on whole UTC hours. */
  private readonly offsets = new Map<number, number>();

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
    const hour = Math.floor(utc / HOUR);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      offset = this.computeOffset(hour * HOUR);
      this.offsets.set(hour, offset);
    }
    return offset;
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
