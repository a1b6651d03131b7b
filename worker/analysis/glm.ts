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

/**
 * One row of a grouped binomial fit: `n` trials (reached messages), `y` of them successes
 * (messages that got an opt-out) and the design's 0/1 columns that are 1 for the group, by index
 * (the intercept, column 0, among them). A dummy-coded design has a handful of ones per row
 * whatever its width, so X'WX is summed over those pairs only.
 */
export interface BinomialRow {
  cols: readonly number[];
  n: number;
  y: number;
}

export interface LogisticFit {
  beta: number[];
  /** (X'WX + P)^-1 at the optimum: the coefficients' covariance (of the penalised fit). */
  covariance: number[][];
  iterations: number;
  converged: boolean;
}

const LOGIT_LIMIT = 30;
const clampEta = (eta: number): number => Math.min(LOGIT_LIMIT, Math.max(-LOGIT_LIMIT, eta));
/** log(1 + e^eta), without overflow. */
const softplus = (eta: number): number => (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta)));

function linear(cols: readonly number[], beta: readonly number[]): number {
  let eta = 0;
  for (const j of cols) eta += beta[j] as number;
  return clampEta(eta);
}

/** The penalised binomial log-likelihood (up to a constant). */
function logisticObjective(rows: readonly BinomialRow[], beta: readonly number[], penalty: readonly number[]): number {
  let ll = 0;
  for (const { cols, n, y } of rows) {
    const eta = linear(cols, beta);
    ll += y * eta - n * softplus(eta);
  }
  for (let j = 0; j < beta.length; j++) ll -= ((penalty[j] as number) * (beta[j] as number) ** 2) / 2;
  return ll;
}

/**
 * A logistic regression with a ridge penalty on grouped counts, fitted by IRLS (Newton's method):
 * logit P(success) = x . beta, and the penalty adds penalty[j] * beta[j]^2 / 2 to the negative
 * log-likelihood (a normal prior of variance 1 / penalty[j] on a log odds ratio; 0 leaves a
 * coefficient free, as the intercept is). Each step solves (X'WX + P) d = X'(y - n p) - P beta
 * with ml-matrix's Cholesky decomposition, W = n p (1 - p); a step is halved until the penalised
 * likelihood does not fall. Rows are groups, never single messages: the cost of a step is the
 * number of distinct rows times the ones per row squared, plus one p x p solve.
 */
export function fitLogisticRidge(rows: readonly BinomialRow[], penalty: readonly number[], maxIterations = 100): LogisticFit {
  const p = penalty.length;
  const used = rows.filter((r) => r.n > 0);
  const total = used.reduce((s, r) => s + r.y, 0);
  const trials = used.reduce((s, r) => s + r.n, 0);
  let beta = new Array<number>(p).fill(0);
  // Start at the pooled rate: the intercept is column 0 by convention.
  const pooled = Math.min(Math.max(total, 0.5), Math.max(trials - 0.5, 0.5)) / Math.max(trials, 1);
  beta[0] = Math.log(pooled / (1 - pooled));
  let current = logisticObjective(used, beta, penalty);
  let converged = false;
  let iterations = 0;
  let hessian = Matrix.eye(p);
  const assemble = (b: readonly number[]): { h: Matrix; g: number[] } => {
    const h = new Float64Array(p * p);
    const g = new Array<number>(p).fill(0);
    for (const { cols, n, y } of used) {
      const mu = 1 / (1 + Math.exp(-linear(cols, b)));
      const w = n * mu * (1 - mu);
      const r = y - n * mu;
      for (const a of cols) {
        g[a] = (g[a] as number) + r;
        for (const c of cols) h[a * p + c] = (h[a * p + c] as number) + w;
      }
    }
    const m = new Matrix(p, p);
    for (let a = 0; a < p; a++) {
      for (let c = 0; c < p; c++) m.set(a, c, h[a * p + c] as number);
      // a tiny ridge everywhere keeps the system positive definite (a level with no rows)
      m.set(a, a, m.get(a, a) + Math.max(penalty[a] as number, 1e-8));
      g[a] = (g[a] as number) - (penalty[a] as number) * (b[a] as number);
    }
    return { h: m, g };
  };
  for (; iterations < maxIterations && !converged; iterations++) {
    const { h, g } = assemble(beta);
    hessian = h;
    const d = new CholeskyDecomposition(h).solve(Matrix.columnVector(g)).to1DArray();
    let step = 1;
    let next = beta.map((b, j) => b + (d[j] as number));
    let value = logisticObjective(used, next, penalty);
    for (let halvings = 0; !(value >= current) && halvings < 30; halvings++) {
      step /= 2;
      next = beta.map((b, j) => b + step * (d[j] as number));
      value = logisticObjective(used, next, penalty);
    }
    if (!(value >= current)) {
      converged = true; // no step improves: beta is the optimum within rounding
      break;
    }
    const change = Math.max(0, ...next.map((b, j) => Math.abs(b - (beta[j] as number))));
    beta = next;
    converged = change < 1e-9 || value - current < 1e-12 * Math.max(1, Math.abs(value));
    current = value;
  }
  hessian = assemble(beta).h;
  const covariance = new CholeskyDecomposition(hessian).solve(Matrix.eye(p)).to2DArray();
  return { beta, covariance, iterations, converged };
}
