import * as Plot from '@observablehq/plot';
import { int, pct, pctTick, times } from '../lib/format.ts';
import { DIMENSION_TEXT, groupSubject, keyLabel } from '../lib/labels.ts';
import type { CohortRow, Dimension } from '../lib/schema.ts';
import { FLAG_COLORS, OKABE_ITO } from './palette.ts';
import { plot, marginFor, NARROW, textWidth, toSvg, uniqueLabels, wrapLabel, type Figure, type LegendItem } from './render.ts';

/** Two views of one breakdown: rates with their intervals, and the funnel plot. */

interface Point extends CohortRow {
  label: string;
  flagKey: 'high' | 'low' | 'within';
}

/** Not 'none': Plot would read that as a colour. */
const FLAG_DOMAIN = ['high', 'low', 'within'] as const;
const flagColor = { domain: [...FLAG_DOMAIN], range: FLAG_DOMAIN.map((f) => FLAG_COLORS[f]) };

function points(dimension: Dimension, rows: CohortRow[]): Point[] {
  return uniqueLabels(rows.map((r) => keyLabel(dimension, r.key)), 60).map((label, i) => ({ ...(rows[i] as CohortRow), label, flagKey: rows[i]?.flag ?? 'within' }));
}

/**
 * The end of the rate axis: the highest rate shown (or the month's) and half again, unless every
 * interval ends before that; a small group's wide interval then runs off the axis (with an arrow)
 * instead of squashing the others.
 */
export function rateAxisMax(rows: CohortRow[], overall: number): number {
  const points = Math.max(overall, ...rows.map((r) => r.rate));
  const intervals = Math.max(points, ...rows.map((r) => r.ci_high));
  const top = intervals <= points * 1.5 ? intervals * 1.05 : points * 1.5;
  return top > 0 ? Math.min(1, top) : 0.01;
}

/** The groups whose interval runs beyond the end of the rate axis. */
export function clippedIntervals<T extends CohortRow>(rows: T[], overall: number): T[] {
  const top = rateAxisMax(rows, overall);
  return rows.filter((r) => r.ci_high > top);
}

/** Axis labels: two lines of 26 characters on a wide chart, three of 16 on a phone. */
const axisLabel = (label: string, narrow: boolean): string => (narrow ? wrapLabel(label, 16, 3) : wrapLabel(label, 26, 2));

export function ratesPlot(rows: Point[], { width, overall, narrow = false }: { width: number; overall: number; narrow?: boolean }): unknown {
  const top = rateAxisMax(rows, overall);
  const clipped = rows.filter((r) => r.ci_high > top);
  const labels = new Map(rows.map((r) => [r.label, axisLabel(r.label, narrow)]));
  const lines = Math.max(1, ...[...labels.values()].map((l) => l.split('\n').length));
  return plot({
    width,
    height: Math.max(120, rows.length * Math.max(24, lines * 14 + 6) + 64),
    marginLeft: marginFor([...labels.values()]),
    marginRight: 24,
    marginTop: 28,
    marginBottom: 36,
    x: { domain: [0, top], label: 'Opt-out rate, with its 95% interval', tickFormat: pctTick, grid: true, labelAnchor: 'center', ...(narrow ? { ticks: 4 } : {}) },
    y: { domain: rows.map((r) => r.label), label: null, tickFormat: (l: string) => labels.get(l) ?? l },
    color: flagColor,
    marks: [
      Plot.ruleX([overall], { stroke: OKABE_ITO.black, strokeDasharray: '5,4' }),
      Plot.text([overall], { x: (v: number) => v, frameAnchor: 'top', dy: -18, text: () => `Month: ${pct(overall)}`, fontWeight: 600 }),
      Plot.ruleY(rows, { y: 'label', x1: 'ci_low', x2: (r: Point) => Math.min(r.ci_high, top), stroke: 'flagKey', strokeWidth: 2 }),
      // an interval that goes on beyond the axis ends in an arrow
      Plot.dot(clipped, { y: 'label', x: () => top, symbol: 'triangle', rotate: 90, r: 4, fill: 'flagKey' }),
      Plot.dot(rows, {
        y: 'label',
        x: 'rate',
        fill: 'flagKey',
        r: 4.5,
        stroke: 'white',
        title: (r: Point) => `${r.label}: ${pct(r.rate)} (${int(r.opt_outs)} of ${int(r.reached)})`,
      }),
    ],
  });
}

/** The legend item for intervals cut by the axis. */
export const BEYOND_AXIS: LegendItem = { label: 'Interval continues beyond the axis', color: OKABE_ITO.grey, shape: 'arrow' };

/** What to conclude from a breakdown: its most over-represented group, or that none stands out. */
export function cohortCaption(dimension: Dimension, rows: CohortRow[], overall: number): string {
  const noun = DIMENSION_TEXT[dimension].noun;
  const excess = (r: CohortRow): number => r.opt_outs - r.reached * overall;
  const high = rows.filter((r) => r.flag === 'high').sort((a, b) => excess(b) - excess(a));
  const low = rows.filter((r) => r.flag === 'low').sort((a, b) => a.rate - b.rate);
  const top = high[0];
  if (top) {
    const lift = top.lift !== null ? `, ${times(top.lift)} the month's rate` : '';
    const more = high.length > 1 ? `; ${high.length - 1} more group${high.length > 2 ? 's are' : ' is'} clearly above it too` : '';
    return `${groupSubject(dimension, top.key)} opted out at ${pct(top.rate)}${lift}${more}.`;
  }
  const best = low[0];
  if (best) return `No ${noun} opted out clearly more than the month's ${pct(overall)}; ${keyLabel(dimension, best.key)} opted out clearly less (${pct(best.rate)}).`;
  if (rows.length === 0) return `No texts reached leads in this breakdown.`;
  return `No ${noun} differs clearly from the month's ${pct(overall)}: every interval crosses it.`;
}

export function ratesFigure(dimension: Dimension, rows: CohortRow[], overall: number, o: { id: string; note?: string; width?: number }): Figure {
  const pts = points(dimension, rows);
  const text = DIMENSION_TEXT[dimension];
  const clipped = clippedIntervals(rows, overall);
  const caption = `${cohortCaption(dimension, rows, overall)}${
    clipped.length > 0 ? ` ${clipped.length === 1 ? 'One interval continues' : `${clipped.length} intervals continue`} beyond the axis (few texts): the table has ${clipped.length === 1 ? 'it' : 'them'} in full.` : ''
  }`;
  const alt = `Dot chart of the opt-out rate of each ${text.column.toLowerCase()} with its 95% interval, against the month's rate of ${pct(overall)}. ${caption}`;
  return {
    id: o.id,
    title: `${text.title}: rate and 95% interval`,
    caption,
    svg: toSvg(ratesPlot(pts, { width: o.width ?? 560, overall }), alt),
    narrow: toSvg(ratesPlot(pts, { width: NARROW, overall, narrow: true }), alt),
    legend: [
      { label: 'Clearly above the month', color: FLAG_COLORS.high, shape: 'dot' },
      { label: 'Clearly below', color: FLAG_COLORS.low, shape: 'dot' },
      { label: 'Within chance', color: FLAG_COLORS.within, shape: 'dot' },
      { label: "Month's rate", color: OKABE_ITO.black, shape: 'dash' },
      ...(clipped.length > 0 ? [BEYOND_AXIS] : []),
    ],
    table: {
      columns: [{ label: text.column }, { label: 'Rate', numeric: true }, { label: '95% interval', numeric: true }],
      rows: rows.map((r) => [keyLabel(dimension, r.key), pct(r.rate), `${pct(r.ci_low)} – ${pct(r.ci_high)}`]),
      ...(o.note ? { note: o.note } : {}),
    },
  };
}

/** The points a funnel plot names: every flagged group and every group outside the 99.8% limits. */
export function funnelLabelled<T extends CohortRow>(rows: T[]): T[] {
  return rows.filter((r) => r.flag === 'high' || r.flag === 'low' || r.rate > r.funnel.high998 || r.rate < r.funnel.low998);
}

interface PlacedLabel {
  row: Point;
  text: string;
  /** Where the label sits, in data units. */
  y: number;
  side: 'start' | 'end';
}

export function funnelPlot(rows: Point[], { width, overall, narrow = false }: { width: number; overall: number; narrow?: boolean }): unknown {
  const sorted = [...rows].sort((a, b) => a.reached - b.reached);
  const min = sorted[0]?.reached ?? 1;
  const max = sorted[sorted.length - 1]?.reached ?? 1;
  const log = max / Math.max(min, 1) > 20;
  // The axis ends above the highest point: the limits of the smallest groups may run off its top.
  const top = Math.min(1, Math.max(overall * 2, ...rows.map((r) => r.rate)) * 1.15) || 0.01;
  const limit = (key: 'low95' | 'high95' | 'low998' | 'high998', color: string, dash: string) =>
    Plot.line(sorted, { x: 'reached', y: (r: Point) => r.funnel[key], stroke: color, strokeWidth: 1.5, strokeDasharray: dash, curve: 'monotone-x', clip: true });
  const height = 300;
  const margin = { left: 52, right: 24, top: 24, bottom: 40 };
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  // Where a point falls, in px, to place its label inside the chart.
  const px = (n: number): number => margin.left + innerW * (log ? Math.log(n / min) / Math.log(max / min) : n / (max * 1.05));
  const py = (rate: number): number => margin.top + innerH * (1 - rate / top);
  const size = 11;
  const named = funnelLabelled(rows)
    .map((row) => ({ row, text: narrow ? uniqueLabels([row.label], 22)[0] as string : row.label }))
    .map(({ row, text }) => {
      const w = textWidth(text, size);
      const side: 'start' | 'end' = px(row.reached) + 7 + w <= width - 2 || px(row.reached) - 7 - w < 2 ? 'start' : 'end';
      return { row, text, side, at: py(row.rate) };
    })
    .sort((a, b) => a.at - b.at);
  // Labels one under the other at least a line apart, inside the frame.
  const gap = size + 2;
  for (let i = 1; i < named.length; i++) {
    const prev = named[i - 1] as (typeof named)[number];
    const cur = named[i] as (typeof named)[number];
    if (cur.at < prev.at + gap) cur.at = prev.at + gap;
  }
  const floor = height - margin.bottom - 4;
  for (let i = named.length - 1; i >= 0; i--) {
    const cur = named[i] as (typeof named)[number];
    const below = named[i + 1];
    cur.at = Math.min(cur.at, below ? below.at - gap : floor);
  }
  const placed: PlacedLabel[] = named.map(({ row, text, side, at }) => ({ row, text, side, y: top * (1 - (Math.max(margin.top - 8, at) - margin.top) / innerH) }));
  return plot({
    width,
    height,
    marginLeft: margin.left,
    marginRight: margin.right,
    marginTop: margin.top,
    marginBottom: margin.bottom,
    x: {
      type: log ? 'log' : 'linear',
      label: 'Texts reached',
      labelAnchor: 'center',
      grid: true,
      ...(log ? { domain: [min, max] } : { domain: [0, max * 1.05] }),
      tickFormat: (v: number) => int(v),
      ...(narrow ? { ticks: 3 } : {}),
    },
    y: { domain: [0, top], label: 'Opt-out rate', tickFormat: pctTick, grid: true, ...(narrow ? { ticks: 5 } : {}) },
    color: flagColor,
    marks: [
      Plot.ruleY([overall], { stroke: OKABE_ITO.black, strokeDasharray: '5,4' }),
      limit('high95', OKABE_ITO.sky, '2,2'),
      limit('low95', OKABE_ITO.sky, '2,2'),
      limit('high998', OKABE_ITO.blue, ''),
      limit('low998', OKABE_ITO.blue, ''),
      Plot.dot(rows, { x: 'reached', y: 'rate', fill: 'flagKey', r: 4, stroke: 'white', title: (r: Point) => `${r.label}: ${pct(r.rate)} of ${int(r.reached)}` }),
      ...(['start', 'end'] as const).map((side) =>
        Plot.text(
          placed.filter((l) => l.side === side),
          { x: (l: PlacedLabel) => l.row.reached, y: 'y', text: 'text', dx: side === 'start' ? 7 : -7, textAnchor: side, fontSize: size, stroke: 'white', strokeWidth: 3, fill: OKABE_ITO.black, paintOrder: 'stroke' },
        ),
      ),
    ],
  });
}

export function funnelCaption(dimension: Dimension, rows: CohortRow[]): string {
  const above = rows.filter((r) => r.rate > r.funnel.high998);
  const below = rows.filter((r) => r.rate < r.funnel.low998);
  const noun = DIMENSION_TEXT[dimension].noun;
  if (above.length === 0 && below.length === 0) return `Every ${noun} falls within the 99.8% limits: their differences from the month's rate could be chance.`;
  const parts = [above.length > 0 ? `${above.length} above` : '', below.length > 0 ? `${below.length} below` : ''].filter(Boolean).join(' and ');
  return `${parts} the 99.8% limits: ${above.length + below.length === 1 ? 'this group differs' : 'these groups differ'} from the month's rate by more than chance, given ${above.length + below.length === 1 ? 'its' : 'their'} size.`.replace(/^./, (c) => c.toUpperCase());
}

/** The one sentence under every funnel plot: how to read it. */
export const FUNNEL_HOW_TO =
  "How to read it: each dot is a group, placed by its texts (across) and its opt-out rate (up); the lines around the month's rate narrow as groups grow, and a dot outside the solid lines is further from the month's rate than chance would take a group of its size.";

export function funnelFigure(dimension: Dimension, rows: CohortRow[], overall: number, o: { id: string; note?: string; width?: number }): Figure {
  const pts = points(dimension, rows);
  const text = DIMENSION_TEXT[dimension];
  const caption = funnelCaption(dimension, rows);
  const alt = `Funnel plot of opt-out rate against texts reached for each ${text.column.toLowerCase()}, with the 95% and 99.8% limits around the month's rate. ${caption}`;
  return {
    id: o.id,
    title: `${text.title}: funnel plot`,
    caption,
    howTo: FUNNEL_HOW_TO,
    svg: toSvg(funnelPlot(pts, { width: o.width ?? 560, overall }), alt),
    narrow: toSvg(funnelPlot(pts, { width: NARROW, overall, narrow: true }), alt),
    legend: [
      { label: '95% limits', color: OKABE_ITO.sky, shape: 'dash' },
      { label: '99.8% limits', color: OKABE_ITO.blue, shape: 'line' },
      { label: "Month's rate", color: OKABE_ITO.black, shape: 'dash' },
    ],
    table: {
      columns: [{ label: text.column }, { label: 'Texts', numeric: true }, { label: 'Rate', numeric: true }, { label: '99.8% limits', numeric: true }],
      rows: rows.map((r) => [keyLabel(dimension, r.key), int(r.reached), pct(r.rate), `${pct(r.funnel.low998)} – ${pct(r.funnel.high998)}`]),
      ...(o.note ? { note: o.note } : {}),
    },
  };
}
