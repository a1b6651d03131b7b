import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/**
 * A Poisson regression with a ridge penalty, fitted by iteratively reweighted least squares on
 * grouped counts: row i has `exposure[i]` messages, `count[i]` opt-outs and covariates `x[i]`,
 * and log E[count] = log exposure + x . beta. The penalty adds penalty[j] * beta[j]^2 / 2 to the
 * negative log-likelihood (a normal prior of variance 1 / penalty[j]); a 0 leaves a coefficient
 * free (the intercept). Rows are groups, never single messages, so a fit is small whatever the
 * export's size. The linear algebra is ml-matrix's (Cholesky of X'WX + P).
 *
 * Each Newton step is halved until the penalised likelihood does not fall (IRLS alone can
 * overshoot when a group has no opt-out), and the linear predictor is kept within
 * [MIN_ETA, MAX_ETA] (a rate of at most e^0.5 opt-outs a message), so the fit always ends.
 */
export interface PoissonFit {
  beta: number[];
  iterations: number;
  converged: boolean;
}

const MIN_ETA = -40;
const MAX_ETA = 0.5;

interface Row {
  r: number[];
  y: number;
  n: number;
}

const etaOf = (r: number[], beta: number[]): number => {
  let eta = 0;
  for (let j = 0; j < beta.length; j++) eta += (r[j] as number) * (beta[j] as number);
  return Math.min(MAX_ETA, Math.max(MIN_ETA, eta));
};

/** The penalised Poisson log-likelihood (up to a constant). */
function objective(rows: Row[], beta: number[], penalty: number[]): number {
  let ll = 0;
  for (const { r, y, n } of rows) {
    const eta = etaOf(r, beta);
    ll += y * eta - n * Math.exp(eta);
  }
  for (let j = 0; j < beta.length; j++) ll -= ((penalty[j] as number) * (beta[j] as number) ** 2) / 2;
  return ll;
}

export function fitPoissonRidge(x: number[][], count: number[], exposure: number[], penalty: number[], maxIterations = 100): PoissonFit {
  const p = penalty.length;
  const rows: Row[] = x.map((r, i) => ({ r, y: count[i] as number, n: exposure[i] as number })).filter((row) => row.n > 0);
  let beta = new Array<number>(p).fill(0);
  // Start at the pooled rate: the intercept is the first column by convention.
  const total = rows.reduce((s, r) => s + r.y, 0);
  const exposureTotal = rows.reduce((s, r) => s + r.n, 0);
  beta[0] = Math.log(Math.max(total, 0.5) / Math.max(exposureTotal, 1));
  let current = objective(rows, beta, penalty);
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIterations && !converged; iterations++) {
    const xtwx = Matrix.zeros(p, p);
    const xtwz = new Array<number>(p).fill(0);
    for (const { r, y, n } of rows) {
      const eta = etaOf(r, beta);
      const mu = n * Math.exp(eta);
      // w * z with w = mu and z = eta + (y - mu) / mu, written without the division
      const wz = mu * eta + (y - mu);
      for (let j = 0; j < p; j++) {
        const rj = r[j] as number;
        if (rj === 0) continue;
        xtwz[j] = (xtwz[j] as number) + rj * wz;
        for (let k = 0; k < p; k++) {
          const rk = r[k] as number;
          if (rk !== 0) xtwx.set(j, k, xtwx.get(j, k) + rj * mu * rk);
        }
      }
    }
    for (let j = 0; j < p; j++) xtwx.set(j, j, xtwx.get(j, j) + Math.max(penalty[j] as number, 1e-6));
    const target = new CholeskyDecomposition(xtwx).solve(Matrix.columnVector(xtwz)).to1DArray();
    let step = 1;
    let next = target;
    let value = objective(rows, next, penalty);
    for (let halvings = 0; !(value >= current) && halvings < 30; halvings++) {
      step /= 2;
      next = beta.map((b, j) => b + step * ((target[j] as number) - b));
      value = objective(rows, next, penalty);
    }
    if (!(value >= current)) break; // no step improves: beta is the optimum within rounding
    const change = Math.max(...next.map((b, j) => Math.abs(b - (beta[j] as number))));
    beta = next;
    converged = change < 1e-8 || value - current < 1e-12;
    current = value;
  }
  return { beta, iterations, converged };
}
