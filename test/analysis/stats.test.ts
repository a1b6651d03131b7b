import { describe, expect, it } from 'vitest';
import { fitBetaPrior, funnelLimits, rateFlag, RATE_TOLERANCE, shrunkRate, wilson } from '../../worker/analysis/stats.ts';

describe('rate statistics', () => {
  it('computes the 95% Wilson score interval (reference: the roots of (p̂ - p)² = z²p(1 - p)/n, solved apart)', () => {
    const cases: [number, number, number, number][] = [
      [1, 9, 0.0198909, 0.4349997],
      [0, 10, 0, 0.2775328],
      [10, 10, 0.7224672, 1],
      [3, 24, 0.0434433, 0.3100388],
      [50, 10000, 0.0037949, 0.0065853],
    ];
    for (const [x, n, low, high] of cases) {
      const ci = wilson(x, n);
      expect(ci.low).toBeCloseTo(low, 6);
      expect(ci.high).toBeCloseTo(high, 6);
    }
  });

  it('ends the interval at exactly 0 with no opt-out and exactly 1 when all opted out, for every n', () => {
    // sizes from 1 to 2,000 and then up to 10 million: before, 249 of the first 2,000 had a low
    // end of 5.55e-17 at x = 0 and 635 a high end just under 1 at x = n
    const sizes = [...Array.from({ length: 2000 }, (_, i) => i + 1), 2048, 4999, 12345, 99991, 1_000_000, 9_999_991];
    for (const n of sizes) {
      expect({ n, low: wilson(0, n).low }).toEqual({ n, low: 0 });
      expect({ n, high: wilson(n, n).high }).toEqual({ n, high: 1 });
      // and strictly inside (0, 1) otherwise, around the rate
      for (const x of [1, Math.floor(n / 2), n - 1].filter((v) => v > 0 && v < n)) {
        const ci = wilson(x, n);
        expect(ci.low, `${x} of ${n}`).toBeGreaterThan(0);
        expect(ci.high, `${x} of ${n}`).toBeLessThan(1);
        expect(ci.low, `${x} of ${n}`).toBeLessThanOrEqual(x / n);
        expect(ci.high, `${x} of ${n}`).toBeGreaterThanOrEqual(x / n);
      }
    }
  });

  it('never flags a cohort with no opt-out as high, and flags by more than a rounding error only', () => {
    for (let n = 1; n <= 2000; n++) {
      // against a month with no opt-out (rate 0) and against any rate at all
      for (const rate of [0, 1e-17, 0.001, 0.5]) expect({ n, rate, flag: rateFlag(wilson(0, n), rate) }).not.toEqual({ n, rate, flag: 'high' });
      expect({ n, flag: rateFlag(wilson(n, n), 1) }).toEqual({ n, flag: null });
    }
    // 0.1 + 0.2 is 0.30000000000000004: the same rate as 0.3, not above it, and not below either
    expect(rateFlag({ low: 0.1 + 0.2, high: 0.4 }, 0.3)).toBeNull();
    expect(rateFlag({ low: 0.2, high: 0.7 - 0.4 }, 0.3)).toBeNull();
    // a real difference, however small beyond rounding, flags
    expect(rateFlag({ low: 0.3 + 10 * RATE_TOLERANCE, high: 0.4 }, 0.3)).toBe('high');
    expect(rateFlag({ low: 0.1, high: 0.3 - 10 * RATE_TOLERANCE }, 0.3)).toBe('low');
    expect(rateFlag(wilson(30, 100), 0.1)).toBe('high');
    expect(rateFlag(wilson(1, 1000), 0.1)).toBe('low');
  });

  it('pools cohorts completely when their spread is no more than binomial noise', () => {
    const prior = fitBetaPrior([
      { x: 10, n: 1000 },
      { x: 11, n: 1000 },
      { x: 9, n: 1000 },
    ]);
    expect(shrunkRate(1, 12, prior)).toBeCloseTo(0.01, 6);
  });

  it('shrinks a small cohort toward the dimension more than a large one', () => {
    const cohorts = [
      { x: 5, n: 1000 },
      { x: 40, n: 1000 },
      { x: 12, n: 2000 },
      { x: 3, n: 12 },
      { x: 30, n: 1200 },
    ];
    const prior = fitBetaPrior(cohorts);
    expect(prior).not.toBeNull();
    const small = shrunkRate(3, 12, prior);
    const large = shrunkRate(40, 1000, prior);
    expect(small).toBeLessThan(0.1); // raw 0.25
    expect(small).toBeGreaterThan(0.0125);
    expect(Math.abs(large - 0.04)).toBeLessThan(Math.abs(small - 0.25));
    expect(fitBetaPrior([{ x: 0, n: 100 }])).toBeNull();
    expect(shrunkRate(2, 10, null)).toBe(0.2);
  });

  it('draws funnel limits that narrow with cohort size', () => {
    const small = funnelLimits(0.01, 100);
    const big = funnelLimits(0.01, 100000);
    expect(small.low95).toBe(0);
    expect(small.high95).toBeCloseTo(0.01 + 1.959964 * Math.sqrt(0.0099 / 100), 10);
    expect(big.high998 - big.low998).toBeLessThan(small.high998 - small.low998);
    expect(big.low95).toBeGreaterThan(0.0093);
  });
});
