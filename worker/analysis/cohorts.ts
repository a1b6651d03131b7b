import type { Db } from '../db.ts';
import { fitBetaPrior, funnelLimits, rateFlag, shrunkRate, wilson } from './stats.ts';
import { DIMENSION_CATALOG, DIMENSIONS, type Dimension, type DimensionEntry } from '../catalog/index.ts';

export { DIMENSIONS, type Dimension };

export interface CohortRow {
  key: string;
  reached: number;
  opt_outs: number;
  rate: number;
  ci_low: number;
  ci_high: number;
  lift: number | null;
  flag: 'high' | 'low' | null;
  recipients: number;
  opted_out_recipients: number;
  recipient_rate: number;
  /** Empirical-Bayes rate: the cohort's rate pulled toward its dimension's by how little data it has. */
  shrunk_rate: number;
  /** Where a cohort of this size at the overall rate would fall, 95% and 99.8% of the time. */
  funnel: { low95: number; high95: number; low998: number; high998: number };
  /** The same cohort in the month before the review month (null when it had no reached message). */
  previous: { reached: number; opt_outs: number; rate: number } | null;
}

export interface Totals {
  reached: number;
  recipients: number;
  opt_outs: number;
  attributed_opt_outs: number;
  opted_out_recipients: number;
  rate: number;
  recipient_rate: number;
}

interface CountRow {
  period: 'current' | 'previous';
  dimension: Dimension;
  key: string;
  reached: number;
  opt_outs: number;
  recipients: number;
  opted_out_recipients: number;
}

export async function periodTotals(db: Db): Promise<{ current: Totals; previous: Totals }> {
  const rows = await db.query<Totals & { period: string }>(`select * from period_totals`);
  const pick = (period: string): Totals => {
    const r = rows.find((x) => x.period === period);
    if (!r) throw new Error(`period_totals has no ${period} row`);
    const { period: _p, ...t } = r;
    return { ...t, rate: t.rate ?? 0, recipient_rate: t.recipient_rate ?? 0 };
  };
  return { current: pick('current'), previous: pick('previous') };
}

function sortRows(dimension: Dimension, rows: CohortRow[]): CohortRow[] {
  // a dimension with fixed keys lists them in the catalog's order; the others by reached messages
  const entry: DimensionEntry = DIMENSION_CATALOG[dimension];
  const order = entry.order === 'fixed' ? entry.keys.map((k) => k.key) : null;
  if (order) {
    const at = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
    return rows.sort((a, b) => at(a.key) - at(b.key) || (a.key < b.key ? -1 : 1));
  }
  return rows.sort((a, b) => b.reached - a.reached || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Every cohort row of every dimension, with its interval, lift, flag and shrunk rate. */
export async function cohortRows(db: Db, overallRate: number): Promise<Record<Dimension, CohortRow[]>> {
  // ordered, so that sums of floating-point numbers come out the same on every run
  const counts = await db.query<CountRow>(`select * from cohort_counts order by dimension, key, period`);
  const out = {} as Record<Dimension, CohortRow[]>;
  for (const dimension of DIMENSIONS) {
    const current = counts.filter((c) => c.dimension === dimension && c.period === 'current');
    const previous = new Map(counts.filter((c) => c.dimension === dimension && c.period === 'previous').map((c) => [c.key, c]));
    const prior = fitBetaPrior(current.map((c) => ({ x: c.opt_outs, n: c.reached })));
    const rows = current.map((c): CohortRow => {
      const rate = c.opt_outs / c.reached;
      const ci = wilson(c.opt_outs, c.reached);
      const prev = previous.get(c.key);
      return {
        key: c.key,
        reached: c.reached,
        opt_outs: c.opt_outs,
        rate,
        ci_low: ci.low,
        ci_high: ci.high,
        lift: overallRate > 0 ? rate / overallRate : null,
        flag: rateFlag(ci, overallRate),
        recipients: c.recipients,
        opted_out_recipients: c.opted_out_recipients,
        recipient_rate: c.recipients > 0 ? c.opted_out_recipients / c.recipients : 0,
        shrunk_rate: shrunkRate(c.opt_outs, c.reached, prior),
        funnel: funnelLimits(overallRate, c.reached),
        previous: prev ? { reached: prev.reached, opt_outs: prev.opt_outs, rate: prev.opt_outs / prev.reached } : null,
      };
    });
    out[dimension] = sortRows(dimension, rows);
  }
  return out;
}
