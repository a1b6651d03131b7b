/**
 * Logistic regression over sparse yes/no features (a reply has a feature or not), with an L2
 * penalty, fitted by full-batch gradient descent from zero weights. There is no randomness and
 * the rows and features are visited in a fixed order, so the same rows give the same weights on
 * every machine.
 *
 * Each row's features are scaled by 1/sqrt(its number of features), so a long reply does not outvote a short one
 * by having more words. Features seen in fewer than `minCount` rows are dropped: a word met once
 * says more about that one reply than about replies to come.
 */

export interface LogisticOptions {
  /** The L2 penalty on the weights (not on the bias). */
  l2: number;
  iterations: number;
  learningRate: number;
  /** A feature must occur in at least this many training rows. */
  minCount: number;
  /** Weights are rounded to this many decimals, and those that round to 0 are dropped. */
  decimals: number;
}

export interface LogisticModel {
  bias: number;
  /** Feature -> weight, in sorted feature order. */
  weights: Record<string, number>;
}

export interface LabelledFeatures {
  features: readonly string[];
  label: boolean;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const scale = (n: number): number => 1 / Math.sqrt(Math.max(1, n));

export function trainLogistic(rows: readonly LabelledFeatures[], o: LogisticOptions): LogisticModel {
  const counts = new Map<string, number>();
  for (const r of rows) for (const f of new Set(r.features)) counts.set(f, (counts.get(f) ?? 0) + 1);
  const names = [...counts].filter(([, n]) => n >= o.minCount).map(([f]) => f).sort();
  const index = new Map(names.map((f, i) => [f, i]));
  const xs = rows.map((r) => {
    const distinct = new Set(r.features);
    const ids = [...distinct].flatMap((f) => index.get(f) ?? []).sort((a, b) => a - b);
    return { ids, v: scale(distinct.size), y: r.label ? 1 : 0 };
  });
  const w = new Float64Array(names.length);
  const grad = new Float64Array(names.length);
  let bias = 0;
  const m = xs.length;
  for (let step = 0; step < o.iterations; step++) {
    grad.fill(0);
    let gradBias = 0;
    for (const x of xs) {
      let z = bias;
      for (const j of x.ids) z += (w[j] as number) * x.v;
      const error = sigmoid(z) - x.y;
      for (const j of x.ids) grad[j] = (grad[j] as number) + error * x.v;
      gradBias += error;
    }
    for (let j = 0; j < w.length; j++) w[j] = (w[j] as number) - o.learningRate * ((grad[j] as number) / m + o.l2 * (w[j] as number));
    bias -= (o.learningRate * gradBias) / m;
  }
  const round = (v: number): number => Number(v.toFixed(o.decimals));
  const weights: Record<string, number> = {};
  names.forEach((f, j) => {
    const v = round(w[j] as number);
    if (v !== 0) weights[f] = v;
  });
  return { bias: round(bias), weights };
}

const lookups = new WeakMap<LogisticModel, Map<string, number>>();

/** The weights as a Map, built once per model. */
function lookup(model: LogisticModel): Map<string, number> {
  let m = lookups.get(model);
  if (!m) lookups.set(model, (m = new Map(Object.entries(model.weights))));
  return m;
}

/** Each known feature's contribution to the score: its weight times the row's scale. */
export function contributions(model: LogisticModel, features: readonly string[]): [string, number][] {
  const weights = lookup(model);
  const distinct = new Set(features);
  // Scaled by all of the reply's features, known to the model or not, as in training.
  const v = scale(distinct.size);
  const out: [string, number][] = [];
  for (const f of distinct) {
    const w = weights.get(f);
    if (w !== undefined) out.push([f, w * v]);
  }
  return out;
}

export function probability(model: LogisticModel, features: readonly string[]): number {
  let z = model.bias;
  for (const [, c] of contributions(model, features)) z += c;
  return sigmoid(z);
}
