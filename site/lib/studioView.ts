import { deliveryFigure, errorOrder, deliveryTop } from '../charts/operations.ts';
import type { Figure } from '../charts/render.ts';
import { trendFigure } from '../charts/trend.ts';
import { change, day, int, month, pct, points, times } from './format.ts';
import { BREACH_TEXT, CHECK_ANCHOR, CHECK_TEXT } from './labels.ts';
import type { SiteData, StudioRef } from './load.ts';
import { markPartial, type Kpi } from './overview.ts';
import { comparisonNote, lastMonthLabel } from './period.ts';
import { href, studioHref } from './paths.ts';
import { spikeTable } from './spikeView.ts';
import type { CohortRow } from './schema.ts';
import type { TableModel } from './table.ts';

/** The studios page and each studio's own overview. */

function studioKpis(row: CohortRow | undefined, prevMonth: string, partial: string | null): Kpi[] {
  const prev = month(prevMonth, false);
  if (!row) return [{ label: 'Texts reached', value: '0', note: 'no text reached a lead this month', change: null }];
  const p = row.previous;
  const countChange = (now: number, before: number, upIsBad: boolean): Kpi['change'] => {
    const c = change(now, before);
    return c === null ? null : { text: `${c} vs ${prev} (${int(before)})`, tone: !upIsBad || now === before ? 'neutral' : now > before ? 'bad' : 'good' };
  };
  const items: Kpi[] = [
    {
      label: 'Opt-out rate',
      value: pct(row.rate),
      note: `95% interval ${pct(row.ci_low)} – ${pct(row.ci_high)}`,
      change: p ? { text: `${points(row.rate - p.rate)} vs ${prev} (${pct(p.rate)})`, tone: row.rate > p.rate ? 'bad' : row.rate < p.rate ? 'good' : 'neutral' } : null,
    },
    { label: 'Opt-outs', value: int(row.opt_outs), note: 'traced to a text this month', change: p ? countChange(row.opt_outs, p.opt_outs, true) : null },
    { label: 'Texts reached', value: int(row.reached), note: 'sent or delivered', change: p ? countChange(row.reached, p.reached, false) : null },
    { label: 'Leads texted', value: int(row.recipients), note: 'distinct leads reached', change: null },
    { label: 'Leads who opted out', value: pct(row.recipient_rate), note: 'of the leads texted', change: null },
  ];
  return items.map((k) => ({ ...k, change: markPartial(k.change, partial) }));
}

export interface StudioPage {
  lede: string;
  kpis: Kpi[];
  trend: Figure;
  spikes: TableModel;
  breaches: TableModel;
  checks: TableModel;
  delivery: Figure | null;
}

export function studioPage(data: SiteData, studio: StudioRef): StudioPage {
  const { report } = data;
  const row = report.cohorts.studio.find((r) => r.key === studio.name);
  const name = month(report.period.month, false);
  const lede = row
    ? `In ${name}, ${pct(row.rate)} of the texts of ${studio.name} led to an opt-out${row.lift !== null ? `: ${times(row.lift)} the rate of all studios (${pct(report.totals.rate)})` : ''}${row.flag === 'high' ? ', clearly above it' : row.flag === 'low' ? ', clearly below it' : ''}.`
    : `No text of ${studio.name} reached a lead in ${name}.`;
  const spikes = data.spikes.filter((s) => s.spike.studio_id === studio.name);
  const delivery = report.deliverability.filter((d) => d.studio_id === studio.name);
  const months = [...new Set(report.deliverability.map((d) => d.month))].sort();
  return {
    lede,
    kpis: studioKpis(row, report.previous_totals.month, comparisonNote(report)),
    trend: trendFigure(
      report.trend.filter((r) => r.studio_id === studio.name),
      { id: 'trend', who: studio.name, month: report.period.month, coverage: report.coverage, shades: spikes.map((s) => s.spike) },
    ),
    spikes: spikeTable(spikes, { byDay: true }),
    breaches: {
      columns: [{ label: 'Day' }, { label: 'Alert' }, { label: 'Texts', numeric: true }, { label: 'Opt-outs', numeric: true }, { label: 'Rate', numeric: true }],
      rows: report.threshold_breaches.filter((b) => b.studio_id === studio.name).map((b) => [day(b.date), BREACH_TEXT[b.rule], int(b.reached), int(b.opt_outs), pct(b.rate)]),
    },
    checks: {
      columns: [{ label: 'Rule' }, { label: 'Texts', numeric: true }, { label: 'Leads', numeric: true }],
      rows: report.compliance.map((c) => {
        const s = c.studios.find((x) => x.studio_id === studio.name);
        return [{ text: CHECK_TEXT[c.check].title, href: href(`compliance.html#${CHECK_ANCHOR[c.check]}`) }, int(s?.messages ?? 0), int(s?.leads ?? 0)];
      }),
    },
    delivery:
      delivery.length > 0
        ? deliveryFigure(delivery, { id: 'delivery', studio: studio.name, codes: errorOrder(report.deliverability), months, reviewMonth: report.period.month, coverage: report.coverage, top: deliveryTop(report.deliverability, months) })
        : null,
  };
}

/** One row per studio: the month's numbers, spikes, alerts and rules broken. */
export function studiosTable(data: SiteData): TableModel {
  const { report } = data;
  return {
    columns: [
      { label: 'Studio' },
      { label: 'Texts reached', numeric: true },
      { label: 'Opt-outs', numeric: true },
      { label: 'Rate', numeric: true },
      { label: 'Vs all studios' },
      { label: lastMonthLabel(report), numeric: true },
      { label: 'Spikes', numeric: true },
      { label: 'Alert days', numeric: true },
      { label: 'Rules broken', numeric: true },
    ],
    rows: data.studios.map((s) => {
      const row = report.cohorts.studio.find((r) => r.key === s.name);
      const alertDays = new Set(report.threshold_breaches.filter((b) => b.studio_id === s.name && b.date >= report.period.start).map((b) => b.date)).size;
      const broken = report.compliance.filter((c) => c.studios.some((x) => x.studio_id === s.name && x.messages > 0)).length;
      return [
        { text: s.name, href: studioHref(s.slug) },
        int(row?.reached ?? 0),
        int(row?.opt_outs ?? 0),
        row ? pct(row.rate) : '–',
        row?.flag === 'high' ? 'Above' : row?.flag === 'low' ? 'Below' : row ? 'Within chance' : '–',
        row?.previous ? pct(row.previous.rate) : '–',
        int(data.spikes.filter((x) => x.spike.studio_id === s.name).length),
        int(alertDays),
        `${broken} of ${report.compliance.length}`,
      ];
    }),
  };
}
