import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { normalizeConfig } from '../../worker/config.ts';
import { generate } from '../../data/generate/index.ts';
import { run } from '../../worker/run.ts';
import type { SpikeReport } from '../../worker/analysis/spike-report.ts';

/**
 * The spike-cause property (issue 13): over many generated exports, each planted burst must be
 * found as a spike whose first cause is the one planted, and no spike with clear excess may go
 * without a cause. Used by test/analysis/causes-property.test.ts and by `npm run sweep:causes`.
 */

/** The planted scenarios that are spikes, and the cause each must be explained by. */
export const SPIKE_SCENARIOS = ['unverified_consent', 'old_list_blast', 'excessive_frequency', 'poor_timing', 'irrelevant_content', 'opt_out_handling'] as const;

/** A spike of a planted scenario's dates (the burst's own day, or the day after for opt-outs that come late). */
export interface Verdict {
  seed: number;
  scenario: string;
  studio: string;
  /** The spike found on the scenario's days, or null when none was. */
  spike: { start: string; end: string; excess: number; causes: string[]; shares: number[] } | null;
  /**
   * The planted scenarios the spike holds: more than one when bursts on neighbouring days of one
   * studio merged into one spike (with fewer studios than slots), and then any of them may come first.
   */
  planted: string[];
}

export interface SweepOptions {
  seeds: number[];
  messages: number;
  months: number;
  studios: number;
  dir: string;
}

export interface SweepResult {
  verdicts: Verdict[];
  /** Every spike (planted or not) with clear excess, for the "never without a cause" property. */
  spikes: { seed: number; studio: string | null; start: string; excess: number; causes: string[]; share: number }[];
}

const nextDay = (d: string): string => new Date(Date.parse(`${d}T00:00:00Z`) + 86400e3).toISOString().slice(0, 10);

/** The days a scenario's burst may show on: its campaign's days and the day after the last. */
function burstDays(scenario: string, dates: string[]): string[] {
  // unverified consent: import on day 8, campaign on day 9; opt-out handling: requests on day 2,
  // the angry STOPs after the follow-up on day 11
  const days = scenario === 'unverified_consent' || scenario === 'opt_out_handling' ? dates.slice(1) : dates;
  return [...days, nextDay(days[days.length - 1] as string)];
}

export async function sweep(options: SweepOptions, onSeed?: (seed: number, verdicts: Verdict[]) => void): Promise<SweepResult> {
  const verdicts: Verdict[] = [];
  const spikes: SweepResult['spikes'] = [];
  for (const seed of options.seeds) {
    const input = path.join(options.dir, `seed-${seed}`);
    const out = path.join(options.dir, `seed-${seed}-out`);
    await mkdir(input, { recursive: true });
    const summary = await generate({ out: input, seed, messages: options.messages, months: options.months, studios: options.studios });
    const { report } = await run(normalizeConfig({ input, out, month: summary.reviewMonth, site: false }), { progress: () => undefined });
    const mine: Verdict[] = [];
    const bursts = summary.scenarios
      .filter((x) => (SPIKE_SCENARIOS as readonly string[]).includes(x.name))
      .map((x) => ({ ...x, days: burstDays(x.name, x.dates) }));
    const inSpike = (k: SpikeReport, b: (typeof bursts)[number]): boolean => k.studio_id === b.studio && b.days.some((d) => d >= k.start && d <= k.end);
    for (const s of bursts) {
      const spike = report.spikes.find((k: SpikeReport) => inSpike(k, s));
      mine.push({
        seed,
        scenario: s.name,
        studio: s.studio,
        spike: spike
          ? { start: spike.start, end: spike.end, excess: spike.excess_opt_outs, causes: spike.causes.map((c) => c.cause), shares: spike.causes.map((c) => c.share) }
          : null,
        planted: spike ? bursts.filter((b) => inSpike(spike, b)).map((b) => b.name) : [s.name],
      });
    }
    for (const k of report.spikes) {
      if (k.end < `${summary.reviewMonth}-01`) continue;
      spikes.push({ seed, studio: k.studio_id, start: k.start, excess: k.excess_opt_outs, causes: k.causes.map((c) => c.cause), share: k.causes.reduce((a, c) => a + c.share, 0) });
    }
    verdicts.push(...mine);
    onSeed?.(seed, mine);
    await rm(input, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  }
  return { verdicts, spikes };
}

/** A verdict is right when the spike's first cause is its planted one (or one of them, when bursts merged). */
export const isRight = (v: Verdict): boolean => v.spike !== null && v.planted.includes(v.spike.causes[0] ?? '');

/** Rates over a sweep: planted cause first, found at all, and spikes with clear excess but no cause. */
export function summarise(result: SweepResult, minExcess = 10): {
  planted: number;
  found: number;
  first: number;
  /** Found spikes that hold more than one planted burst (merged neighbouring days). */
  merged: number;
  byScenario: Record<string, { planted: number; found: number; first: number; wrong: string[] }>;
  clearSpikes: number;
  withoutCause: number;
  overAllocated: number;
} {
  const byScenario: Record<string, { planted: number; found: number; first: number; wrong: string[] }> = {};
  for (const v of result.verdicts) {
    const s = (byScenario[v.scenario] ??= { planted: 0, found: 0, first: 0, wrong: [] });
    s.planted++;
    if (v.spike) s.found++;
    if (isRight(v)) s.first++;
    else if (v.spike) s.wrong.push(`seed ${v.seed}: ${v.spike.causes.join(', ') || '(none)'} (excess ${v.spike.excess.toFixed(1)})`);
    else s.wrong.push(`seed ${v.seed}: no spike`);
  }
  const clear = result.spikes.filter((s) => s.excess >= minExcess);
  return {
    planted: result.verdicts.length,
    found: result.verdicts.filter((v) => v.spike).length,
    first: result.verdicts.filter(isRight).length,
    merged: result.verdicts.filter((v) => v.spike && v.planted.length > 1).length,
    byScenario,
    clearSpikes: clear.length,
    withoutCause: clear.filter((s) => s.causes.length === 0).length,
    overAllocated: result.spikes.filter((s) => s.share > 1 + 1e-9).length,
  };
}
