import * as Plot from '@observablehq/plot';
import { addDays, day, dec, expected, int, pct, utcDate } from '../lib/format.ts';
import { DIMENSION_TEXT, keyLabel } from '../lib/labels.ts';
import type { DecompositionRow, Dimension, Spike } from '../lib/schema.ts';
import { uncovered, type Coverage, type Span } from '../lib/period.ts';
import { OKABE_ITO } from './palette.ts';
import { marginFor, NARROW, plot, textWidth, toSvg, uniqueLabels, wrapLabel, type Figure } from './render.ts';
import type { TrendPoint } from './trend.ts';

/** A spike's charts: its days against what was expected, and where its extra opt-outs came from. */

const PARTS = {
  mix: { label: 'More texts went to this group', color: OKABE_ITO.orange },
  rate: { label: 'This group opted out more than usual', color: OKABE_ITO.blue },
} as const;

interface Bar {
  label: string;
  part: string;
  value: number;
}

export function decompositionPlot(rows: (DecompositionRow & { label: string })[], { width, narrow = false }: { width: number; narrow?: boolean }): unknown {
  const bars: Bar[] = rows.flatMap((r) => [
    { label: r.label, part: PARTS.mix.label, value: r.mix },
    { label: r.label, part: PARTS.rate.label, value: r.rate },
  ]);
  const labels = new Map(rows.map((r) => [r.label, narrow ? wrapLabel(r.label, 16, 3) : wrapLabel(r.label, 26, 2)]));
  const lines = Math.max(1, ...[...labels.values()].map((l) => l.split('\n').length));
  return plot({
    width,
    height: Math.max(120, rows.length * Math.max(28, lines * 14 + 8) + 60),
    marginLeft: marginFor([...labels.values()]),
    marginRight: 24,
    marginBottom: 40,
    x: {
      label: narrow ? 'Extra opt-outs (negative: fewer)' : 'Extra opt-outs carried (negative: fewer than expected)',
      labelAnchor: 'center',
      grid: true,
      tickFormat: (v: number) => dec(v, Number.isInteger(v) ? 0 : 1),
      ...(narrow ? { ticks: 4 } : {}),
    },
    y: { domain: rows.map((r) => r.label), label: null, tickFormat: (l: string) => labels.get(l) ?? l },
    color: { domain: [PARTS.mix.label, PARTS.rate.label], range: [PARTS.mix.color, PARTS.rate.color] },
    marks: [
      Plot.barX(bars, Plot.stackX({ y: 'label', x: 'value', fill: 'part', inset: 0.5 })),
      Plot.tickX(rows, { y: 'label', x: 'total', stroke: OKABE_ITO.black, strokeWidth: 2.5 }),
      Plot.ruleX([0]),
    ],
  });
}

/** The groups carrying most of the excess, either way (at least 3% of it), at most `limit`. */
export function topParts(rows: DecompositionRow[], excess: number, limit = 8): DecompositionRow[] {
  const floor = Math.max(0.05, Math.abs(excess) * 0.03);
  return [...rows]
    .filter((r) => Math.abs(r.total) >= floor || Math.abs(r.mix) >= floor || Math.abs(r.rate) >= floor)
    .sort((a, b) => Math.abs(b.total) - Math.abs(a.total))
    .slice(0, limit)
    .sort((a, b) => b.total - a.total);
}

/** A count of opt-outs, whole, never "-0". */
const whole = (n: number): string => int(Math.round(n) || 0);

/**
 * The caption of a breakdown: the group carrying most of the extra opt-outs, in whole opt-outs
 * ("Leads from list_import carried about 19 of the 28 extra opt-outs: 9 because more texts went
 * to them, 10 because they opted out more than usual"). A group can carry more than the whole
 * when others had fewer opt-outs than usual: that is said in a plain sentence, not as "19 of 18".
 * When a shown group is below zero, one sentence says what that means.
 */
export function decompositionCaption(dimension: Dimension, rows: DecompositionRow[], excess: number, shown: DecompositionRow[] = rows): string {
  const top = [...rows].sort((a, b) => b.total - a.total)[0];
  const column = DIMENSION_TEXT[dimension].column.toLowerCase();
  if (!top || Math.round(top.total) <= 0) return `No ${column} carried the extra opt-outs.`;
  const label = keyLabel(dimension, top.key);
  const all = Math.round(excess);
  const part = Math.round(top.total);
  const mix = Math.round(top.mix);
  const rate = Math.round(top.rate);
  const why =
    mix >= 1 && rate >= 1
      ? `${whole(top.mix)} because more texts went to it, ${whole(top.rate)} because it opted out more than usual`
      : top.rate >= top.mix
        ? 'mostly because it opted out more than usual'
        : 'mostly because more texts went to it';
  let head: string;
  if (part > all) head = `${label} carried ${whole(top.total)} extra opt-outs, more than the spike's ${whole(excess)} in all, as other groups had ${whole(top.total - excess)} fewer than usual`;
  else if (part === all) head = `${label} carried all of the ${whole(excess)} extra opt-outs`;
  else head = `${label} carried about ${whole(top.total)} of the ${whole(excess)} extra opt-outs`;
  const negative = shown.some((r) => r.total <= -0.5 || r.mix <= -0.5 || r.rate <= -0.5);
  const below = negative ? ' Bars left of zero are fewer opt-outs than usual: fewer texts went to that group, or it opted out less.' : '';
  return `${head}: ${why}.${below}`;
}

export function decompositionFigure(dimension: Dimension, spike: Spike, o: { id: string; width?: number }): Figure | null {
  const all = spike.decomposition[dimension] ?? [];
  const rows = topParts(all, spike.excess_opt_outs);
  if (rows.length === 0) return null;
  const labels = uniqueLabels(rows.map((r) => keyLabel(dimension, r.key)), 60);
  const labelled = rows.map((r, i) => ({ ...r, label: labels[i] ?? r.key }));
  const text = DIMENSION_TEXT[dimension];
  const caption = decompositionCaption(dimension, all, spike.excess_opt_outs, rows);
  const alt = `Bar chart splitting the spike's extra opt-outs by ${text.column.toLowerCase()} into a part from more texts going to the group and a part from the group opting out more. ${caption}`;
  return {
    id: o.id,
    title: `Where the extra opt-outs came from, by ${text.column.toLowerCase()}`,
    caption,
    svg: toSvg(decompositionPlot(labelled, { width: o.width ?? 800 }), alt),
    narrow: toSvg(decompositionPlot(labelled, { width: NARROW, narrow: true }), alt),
    legend: [
      { label: PARTS.mix.label, color: PARTS.mix.color, shape: 'bar' },
      { label: PARTS.rate.label, color: PARTS.rate.color, shape: 'bar' },
      { label: 'Total', color: OKABE_ITO.black, shape: 'line' },
    ],
    table: {
      columns: [
        { label: text.column },
        { label: 'Spike: opt-outs of texts', numeric: true },
        { label: 'Before: opt-outs of texts', numeric: true },
        { label: 'From more texts', numeric: true },
        { label: 'From a higher rate', numeric: true },
        { label: 'Extra opt-outs', numeric: true },
      ],
      rows: rows.map((r) => [
        keyLabel(dimension, r.key),
        `${int(r.opt_outs)} of ${int(r.reached)}`,
        `${int(r.baseline_opt_outs)} of ${int(r.baseline_reached)}`,
        whole(r.mix),
        whole(r.rate),
        whole(r.total),
      ]),
      ...(all.length > rows.length ? { note: rows.length === 1 ? `The group carrying most of the extra opt-outs, of ${all.length}.` : `The ${rows.length} groups carrying most of the extra opt-outs, of ${all.length}.` } : {}),
    },
  };
}

interface DayBar {
  date: string;
  opt_outs: number;
  inSpike: boolean;
}

export function spikeDaysPlot(
  bars: DayBar[],
  expected: { date: string; expected: number }[],
  { width, window, gaps = [], narrow = false }: { width: number; window?: Span; gaps?: Span[]; narrow?: boolean },
): unknown {
  const top = Math.max(1, ...bars.map((b) => b.opt_outs), ...expected.map((e) => e.expected)) * 1.08;
  // px a day takes (less the margins): "No data" is written on the gaps it fits in
  const days = (s: Span): number => Math.round((utcDate(s.end).getTime() - utcDate(s.start).getTime()) / 86400e3) + 1;
  // a tick can fall on the end of the axis (the day after the window): half its label must fit in the right margin
  const marginRight = window ? Math.max(16, Math.ceil(textWidth(day(addDays(window.end, 1), false)) / 2) + 4) : 16;
  const dayWidth = (width - 44 - marginRight) / (window ? days(window) : 29);
  return plot({
    width,
    height: 240,
    marginLeft: 44,
    marginRight,
    marginBottom: 36,
    x: {
      type: 'utc',
      label: null,
      tickFormat: (d: Date) => day(d.toISOString().slice(0, 10), false),
      ...(window ? { domain: [utcDate(window.start), utcDate(addDays(window.end, 1))] } : {}),
      ...(narrow ? { ticks: 'week' } : {}),
    },
    y: { domain: [0, top], label: 'Opt-outs', grid: true, ...(narrow ? { ticks: 5 } : {}) },
    color: { domain: ['Spike day', 'Other day'], range: [OKABE_ITO.vermillion, OKABE_ITO.grey] },
    marks: [
      // days outside the export (a partial month): shaded and named, so they do not read as days without opt-outs
      Plot.rect(gaps, { x1: (g: Span) => utcDate(g.start), x2: (g: Span) => utcDate(addDays(g.end, 1)), fill: OKABE_ITO.grey, fillOpacity: 0.22 }),
      Plot.text(gaps.filter((g) => days(g) * dayWidth >= 52), {
        x: (g: Span) => new Date((utcDate(g.start).getTime() + utcDate(addDays(g.end, 1)).getTime()) / 2),
        y: top,
        dy: 12,
        text: () => 'No data',
        fill: OKABE_ITO.black,
        fontWeight: 600,
      }),
      Plot.rectY(bars, {
        x1: (b: DayBar) => utcDate(b.date),
        x2: (b: DayBar) => utcDate(addDays(b.date, 1)),
        y: 'opt_outs',
        fill: (b: DayBar) => (b.inSpike ? 'Spike day' : 'Other day'),
        inset: narrow ? 0.5 : 1,
      }),
      Plot.ruleY(expected, {
        x1: (e: { date: string }) => utcDate(e.date),
        x2: (e: { date: string }) => utcDate(addDays(e.date, 1)),
        y: 'expected',
        stroke: OKABE_ITO.black,
        strokeWidth: 3,
      }),
      Plot.ruleY([0]),
    ],
  });
}

/** The spike's days and the two weeks either side, from the trend of the same studio (or all). */
export function spikeDaysFigure(spike: Spike, series: TrendPoint[], o: { id: string; width?: number; coverage?: Coverage }): Figure {
  const from = addDays(spike.start, -14);
  const to = addDays(spike.end, 14);
  const window = { start: from, end: to };
  const gaps = o.coverage ? uncovered(window, o.coverage).filter((g) => g.end >= g.start) : [];
  const inSpike = new Set(spike.days.map((d) => d.date));
  const bars = series.filter((d) => d.date >= from && d.date <= to).map((d) => ({ date: d.date, opt_outs: d.opt_outs, inSpike: inSpike.has(d.date) }));
  const worst = [...spike.days].sort((a, b) => b.opt_outs - b.expected - (a.opt_outs - a.expected))[0];
  const said = worst
    ? `On ${day(worst.date, false)}, ${int(worst.opt_outs)} leads opted out from ${int(worst.reached)} texts, where ${expected(worst.expected)}.`
    : `The spike had ${int(spike.opt_outs)} opt-outs where ${expected(spike.expected_opt_outs)}.`;
  const noData = gaps.length > 0 ? ` Shaded: no data (${gaps.map((g) => (g.start === g.end ? day(g.start, false) : `${day(g.start, false)} to ${day(g.end, false)}`)).join(', ')}), outside the export.` : '';
  const caption = `${said}${noData}`;
  const alt = `Bar chart of opt-outs per day in the two weeks around the spike, spike days highlighted, with the expected opt-outs marked. ${caption}`;
  return {
    id: o.id,
    title: 'Opt-outs per day around the spike',
    caption,
    svg: toSvg(spikeDaysPlot(bars, spike.days, { width: o.width ?? 640, window, gaps }), alt),
    narrow: toSvg(spikeDaysPlot(bars, spike.days, { width: NARROW, window, gaps, narrow: true }), alt),
    legend: [
      { label: 'Spike day', color: OKABE_ITO.vermillion, shape: 'bar' },
      { label: 'Other day', color: OKABE_ITO.grey, shape: 'bar' },
      { label: 'Expected on a spike day', color: OKABE_ITO.black, shape: 'line' },
      ...(gaps.length > 0 ? [{ label: 'No data (partial month)', color: OKABE_ITO.grey, shape: 'area' as const }] : []),
    ],
    table: {
      columns: [
        { label: 'Day' },
        { label: 'Texts', numeric: true },
        { label: 'Opt-outs', numeric: true },
        { label: 'Expected', numeric: true },
        { label: 'Rate', numeric: true },
        { label: 'Upper limit', numeric: true },
      ],
      rows: spike.days.map((d) => [day(d.date), int(d.reached), int(d.opt_outs), whole(d.expected), pct(d.reached > 0 ? d.opt_outs / d.reached : 0), pct(d.upper_limit)]),
      note: 'The spike days only; the chart also shows the two weeks either side.',
    },
  };
}
