/** Number and date formats of the site: 1,234; 1.3%; 2.7×; 9 Sep 2026. */

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function int(n: number): string {
  return INT.format(Math.round(n));
}

/** One decimal for small counts that are estimates (3.1 expected opt-outs). */
export function dec(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * A rate as a percent: 1.3%, 12.9%; two decimals below 1% (0.49%); 0% and 100% for exactly 0 and
 * 1. A rate that is not 0 never reads as 0 (<0.01%), one that is not 1 never as 100 (>99.9%), and
 * a rate that rounds to 1% reads 1.0%, as 1% itself does.
 */
export function pct(rate: number): string {
  if (rate === 0) return '0%';
  if (rate === 1) return '100%';
  const p = rate * 100;
  const digits = Math.round(p * 100) < 100 ? 2 : 1;
  const rounded = Math.round(p * 10 ** digits) / 10 ** digits;
  if (rounded <= 0 && p > 0) return '<0.01%';
  if (rounded >= 100 && p < 100) return '>99.9%';
  return `${rounded.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}%`;
}

/** The tick format of percent axes: 0%, 0.5%, 1%, 2.5%, 12% (at most two decimals, no trailing zeros). */
export function pctTick(rate: number): string {
  const p = Math.round(rate * 10000) / 100;
  return `${p.toLocaleString('en-US', { maximumFractionDigits: 2 })}%`;
}

/** A share of a whole, rounded: 43%. */
export function share(s: number): string {
  return `${Math.round(Math.min(1, Math.max(0, s)) * 100)}%`;
}

export function times(lift: number): string {
  return `${lift.toLocaleString('en-US', { maximumFractionDigits: lift < 10 ? 1 : 0, minimumFractionDigits: lift < 10 ? 1 : 0 })}×`;
}

/** A change of a rate, in percentage points: +1.5 pts. */
export function points(delta: number): string {
  const p = delta * 100;
  const sign = p > 0 ? '+' : p < 0 ? '−' : '±';
  return `${sign}${Math.abs(p).toFixed(Math.abs(p) < 1 ? 2 : 1)} pts`;
}

/** A relative change of a count: +78%, −12%; null when there is nothing to compare with. */
export function change(now: number, before: number): string | null {
  if (before === 0) return null;
  const r = (now - before) / before;
  const p = Math.round(r * 100);
  return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p)}%`;
}

const SMALL = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

/** A count in words up to twelve (as prose writes it), in figures above: "eleven", "14". */
export function words(n: number): string {
  return Number.isInteger(n) && n >= 0 && n < SMALL.length ? (SMALL[n] as string) : int(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${int(n)} ${n === 1 ? one : many}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y ?? 0, m ?? 1, d ?? 1];
}

/** 2026-09-08 -> 8 Sep 2026 (8 Sep without the year). */
export function day(date: string, withYear = true): string {
  const [y, m, d] = parts(date);
  return `${d} ${MONTHS[m - 1]}${withYear ? ` ${y}` : ''}`;
}

/** A date range: 9–11 Sep 2026, 30 Sep – 2 Oct 2026, or one day. */
export function dayRange(start: string, end: string): string {
  if (start === end) return day(start);
  const [y1, m1, d1] = parts(start);
  const [y2, m2] = parts(end);
  if (y1 === y2 && m1 === m2) return `${d1}–${day(end)}`;
  if (y1 === y2) return `${day(start, false)} – ${day(end)}`;
  return `${day(start)} – ${day(end)}`;
}

/** 2026-09 -> September 2026. */
export function month(ym: string, withYear = true): string {
  const [y, m] = ym.split('-').map(Number);
  return `${LONG_MONTHS[(m ?? 1) - 1]}${withYear ? ` ${y}` : ''}`;
}

/** 2026-09 -> Sep 2026, for axes and tables. */
export function shortMonth(ym: string): string {
  const [y, m] = ym.split('-').map(Number);
  return `${MONTHS[(m ?? 1) - 1]} ${y}`;
}

/** A UTC date from YYYY-MM-DD, for time axes. */
export function utcDate(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

export function addDays(date: string, n: number): string {
  return new Date(utcDate(date).getTime() + n * 86400e3).toISOString().slice(0, 10);
}

/** An expected number of opt-outs, whole, as a clause: "about 3 were expected", "about 1 was expected", "less than 1 was expected". */
export function expected(n: number): string {
  const whole = Math.round(n);
  if (whole <= 0) return 'less than 1 was expected';
  return `about ${int(whole)} ${whole === 1 ? 'was' : 'were'} expected`;
}
