import { describe, expect, it } from 'vitest';
import { fitBetaPrior, funnelLimits, shrunkRate, wilson } from '../../worker/analysis/stats.ts';

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
