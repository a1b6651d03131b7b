import * as Plot from '@observablehq/plot';
import { int, month, pct, pctTick, shortMonth } from '../lib/format.ts';
import type { ReportData } from '../lib/schema.ts';
import { OKABE_ITO } from './palette.ts';
import { NARROW, plot, toSvg, type Figure, type LegendItem } from './render.ts';

/** The delivery rate (delivered / sent) month by month: all studios, and each studio. */

export type DeliveryRow = ReportData['delivery'][number];

/** The studios' line colours, in order; all studios is black. */
const SERIES_COLORS = [OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.green, OKABE_ITO.purple, OKABE_ITO.sky, OKABE_ITO.vermillion];
/** More studios than this: only the lowest in the review month are drawn (the table has them all). */
export const DELIVERY_SERIES_LIMIT = SERIES_COLORS.length;

export interface Series {
  label: string;
  color: string;
  rows: DeliveryRow[];
}

/** The bottom of the rate axis: a little under the lowest rate, on a whole percent. */
function yMin(series: Series[]): number {
  const rates = series.flatMap((s) => s.rows.map((r) => r.delivery_rate)).filter((r): r is number => r !== null);
  const low = Math.min(1, ...rates);
  return Math.max(0, Math.floor((low - 0.01) * 100) / 100);
}

export function deliveryRatePlot(series: Series[], months: string[], { width, narrow = false }: { width: number; narrow?: boolean }): unknown {
  const points = series.flatMap((s) => s.rows.filter((r) => r.delivery_rate !== null).map((r) => ({ ...r, series: s.label, rate: r.delivery_rate as number })));
  // a phone shows every other month when the year is long, so the month names never touch
  const step = narrow && months.length > 6 ? 2 : 1;
  const ticks = months.filter((_m, i) => (months.length - 1 - i) % step === 0);
  const label = (m: string): string => (narrow ? shortMonth(m).slice(0, 3) : shortMonth(m));
  return plot({
    width,
    height: narrow ? 240 : 260,
    marginLeft: 52,
    marginRight: 16,
    marginBottom: 36,
    x: { domain: months, label: null, padding: 0.3, ticks, tickFormat: label },
    y: { domain: [yMin(series), 1], label: 'Delivered, share of texts sent', tickFormat: pctTick, grid: true, ...(narrow ? { ticks: 5 } : {}) },
    color: { domain: series.map((s) => s.label), range: series.map((s) => s.color) },
    marks: [
      Plot.line(points, { x: 'month', y: 'rate', z: 'series', stroke: 'series', strokeWidth: (d: { series: string }) => (d.series === series[0]?.label ? 3 : 1.75) }),
      Plot.dot(
        points.filter((p) => !p.partial),
        { x: 'month', y: 'rate', fill: 'series', r: 3.5, title: (p: DeliveryRow & { series: string; rate: number }) => `${p.series}, ${month(p.month)}: ${pct(p.rate)} (${int(p.delivered)} of ${int(p.sent)})` },
      ),
      // a month the data covers in part: hollow
      Plot.dot(
        points.filter((p) => p.partial),
        { x: 'month', y: 'rate', stroke: 'series', fill: 'white', strokeWidth: 2, r: 3.5, title: (p: DeliveryRow & { series: string; rate: number }) => `${p.series}, ${month(p.month)} (partial): ${pct(p.rate)}` },
      ),
    ],
  });
}

/** "In September, 93.2% of the texts sent were delivered, down from 94.2% in August." */
export function deliveryRateCaption(rows: DeliveryRow[], reviewMonth: string, who: string): string {
  const now = rows.find((r) => r.month === reviewMonth);
  if (!now || now.delivery_rate === null) return `${who} sent no texts in ${month(reviewMonth)}.`;
  const before = rows.filter((r) => r.month < reviewMonth && r.delivery_rate !== null).at(-1);
  const head = `In ${month(reviewMonth, false)}, ${pct(now.delivery_rate)} of the texts ${who} sent were delivered`;
  if (!before || before.delivery_rate === null) return `${head}.`;
  const diff = now.delivery_rate - before.delivery_rate;
  const was = `${pct(before.delivery_rate)} in ${month(before.month, false)}`;
  if (Math.abs(diff) < 0.001) return `${head}, about the same as the ${was}.`;
  return `${head}, ${diff < 0 ? 'down' : 'up'} from ${was}.`;
}

/**
 * The chart of the delivery rate: `series[0]` is drawn thick (all studios, or the studio of a
 * studio's page), the others thinner.
 */
export function deliveryRateFigure(series: Series[], o: { id: string; who: string; reviewMonth: string; note?: string; width?: number; lowest?: boolean }): Figure {
  const months = [...new Set(series.flatMap((s) => s.rows.map((r) => r.month)))].sort();
  const main = series[0]?.rows ?? [];
  const partial = main.some((r) => r.partial);
  // with several studios drawn: the one that delivered least in the review month
  const inMonth = series.slice(1).flatMap((s) => {
    const r = s.rows.find((x) => x.month === o.reviewMonth);
    return r && r.delivery_rate !== null ? [{ label: s.label, rate: r.delivery_rate }] : [];
  });
  const low = o.lowest && inMonth.length > 1 ? [...inMonth].sort((a, b) => a.rate - b.rate)[0] : undefined;
  const caption = `${deliveryRateCaption(main, o.reviewMonth, o.who)}${low ? ` The lowest: ${low.label}, ${pct(low.rate)}.` : ''}${o.note ? ` ${o.note}` : ''}${partial ? ' A hollow point is a month the data covers only in part.' : ''}`;
  const alt = `Line chart of the share of texts sent that were delivered, month by month, for ${series.map((s) => s.label).join(', ')}. ${caption}`;
  const legend: LegendItem[] = series.map((s) => ({ label: s.label, color: s.color, shape: 'line' }));
  return {
    id: o.id,
    title: `Delivered texts month by month, ${o.who}`,
    caption,
    svg: toSvg(deliveryRatePlot(series, months, { width: o.width ?? 640 }), alt),
    narrow: toSvg(deliveryRatePlot(series, months, { width: NARROW, narrow: true }), alt),
    legend,
    table: {
      columns: [{ label: 'Month' }, ...series.map((s) => ({ label: s.label, numeric: true }))],
      rows: [...months].reverse().map((m) => [
        `${shortMonth(m)}${main.find((r) => r.month === m)?.partial ? ' (partial)' : ''}`,
        ...series.map((s) => {
          const r = s.rows.find((x) => x.month === m);
          return r && r.delivery_rate !== null ? pct(r.delivery_rate) : '–';
        }),
      ]),
    },
  };
}

/** The colour of the i-th studio's line. */
export function seriesColor(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length] as string;
}
