/**
 * Opt-out spike detection on a daily series (reached messages by local send date, and the
 * opt-outs attributed to them), one series per studio and one overall.
 *
 * The method is a Laney p' chart against a moving baseline:
 * - the baseline of day t is the previous BASELINE_DAYS calendar days that had reached messages
 *   and were not themselves part of a spike (so an earlier spike does not raise the bar);
 * - its rate p is the pooled rate of those days; a day of n messages would, by binomial noise
 *   alone, vary around p with sigma = sqrt(p(1 - p) / n), so small days get wide limits;
 * - big days vary more than binomial noise says (overdispersion: some weeks are simply worse),
 *   so sigma is multiplied by sigma_z, the spread of the baseline days' z-scores measured by
 *   their average moving range / 1.128, never less than 1 (Laney, 2002), over the days big
 *   enough to expect at least one opt-out;
 * - the limit is drawn on the counts themselves, which are small: the day's opt-outs x are judged
 *   against a Poisson of mean n * p, both divided by phi = sigma_z^2 + n p / x_baseline
 *   (quasi-Poisson: the overdispersion, plus the uncertainty of a baseline rate measured on
 *   x_baseline opt-outs), and the day is flagged when P(X >= x) is below ALPHA (0.1%, about a
 *   3-sigma limit one-sided; the normal limit p + 3 sigma_z sigma, reported as upper_limit,
 *   understates the tail when only a few opt-outs are expected) AND its opt-outs exceed the
 *   expected n * p by at least MIN_EXCESS (one opt-out on a quiet day is not a spike);
 * - flagged days at most MAX_GAP_DAYS apart are merged into one spike.
 */

import { poissonUpperTail } from './poisson.ts';

export const SPIKE_PARAMETERS = {
  baselineDays: 56,
  minBaselineDays: 7,
  zLimit: 3,
  alpha: 0.001,
  minExcess: 3,
  maxGapDays: 1,
} as const;

export interface DayPoint {
  date: string;
  reached: number;
  opt_outs: number;
}

export interface DayVerdict extends DayPoint {
  /** Baseline rate and the day's upper control limit; null when the baseline is too short. */
  baseline_rate: number | null;
  upper_limit: number | null;
  expected: number | null;
  /** P(this many opt-outs or more | the baseline), overdispersion allowed for. */
  p_value: number | null;
  is_spike_day: boolean;
  /** Dates of the baseline days used for this day. */
  baseline_dates: string[];
}

export interface Spike {
  start: string;
  end: string;
  days: DayVerdict[];
  reached: number;
  opt_outs: number;
  expected_opt_outs: number;
  /** Baseline dates (of the first day of the spike): what "normal" was. */
  baseline_dates: string[];
  baseline_rate: number;
}

const DAY = 86400e3;
const toTime = (d: string): number => Date.parse(`${d}T00:00:00Z`);

/** Judges each day of a series (sorted by date, one row per date with reached > 0). */
export function judgeDays(series: DayPoint[], p = SPIKE_PARAMETERS): DayVerdict[] {
  const verdicts: DayVerdict[] = [];
  for (const day of series) {
    const t = toTime(day.date);
    const baseline = verdicts.filter((v) => !v.is_spike_day && v.reached > 0 && toTime(v.date) < t && toTime(v.date) >= t - p.baselineDays * DAY);
    let verdict: DayVerdict = {
      ...day,
      baseline_rate: null,
      upper_limit: null,
      expected: null,
      p_value: null,
      is_spike_day: false,
      baseline_dates: baseline.map((b) => b.date),
    };
    if (baseline.length >= p.minBaselineDays) {
      const n = baseline.reduce((s, b) => s + b.reached, 0);
      const x = baseline.reduce((s, b) => s + b.opt_outs, 0);
      // A baseline with no opt-out at all still has some rate: half an opt-out's worth.
      const rate = Math.max(x, 0.5) / n;
      // z-scores only of days big enough to expect an opt-out: on a day of 20 messages a single
      // opt-out is a z of 6 and says nothing about overdispersion.
      const z = baseline
        .filter((b) => b.reached * rate >= 1)
        .map((b) => (b.opt_outs / b.reached - rate) / Math.sqrt((rate * (1 - rate)) / b.reached));
      const ranges = z.slice(1).map((v, i) => Math.abs(v - (z[i] as number)));
      const sigmaZ = Math.max(1, ranges.length > 0 ? ranges.reduce((s, r) => s + r, 0) / ranges.length / 1.128 : 1);
      const sigma = Math.sqrt((rate * (1 - rate)) / day.reached);
      const upper = rate + p.zLimit * sigmaZ * sigma;
      const expected = day.reached * rate;
      // Overdispersion, plus the uncertainty of the baseline rate itself (a rate measured on x
      // opt-outs is uncertain by about 1/x of itself: the negative-binomial predictive variance).
      const phi = sigmaZ * sigmaZ + expected / Math.max(x, 1);
      const tail = poissonUpperTail(day.opt_outs / phi, expected / phi);
      verdict = {
        ...verdict,
        baseline_rate: rate,
        upper_limit: upper,
        expected,
        p_value: tail,
        is_spike_day: tail < p.alpha && day.opt_outs - expected >= p.minExcess,
      };
    }
    verdicts.push(verdict);
  }
  return verdicts;
}

/** Merges flagged days into spikes. */
export function findSpikes(series: DayPoint[], p = SPIKE_PARAMETERS): Spike[] {
  const days = judgeDays(series, p);
  const spikes: Spike[] = [];
  let current: DayVerdict[] = [];
  const close = (): void => {
    if (current.length === 0) return;
    const first = current[0] as DayVerdict;
    spikes.push({
      start: first.date,
      end: (current.at(-1) as DayVerdict).date,
      days: current,
      reached: current.reduce((s, d) => s + d.reached, 0),
      opt_outs: current.reduce((s, d) => s + d.opt_outs, 0),
      expected_opt_outs: current.reduce((s, d) => s + (d.expected ?? 0), 0),
      baseline_dates: first.baseline_dates,
      baseline_rate: first.baseline_rate ?? 0,
    });
    current = [];
  };
  for (const day of days) {
    if (!day.is_spike_day) continue;
    const last = current.at(-1);
    if (last && toTime(day.date) - toTime(last.date) > (p.maxGapDays + 1) * DAY) close();
    current.push(day);
  }
  close();
  return spikes;
}

/** Rolling 7-day rate above 1.3% (a common platform alert) and days at or above 5% (carriers flag). */
export const THRESHOLDS = { rolling7dRate: 0.013, dailyRate: 0.05, minDailyReached: 20 } as const;

export interface ThresholdBreach {
  rule: 'rolling_7d_above_1.3pct' | 'day_at_or_above_5pct';
  date: string;
  reached: number;
  opt_outs: number;
  rate: number;
}

/**
 * Threshold breaches of a series: each date whose 7 calendar days ending that date have an
 * opt-out rate above 1.3%, and each day at or above 5% with at least 20 reached messages.
 */
export function thresholdBreaches(series: DayPoint[]): ThresholdBreach[] {
  const out: ThresholdBreach[] = [];
  for (const day of series) {
    const t = toTime(day.date);
    const week = series.filter((d) => toTime(d.date) <= t && toTime(d.date) > t - 7 * DAY);
    const n = week.reduce((s, d) => s + d.reached, 0);
    const x = week.reduce((s, d) => s + d.opt_outs, 0);
    if (n > 0 && x / n > THRESHOLDS.rolling7dRate) out.push({ rule: 'rolling_7d_above_1.3pct', date: day.date, reached: n, opt_outs: x, rate: x / n });
    if (day.reached >= THRESHOLDS.minDailyReached && day.opt_outs / day.reached >= THRESHOLDS.dailyRate) {
      out.push({ rule: 'day_at_or_above_5pct', date: day.date, reached: day.reached, opt_outs: day.opt_outs, rate: day.opt_outs / day.reached });
    }
  }
  return out;
}
