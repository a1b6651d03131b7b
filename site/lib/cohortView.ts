import { funnelFigure, ratesFigure } from '../charts/cohorts.ts';
import type { Figure } from '../charts/render.ts';
import { int, pct, times } from './format.ts';
import { DIMENSION_TEXT, keyLabel } from './labels.ts';
import type { CohortRow, Dimension, ReportData } from './schema.ts';
import type { TableModel } from './table.ts';
import { lastMonthLabel } from './period.ts';

/** One breakdown on the cohorts page: its charts and its table. */

export const CHART_LIMIT = 25;
export const TABLE_LIMIT = 100;

export interface CohortSection {
  dimension: Dimension;
  title: string;
  anchor: string;
  about: string;
  rates: Figure;
  funnel: Figure;
  table: TableModel;
  tableId: string;
  /** Groups flagged above the month's rate. */
  high: number;
}

const FLAG_TEXT = { high: 'Above', low: 'Below' } as const;

export function cohortTable(dimension: Dimension, rows: CohortRow[], note?: string, lastMonth = 'Last month'): TableModel {
  return {
    columns: [
      { label: DIMENSION_TEXT[dimension].column },
      { label: 'Texts reached', numeric: true },
      { label: 'Opt-outs', numeric: true },
      { label: 'Rate', numeric: true },
      { label: '95% interval', numeric: true },
      { label: "× the month's rate", numeric: true },
      { label: 'Vs the month' },
      { label: 'Rate allowing for small groups', numeric: true },
      { label: lastMonth, numeric: true },
    ],
    rows: rows.map((r) => [
      keyLabel(dimension, r.key),
      int(r.reached),
      int(r.opt_outs),
      pct(r.rate),
      `${pct(r.ci_low)} – ${pct(r.ci_high)}`,
      r.lift === null ? '–' : times(r.lift),
      r.flag ? FLAG_TEXT[r.flag] : 'Within chance',
      pct(r.shrunk_rate),
      r.previous ? `${pct(r.previous.rate)} of ${int(r.previous.reached)}` : '–',
    ]),
    ...(note ? { note } : {}),
  };
}

export function cohortSection(report: ReportData, dimension: Dimension): CohortSection {
  const text = DIMENSION_TEXT[dimension];
  const all = report.cohorts[dimension];
  const overall = report.totals.rate;
  const many = all.length > CHART_LIMIT;
  // Ordered breakdowns keep their order; the others are already listed by texts reached.
  const charted = many ? [...all].sort((a, b) => b.reached - a.reached).slice(0, CHART_LIMIT) : all;
  const chartNote = many ? `The chart shows the ${CHART_LIMIT} groups with most texts, of ${all.length}.` : undefined;
  const tabled = all.length > TABLE_LIMIT ? [...all].sort((a, b) => b.reached - a.reached).slice(0, TABLE_LIMIT) : all;
  const tableNote =
    all.length > TABLE_LIMIT
      ? `The ${TABLE_LIMIT} ${text.column.toLowerCase()} groups with most texts, of ${all.length}; all of them are in downloads/cohorts.csv on the Data page.`
      : undefined;
  return {
    dimension,
    title: text.title,
    anchor: text.anchor,
    about: `${text.about}${chartNote ? ` ${chartNote}` : ''}`,
    rates: ratesFigure(dimension, charted, overall, { id: `${text.anchor}-rates`, ...(chartNote ? { note: chartNote } : {}) }),
    funnel: funnelFigure(dimension, charted, overall, { id: `${text.anchor}-funnel`, ...(chartNote ? { note: chartNote } : {}) }),
    table: cohortTable(dimension, tabled, tableNote, lastMonthLabel(report)),
    tableId: `${text.anchor}-table`,
    high: all.filter((r) => r.flag === 'high').length,
  };
}
