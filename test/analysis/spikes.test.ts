import { describe, expect, it } from 'vitest';
import { findSpikes, judgeDays, thresholdBreaches, type DayPoint } from '../../worker/analysis/spikes.ts';
import { mulberry32 as rng } from '../helpers/random.ts';


function binomial(n: number, p: number, r: () => number): number {
  let x = 0;
  for (let i = 0; i < n; i++) if (r() < p) x++;
  return x;
}

const day = (i: number): string => new Date(Date.UTC(2026, 0, 1) + i * 86400e3).toISOString().slice(0, 10);

/** A studio's days: a weekly blast (600), small daily traffic (15-40), at rate p (or p per day). */
function series(days: number, seed: number, rate: (i: number, r: () => number) => number): DayPoint[] {
  const r = rng(seed);
  return Array.from({ length: days }, (_, i) => {
    const reached = i % 7 === 3 ? 600 : 15 + Math.floor(r() * 25);
    return { date: day(i), reached, opt_outs: binomial(reached, rate(i, r), r) };
  });
}

describe('spike detection', () => {
  // A 0.1% daily false-alarm rate means about one false spike in 1,000 studio-days at most:
  // 20 quiet studios of 180 days (3,600 studio-days, about 120 studio-months) may show one.
  it('raises at most one false alarm in 3,600 quiet binomial studio-days', () => {
    const found = Array.from({ length: 20 }, (_, i) => findSpikes(series(180, i + 1, () => 0.005))).flat();
    expect(found.length).toBeLessThanOrEqual(1);
  });

  it('raises at most one false alarm in 3,600 overdispersed studio-days (the rate wanders 0.3% to 0.9%)', () => {
    const found = Array.from({ length: 20 }, (_, i) => findSpikes(series(180, 101 + i, (_d, r) => 0.003 + r() * 0.006))).flat();
    expect(found.length).toBeLessThanOrEqual(1);
  });

  it('does not call one opt-out on a quiet day a spike', () => {
    const s = series(60, 7, () => 0.004).map((d) => ({ ...d, opt_outs: d.reached > 100 ? 2 : 0 }));
    s[50] = { date: day(50), reached: 3, opt_outs: 1 };
    expect(findSpikes(s)).toEqual([]);
  });

  it('finds a planted spike on its dates, with the expected opt-outs from the baseline', () => {
    const s = series(90, 3, (i) => (i === 73 ? 0.04 : 0.005)); // day 73 is a blast day
    const spikes = findSpikes(s);
    expect(spikes.map((x) => [x.start, x.end])).toEqual([[day(73), day(73)]]);
    const spike = spikes[0]!;
    expect(spike.opt_outs).toBe(s[73]!.opt_outs);
    expect(spike.expected_opt_outs).toBeCloseTo(600 * spike.baseline_rate, 6);
    expect(spike.baseline_rate).toBeGreaterThan(0.002);
    expect(spike.baseline_rate).toBeLessThan(0.01);
  });

  it('merges days one apart into one spike and keeps an earlier spike out of a later baseline', () => {
    const s: DayPoint[] = Array.from({ length: 80 }, (_, i) => ({ date: day(i), reached: 400, opt_outs: 2 }));
    for (const i of [40, 41, 43]) s[i] = { date: day(i), reached: 400, opt_outs: 20 };
    s[60] = { date: day(60), reached: 400, opt_outs: 20 };
    const spikes = findSpikes(s);
    expect(spikes.map((x) => [x.start, x.end])).toEqual([
      [day(40), day(43)],
      [day(60), day(60)],
    ]);
    // The second spike's baseline left the first one out: its rate is the quiet 0.5%.
    expect(spikes[1]!.baseline_rate).toBeCloseTo(0.005, 10);
    expect(spikes[1]!.baseline_dates).not.toContain(day(41));
  });

  it('needs a week of baseline before it judges a day', () => {
    const s: DayPoint[] = Array.from({ length: 10 }, (_, i) => ({ date: day(i), reached: 400, opt_outs: i === 3 ? 30 : 2 }));
    const verdicts = judgeDays(s);
    expect(verdicts[3]!.baseline_rate).toBeNull();
    expect(verdicts[3]!.is_spike_day).toBe(false);
    expect(verdicts[8]!.baseline_rate).not.toBeNull();
  });
});

describe('threshold breaches', () => {
  it('lists 7-day rates above 1.3% and days at or above 5% with at least 20 messages', () => {
    const s: DayPoint[] = [
      { date: '2026-03-01', reached: 100, opt_outs: 1 },
      { date: '2026-03-02', reached: 100, opt_outs: 1 },
      { date: '2026-03-03', reached: 100, opt_outs: 2 }, // 4 / 300 = 1.33%
      { date: '2026-03-04', reached: 20, opt_outs: 1 }, // 5% on 20 messages
      { date: '2026-03-05', reached: 10, opt_outs: 5 }, // 50% but only 10 messages
      { date: '2026-03-12', reached: 100, opt_outs: 0 }, // its 7 days are 03-06 .. 03-12: no breach
    ];
    expect(thresholdBreaches(s).map((b) => [b.rule, b.date, b.opt_outs, b.reached])).toEqual([
      ['rolling_7d_above_1.3pct', '2026-03-03', 4, 300],
      ['rolling_7d_above_1.3pct', '2026-03-04', 5, 320],
      ['day_at_or_above_5pct', '2026-03-04', 1, 20],
      ['rolling_7d_above_1.3pct', '2026-03-05', 10, 330],
    ]);
  });
});
