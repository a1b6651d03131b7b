import type { Figure } from '../charts/render.ts';
import { decompositionFigure, spikeDaysFigure } from '../charts/spikes.ts';
import type { TrendPoint } from '../charts/trend.ts';
import { dayRange, dec, int, pct, share } from './format.ts';
import { CAUSE_TEXT, DIMENSION_TEXT, keyLabel } from './labels.ts';
import type { SiteData, SpikeRef } from './load.ts';
import { spikeHref } from './paths.ts';
import { DIMENSIONS, type Dimension, type ReportData } from './schema.ts';
import type { TableModel } from './table.ts';

/** The spikes page and each spike's own page. */

export function spikeTitle(s: SpikeRef): string {
  return `${s.where}, ${dayRange(s.spike.start, s.spike.end)}`;
}

export function spikeTable(spikes: SpikeRef[]): TableModel {
  return {
    columns: [
      { label: 'Spike' },
      { label: 'Texts', numeric: true },
      { label: 'Opt-outs', numeric: true },
      { label: 'Expected', numeric: true },
      { label: 'Extra', numeric: true },
      { label: 'Main cause' },
    ],
    rows: spikes.map((s) => {
      const cause = s.spike.causes[0];
      return [
        { text: spikeTitle(s), href: spikeHref(s.slug) },
        int(s.spike.reached),
        int(s.spike.opt_outs),
        dec(s.spike.expected_opt_outs),
        dec(s.spike.excess_opt_outs),
        cause ? `${CAUSE_TEXT[cause.cause]} (${share(cause.share)})` : 'None stood out',
      ];
    }),
  };
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

export interface CauseView {
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
  const summary = `${int(sp.opt_outs)} opt-outs from ${int(sp.reached)} texts, where ${dec(sp.expected_opt_outs)} were expected at the usual rate of ${pct(sp.baseline_rate)}: ${dec(sp.excess_opt_outs)} extra.`;
  const parts = decompositionDimensions(s)
    .map((d, i) => decompositionFigure(d, sp, { id: `parts-${i + 1}` }))
    .filter((f): f is Figure => f !== null);
  return {
    title,
    summary,
    days: spikeDaysFigure(sp, spikeSeries(data.report, sp.studio_id), { id: 'days', coverage: data.report.coverage }),
    causes: sp.causes.map((c) => ({
      title: CAUSE_TEXT[c.cause],
      group: `${DIMENSION_TEXT[c.dimension].column}: ${keyLabel(c.dimension, c.key)}`,
      share: share(c.share),
      excess: dec(c.excess_opt_outs),
      evidence: c.evidence,
      action: c.action,
    })),
    parts,
  };
}
