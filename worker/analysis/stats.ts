/**
 * Interval and shrinkage statistics for opt-out rates. Rates are small (about 1 in 200), cohorts
 * range from a dozen messages to hundreds of thousands, so every rate carries its uncertainty.
 */

/** z for a two-sided 95% interval (SPEC section 3). */
export const Z95 = 1.959964;
/** z for a two-sided 99.8% interval: the outer funnel limits. */
export const Z998 = 3.090232;

/**
 * The Wilson score interval of `x` successes in `n` trials. Its ends are exact where the formula
 * is: 0 at the low end when x = 0 and 1 at the high end when x = n (in floating point the centre
 * minus the half-width comes out as 5.55e-17 rather than 0).
 */
export function wilson(x: number, n: number, z = Z95): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    low: x <= 0 ? 0 : Math.min(p, Math.max(0, centre - half)),
    high: x >= n ? 1 : Math.max(p, Math.min(1, centre + half)),
  };
}

/**
 * Two rates closer than this are taken as equal. Floating point leaves errors of about 1e-16 on
 * rates and interval ends, so a rounding error cannot flip a comparison made with this margin;
 * and an interval that ends within a ten-billionth of a percentage point of a rate touches it for
 * any practical purpose.
 */
export const RATE_TOLERANCE = 1e-12;

/**
 * A cohort's flag against the month's rate: `high` when its whole interval is above the rate,
 * `low` when below, by more than a rounding error either way (so a cohort with no opt-out, whose
 * interval starts at exactly 0, is never `high`).
 */
export function rateFlag(ci: { low: number; high: number }, rate: number): 'high' | 'low' | null {
  if (ci.low - rate > RATE_TOLERANCE) return 'high';
  if (rate - ci.high > RATE_TOLERANCE) return 'low';
  return null;
}

/**
 * Funnel-plot control limits for a cohort of `n` messages around the overall rate `p`: the range
 * a cohort that opts out at the overall rate stays within, 95% or 99.8% of the time (normal
 * approximation to the binomial, clipped to [0, 1]).
 */
export function funnelLimits(p: number, n: number): { low95: number; high95: number; low998: number; high998: number } {
  const se = n > 0 ? Math.sqrt((p * (1 - p)) / n) : Infinity;
  const clip = (v: number): number => Math.min(1, Math.max(0, v));
  return { low95: clip(p - Z95 * se), high95: clip(p + Z95 * se), low998: clip(p - Z998 * se), high998: clip(p + Z998 * se) };
}

export interface BetaPrior {
  alpha: number;
  beta: number;
}

/**
 * A beta prior fitted to a dimension's cohorts by the method of moments (empirical Bayes). The
 * spread of the cohorts' rates beyond what binomial noise explains is the prior's variance; when
 * there is no such spread the cohorts are pooled completely (a prior of infinite weight is
 * represented by alpha + beta = 1e12). Null when the dimension has no opt-out at all.
 */
export function fitBetaPrior(cohorts: { x: number; n: number }[]): BetaPrior | null {
  const used = cohorts.filter((c) => c.n > 0);
  const N = used.reduce((s, c) => s + c.n, 0);
  const X = used.reduce((s, c) => s + c.x, 0);
  if (N === 0 || X === 0) return null;
  const m = X / N;
  if (m >= 1) return null;
  // Weighted variance of the cohort rates, and the part binomial noise alone would give.
  const k = used.length;
  const observed = used.reduce((s, c) => s + c.n * (c.x / c.n - m) ** 2, 0) / N;
  const noise = (m * (1 - m) * k) / N;
  const between = observed - noise;
  const strength = between > 0 ? Math.min(1e12, (m * (1 - m)) / between - 1) : 1e12;
  const total = Math.max(strength, 1e-9);
  return { alpha: m * total, beta: (1 - m) * total };
}

/** The posterior mean rate of a cohort under the prior: its rate pulled toward the dimension's. */
export function shrunkRate(x: number, n: number, prior: BetaPrior | null): number {
  if (!prior) return n > 0 ? x / n : 0;
  return (x + prior.alpha) / (n + prior.alpha + prior.beta);
}
