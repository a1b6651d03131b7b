/**
 * `npm run sweep:causes`: the spike-cause property over many generated exports, with every miss
 * printed. Usage: npm run sweep:causes [-- --seeds 1-50] [--messages 20000] [--months 3] [--studios 3]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isRight, summarise, sweep } from '../helpers/causes-sweep.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1-50' },
    messages: { type: 'string', default: '20000' },
    months: { type: 'string', default: '3' },
    studios: { type: 'string', default: '3' },
  },
});
const [from, to] = (values.seeds as string).split('-').map(Number) as [number, number];
const seeds = Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
const dir = await mkdtemp(path.join(tmpdir(), 'optout-sweep-'));
const started = performance.now();
try {
  const result = await sweep(
    { seeds, messages: Number(values.messages), months: Number(values.months), studios: Number(values.studios), dir },
    (seed, verdicts) => {
      const line = verdicts.map(
        (v) =>
          `${v.scenario}: ${v.spike ? v.spike.causes.join(' > ') || '(no cause)' : 'no spike'}${v.planted.length > 1 ? ` (one spike with ${v.planted.filter((p) => p !== v.scenario).join(', ')})` : ''}${v.spike && !isRight(v) ? '  <-- MISS' : ''}`,
      );
      process.stdout.write(`seed ${seed}\n  ${line.join('\n  ')}\n`);
    },
  );
  const s = summarise(result);
  process.stdout.write(`\n${s.found} of ${s.planted} planted bursts found as spikes (${s.merged} in a spike with another planted burst); the planted cause first in ${s.first} (${((100 * s.first) / Math.max(1, s.found)).toFixed(1)}% of those found)\n`);
  for (const [scenario, v] of Object.entries(s.byScenario)) process.stdout.write(`  ${scenario}: ${v.first} first, ${v.found} found, ${v.planted} planted\n`);
  process.stdout.write(`${s.clearSpikes} spikes with 10+ extra opt-outs, ${s.withoutCause} without a cause; ${s.overAllocated} sharing out more than their excess (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
