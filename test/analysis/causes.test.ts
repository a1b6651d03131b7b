import { describe, expect, it } from 'vitest';
import { factorScore, kitagawa } from '../../worker/analysis/causes.ts';

const m = (entries: [string, number, number][]) => new Map(entries.map(([k, n, x]) => [k, { n, x }]));

describe('explaining a spike', () => {
  it("splits the excess along a dimension exactly (Kitagawa's mix and rate parts add up)", () => {
    const window = m([
      ['verified', 300, 2],
      ['unverified', 200, 20],
    ]);
    const baseline = m([
      ['verified', 2700, 14],
      ['unverified', 300, 4],
    ]);
    const rows = kitagawa(window, baseline, 18 / 3000);
    expect(rows[0]!.key).toBe('unverified');
    // With unsmoothed baseline rates the parts add to X - N * p exactly; the smoothing moves
    // them by under one opt-out here.
    const total = rows.reduce((s, r) => s + r.total, 0);
    expect(total).toBeGreaterThan(22 - 500 * 0.006 - 1);
    expect(total).toBeLessThan(22 - 500 * 0.006 + 1);
    expect(rows[0]!.mix).toBeGreaterThan(0); // more messages went to the unverified cohort
    expect(rows[0]!.rate).toBeGreaterThan(rows[0]!.mix); // and it opted out far more than before
  });

  it('scores a factor only for what its messages did beyond a general rise', () => {
    const baseline = { f: { n: 1000, x: 10 }, o: { n: 3000, x: 15 } };
    // Everything doubled: the factor explains nothing beyond the general rise.
    const general = factorScore({ f: { n: 250, x: 5 }, o: { n: 750, x: 8 } }, baseline, 25 / 4000);
    expect(Math.abs(general)).toBeLessThan(1.5);
    // Only the factor's messages rose: it carries the excess.
    const specific = factorScore({ f: { n: 250, x: 20 }, o: { n: 750, x: 4 } }, baseline, 25 / 4000);
    expect(specific).toBeGreaterThan(15);
    // Many more messages went to a riskier group at its usual rate: a mix effect that carries
    // the whole excess (9 opt-outs against 1,000 x 0.375% = 3.75 expected).
    const mix = factorScore({ f: { n: 900, x: 9 }, o: { n: 100, x: 0 } }, { f: { n: 100, x: 3 }, o: { n: 3900, x: 12 } }, 15 / 4000);
    expect(mix).toBeGreaterThan(0.8 * (9 - 3.75));
    expect(mix).toBeLessThan(1.2 * (9 - 3.75));
  });
});
