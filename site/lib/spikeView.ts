import type { Figure } from '../charts/render.ts';
import { decompositionFigure, spikeDaysFigure } from '../charts/spikes.ts';
import type { TrendPoint } from '../charts/trend.ts';
import { dayRange, expected, int, pct, share } from './format.ts';
import { CAUSE_CATALOG, causeAnchor } from '../../worker/catalog/index.ts';
import { CAUSE_TEXT } from './labels.ts';
import type { SiteData, SpikeRef } from './load.ts';
import { spikeHref } from './paths.ts';
import { DIMENSIONS, type CauseRow, type Dimension, type ReportData } from './schema.ts';
import type { TableModel } from './table.ts';

/** The spikes page and each spike's own page. */

export function spikeTitle(s: SpikeRef): string {
  return `${s.where}, ${dayRange(s.spike.start, s.spike.end)}`;
}

/**
 * One row per spike. On a studio's page (`byDay`) a spike is named by its days alone: the caption
 * names the studio, and a long name repeated on every row took 8 lines of each row on a phone.
 */
export function spikeTable(spikes: SpikeRef[], { byDay = false }: { byDay?: boolean } = {}): TableModel {
  return {
    columns: [
      { label: byDay ? 'Days' : 'Spike' },
      { label: 'Texts', numeric: true },
      { label: 'Opt-outs', numeric: true },
      { label: 'Expected', numeric: true },
      { label: 'Extra', numeric: true },
      { label: 'Main cause' },
    ],
    rows: spikes.map((s) => {
      const cause = s.spike.causes[0];
      return [
        { text: byDay ? dayRange(s.spike.start, s.spike.end) : spikeTitle(s), href: spikeHref(s.slug) },
        int(s.spike.reached),
        int(s.spike.opt_outs),
        int(s.spike.expected_opt_outs),
        int(s.spike.excess_opt_outs),
        cause ? `${CAUSE_TEXT[cause.cause]} (${share(cause.share)})` : 'None stood out',
      ];
    }),
  };
}

/** Spikes the printed brief lists: a sheet of them at most, so that the brief keeps to six pages. */
export const BRIEF_SPIKES = 12;

/**
 * The brief's spikes: the `limit` with the most extra opt-outs (ties by date), listed by date as
 * the rest of the brief, and how many smaller ones the spikes page has besides.
 */
export function briefSpikes(spikes: SpikeRef[], limit = BRIEF_SPIKES): { shown: SpikeRef[]; more: number } {
  const byDate = (a: SpikeRef, b: SpikeRef): number => (a.spike.start < b.spike.start ? -1 : a.spike.start > b.spike.start ? 1 : 0);
  const largest = [...spikes].sort((a, b) => b.spike.excess_opt_outs - a.spike.excess_opt_outs || byDate(a, b)).slice(0, limit);
  return { shown: spikes.filter((s) => largest.includes(s)), more: Math.max(0, spikes.length - limit) };
}

/** The spike's series: its studio's days, or all studios'. */
export function spikeSeries(report: ReportData, studio: string | null): TrendPoint[] {
  return report.trend.filter((r) => r.studio_id === studio);
}

/** The dimensions to decompose: the first cause's, the other causes', then the usual suspects; at most 4. */
export function decompositionDimensions(s: SpikeRef): Dimension[] {
  const preferred: Dimension[] = [...s.spike.causes.map((c) => c.dimension), 'lead_source', 'consent', 'campaign_type', 'frequency_7d', 'engagement', 'send_hour', 'campaign'];
  const have = (d: Dimension): boolean => (s.spike.decomposition[d] ?? []).length > 0;
  const picked = [...new Set(preferred)].filter(have);
  return (picked.length > 0 ? picked : DIMENSIONS.filter(have)).slice(0, 4);
}

/**
 * Extra opt-outs as an owner reads them, whole: "about 18 more opt-outs than usual" (one more,
 * less than one more).
 */
export function moreThanUsual(excess: number): string {
  const n = Math.round(excess);
  if (n <= 0) return 'less than one more opt-out than usual';
  return `about ${int(n)} more opt-out${n === 1 ? '' : 's'} than usual`;
}

/**
 * Whom a cause is about, in the words of its evidence: the texts its risk factor marks ("Leads
 * who had 4 or more texts that week"), or, for content that did not fit, the campaign. Only that
 * cause names a campaign: the others are about a kind of text across the spike's campaigns.
 */
export function causeGroup(c: Pick<CauseRow, 'cause' | 'key'>): string {
  if (c.cause === 'irrelevant_content') return `Campaign "${c.key}"`;
  const who: string = CAUSE_CATALOG[c.cause].who;
  return who.charAt(0).toUpperCase() + who.slice(1);
}

export interface CauseView {
  anchor: string;
  title: string;
  group: string;
  share: string;
  excess: string;
  evidence: string;
  action: string;
}

export interface SpikePage {
  title: string;
  summary: string;
  days: Figure;
  causes: CauseView[];
  parts: Figure[];
}

export function spikePage(data: SiteData, s: SpikeRef): SpikePage {
  const sp = s.spike;
  const title = spikeTitle(s);
  const summary = `${int(sp.opt_outs)} opt-outs from ${int(sp.reached)} texts, where ${expected(sp.expected_opt_outs)} at the usual rate of ${pct(sp.baseline_rate)}: ${moreThanUsual(sp.excess_opt_outs)}.`;
  const parts = decompositionDimensions(s)
    .map((d, i) => decompositionFigure(d, sp, { id: `parts-${i + 1}` }))
    .filter((f): f is Figure => f !== null);
  return {
    title,
    summary,
    days: spikeDaysFigure(sp, spikeSeries(data.report, sp.studio_id), { id: 'days', coverage: data.report.coverage }),
    causes: sp.causes.map((c) => ({
      anchor: causeAnchor(c.cause),
      title: CAUSE_TEXT[c.cause],
      group: causeGroup(c),
      share: share(c.share),
      excess: moreThanUsual(c.excess_opt_outs),
      evidence: c.evidence,
      action: c.action,
    })),
    parts,
  };
}
