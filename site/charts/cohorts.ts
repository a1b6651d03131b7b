import * as Plot from '@observablehq/plot';
import { int, pct, pctTick, times } from '../lib/format.ts';
import { DIMENSION_TEXT, groupSubject, keyLabel } from '../lib/labels.ts';
import type { CohortRow, Dimension } from '../lib/schema.ts';
import { FLAG_COLORS, OKABE_ITO } from './palette.ts';
import { plot, labelMargin, toSvg, uniqueLabels, type Figure } from './render.ts';

/** Two views of one breakdown: rates with their intervals, and the funnel plot. */

interface Point extends CohortRow {
  label: string;
  flagKey: 'high' | 'low' | 'within';
}

/** Not 'none': Plot would read that as a colour. */
const FLAG_DOMAIN = ['high', 'low', 'within'] as const;
const flagColor = { domain: [...FLAG_DOMAIN], range: FLAG_DOMAIN.map((f) => FLAG_COLORS[f]) };

function points(dimension: Dimension, rows: CohortRow[]): Point[] {
  return uniqueLabels(rows.map((r) => keyLabel(dimension, r.key))).map((label, i) => ({ ...(rows[i] as CohortRow), label, flagKey: rows[i]?.flag ?? 'within' }));
}

export function ratesPlot(rows: Point[], { width, overall }: { width: number; overall: number }): unknown {
  const top = Math.max(overall, ...rows.map((r) => r.ci_high)) * 1.05 || 0.01;
  return plot({
    width,
    height: Math.max(120, rows.length * 24 + 60),
    marginLeft: labelMargin(rows.map((r) => r.label)),
    marginRight: 24,
    marginTop: 28,
    marginBottom: 36,
    x: { domain: [0, top], label: 'Opt-out rate, with its 95% interval', tickFormat: pctTick, grid: true, labelAnchor: 'center' },
    y: { domain: rows.map((r) => r.label), label: null },
    color: flagColor,
    marks: [
      Plot.ruleX([overall], { stroke: OKABE_ITO.black, strokeDasharray: '5,4' }),
      Plot.text([overall], { x: (v: number) => v, frameAnchor: 'top', dy: -18, text: () => `Month: ${pct(overall)}`, fontWeight: 600 }),
      Plot.ruleY(rows, { y: 'label', x1: 'ci_low', x2: 'ci_high', stroke: 'flagKey', strokeWidth: 2 }),
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
  const caption = cohortCaption(dimension, rows, overall);
  return {
    id: o.id,
    title: `${text.title}: rate and 95% interval`,
    caption,
    svg: toSvg(
      ratesPlot(pts, { width: o.width ?? 560, overall }),
      `Dot chart of the opt-out rate of each ${text.column.toLowerCase()} with its 95% interval, against the month's rate of ${pct(overall)}. ${caption}`,
    ),
    legend: [
      { label: 'Clearly above the month', color: FLAG_COLORS.high, shape: 'dot' },
      { label: 'Clearly below', color: FLAG_COLORS.low, shape: 'dot' },
      { label: 'Within chance', color: FLAG_COLORS.within, shape: 'dot' },
      { label: "Month's rate", color: OKABE_ITO.black, shape: 'dash' },
    ],
    table: {
      columns: [{ label: text.column }, { label: 'Rate', numeric: true }, { label: '95% interval', numeric: true }],
      rows: rows.map((r) => [keyLabel(dimension, r.key), pct(r.rate), `${pct(r.ci_low)} – ${pct(r.ci_high)}`]),
      ...(o.note ? { note: o.note } : {}),
    },
  };
}

export function funnelPlot(rows: Point[], { width, overall }: { width: number; overall: number }): unknown {
  const sorted = [...rows].sort((a, b) => a.reached - b.reached);
  const min = sorted[0]?.reached ?? 1;
  const max = sorted[sorted.length - 1]?.reached ?? 1;
  const log = max / Math.max(min, 1) > 20;
  const top = Math.max(overall * 2, ...rows.map((r) => Math.max(r.rate, r.funnel.high998))) * 1.08 || 0.01;
  const limit = (key: 'low95' | 'high95' | 'low998' | 'high998', color: string, dash: string) =>
    Plot.line(sorted, { x: 'reached', y: (r: Point) => r.funnel[key], stroke: color, strokeWidth: 1.5, strokeDasharray: dash, curve: 'monotone-x' });
  // Where a count falls across the x axis (0 to 1): labels on the right half go to the left of their dot.
  const position = (n: number): number => (log ? Math.log(n / min) / Math.log(max / min) : n / (max * 1.05));
  const outside = rows
    .filter((r) => r.rate > r.funnel.high998 || r.rate < r.funnel.low998)
    .sort((a, b) => Math.abs(b.rate - overall) * Math.sqrt(b.reached) - Math.abs(a.rate - overall) * Math.sqrt(a.reached))
    .slice(0, 5);
  return plot({
    width,
    height: 300,
    marginLeft: 52,
    marginRight: 24,
    marginTop: 24,
    marginBottom: 40,
    x: { type: log ? 'log' : 'linear', label: 'Texts reached', labelAnchor: 'center', grid: true, ...(log ? {} : { domain: [0, max * 1.05] }), tickFormat: (v: number) => int(v) },
    y: { domain: [0, top], label: 'Opt-out rate', tickFormat: pctTick, grid: true },
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
          outside.filter((r) => (position(r.reached) > 0.6) === (side === 'end')),
          { x: 'reached', y: 'rate', text: 'label', dx: side === 'start' ? 7 : -7, textAnchor: side, fontSize: 11, stroke: 'white', strokeWidth: 3, fill: OKABE_ITO.black, paintOrder: 'stroke' },
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

export function funnelFigure(dimension: Dimension, rows: CohortRow[], overall: number, o: { id: string; note?: string; width?: number }): Figure {
  const pts = points(dimension, rows);
  const text = DIMENSION_TEXT[dimension];
  const caption = funnelCaption(dimension, rows);
  return {
    id: o.id,
    title: `${text.title}: funnel plot`,
    caption,
    svg: toSvg(
      funnelPlot(pts, { width: o.width ?? 560, overall }),
      `Funnel plot of opt-out rate against texts reached for each ${text.column.toLowerCase()}, with the 95% and 99.8% limits around the month's rate. ${caption}`,
    ),
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
