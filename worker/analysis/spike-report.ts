import type { Db } from '../db.ts';
import { explainSpikes, type CauseRow, type DecompositionRow } from './causes.ts';
import { findSpikes, thresholdBreaches, type DayPoint, type ThresholdBreach } from './spikes.ts';
import type { Dimension } from './cohorts.ts';

export interface SpikeReport {
  studio_id: string | null;
  start: string;
  end: string;
  reached: number;
  opt_outs: number;
  expected_opt_outs: number;
  excess_opt_outs: number;
  baseline_rate: number;
  causes: CauseRow[];
  days: { date: string; reached: number; opt_outs: number; expected: number; upper_limit: number }[];
  decomposition: Record<Dimension, DecompositionRow[]>;
}

export interface BreachReport extends ThresholdBreach {
  studio_id: string;
}

interface SeriesRow extends DayPoint {
  studio_id: string | null;
}

/**
 * Spikes per studio and overall, found on each series' whole history (a baseline needs the weeks
 * before) and reported when they end within [from, to]; each with its ranked causes. Threshold
 * breaches are listed per studio over the same dates.
 */
export async function spikeReport(db: Db, from: string, to: string): Promise<{ spikes: SpikeReport[]; breaches: BreachReport[] }> {
  const rows = await db.query<SeriesRow>(
    `select studio_id, strftime(local_date, '%Y-%m-%d') as date, reached, opt_outs from daily_series order by studio_id nulls first, local_date`,
  );
  const series = new Map<string | null, DayPoint[]>();
  for (const r of rows) {
    const list = series.get(r.studio_id) ?? [];
    list.push({ date: r.date, reached: r.reached, opt_outs: r.opt_outs });
    series.set(r.studio_id, list);
  }
  const found = [...series].flatMap(([studio_id, points]) =>
    findSpikes(points)
      .filter((s) => s.end >= from && s.start <= to)
      .map((s) => ({ ...s, studio_id })),
  );
  const explained = await explainSpikes(db, found);
  const spikes = found.map((s, i): SpikeReport => ({
    studio_id: s.studio_id,
    start: s.start,
    end: s.end,
    reached: s.reached,
    opt_outs: s.opt_outs,
    expected_opt_outs: s.expected_opt_outs,
    excess_opt_outs: s.opt_outs - s.expected_opt_outs,
    baseline_rate: s.baseline_rate,
    causes: explained[i]?.causes ?? [],
    days: s.days.map((d) => ({ date: d.date, reached: d.reached, opt_outs: d.opt_outs, expected: d.expected ?? 0, upper_limit: d.upper_limit ?? 0 })),
    decomposition: explained[i]?.decomposition ?? ({} as Record<Dimension, DecompositionRow[]>),
  }));
  spikes.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : (a.studio_id ?? '') < (b.studio_id ?? '') ? -1 : 1));
  const breaches = [...series]
    .filter(([studio]) => studio !== null)
    .flatMap(([studio, points]) =>
      thresholdBreaches(points)
        .filter((b) => b.date >= from && b.date <= to)
        .map((b) => ({ studio_id: studio as string, ...b })),
    );
  return { spikes, breaches };
}
