import { addDays, dayRange, month, utcDate } from './format.ts';
import type { CoveredMonth, ReportData } from './schema.ts';

/**
 * What the pages say about months the data covers only in part (methodology: "what the data
 * covers"): the banner of every page when the review month is partial, the mark on comparisons
 * with a partial month, and the covered part of any month for the charts.
 */

export type Coverage = ReportData['coverage'];

/** 2026-10 shifted by -2 months: 2026-08. */
export function shiftMonth(ym: string, by: number): string {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function lastDay(ym: string): string {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  return `${ym}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/** A month YYYY-MM and the part of it the export covers (as the worker writes period). */
export function monthCoverage(ym: string, coverage: Coverage): CoveredMonth {
  const start = `${ym}-01`;
  const end = lastDay(ym);
  const from = start > coverage.start ? start : coverage.start;
  const to = end < coverage.end ? end : coverage.end;
  const any = from <= to;
  return { month: ym, start, end, partial: !any || from !== start || to !== end, data_start: any ? from : null, data_end: any ? to : null };
}

/** The covered days of a month in words: "1–3 Oct 2026" ("1–3 Oct" without the year); null when the data has none of it. */
export function coveredDays(p: CoveredMonth, withYear = true): string | null {
  if (!p.data_start || !p.data_end) return null;
  const days = dayRange(p.data_start, p.data_end);
  return withYear ? days : days.replace(/ \d{4}$/, '');
}

const daysBetween = (a: string, b: string): number => Math.round((utcDate(b).getTime() - utcDate(a).getTime()) / 86400e3) + 1;

/** The banner of every page when the review month is partial; null when the data covers all of it. */
export function partialBanner(report: Pick<ReportData, 'period'>): string | null {
  const p = report.period;
  if (!p.partial) return null;
  const n = daysBetween(p.data_start, p.data_end);
  const those = n === 1 ? 'that day' : `those ${n} days`;
  return `Data covers ${dayRange(p.data_start, p.data_end)} only. ${month(p.month)} is a partial month in this export: the numbers on every page are for ${those}, not the whole month.`;
}

/** "October partial: 1–3 Oct only", "no data in August". */
function partialText(p: CoveredMonth): string {
  const days = coveredDays(p, false);
  return days ? `${month(p.month, false)} partial: ${days} only` : `no data in ${month(p.month, false)}`;
}

/**
 * The mark on a comparison of the review month with the month before, when either is partial:
 * "October partial: 1–3 Oct only"; null when both are whole.
 */
export function comparisonNote(report: Pick<ReportData, 'period' | 'previous_period'>): string | null {
  const parts = [report.period, report.previous_period].filter((p) => p.partial).map(partialText);
  return parts.length > 0 ? parts.join('; ') : null;
}

/** The "Last month" column of the tables, marked when the month before is partial. */
export function lastMonthLabel(report: Pick<ReportData, 'previous_period'>): string {
  const days = coveredDays(report.previous_period);
  return report.previous_period.partial ? `Last month (${days ? `${days} only` : 'no data'})` : 'Last month';
}

export interface Span {
  start: string;
  end: string;
}

/** The days of a span of dates the export does not cover (before its first or after its last message). */
export function uncovered(span: Span, coverage: Coverage): Span[] {
  const out: Span[] = [];
  if (coverage.start > span.start) out.push({ start: span.start, end: coverage.start > span.end ? span.end : addDays(coverage.start, -1) });
  if (coverage.end < span.end && coverage.end >= span.start) out.push({ start: addDays(coverage.end, 1), end: span.end });
  return out;
}

/** "October 2026 (1–3 Oct only)", one for each partial month of a list; empty when all are whole. */
export function partialMonths(months: string[], coverage: Coverage): string[] {
  return months
    .map((m) => monthCoverage(m, coverage))
    .filter((p) => p.partial)
    .map((p) => {
      const days = coveredDays(p);
      return `${month(p.month)} (${days ? `${days} only` : 'no data'})`;
    });
}
