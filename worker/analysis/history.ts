import { errorFunction } from 'simple-statistics';
import type { Db } from '../db.ts';
import { coveredMonth, type Coverage } from '../period.ts';
import { wilson } from './stats.ts';
import type { CohortRow, Dimension } from './cohorts.ts';

/**
 * Month after month: the year of history (`monthly`) and what changed since last month
 * (`changes`).
 */

export interface MonthlyRow {
  month: string;
  /** null: all studios. */
  studio_id: string | null;
  /** The data covers only part of the month (its first or last month). */
  partial: boolean;
  reached: number;
  /** Every new opt-out of the month, traced to a text or not. */
  opt_outs: number;
  /** The opt-outs traced to a text of the month (the rate's numerator). */
  attributed_opt_outs: number;
  rate: number;
  ci_low: number;
  ci_high: number;
  /** Outbound texts attempted, and those the carrier reported delivered. */
  sent: number;
  delivered: number;
  delivery_rate: number | null;
  leads_added: number;
  leads_opted_out: number;
  /** Known leads at the month's end, not opted out and whose number is not deactivated. */
  reachable_leads: number;
}

type MonthlyCounts = Omit<MonthlyRow, 'partial' | 'rate' | 'ci_low' | 'ci_high' | 'delivery_rate'>;

export async function monthlyRows(db: Db, coverage: Coverage): Promise<MonthlyRow[]> {
  const rows = await db.query<MonthlyCounts>(`select * from monthly order by month, studio_id nulls first`);
  return rows.map((r) => {
    const ci = wilson(r.attributed_opt_outs, r.reached);
    return {
      month: r.month,
      studio_id: r.studio_id,
      partial: coveredMonth(r.month, coverage).partial,
      reached: r.reached,
      opt_outs: r.opt_outs,
      attributed_opt_outs: r.attributed_opt_outs,
      rate: r.reached > 0 ? r.attributed_opt_outs / r.reached : 0,
      ci_low: ci.low,
      ci_high: ci.high,
      sent: r.sent,
      delivered: r.delivered,
      delivery_rate: r.sent > 0 ? r.delivered / r.sent : null,
      leads_added: r.leads_added,
      leads_opted_out: r.leads_opted_out,
      reachable_leads: r.reachable_leads,
    };
  });
}

export interface ChangeRow {
  dimension: Dimension;
  key: string;
  previous: { reached: number; opt_outs: number; rate: number };
  current: { reached: number; opt_outs: number; rate: number };
  /** current rate - previous rate (a fraction: 0.01 = one percentage point). */
  change: number;
  direction: 'up' | 'down';
  /** The two-proportion z statistic and its two-sided p-value, before and after Holm's correction. */
  z: number;
  p_value: number;
  p_adjusted: number;
}

/** The smallest group a month's rate is compared on: fewer texts say too little. */
export const CHANGE_MIN_REACHED = 50;
/** Opt-outs expected in each month at the pooled rate: the normal approximation needs about 5. */
export const CHANGE_MIN_EXPECTED = 5;
export const CHANGE_ALPHA = 0.05;
export const CHANGE_LIMIT = 10;

const normalCdf = (z: number): number => 0.5 * (1 + errorFunction(z / Math.SQRT2));

/** The pooled two-proportion z-test of x1/n1 against x2/n2: z and the two-sided p-value. */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): { z: number; p: number } {
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { z: 0, p: 1 };
  const z = (x2 / n2 - x1 / n1) / se;
  return { z, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

/** Holm's step-down correction: adjusted p-values, in the input's order. */
export function holm(pValues: number[]): number[] {
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/**
 * The groups whose rate changed between the previous month and the review month beyond chance:
 * every cohort group with at least CHANGE_MIN_REACHED texts and CHANGE_MIN_EXPECTED expected
 * opt-outs in each month is tested (pooled two-proportion z-test), the p-values are corrected for
 * the number of groups tested (Holm), and those under CHANGE_ALPHA are listed, the largest change
 * first (at most CHANGE_LIMIT).
 */
export function changes(cohorts: Record<Dimension, CohortRow[]>): ChangeRow[] {
  const tested: Omit<ChangeRow, 'p_adjusted'>[] = [];
  for (const [dimension, rows] of Object.entries(cohorts) as [Dimension, CohortRow[]][]) {
    for (const r of rows) {
      const prev = r.previous;
      if (!prev || prev.reached < CHANGE_MIN_REACHED || r.reached < CHANGE_MIN_REACHED) continue;
      const pooled = (prev.opt_outs + r.opt_outs) / (prev.reached + r.reached);
      if (pooled * Math.min(prev.reached, r.reached) < CHANGE_MIN_EXPECTED) continue;
      const { z, p } = twoProportionTest(prev.opt_outs, prev.reached, r.opt_outs, r.reached);
      tested.push({
        dimension,
        key: r.key,
        previous: { reached: prev.reached, opt_outs: prev.opt_outs, rate: prev.rate },
        current: { reached: r.reached, opt_outs: r.opt_outs, rate: r.rate },
        change: r.rate - prev.rate,
        direction: r.rate >= prev.rate ? 'up' : 'down',
        z,
        p_value: p,
      });
    }
  }
  const adjusted = holm(tested.map((t) => t.p_value));
  return tested
    .map((t, i) => ({ ...t, p_adjusted: adjusted[i] as number }))
    .filter((t) => t.p_adjusted < CHANGE_ALPHA)
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.p_adjusted - b.p_adjusted || a.dimension.localeCompare(b.dimension) || a.key.localeCompare(b.key))
    .slice(0, CHANGE_LIMIT);
}
