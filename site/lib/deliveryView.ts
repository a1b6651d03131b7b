import { DELIVERY_SERIES_LIMIT, deliveryRateFigure, seriesColor, type DeliveryRow, type Series } from '../charts/delivery.ts';
import { OKABE_ITO } from '../charts/palette.ts';
import type { Figure } from '../charts/render.ts';
import { day, dayRange, int, month, pct, points } from './format.ts';
import type { SiteData } from './load.ts';
import { markPartial, type Kpi } from './overview.ts';
import { comparisonNote, lastMonthLabel } from './period.ts';
import type { ReportData } from './schema.ts';
import type { TableModel } from './table.ts';

/** The delivery rate (overview KPI, deliverability and studio pages) and the campaigns page. */

const rowOf = (report: ReportData, m: string, studio: string | null): DeliveryRow | undefined =>
  report.delivery.find((d) => d.month === m && d.studio_id === studio);

/** The KPI: the share of the month's texts the carrier reported delivered, against last month. */
export function deliveryKpi(report: ReportData, studio: string | null): Kpi | null {
  const now = rowOf(report, report.period.month, studio);
  if (!now || now.delivery_rate === null) return null;
  const before = rowOf(report, report.previous_period.month, studio);
  const prev = month(report.previous_period.month, false);
  const change: Kpi['change'] =
    before && before.delivery_rate !== null
      ? {
          text: `${points(now.delivery_rate - before.delivery_rate)} vs ${prev} (${pct(before.delivery_rate)})`,
          tone: now.delivery_rate > before.delivery_rate ? 'good' : now.delivery_rate < before.delivery_rate ? 'bad' : 'neutral',
          direction: now.delivery_rate >= before.delivery_rate ? 'up' : 'down',
        }
      : null;
  return {
    label: 'Texts delivered',
    value: pct(now.delivery_rate),
    note: `${int(now.delivered)} of ${int(now.sent)} texts sent, confirmed by the carrier`,
    change: markPartial(change, comparisonNote(report)),
  };
}

/** The review month's delivery per studio and for all studios, against last month. */
export function deliveryTable(data: SiteData): TableModel {
  const { report } = data;
  const row = (label: string, studio: string | null): TableModel['rows'][number] => {
    const now = rowOf(report, report.period.month, studio);
    const before = rowOf(report, report.previous_period.month, studio);
    if (!now) return [label, '0', '0', '–', '–', '0', '0', '0', before?.delivery_rate != null ? pct(before.delivery_rate) : '–'];
    return [
      label,
      int(now.sent),
      int(now.delivered),
      now.delivery_rate === null ? '–' : pct(now.delivery_rate),
      now.ci_low === null || now.ci_high === null ? '–' : `${pct(now.ci_low)} – ${pct(now.ci_high)}`,
      int(now.no_receipt),
      int(now.undelivered),
      int(now.failed + now.other),
      before?.delivery_rate != null ? pct(before.delivery_rate) : '–',
    ];
  };
  return {
    columns: [
      { label: 'Studio' },
      { label: 'Texts sent', numeric: true },
      { label: 'Delivered', numeric: true },
      { label: 'Rate', numeric: true },
      { label: '95% interval', numeric: true },
      { label: 'No receipt', numeric: true },
      { label: 'Undelivered', numeric: true },
      { label: 'Failed', numeric: true },
      { label: lastMonthLabel(report), numeric: true },
    ],
    rows: [row('All studios', null), ...data.studios.map((s) => row(s.name, s.name))],
  };
}

function monthsOf(report: ReportData, studio: string | null): DeliveryRow[] {
  return report.delivery.filter((d) => d.studio_id === studio).sort((a, b) => (a.month < b.month ? -1 : 1));
}

/** All studios (thick, black) and each studio; with many studios, the lowest of the review month. */
export function deliveryTrend(data: SiteData): Figure | null {
  const { report } = data;
  const all = monthsOf(report, null);
  if (all.length === 0) return null;
  const rate = (id: string): number => rowOf(report, report.period.month, id)?.delivery_rate ?? 1;
  const many = data.studios.length > DELIVERY_SERIES_LIMIT;
  const shown = many ? [...data.studios].sort((a, b) => rate(a.name) - rate(b.name)).slice(0, DELIVERY_SERIES_LIMIT) : data.studios;
  const series: Series[] = [
    { label: 'All studios', color: OKABE_ITO.black, rows: all },
    ...shown.map((s, i) => ({ label: s.name, color: seriesColor(i), rows: monthsOf(report, s.name) })),
  ];
  const note = many ? `The ${DELIVERY_SERIES_LIMIT} studios with the lowest rate in ${month(report.period.month, false)} are drawn, of ${data.studios.length}; the table above has them all.` : undefined;
  return deliveryRateFigure(series, { id: 'delivery-rate', who: 'all studios', reviewMonth: report.period.month, lowest: true, ...(note ? { note } : {}) });
}

/** A studio's delivery rate month by month, against all studios'. */
export function studioDeliveryTrend(report: ReportData, studio: string): Figure | null {
  const own = monthsOf(report, studio);
  if (own.length === 0) return null;
  return deliveryRateFigure(
    [
      { label: studio, color: OKABE_ITO.blue, rows: own },
      { label: 'All studios', color: OKABE_ITO.grey, rows: monthsOf(report, null) },
    ],
    { id: 'delivery-rate', who: studio, reviewMonth: report.period.month },
  );
}

/** How many campaigns the campaigns page lists on screen, and prints. */
export const CAMPAIGN_SCREEN_LIMIT = 50;
export const CAMPAIGN_PRINT_LIMIT = 20;

const FLAG_TEXT = { high: 'Above', low: 'Below' } as const;

export interface CampaignTable {
  table: TableModel;
  /** What print leaves out: "and 125 smaller campaigns". */
  printNote: string | null;
  total: number;
}

/** More studios than this in a campaign's cell: their number, not their names. */
export const CAMPAIGN_STUDIO_NAMES = 3;

/**
 * The studios of a campaign as its cell says them: up to 3 by name, else "All 12 studios" or "9
 * studios" (the one-to-one texts of 108 studios named them all in one cell; each studio's page
 * lists its own campaigns).
 */
export function studiosOf(names: string[], studios: number): string {
  if (names.length <= CAMPAIGN_STUDIO_NAMES) return names.join(', ');
  return names.length >= studios ? `All ${int(names.length)} studios` : `${int(names.length)} studios`;
}

/**
 * The month's campaigns, largest first (by texts sent), at most `limit` rows; the rest are said in
 * one line ("and 95 smaller campaigns") and are in the downloads. `studio` keeps a studio's own.
 */
export function campaignTable(data: SiteData, o: { limit?: number; printLimit?: number; studio?: string } = {}): CampaignTable {
  const { report } = data;
  const limit = o.limit ?? CAMPAIGN_SCREEN_LIMIT;
  const printLimit = Math.min(limit, o.printLimit ?? CAMPAIGN_PRINT_LIMIT);
  const all = report.campaigns.filter((c) => o.studio === undefined || c.studio_ids.includes(o.studio));
  const shown = all.slice(0, limit);
  const flag = (id: string | null): string => {
    const f = report.cohorts.campaign.find((r) => r.key === (id ?? '(none)'))?.flag;
    return f ? FLAG_TEXT[f] : 'Within chance';
  };
  // what a cap leaves out: "and 95 smaller campaigns", "and 94 smaller campaigns and the one-to-one texts"
  const smaller = (left: ReportData['campaigns']): string => {
    const n = left.filter((c) => c.campaign_id !== null).length;
    const parts = [n > 0 ? `${int(n)} smaller ${n === 1 ? 'campaign' : 'campaigns'}` : '', left.some((c) => c.campaign_id === null) ? 'the one-to-one texts' : ''].filter(Boolean);
    return `and ${parts.join(' and ')}`;
  };
  const where = 'every campaign is in downloads/campaigns.csv on the Data page';
  const multiStudio = report.campaigns.some((c) => c.studio_ids.length > 1) || data.studios.length > 1;
  return {
    total: all.length,
    table: {
      // size and outcome first, so a phone shows them beside the campaign; its type, studio and days after
      columns: [
        { label: 'Campaign' },
        { label: 'Sent', numeric: true },
        { label: 'Delivered', numeric: true },
        // in print the page is too narrow for all: reached, type, studio and days stay on screen
        { label: 'Reached', numeric: true, print: false },
        { label: 'Opt-outs', numeric: true },
        { label: 'Rate', numeric: true },
        { label: '95% interval', numeric: true },
        { label: 'Vs the month' },
        { label: 'Type', print: false },
        ...(o.studio === undefined && multiStudio ? [{ label: 'Studio', print: false }] : []),
        { label: 'Days', print: false },
      ],
      rows: shown.map((c) => [
        c.campaign_id ?? 'One-to-one texts (no campaign)',
        int(c.sent),
        `${int(c.delivered)} (${pct(c.delivery_rate)})`,
        int(c.reached),
        int(c.opt_outs),
        c.reached > 0 ? pct(c.rate) : '–',
        c.reached > 0 ? `${pct(c.ci_low)} – ${pct(c.ci_high)}` : '–',
        c.reached > 0 ? flag(c.campaign_id) : '–',
        c.campaign_type ?? '–',
        ...(o.studio === undefined && multiStudio ? [studiosOf(c.studio_ids, data.studios.length)] : []),
        c.first_date === c.last_date ? day(c.first_date, false) : dayRange(c.first_date, c.last_date),
      ]),
      ...(all.length > shown.length ? { note: `The ${int(shown.length)} largest, ${smaller(all.slice(shown.length))}: ${where}.` } : {}),
    },
    printNote: all.length > printLimit ? `The ${int(printLimit)} largest, ${smaller(all.slice(printLimit))}: ${where}.` : null,
  };
}
