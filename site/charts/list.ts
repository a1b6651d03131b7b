import * as Plot from '@observablehq/plot';
import { int, month, shortMonth } from '../lib/format.ts';
import type { ReportData } from '../lib/schema.ts';
import { OKABE_ITO } from './palette.ts';
import { NARROW, plot, textWidth, toSvg, type Figure, type LegendItem } from './render.ts';

/** How the list of reachable leads grew or shrank each month: joined above the line, left below it. */

export type GrowthRow = ReportData['list_growth'][number];

/** The four flows, in stacking order from the zero line out, with their sign and colour. */
export const FLOWS = [
  { key: 'leads_added', label: 'New leads', sign: 1, color: OKABE_ITO.blue },
  { key: 'came_back', label: 'Came back', sign: 1, color: OKABE_ITO.sky },
  { key: 'lost_to_opt_outs', label: 'Lost: opted out', sign: -1, color: OKABE_ITO.vermillion },
  { key: 'lost_to_deactivation', label: 'Lost: number disconnected', sign: -1, color: OKABE_ITO.orange },
] as const;

interface Bar {
  month: string;
  flow: string;
  value: number;
  count: number;
  partial: boolean;
}

export function listGrowthPlot(rows: GrowthRow[], { width, narrow = false }: { width: number; narrow?: boolean }): unknown {
  const months = rows.map((r) => r.month);
  const bars: Bar[] = rows.flatMap((r) => FLOWS.map((f) => ({ month: r.month, flow: f.label, value: f.sign * r[f.key], count: r[f.key], partial: r.partial })));
  const top = Math.max(1, ...rows.map((r) => r.leads_added + r.came_back));
  const bottom = Math.max(1, ...rows.map((r) => r.lost_to_opt_outs + r.lost_to_deactivation));
  const step = narrow && months.length > 6 ? 2 : 1;
  const ticks = months.filter((_m, i) => (months.length - 1 - i) % step === 0);
  const label = (m: string): string => (narrow ? shortMonth(m).slice(0, 3) : shortMonth(m));
  // the widest tick label of the count axis ("−1,200") sets the left margin
  const widest = Math.max(textWidth(`−${int(bottom)}`), textWidth(int(top)));
  return plot({
    width,
    height: narrow ? 260 : 280,
    marginLeft: Math.max(52, Math.ceil(widest) + 30),
    marginRight: 12,
    marginBottom: 36,
    x: { domain: months, label: null, padding: 0.25, ticks, tickFormat: label },
    y: { domain: [-bottom * 1.08, top * 1.08], label: 'Leads joining (up) and leaving (down)', grid: true, tickFormat: (v: number) => (v < 0 ? `−${int(-v)}` : int(v)), ...(narrow ? { ticks: 5 } : {}) },
    color: { domain: FLOWS.map((f) => f.label), range: FLOWS.map((f) => f.color) },
    marks: [
      Plot.barY(
        bars,
        Plot.stackY({
          x: 'month',
          y: 'value',
          fill: 'flow',
          order: FLOWS.map((f) => f.label),
          fillOpacity: (b: Bar) => (b.partial ? 0.4 : 1),
          inset: narrow ? 0.5 : 1,
          title: (b: Bar) => `${shortMonth(b.month)}, ${b.flow.toLowerCase()}: ${int(b.count)}`,
        }),
      ),
      Plot.ruleY([0], { stroke: OKABE_ITO.black }),
      // the month's net change of the list
      Plot.tickY(rows, { x: 'month', y: 'net_change', stroke: OKABE_ITO.black, strokeWidth: 3, title: (r: GrowthRow) => `${shortMonth(r.month)}: net ${r.net_change >= 0 ? '+' : '−'}${int(Math.abs(r.net_change))}` }),
    ],
  });
}

const signed = (n: number): string => (n > 0 ? `+${int(n)}` : n < 0 ? `−${int(-n)}` : '0');

/** "In September the list shrank by 24 reachable leads, to 1,939: 207 new leads, 231 lost (219 opted out)." */
export function listGrowthCaption(rows: GrowthRow[], reviewMonth: string, who: string): string {
  const r = rows.find((x) => x.month === reviewMonth);
  if (!r) return `No list numbers for ${who} in ${month(reviewMonth)}.`;
  const lost = r.lost_to_opt_outs + r.lost_to_deactivation;
  const way = r.net_change > 0 ? `grew by ${int(r.net_change)}` : r.net_change < 0 ? `shrank by ${int(-r.net_change)}` : 'stayed the same';
  return `In ${month(reviewMonth, false)} the reachable list of ${who} ${way}, to ${int(r.reachable_at_end)}: ${int(r.leads_added)} new leads${r.came_back > 0 ? ` and ${int(r.came_back)} back` : ''} against ${int(lost)} lost (${int(r.lost_to_opt_outs)} opted out, ${int(r.lost_to_deactivation)} numbers disconnected).`;
}

export function listGrowthFigure(rows: GrowthRow[], o: { id: string; who: string; reviewMonth: string; width?: number }): Figure {
  const partial = rows.filter((r) => r.partial).map((r) => shortMonth(r.month));
  const caption = `${listGrowthCaption(rows, o.reviewMonth, o.who)} The black tick is each month's net change.${partial.length > 0 ? ` Lighter bars: ${partial.length === 1 ? 'a partial month' : 'partial months'}, ${partial.join(', ')}.` : ''}`;
  const alt = `Bar chart of the leads joining and leaving the reachable list of ${o.who} each month. ${caption}`;
  const legend: LegendItem[] = [...FLOWS.map((f) => ({ label: f.label, color: f.color, shape: 'bar' as const })), { label: 'Net change', color: OKABE_ITO.black, shape: 'dash' }];
  return {
    id: o.id,
    title: `The list month by month, ${o.who}`,
    caption,
    svg: toSvg(listGrowthPlot(rows, { width: o.width ?? 640 }), alt),
    narrow: toSvg(listGrowthPlot(rows, { width: NARROW, narrow: true }), alt),
    legend,
    table: {
      columns: [
        { label: 'Month' },
        { label: 'At the start', numeric: true },
        { label: 'New leads', numeric: true },
        { label: 'Came back', numeric: true },
        { label: 'Opted out', numeric: true },
        { label: 'Disconnected', numeric: true },
        { label: 'At the end', numeric: true },
        { label: 'Change', numeric: true, key: true },
      ],
      rows: [...rows].reverse().map((r) => [
        `${shortMonth(r.month)}${r.partial ? ' (partial)' : ''}`,
        int(r.reachable_at_start),
        int(r.leads_added),
        int(r.came_back),
        int(r.lost_to_opt_outs),
        int(r.lost_to_deactivation),
        int(r.reachable_at_end),
        signed(r.net_change),
      ]),
    },
  };
}
