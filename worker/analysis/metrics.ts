/**
 * How good a predicted probability is, on groups of messages that share one prediction (a
 * backtest predicts each cell of the model's factors once): `n` messages predicted `predicted`,
 * `y` of them with an opt-out. Ties are groups, so nothing is ever one row per message.
 */
export interface PredictedGroup {
  predicted: number;
  n: number;
  y: number;
}

/**
 * The area under the ROC curve: the chance that a message with an opt-out was predicted higher
 * than one without, ties counted a half (the Mann-Whitney statistic, as roc_auc_score computes
 * it). Null when the messages are all of one kind.
 */
export function auc(groups: readonly PredictedGroup[]): number | null {
  const byValue = new Map<number, { pos: number; neg: number }>();
  for (const g of groups) {
    const e = byValue.get(g.predicted) ?? { pos: 0, neg: 0 };
    e.pos += g.y;
    e.neg += g.n - g.y;
    byValue.set(g.predicted, e);
  }
  const sorted = [...byValue].sort((a, b) => a[0] - b[0]);
  let below = 0;
  let wins = 0;
  let positives = 0;
  for (const [, { pos, neg }] of sorted) {
    wins += pos * (below + neg / 2);
    below += neg;
    positives += pos;
  }
  const pairs = positives * below;
  return pairs > 0 ? wins / pairs : null;
}

export interface BrierScores {
  /** Mean squared difference between the prediction and the outcome (0 or 1). */
  brier: number;
  /** The same for predicting the overall rate of these messages for every one: rate (1 - rate). */
  reference: number;
  /** 1 - brier / reference: above 0 when the predictions beat the overall rate, 1 when perfect. */
  skill: number | null;
}

export function brierScores(groups: readonly PredictedGroup[]): BrierScores {
  let n = 0;
  let y = 0;
  let squares = 0;
  for (const g of groups) {
    n += g.n;
    y += g.y;
    squares += g.y * (1 - g.predicted) ** 2 + (g.n - g.y) * g.predicted ** 2;
  }
  const rate = n > 0 ? y / n : 0;
  const brier = n > 0 ? squares / n : 0;
  const reference = rate * (1 - rate);
  return { brier, reference, skill: reference > 0 ? 1 - brier / reference : null };
}
