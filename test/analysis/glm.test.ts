import { describe, expect, it } from 'vitest';
import { fitLogisticRidge, type BinomialRow } from '../../worker/analysis/glm.ts';

const logit = (p: number): number => Math.log(p / (1 - p));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('the grouped logistic fit (IRLS with a ridge penalty)', () => {
  // one factor of three levels, level 0 the reference: [intercept, level 1, level 2]
  const groups = [
    { n: 1000, y: 10 },
    { n: 500, y: 20 },
    { n: 200, y: 1 },
  ];
  const rows: BinomialRow[] = groups.map((g, i) => ({ cols: i === 0 ? [0] : [0, i], n: g.n, y: g.y }));

  it('reproduces the group log-odds with a saturated one-factor model and no penalty', () => {
    const fit = fitLogisticRidge(rows, [0, 0, 0]);
    expect(fit.converged).toBe(true);
    const [b0, b1, b2] = fit.beta as [number, number, number];
    expect(b0).toBeCloseTo(logit(10 / 1000), 8);
    expect(b1).toBeCloseTo(logit(20 / 500) - logit(10 / 1000), 8);
    expect(b2).toBeCloseTo(logit(1 / 200) - logit(10 / 1000), 8);
    // and the textbook variances: var(log odds) = 1/y + 1/(n - y); a difference adds them
    const cov = fit.covariance;
    expect(cov[0]?.[0]).toBeCloseTo(1 / 10 + 1 / 990, 6);
    expect(cov[1]?.[1]).toBeCloseTo(1 / 10 + 1 / 990 + 1 / 20 + 1 / 480, 6);
    expect(cov[2]?.[2]).toBeCloseTo(1 / 10 + 1 / 990 + 1 / 1 + 1 / 199, 6);
  });

  it('recovers the coefficients of an additive model from its expected counts', () => {
    // two factors: A (2 levels) and B (3 levels); columns [1, A=1, B=1, B=2]
    const truth = [-4.5, 0.9, -0.4, 1.3];
    const cells: BinomialRow[] = [];
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 3; b++) {
        const cols = [0, ...(a === 1 ? [1] : []), ...(b > 0 ? [1 + b] : [])];
        const eta = cols.reduce((s, j) => s + (truth[j] as number), 0);
        const n = 1000 * (1 + a + b);
        cells.push({ cols, n, y: n * sigmoid(eta) });
      }
    }
    const fit = fitLogisticRidge(cells, [0, 0, 0, 0]);
    fit.beta.forEach((b, j) => expect(b).toBeCloseTo(truth[j] as number, 7));
  });

  it('shrinks the penalised coefficients toward 0, the more the larger the penalty, and keeps the total', () => {
    let previous = [Infinity, Infinity];
    for (const lambda of [0.01, 1, 10, 100, 1e4, 1e7]) {
      const fit = fitLogisticRidge(rows, [0, lambda, lambda]);
      const size = fit.beta.slice(1).map(Math.abs);
      size.forEach((s, j) => expect(s).toBeLessThan(previous[j] as number));
      previous = size;
      // the intercept is not penalised: the fitted opt-outs add up to the observed ones
      const fitted = rows.reduce((s, r) => s + r.n * sigmoid(r.cols.reduce((e, j) => e + (fit.beta[j] as number), 0)), 0);
      expect(fitted).toBeCloseTo(31, 6);
    }
    expect(Math.max(...previous)).toBeLessThan(1e-4);
  });

  it('keeps a group with no opt-out finite under a small penalty, where the plain fit would run off', () => {
    const zero: BinomialRow[] = [
      { cols: [0], n: 5000, y: 25 },
      { cols: [0, 1], n: 40, y: 0 },
    ];
    const fit = fitLogisticRidge(zero, [0, 1]);
    expect(fit.converged).toBe(true);
    const b = fit.beta[1] as number;
    expect(b).toBeLessThan(0);
    expect(b).toBeGreaterThan(-1);
    // the penalised optimum: the score of the coefficient, -n p + 0 - lambda b, is 0
    const p = sigmoid((fit.beta[0] as number) + b);
    expect(-40 * p - b).toBeCloseTo(0, 8);
  });
});
