import { describe, expect, it } from 'vitest';
import { adjustedEffects, contributions, fitRiskModel, predict, type RiskCell } from '../../worker/analysis/risk.ts';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** A cell with every factor at a common key but those given. */
function cell(keys: Partial<RiskCell>, reached: number, opted_out: number): RiskCell {
  return {
    lead_source: 'web_form',
    lead_age: '31-90d',
    consent: 'verified',
    engagement: '0-90d',
    frequency_7d: '1',
    campaign_type: 'targeted',
    send_hour_band: '12-16',
    studio: 's1',
    ...keys,
    reached,
    opted_out,
  };
}

describe('the opt-out risk model', () => {
  // Imported leads are mostly old ones, and only age raises the risk (x4 the odds at 548d+): the
  // imported leads' rate is far above the web form's, their adjusted odds ratio about 1.
  const base = -5.5;
  const old = Math.log(4);
  const cells: RiskCell[] = [
    ['web_form', '31-90d', 40_000],
    ['web_form', '548d+', 4_000],
    ['list_import', '31-90d', 2_000],
    ['list_import', '548d+', 18_000],
  ].map(([lead_source, lead_age, n]) => {
    const p = sigmoid(base + (lead_age === '548d+' ? old : 0));
    return cell({ lead_source: lead_source as string, lead_age: lead_age as string }, n as number, (n as number) * p);
  });
  const model = fitRiskModel(cells);
  const effects = adjustedEffects(model, '2026-01-01', '2026-06-30');
  const level = (factor: string, key: string) => effects.factors.find((f) => f.factor === factor)?.levels.find((l) => l.key === key);

  it('compares each key with its factor\'s most texted one', () => {
    expect(effects.factors.find((f) => f.factor === 'lead_source')?.reference).toBe('web_form');
    expect(effects.factors.find((f) => f.factor === 'lead_age')?.reference).toBe('31-90d');
    // a factor with one key has only its reference, at 1 with no interval
    expect(effects.factors.find((f) => f.factor === 'studio')?.levels).toEqual([
      expect.objectContaining({ key: 's1', odds_ratio: 1, rate_ratio: 1, ci_low: null, ci_high: null }),
    ]);
  });

  it('gives imported leads a high rate ratio but an adjusted odds ratio of about 1 once their age is taken into account', () => {
    const imported = level('lead_source', 'list_import');
    expect(imported?.rate_ratio).toBeGreaterThan(2.5);
    expect(imported?.odds_ratio).toBeCloseTo(1, 1);
    expect(imported?.ci_low).toBeLessThan(1);
    expect(imported?.ci_high).toBeGreaterThan(1);
    const aged = level('lead_age', '548d+');
    expect((aged?.odds_ratio ?? 0) / 4).toBeCloseTo(1, 1);
    expect(aged?.ci_low).toBeGreaterThan(1);
    // the small ridge penalty moves them by about 2%; without it they are the truth
    const plain = adjustedEffects(fitRiskModel(cells, 0), '2026-01-01', '2026-06-30');
    const plainLevel = (factor: string, key: string) => plain.factors.find((f) => f.factor === factor)?.levels.find((l) => l.key === key);
    expect(plainLevel('lead_source', 'list_import')?.odds_ratio).toBeCloseTo(1, 6);
    expect(plainLevel('lead_age', '548d+')?.odds_ratio).toBeCloseTo(4, 6);
  });

  it('predicts the fitted chance and adds up to the observed opt-outs', () => {
    const fitted = cells.reduce((s, c) => s + c.reached * predict(model, c), 0);
    const observed = cells.reduce((s, c) => s + c.opted_out, 0);
    expect(fitted).toBeCloseTo(observed, 6);
    expect(predict(model, cell({ lead_age: '548d+' }, 1, 0)) / sigmoid(base + old)).toBeCloseTo(1, 1);
  });

  it('names as the reasons of a score the factors that raise it most above a typical text', () => {
    const reasons = contributions(model, cell({ lead_source: 'list_import', lead_age: '548d+' }, 1, 0), ['lead_source', 'lead_age', 'consent']);
    expect(reasons[0]).toMatchObject({ factor: 'lead_age', key: '548d+' });
    expect(reasons[0]?.effect).toBeGreaterThan(0);
    // a key the fit never saw counts as its reference
    expect(predict(model, cell({ lead_source: 'brand_new_source' }, 1, 0))).toBeCloseTo(predict(model, cell({}, 1, 0)), 12);
  });
});
