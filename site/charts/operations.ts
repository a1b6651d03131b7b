import * as Plot from '@observablehq/plot';
import { int, pct, pctTick, plural, shortMonth } from '../lib/format.ts';
import { errorLabel } from '../lib/labels.ts';
import type { ReportData } from '../lib/schema.ts';
import { monthCoverage, partialMonths, coveredDays, type Coverage } from '../lib/period.ts';
import { errorColors, OKABE_ITO } from './palette.ts';
import { marginFor, NARROW, PRINT, plot, textWidth, toSvg, uniqueLabels, wrapLabel, type Figure, type LegendItem } from './render.ts';

/** Deliverability (failed texts by error code) and compliance (texts breaking each rule). */

type DeliveryRow = ReportData['deliverability'][number];

/** Error codes in a fixed order (by failures overall), so each keeps its colour everywhere. */
export function errorOrder(rows: DeliveryRow[]): string[] {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.error_code, (totals.get(r.error_code) ?? 0) + r.messages);
  return [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([code]) => code);
}

/** The legend of the codes `shown`, in the fixed order of `codes` and with their colours there. */
export function errorLegend(codes: string[], shown: string[] = codes): LegendItem[] {
  const colors = errorColors(codes);
  return codes.flatMap((c, i) => (shown.includes(c) ? [{ label: errorLabel(c), color: colors[i] as string, shape: 'bar' as const }] : []));
}

/** A studio's month with fewer texts sent than this does not set the shared scale (1 failed of 3 is 33%). */
export const SCALE_MIN_SENT = 100;

/**
 * The top of the failed-share axis, shared by the charts of every studio so their bars compare:
 * the highest month of any studio, of those that sent at least SCALE_MIN_SENT texts (of all
 * months when none did). A smaller month above it is drawn to the top and labelled with its share.
 */
export function deliveryTop(rows: DeliveryRow[], months: string[]): number {
  const sums = new Map<string, { rate: number; sent: number }>();
  for (const r of rows) {
    if (!months.includes(r.month)) continue;
    const key = `${r.studio_id}\u0000${r.month}`;
    sums.set(key, { rate: (sums.get(key)?.rate ?? 0) + r.rate, sent: r.attempts });
  }
  const all = [...sums.values()];
  const counted = all.some((m) => m.sent >= SCALE_MIN_SENT) ? all.filter((m) => m.sent >= SCALE_MIN_SENT) : all;
  return Math.max(0.001, ...counted.map((m) => m.rate)) * 1.1;
}

/** Opacity of the bars of a month the data covers only in part. */
const PARTIAL_OPACITY = 0.4;

/** The days of a partial month the data covers, "1–3 Oct"; null for a whole month. */
function partialDays(m: string, coverage: Coverage | undefined): string | null {
  const c = coverage ? monthCoverage(m, coverage) : null;
  return c?.partial ? (coveredDays(c, false) ?? 'no data') : null;
}

/** A month on the axis: "Oct 2026", and under it the days covered when the month is partial. */
function monthTick(m: string, coverage: Coverage | undefined, narrow = false): string {
  const days = partialDays(m, coverage);
  if (narrow) return days ? `${shortMonth(m).slice(0, 3)}\n(part)` : shortMonth(m).slice(0, 3);
  return days ? `${shortMonth(m)}\n${days} only` : shortMonth(m);
}

export function deliveryPlot(
  rows: DeliveryRow[],
  { width, codes, months, coverage, top: sharedTop, narrow = false }: { width: number; codes: string[]; months: string[]; coverage?: Coverage; top?: number; narrow?: boolean },
): unknown {
  const share = (m: string): number => rows.filter((r) => r.month === m).reduce((s, r) => s + r.rate, 0);
  const top = sharedTop ?? Math.max(0.001, ...months.map(share)) * 1.1;
  // a month above the shared scale (few texts): its bar is cut at the top, its share written on it
  const over = months.filter((m) => share(m) > top).map((m) => ({ month: m, share: share(m) }));
  const partial = new Set(coverage ? months.filter((m) => monthCoverage(m, coverage).partial) : []);
  const twoLines = partial.size > 0;
  return plot({
    width,
    height: twoLines ? 236 : 220,
    marginLeft: 52,
    marginRight: 12,
    marginBottom: twoLines ? 52 : 36,
    x: { domain: months, label: null, tickFormat: (m: string) => monthTick(m, coverage, narrow) },
    y: { domain: [0, top], label: 'Failed, share of texts sent', tickFormat: pctTick, grid: true, ...(narrow ? { ticks: 5 } : {}) },
    color: { domain: codes.map(errorLabel), range: errorColors(codes) },
    marks: [
      Plot.barY(
        rows,
        Plot.stackY({
          x: 'month',
          y: 'rate',
          fill: (r: DeliveryRow) => errorLabel(r.error_code),
          order: codes.map(errorLabel),
          fillOpacity: (r: DeliveryRow) => (partial.has(r.month) ? PARTIAL_OPACITY : 1),
          title: (r: DeliveryRow) => `${shortMonth(r.month)}, ${errorLabel(r.error_code)}: ${int(r.messages)} of ${int(r.attempts)} (${pct(r.rate)})`,
          inset: narrow ? 0.5 : 1,
          stroke: 'white',
          strokeWidth: 0.75,
          clip: true,
        }),
      ),
      Plot.text(over, { x: 'month', y: top, text: (o: { share: number }) => pct(o.share), dy: 9, fill: OKABE_ITO.black, stroke: 'white', strokeWidth: 3, fontWeight: 600 }),
      Plot.ruleY([0]),
    ],
  });
}

export function deliveryCaption(rows: DeliveryRow[], studio: string, lastMonth: string): string {
  const month = rows.filter((r) => r.month === lastMonth);
  if (month.length === 0) return `No texts from ${studio} failed in ${shortMonth(lastMonth)}.`;
  const rate = month.reduce((s, r) => s + r.rate, 0);
  const worst = [...month].sort((a, b) => b.messages - a.messages)[0] as DeliveryRow;
  return `In ${shortMonth(lastMonth)}, ${pct(rate)} of texts from ${studio} failed; the largest part was ${errorLabel(worst.error_code)} (${plural(worst.messages, 'text')}).`;
}

export function deliveryFigure(
  rows: DeliveryRow[],
  o: { id: string; studio: string; codes: string[]; months: string[]; reviewMonth: string; coverage: Coverage; width?: number; top?: number },
): Figure {
  const partial = partialMonths(o.months, o.coverage);
  const caption = `${deliveryCaption(rows, o.studio, o.reviewMonth)}${partial.length > 0 ? ` Lighter bars: ${partial.length === 1 ? 'a partial month' : 'partial months'}, ${partial.join(', ')}.` : ''}`;
  const alt = `Stacked bar chart of the share of texts from ${o.studio} that failed each month, by provider error code. ${caption}`;
  const options = { codes: o.codes, months: o.months, coverage: o.coverage, ...(o.top !== undefined ? { top: o.top } : {}) };
  const monthLabel = (m: string): string => {
    const days = partialDays(m, o.coverage);
    return days ? `${shortMonth(m)} (${days} only)` : shortMonth(m);
  };
  return {
    id: o.id,
    title: `Failed texts by error code, ${o.studio}`,
    caption,
    svg: toSvg(deliveryPlot(rows, { width: o.width ?? 560, ...options }), alt),
    narrow: toSvg(deliveryPlot(rows, { width: NARROW, ...options, narrow: true }), alt),
    legend: [
      ...errorLegend(o.codes, o.codes.filter((c) => rows.some((r) => r.error_code === c))),
      ...(partial.length > 0 ? [{ label: 'Lighter: partial month', color: OKABE_ITO.grey, shape: 'area' as const }] : []),
    ],
    table: {
      columns: [{ label: 'Month' }, { label: 'Error code' }, { label: 'Failed', numeric: true }, { label: 'Texts sent', numeric: true }, { label: 'Share', numeric: true }],
      rows: rows.map((r) => [monthLabel(r.month), errorLabel(r.error_code), int(r.messages), int(r.attempts), pct(r.rate)]),
    },
  };
}

export interface RuleBar {
  title: string;
  messages: number;
  leads: number;
}

export function compliancePlot(rows: (RuleBar & { label: string })[], { width, narrow = false }: { width: number; narrow?: boolean }): unknown {
  const labels = new Map(rows.map((r) => [r.label, narrow ? wrapLabel(r.label, 18, 4) : wrapLabel(r.label, 40, 2)]));
  const lines = Math.max(1, ...[...labels.values()].map((l) => l.split('\n').length));
  const widest = Math.max(0, ...rows.map((r) => r.messages));
  return plot({
    width,
    height: rows.length * Math.max(30, lines * 14 + 8) + 56,
    marginLeft: marginFor([...labels.values()]),
    // room for the count written after the longest bar
    marginRight: Math.max(24, Math.ceil(textWidth(int(widest))) + 14),
    marginBottom: 40,
    x: { label: 'Texts in the month', labelAnchor: 'center', grid: true, tickFormat: (v: number) => int(v), ...(narrow ? { ticks: 3 } : {}) },
    y: { domain: rows.map((r) => r.label), label: null, tickFormat: (l: string) => labels.get(l) ?? l },
    marks: [
      Plot.barX(rows, { y: 'label', x: 'messages', fill: (r: RuleBar) => (r.messages > 0 ? OKABE_ITO.vermillion : OKABE_ITO.grey), inset: 2 }),
      Plot.text(rows, { y: 'label', x: 'messages', text: (r: RuleBar) => int(r.messages), dx: 5, textAnchor: 'start', fill: OKABE_ITO.black }),
      Plot.ruleX([0]),
    ],
  });
}

export function complianceFigure(rows: RuleBar[], o: { id: string; width?: number }): Figure {
  const labels = uniqueLabels(rows.map((r) => r.title), 80);
  const labelled = rows.map((r, i) => ({ ...r, label: labels[i] ?? r.title }));
  const broken = rows.filter((r) => r.messages > 0);
  const worst = [...broken].sort((a, b) => b.messages - a.messages)[0];
  const caption = worst
    ? `${broken.length} of ${rows.length} rules were broken this month; the most often: ${worst.title.toLowerCase()} (${int(worst.messages)} texts to ${int(worst.leads)} leads).`
    : `No rule was broken this month.`;
  return {
    id: o.id,
    title: 'Texts that broke each rule',
    caption,
    svg: toSvg(compliancePlot(labelled, { width: o.width ?? 900 }), `Bar chart of the texts that broke each compliance rule in the month. ${caption}`),
    narrow: toSvg(compliancePlot(labelled, { width: NARROW, narrow: true }), `Bar chart of the texts that broke each compliance rule in the month. ${caption}`),
    print: toSvg(compliancePlot(labelled, { width: PRINT }), `Bar chart of the texts that broke each compliance rule in the month. ${caption}`),
    legend: [],
    table: {
      columns: [{ label: 'Rule' }, { label: 'Texts', numeric: true }, { label: 'Leads', numeric: true }],
      rows: rows.map((r) => [r.title, int(r.messages), int(r.leads)]),
    },
  };
}
