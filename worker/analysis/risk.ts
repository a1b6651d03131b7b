import { PROFILE, type Db } from '../db.ts';
import { modelSql, paramsFor } from '../models.ts';
import { RISK_MODEL } from '../config.ts';
import { RISK_FACTORS, riskFactorKeys, type RiskFactor } from '../catalog/index.ts';
import { fitLogisticRidge, type BinomialRow } from './glm.ts';
import { Z95 } from './stats.ts';

/**
 * The opt-out risk of a reached message: a logistic regression of "the message got an attributed
 * opt-out" on the factors known when it is sent (catalog/risk.ts: lead source, lead age, consent,
 * time since last contact, texts in the week, kind of text, hour band, studio), each dummy-coded
 * against its most texted key, with a small ridge penalty (config.ts RISK_MODEL). It is fitted on
 * the fact table's cells (sql/analysis/risk_cells.sql: one row per combination of keys), so a
 * 10M-message export is a few thousand rows here. Measured on a generated export of 2M messages
 * (1.92M reached, 2 shared cores under load): 13,970 cells, the GROUP BY 0.1-0.3 s, the fit
 * 0.07-0.1 s warm (0.3 s the first time, JavaScript not yet compiled), 7 iterations.
 */

export type RiskKeys = Record<RiskFactor, string>;
export type RiskCell = RiskKeys & { reached: number; opted_out: number };

export interface RiskLevel {
  key: string;
  reached: number;
  opted_out: number;
  /** The log odds ratio against the factor's reference (0 for the reference itself). */
  beta: number;
  /** Its standard error, null for the reference. */
  se: number | null;
}

export interface RiskFactorFit {
  factor: RiskFactor;
  /** The key the others are compared with: the one with most reached messages. */
  reference: string;
  /** In the catalog's order for a fixed list of keys, else by reached messages. */
  levels: RiskLevel[];
  /** The average log odds ratio of the fitted messages (weighted by reached): what a typical text has. */
  mean: number;
}

export interface RiskModel {
  intercept: number;
  factors: RiskFactorFit[];
  penalty: number;
  reached: number;
  opted_out: number;
  converged: boolean;
  iterations: number;
}

/** The cells of the reached messages sent on local dates from `start` to `end` (YYYY-MM-DD). */
export async function riskCells(db: Db, start: string, end: string): Promise<RiskCell[]> {
  const sql = await modelSql('analysis/risk_cells');
  return db.query<RiskCell>(sql, paramsFor(sql, { fit_start: start, fit_end: end }));
}

function orderedLevels(factor: RiskFactor, counts: Map<string, { reached: number; opted_out: number }>): string[] {
  const fixed = riskFactorKeys(factor);
  const present = [...counts.keys()];
  if (fixed) {
    const order = new Map(fixed.map((k, i) => [k.key, i]));
    return present.sort((a, b) => (order.get(a) ?? fixed.length) - (order.get(b) ?? fixed.length) || (a < b ? -1 : 1));
  }
  return present.sort((a, b) => (counts.get(b)?.reached ?? 0) - (counts.get(a)?.reached ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
}

export function fitRiskModel(cells: readonly RiskCell[], penalty: number = RISK_MODEL.penalty): RiskModel {
  // the levels of each factor, their counts, the reference and a design column for each other level
  const columns: { factor: RiskFactor; key: string }[] = [];
  const layout = RISK_FACTORS.map((factor) => {
    const counts = new Map<string, { reached: number; opted_out: number }>();
    for (const c of cells) {
      const e = counts.get(c[factor]) ?? { reached: 0, opted_out: 0 };
      e.reached += c.reached;
      e.opted_out += c.opted_out;
      counts.set(c[factor], e);
    }
    const keys = orderedLevels(factor, counts);
    let reference = keys[0] ?? 'unknown';
    for (const k of keys) if ((counts.get(k)?.reached ?? 0) > (counts.get(reference)?.reached ?? 0)) reference = k;
    const column = new Map<string, number>();
    for (const k of keys) {
      if (k === reference) continue;
      columns.push({ factor, key: k });
      column.set(k, columns.length);
    }
    return { factor, counts, keys, reference, column };
  });
  const rows: BinomialRow[] = cells.map((c) => ({
    cols: [0, ...layout.flatMap((l) => l.column.get(c[l.factor]) ?? [])],
    n: c.reached,
    y: c.opted_out,
  }));
  const fit = fitLogisticRidge(rows, [0, ...columns.map(() => penalty)]);
  const factors = layout.map((l): RiskFactorFit => {
    const levels = l.keys.map((key): RiskLevel => {
      const j = l.column.get(key);
      const n = l.counts.get(key) ?? { reached: 0, opted_out: 0 };
      return {
        key,
        reached: n.reached,
        opted_out: n.opted_out,
        beta: j === undefined ? 0 : (fit.beta[j] as number),
        se: j === undefined ? null : Math.sqrt(Math.max(0, fit.covariance[j]?.[j] as number)),
      };
    });
    const reached = levels.reduce((s, v) => s + v.reached, 0);
    const mean = reached > 0 ? levels.reduce((s, v) => s + v.reached * v.beta, 0) / reached : 0;
    return { factor: l.factor, reference: l.reference, levels, mean };
  });
  return {
    intercept: fit.beta[0] as number,
    factors,
    penalty,
    reached: cells.reduce((s, c) => s + c.reached, 0),
    opted_out: cells.reduce((s, c) => s + c.opted_out, 0),
    converged: fit.converged,
    iterations: fit.iterations,
  };
}

const lookups = new WeakMap<RiskModel, Map<RiskFactor, Map<string, RiskLevel>>>();

function lookup(model: RiskModel): Map<RiskFactor, Map<string, RiskLevel>> {
  let m = lookups.get(model);
  if (!m) lookups.set(model, (m = new Map(model.factors.map((f) => [f.factor, new Map(f.levels.map((l) => [l.key, l]))]))));
  return m;
}

/** A factor's log odds ratio for a key: 0 (the reference's) for a key the fit never saw. */
export function levelBeta(model: RiskModel, factor: RiskFactor, key: string): number {
  return lookup(model).get(factor)?.get(key)?.beta ?? 0;
}

export function logOdds(model: RiskModel, keys: RiskKeys): number {
  let eta = model.intercept;
  for (const f of RISK_FACTORS) eta += levelBeta(model, f, keys[f]);
  return eta;
}

/** The predicted chance that a message with these keys gets an opt-out. */
export function predict(model: RiskModel, keys: RiskKeys): number {
  return 1 / (1 + Math.exp(-logOdds(model, keys)));
}

/**
 * How much each factor raises (above 0) or lowers the message's log odds against a typical text:
 * its key's log odds ratio less the factor's average over the fitted messages. Largest first.
 */
export function contributions(model: RiskModel, keys: RiskKeys, factors: readonly RiskFactor[] = RISK_FACTORS): { factor: RiskFactor; key: string; effect: number }[] {
  return model.factors
    .filter((f) => factors.includes(f.factor))
    .map((f) => ({ factor: f.factor, key: keys[f.factor], effect: levelBeta(model, f.factor, keys[f.factor]) - f.mean }))
    .sort((a, b) => b.effect - a.effect || RISK_FACTORS.indexOf(a.factor) - RISK_FACTORS.indexOf(b.factor));
}

/** report.json's `adjusted_effects`. */
export interface AdjustedEffects {
  fitted_on: { start: string; end: string; reached: number; opted_out: number };
  penalty: number;
  converged: boolean;
  factors: {
    factor: RiskFactor;
    reference: string;
    levels: {
      key: string;
      reached: number;
      opted_out: number;
      rate: number;
      /** The rate over the reference's; null when the reference had no opt-out. */
      rate_ratio: number | null;
      /** exp(beta): the odds against the reference's once the other factors are taken into account. */
      odds_ratio: number;
      /** Its 95% interval (exp(beta -/+ 1.96 se)); null for the reference. */
      ci_low: number | null;
      ci_high: number | null;
    }[];
  }[];
}

export function adjustedEffects(model: RiskModel, start: string, end: string): AdjustedEffects {
  return {
    fitted_on: { start, end, reached: model.reached, opted_out: model.opted_out },
    penalty: model.penalty,
    converged: model.converged,
    factors: model.factors.map((f) => {
      const ref = f.levels.find((l) => l.key === f.reference);
      const refRate = ref && ref.reached > 0 ? ref.opted_out / ref.reached : 0;
      return {
        factor: f.factor,
        reference: f.reference,
        levels: f.levels.map((l) => {
          const rate = l.reached > 0 ? l.opted_out / l.reached : 0;
          return {
            key: l.key,
            reached: l.reached,
            opted_out: l.opted_out,
            rate,
            rate_ratio: refRate > 0 ? rate / refRate : null,
            odds_ratio: Math.exp(l.beta),
            ci_low: l.se === null ? null : Math.exp(l.beta - Z95 * l.se),
            ci_high: l.se === null ? null : Math.exp(l.beta + Z95 * l.se),
          };
        }),
      };
    }),
  };
}

/** Fits the model on the reached messages from `start` to `end` and gives report.json's section. */
export async function adjustedEffectsOf(db: Db, start: string, end: string): Promise<AdjustedEffects> {
  const cells = await riskCells(db, start, end);
  const started = performance.now();
  const model = fitRiskModel(cells);
  if (PROFILE) process.stderr.write(`[profile] risk model: ${cells.length} cells, ${model.iterations} iterations, fitted in ${((performance.now() - started) / 1000).toFixed(3)}s\n`);
  return adjustedEffects(model, start, end);
}
