import * as Plot from '@observablehq/plot';
import { int, month, pct, pctTick, shortMonth } from '../lib/format.ts';
import type { ReportData } from '../lib/schema.ts';
import { OKABE_ITO } from './palette.ts';
import { NARROW, plot, toSvg, type Figure } from './render.ts';

/** The year of history: the opt-out rate by month with its interval, partial months marked. */

export type MonthRow = ReportData['monthly'][number];

/** The top of the rate axis: every month's rate shows; an interval of a small month may run off it. */
function yMax(rows: MonthRow[]): number {
  const rates = rows.map((r) => r.rate);
  const highs = rows.filter((r) => r.reached >= 200).map((r) => r.ci_high);
  return Math.min(1, Math.max(0.005, ...rates, ...highs) * 1.12);
}

export function monthlyPlot(rows: MonthRow[], { width, narrow = false }: { width: number; narrow?: boolean }): unknown {
  const top = yMax(rows);
  const x = (r: MonthRow): string => shortMonth(r.month);
  const whole = rows.filter((r) => !r.partial);
  const partial = rows.filter((r) => r.partial);
  // a phone names every other month when the year is long, by its first three letters, so the names never touch
  const months = rows.map(x);
  const step = narrow && months.length > 6 ? 2 : 1;
  const ticks = months.filter((_m, i) => (months.length - 1 - i) % step === 0);
  return plot({
    width,
    height: narrow ? 240 : 260,
    marginLeft: narrow ? 48 : 56,
    marginRight: 16,
    marginBottom: 40,
    x: { domain: months, label: null, padding: 0.3, ticks, ...(narrow ? { tickFormat: (m: string) => m.slice(0, 3) } : {}) },
    y: { domain: [0, top], label: 'Opt-out rate', tickFormat: pctTick, grid: true, nice: false, ...(narrow ? { ticks: 5 } : {}) },
    marks: [
      Plot.ruleX(rows, { x, y1: (r: MonthRow) => r.ci_low, y2: (r: MonthRow) => Math.min(r.ci_high, top), stroke: OKABE_ITO.grey, strokeWidth: 2 }),
      Plot.dot(whole, { x, y: 'rate', r: 5, fill: OKABE_ITO.blue, title: (r: MonthRow) => `${month(r.month)}: ${pct(r.rate)} (${int(r.attributed_opt_outs)} of ${int(r.reached)} texts)` }),
      // a month the data covers in part: hollow, and said so under its point
      Plot.dot(partial, { x, y: 'rate', r: 5, stroke: OKABE_ITO.blue, fill: 'white', strokeWidth: 2, title: (r: MonthRow) => `${month(r.month)} (partial): ${pct(r.rate)}` }),
      Plot.text(partial, { x, y: 'rate', text: () => 'partial', dy: 16, fill: OKABE_ITO.black }),
      Plot.ruleY([0]),
    ],
    clip: true,
  });
}

/** A sentence on the review month against the months before it. */
export function monthlyCaption(rows: MonthRow[], reviewMonth: string, who: string): string {
  const now = rows.find((r) => r.month === reviewMonth);
  const before = rows.filter((r) => r.month < reviewMonth && !r.partial && r.reached > 0);
  if (!now) return `No texts reached leads of ${who} in ${month(reviewMonth)}.`;
  if (before.length === 0) return `${month(reviewMonth)} is the first month of data for ${who}: ${pct(now.rate)} of texts led to an opt-out.`;
  const sorted = before.map((r) => r.rate).sort((a, b) => a - b);
  const mid = sorted.length % 2 ? (sorted[(sorted.length - 1) / 2] as number) : ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
  const highest = now.rate >= Math.max(...sorted);
  // "of the year" only when there is a year of months to compare: an export of 6 months says so
  const of = before.length + 1 >= 12 ? 'of the year' : `of these ${before.length + 1} months`;
  return `For ${who}, ${pct(now.rate)} of texts led to an opt-out in ${month(reviewMonth, false)}, against a typical ${pct(mid)} in the ${before.length} whole ${before.length === 1 ? 'month' : 'months'} before${highest ? `: the highest ${of}` : ''}.`;
}

export function monthlyFigure(rows: MonthRow[], o: { id: string; who: string; month: string; width?: number }): Figure {
  const caption = `${monthlyCaption(rows, o.month, o.who)}${rows.some((r) => r.partial) ? ' A hollow point is a month the data covers only in part.' : ''}`;
  const alt = `Chart of the monthly opt-out rate for ${o.who}, with its 95% range. ${caption}`;
  return {
    id: o.id,
    title: `The last ${rows.length} ${rows.length === 1 ? 'month' : 'months'}, ${o.who}`,
    caption,
    svg: toSvg(monthlyPlot(rows, { width: o.width ?? 720 }), alt),
    narrow: toSvg(monthlyPlot(rows, { width: NARROW, narrow: true }), alt),
    legend: [
      { label: 'Opt-out rate', color: OKABE_ITO.blue, shape: 'dot' },
      { label: 'Likely range (95%)', color: OKABE_ITO.grey, shape: 'line' },
    ],
    table: {
      columns: [
        { label: 'Month' },
        { label: 'Texts', numeric: true },
        { label: 'Opt-outs traced', numeric: true },
        { label: 'Rate', numeric: true },
        { label: 'Delivered', numeric: true },
        { label: 'New leads', numeric: true },
        { label: 'Reachable at month end', numeric: true },
      ],
      rows: [...rows].reverse().map((r) => [
        `${shortMonth(r.month)}${r.partial ? ' (partial)' : ''}`,
        int(r.reached),
        int(r.attributed_opt_outs),
        pct(r.rate),
        r.delivery_rate === null ? '' : pct(r.delivery_rate),
        int(r.leads_added),
        int(r.reachable_leads),
      ]),
    },
  };
}
