import { describe, expect, it } from 'vitest';
import { allocateExcess, type Cell } from '../../worker/analysis/attribution.ts';
import { kitagawa } from '../../worker/analysis/causes.ts';

const m = (entries: [string, number, number][]) => new Map(entries.map(([k, n, x]) => [k, { n, x }]));

/** Cells for one factor: [window with, window without, baseline with, baseline without]. */
const oneFactor = (wf: [number, number], wo: [number, number], bf: [number, number], bo: [number, number]): Cell[] => [
  { window: true, factors: [true], topCampaign: false, n: wf[0], x: wf[1] },
  { window: true, factors: [false], topCampaign: false, n: wo[0], x: wo[1] },
  { window: false, factors: [true], topCampaign: false, n: bf[0], x: bf[1] },
  { window: false, factors: [false], topCampaign: false, n: bo[0], x: bo[1] },
];
const excessOf = (cells: Cell[], rate: number): number =>
  cells.filter((c) => c.window).reduce((s, c) => s + c.x - c.n * rate, 0);

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

  it('gives a factor only what its messages did beyond a general rise', () => {
    const rate = 25 / 4000;
    // Everything doubled: the factor explains little; the rest stays unexplained.
    const general = oneFactor([250, 5], [750, 8], [1000, 10], [3000, 15]);
    const g = allocateExcess(general, excessOf(general, rate), rate);
    expect(g.factors[0]!.total).toBeLessThan(0.25 * excessOf(general, rate));
    // Only the factor's messages rose: it carries most of the excess.
    const specific = oneFactor([250, 20], [750, 4], [1000, 10], [3000, 15]);
    const s = allocateExcess(specific, excessOf(specific, rate), rate);
    expect(s.factors[0]!.total).toBeGreaterThan(0.6 * excessOf(specific, rate));
    // Many more messages went to a riskier group at its usual rate: a mix effect that carries
    // the excess (9 opt-outs against 1,000 x 0.375% = 3.75 expected).
    const mixRate = 15 / 4000;
    const mix = oneFactor([900, 9], [100, 0], [100, 3], [3900, 12]);
    const x = allocateExcess(mix, excessOf(mix, mixRate), mixRate);
    expect(x.factors[0]!.total).toBeGreaterThan(0.7 * (9 - 3.75));
    expect(x.factors[0]!.total).toBeLessThanOrEqual(9 - 3.75 + 1e-9);
  });

  it('does not let a handful of messages without the factor decide the verdict (issue 13)', () => {
    // A daily challenge: 7,273 of the window's 7,855 messages had 4+ texts that week.
    const rate = 0.004733;
    for (const without of [4, 7, 10]) {
      const cells = oneFactor([7273, 144], [582, without], [1664, 20], [9322, 32]);
      const excess = excessOf(cells, rate);
      const a = allocateExcess(cells, excess, rate);
      expect(a.factors[0]!.total, `${without} opt-outs without the factor`).toBeGreaterThan(0.4 * excess);
    }
  });

  it('gives a rise that travels with another factor to that factor, not to one that merely overlaps it', () => {
    // factors [frequency, unverified]; a third of leads are unverified, in the window and before.
    // The challenge raises every high-frequency message's rate five-fold, verified or not.
    const cells: Cell[] = [];
    const add = (window: boolean, freq: boolean, unverified: boolean, n: number, rate: number): void => {
      cells.push({ window, factors: [freq, unverified], topCampaign: false, n, x: Math.round(n * rate) });
    };
    for (const [unverified, base] of [[false, 0.003], [true, 0.006]] as const) {
      add(false, false, unverified, unverified ? 3000 : 6000, base);
      add(false, true, unverified, unverified ? 300 : 600, base * 1.5);
      add(true, false, unverified, unverified ? 100 : 200, base);
      add(true, true, unverified, unverified ? 2000 : 4000, base * 1.5 * 5);
    }
    const baseRate = cells.filter((c) => !c.window).reduce((s, c) => s + c.x, 0) / cells.filter((c) => !c.window).reduce((s, c) => s + c.n, 0);
    const excess = excessOf(cells, baseRate);
    const a = allocateExcess(cells, excess, baseRate);
    expect(a.factors[0]!.total).toBeGreaterThan(0.6 * excess);
    expect(a.factors[1]!.total).toBeLessThan(0.1 * a.factors[0]!.total);
  });

  it('never allocates more than the excess, each extra opt-out once', () => {
    // Two factors on the same messages: both look responsible, but the excess is counted once.
    const cells: Cell[] = [
      { window: true, factors: [true, true], topCampaign: true, n: 1000, x: 60 },
      { window: true, factors: [false, false], topCampaign: false, n: 1000, x: 3 },
      { window: false, factors: [true, true], topCampaign: false, n: 500, x: 2 },
      { window: false, factors: [false, false], topCampaign: false, n: 8000, x: 24 },
    ];
    const rate = 26 / 8500;
    const excess = excessOf(cells, rate);
    const a = allocateExcess(cells, excess, rate);
    const allocated = a.factors.reduce((s, f) => s + f.total, 0) + a.campaign;
    expect(allocated).toBeLessThanOrEqual(excess + 1e-9);
    expect(allocated + a.unexplained).toBeCloseTo(excess, 9);
  });
});
