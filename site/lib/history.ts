import { int, month, pct, points } from './format.ts';
import { DIMENSION_TEXT, groupSubject } from './labels.ts';
import { href } from './paths.ts';
import type { ReportData } from './schema.ts';

/** Month after month: the year of history and what changed since last month, for the pages. */

export type MonthRow = ReportData['monthly'][number];

/** The year of history of one studio (its id), or of all studios (null), in month order. */
export function historyOf(report: Pick<ReportData, 'monthly'>, studio: string | null): MonthRow[] {
  return report.monthly.filter((r) => r.studio_id === studio).sort((a, b) => (a.month < b.month ? -1 : 1));
}

export interface ChangeLine {
  text: string;
  link: string;
  href: string;
  direction: 'up' | 'down';
}

/**
 * "Leads 0–7 days old: 0.33% in August, 5.37% in September (up 5.04 points; 33 opt-outs from
 * 615 texts)". Only changes beyond chance are in the report (see the methodology page).
 */
export function changeLines(report: Pick<ReportData, 'changes' | 'period' | 'previous_period'>): ChangeLine[] {
  const before = month(report.previous_period.month, false);
  const now = month(report.period.month, false);
  return report.changes.map((c) => ({
    text: `${groupSubject(c.dimension, c.key)}: ${pct(c.previous.rate)} in ${before}, ${pct(c.current.rate)} in ${now} (${c.direction} ${points(Math.abs(c.change)).replace(/^[+−-]/, '')}; ${int(c.current.opt_outs)} opt-outs from ${int(c.current.reached)} texts).`,
    link: DIMENSION_TEXT[c.dimension].title,
    href: href(`cohorts.html#${DIMENSION_TEXT[c.dimension].anchor}`),
    direction: c.direction,
  }));
}
