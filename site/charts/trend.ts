import * as Plot from '@observablehq/plot';
import { addDays, day, int, month, pct, pctTick, utcDate } from '../lib/format.ts';
import { lastDay, partialMonths, shiftMonth, uncovered, type Coverage, type Span } from '../lib/period.ts';
import { OKABE_ITO } from './palette.ts';
import { NARROW, PRINT, plot, toSvg, type Figure } from './render.ts';

/** The daily opt-out rate over the three months, with its 7-day rate, spikes and alert levels. */

export interface TrendPoint {
  date: string;
  reached: number;
  opt_outs: number;
  rate: number;
}

export interface TrendDay extends TrendPoint {
  /** Rate of the 7 calendar days ending this day. */
  rate7: number;
}

export const ALERT_RATE = 0.013;
export const CARRIER_RATE = 0.05;

/** Adds the 7-day rate (the 7 calendar days ending each date) to a series sorted by date. */
export function withRolling(rows: TrendPoint[]): TrendDay[] {
  const sorted = [...rows].sort((a, b) => (a.date < b.date ? -1 : 1));
  return sorted.map((r) => {
    const from = addDays(r.date, -6);
    const week = sorted.filter((d) => d.date >= from && d.date <= r.date);
    const n = week.reduce((s, d) => s + d.reached, 0);
    const x = week.reduce((s, d) => s + d.opt_outs, 0);
    return { ...r, rate7: n > 0 ? x / n : 0 };
  });
}

export interface Shade {
  start: string;
  end: string;
}

/** The y domain: the alert levels always show; tiny days (under 20 texts) may run off the top. */
function yMax(days: TrendDay[]): number {
  const big = days.filter((d) => d.reached >= 20);
  const peak = Math.max(...(big.length > 0 ? big : days).map((d) => d.rate), ...days.map((d) => d.rate7), 0);
  return Math.min(1, Math.max(CARRIER_RATE * 1.2, peak * 1.08));
}

/** The days a trend chart spans: the review month and the two before it. */
export function trendWindow(reviewMonth: string): Span {
  return { start: `${shiftMonth(reviewMonth, -2)}-01`, end: lastDay(reviewMonth) };
}

const spanDays = (s: Span): number => Math.round((utcDate(s.end).getTime() - utcDate(s.start).getTime()) / 86400e3) + 1;

export function trendPlot(days: TrendDay[], { width, shades, window, gaps = [], narrow = false }: { width: number; shades: Shade[]; window?: Span; gaps?: Span[]; narrow?: boolean }): unknown {
  const top = yMax(days);
  // pixels a day takes (margins 52 + 16), for the "No data" labels that fit
  const dayWidth = (width - 68) / (window ? spanDays(window) : 92);
  const first = days[0]?.date ?? '2000-01-01';
  const levels = [
    { y: ALERT_RATE, label: '1.3% alert level', color: OKABE_ITO.blue },
    { y: CARRIER_RATE, label: '5% carrier level', color: OKABE_ITO.vermillion },
  ];
  const height = narrow ? 240 : 300;
  const room = ((CARRIER_RATE - ALERT_RATE) / top) * (height - 56) >= 16;
  return plot({
    width,
    height,
    marginLeft: 52,
    marginRight: 16,
    marginBottom: 36,
    x: {
      type: 'utc',
      label: null,
      ticks: narrow ? '2 weeks' : 'week',
      tickFormat: (d: Date) => day(d.toISOString().slice(0, 10), false),
      ...(window ? { domain: [utcDate(window.start), utcDate(addDays(window.end, 1))] } : {}),
    },
    y: { domain: [0, top], label: 'Opt-out rate', tickFormat: pctTick, grid: true, nice: false },
    marks: [
      // the days of partial months the export does not cover: shaded, and said so when there is room
      Plot.rect(gaps, { x1: (g: Span) => utcDate(g.start), x2: (g: Span) => utcDate(addDays(g.end, 1)), fill: OKABE_ITO.grey, fillOpacity: 0.22 }),
      Plot.text(
        gaps.filter((g) => spanDays(g) * dayWidth >= 48),
        { x: (g: Span) => new Date((utcDate(g.start).getTime() + utcDate(addDays(g.end, 1)).getTime()) / 2), y: top, dy: 14, text: () => 'No data', fill: OKABE_ITO.black, fontWeight: 600 },
      ),
      Plot.rect(shades, {
        x1: (s: Shade) => utcDate(s.start),
        x2: (s: Shade) => utcDate(addDays(s.end, 1)),
        fill: OKABE_ITO.orange,
        fillOpacity: 0.22,
      }),
      Plot.ruleY(levels, { y: 'y', stroke: 'color', strokeDasharray: '5,4', strokeWidth: 1.5 }),
      // The levels are named on the chart when there is room between them (the legend names them too).
      Plot.text(room ? levels : [], { x: utcDate(first), y: 'y', text: 'label', fill: 'color', textAnchor: 'start', dy: -7, fontWeight: 600 }),
      Plot.dot(days, {
        x: (d: TrendDay) => utcDate(d.date),
        y: 'rate',
        r: 2.5,
        fill: OKABE_ITO.grey,
        title: (d: TrendDay) => `${day(d.date)}: ${pct(d.rate)} (${int(d.opt_outs)} of ${int(d.reached)})`,
      }),
      Plot.line(days, { x: (d: TrendDay) => utcDate(d.date), y: 'rate7', stroke: OKABE_ITO.black, strokeWidth: 2 }),
      Plot.ruleY([0]),
    ],
    clip: true,
  });
}

export interface TrendOptions {
  id: string;
  /** "all studios" or "studio s1". */
  who: string;
  /** The review month YYYY-MM. */
  month: string;
  /** The local dates the export covers: the days outside it are shaded "No data". */
  coverage: Coverage;
  shades: Shade[];
  width?: number;
}

/** A sentence on the review month: days above the alert level, the peak day. */
export function trendCaption(days: TrendDay[], reviewMonth: string, who: string): string {
  const inMonth = days.filter((d) => d.date.startsWith(reviewMonth));
  if (inMonth.length === 0) return `No texts reached leads of ${who} in ${month(reviewMonth)}.`;
  const peak = inMonth.reduce((a, b) => (b.rate7 > a.rate7 ? b : a));
  const above = inMonth.filter((d) => d.rate7 > ALERT_RATE).length;
  const name = month(reviewMonth, false);
  if (above === 0) return `For ${who}, the 7-day opt-out rate stayed under the 1.3% alert level all ${name}; its highest was ${pct(peak.rate7)} on ${day(peak.date, false)}.`;
  return `For ${who}, the 7-day opt-out rate was above the 1.3% alert level on ${above} of ${inMonth.length} days with texts in ${name}, peaking at ${pct(peak.rate7)} on ${day(peak.date, false)}.`;
}

export function trendFigure(rows: TrendPoint[], o: TrendOptions): Figure {
  const days = withRolling(rows);
  const window = trendWindow(o.month);
  const gaps = uncovered(window, o.coverage);
  const partial = partialMonths([shiftMonth(o.month, -2), shiftMonth(o.month, -1), o.month], o.coverage);
  const caption = `${trendCaption(days, o.month, o.who)}${partial.length > 0 ? ` Partial ${partial.length === 1 ? 'month' : 'months'}, shaded where there is no data: ${partial.join(', ')}.` : ''}`;
  const shaded = (d: string): boolean => o.shades.some((s) => d >= s.start && d <= s.end);
  const alt = `Line chart of the daily opt-out rate for ${o.who} over three months. ${caption}`;
  return {
    id: o.id,
    title: `Opt-out rate by day, ${o.who}`,
    caption,
    svg: toSvg(trendPlot(days, { width: o.width ?? 1160, shades: o.shades, window, gaps }), alt),
    narrow: toSvg(trendPlot(days, { width: NARROW, shades: o.shades, window, gaps, narrow: true }), alt),
    print: toSvg(trendPlot(days, { width: PRINT, shades: o.shades, window, gaps, narrow: true }), alt),
    legend: [
      { label: 'Daily rate', color: OKABE_ITO.grey, shape: 'dot' },
      { label: '7-day rate', color: OKABE_ITO.black, shape: 'line' },
      { label: 'Spike', color: OKABE_ITO.orange, shape: 'area' },
      ...(gaps.length > 0 ? [{ label: 'No data (partial month)', color: OKABE_ITO.grey, shape: 'area' as const }] : []),
      { label: '1.3% alert level', color: OKABE_ITO.blue, shape: 'dash' },
      { label: '5% carrier level', color: OKABE_ITO.vermillion, shape: 'dash' },
    ],
    table: {
      columns: [{ label: 'Day' }, { label: 'Texts', numeric: true }, { label: 'Opt-outs', numeric: true }, { label: 'Rate', numeric: true }, { label: '7-day rate', numeric: true }, { label: 'Spike' }],
      rows: [...days].reverse().map((d) => [day(d.date), int(d.reached), int(d.opt_outs), pct(d.rate), pct(d.rate7), shaded(d.date) ? 'yes' : '']),
    },
  };
}
