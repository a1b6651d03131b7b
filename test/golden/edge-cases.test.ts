import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { normalizeConfig } from '../../worker/config.ts';
import { run } from '../../worker/run.ts';

/**
 * The worked example of ../shared/examples/edge-cases: every number in expected.json is the
 * contract's answer. Sections are compared as the worker implements them (ingest and the period
 * now; cohorts, trend and compliance join as their issues land).
 */
const EXAMPLE = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'examples', 'edge-cases');

describe('golden: shared/examples/edge-cases', () => {
  it('reconciles every input file and the review period exactly as expected.json says', async () => {
    const expected = JSON.parse(await readFile(path.join(EXAMPLE, 'expected.json'), 'utf8'));
    const out = await mkdtemp(path.join(tmpdir(), 'optout-golden-'));
    const config = normalizeConfig({ input: path.join(EXAMPLE, 'input'), out, month: expected.period.month, site: false });
    const { report } = await run(config, { progress: () => undefined });
    expect(report.period.month).toBe(expected.period.month);
    expect(report.inputs.map(({ file, rows, accepted, rejected, duplicates }) => ({ file, rows, accepted, rejected, duplicates }))).toEqual(
      expected.inputs,
    );
    const onDisk = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
