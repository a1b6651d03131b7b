import { describe, expect, it } from 'vitest';
import { auc, brierScores } from '../../worker/analysis/metrics.ts';

describe('backtest metrics on a hand-worked case', () => {
  // six messages: predicted, opted out
  const messages: [number, number][] = [
    [0.1, 0],
    [0.2, 0],
    [0.2, 1],
    [0.4, 0],
    [0.7, 1],
    [0.9, 1],
  ];
  const single = messages.map(([predicted, y]) => ({ predicted, n: 1, y }));

  it('computes the AUC as the share of (opt-out, no opt-out) pairs ranked right, ties a half', () => {
    // the 0.2 opt-out beats 0.1, ties 0.2, loses to 0.4: 1.5; the 0.7 and 0.9 ones beat all three
    expect(auc(single)).toBeCloseTo(7.5 / 9, 12);
  });

  it('gives the same AUC when messages of one prediction are grouped', () => {
    const grouped = [
      { predicted: 0.1, n: 1, y: 0 },
      { predicted: 0.2, n: 2, y: 1 },
      { predicted: 0.4, n: 1, y: 0 },
      { predicted: 0.7, n: 1, y: 1 },
      { predicted: 0.9, n: 1, y: 1 },
    ];
    expect(auc(grouped)).toBeCloseTo(7.5 / 9, 12);
    expect(brierScores(grouped)).toEqual(brierScores(single));
  });

  it('has no AUC when every message is of one kind, 0.5 for a constant prediction and 0 when ranked backwards', () => {
    expect(auc([{ predicted: 0.3, n: 10, y: 0 }])).toBeNull();
    expect(auc([{ predicted: 0.3, n: 10, y: 4 }])).toBe(0.5);
    expect(auc([{ predicted: 0.9, n: 5, y: 0 }, { predicted: 0.1, n: 5, y: 5 }])).toBe(0);
  });

  it('computes the Brier score and its skill against predicting the overall rate', () => {
    const s = brierScores(single);
    // (0.01 + 0.04 + 0.64 + 0.16 + 0.09 + 0.01) / 6
    expect(s.brier).toBeCloseTo(0.95 / 6, 12);
    // three of six opted out: the overall rate 0.5 scores 0.25 on every message
    expect(s.reference).toBeCloseTo(0.25, 12);
    expect(s.skill).toBeCloseTo(1 - 0.95 / 6 / 0.25, 12);
    // predicting the overall rate itself has no skill
    expect(brierScores([{ predicted: 0.5, n: 6, y: 3 }]).skill).toBeCloseTo(0, 12);
  });
});
