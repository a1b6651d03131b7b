import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { normalizeConfig } from '../../worker/config.ts';
import { run } from '../../worker/run.ts';

/**
 * The worked example of test/fixtures/edge-cases: every number in expected.json is the
 * contract's answer, and every one of them is compared.
 */
const EXAMPLE = path.resolve(import.meta.dirname, '..', 'fixtures', 'edge-cases');

describe('golden: test/fixtures/edge-cases', () => {
  it('gives every input reconciliation, total, cohort, trend row and check of expected.json', async () => {
    const expected = JSON.parse(await readFile(path.join(EXAMPLE, 'expected.json'), 'utf8'));
    const out = await mkdtemp(path.join(tmpdir(), 'optout-golden-'));
    const config = normalizeConfig({ input: path.join(EXAMPLE, 'input'), out, month: expected.period.month, site: false });
    const { report } = await run(config, { progress: () => undefined });
    expect(report.period.month).toBe(expected.period.month);
    expect(report.inputs.map(({ file, rows, accepted, rejected, duplicates }) => ({ file, rows, accepted, rejected, duplicates }))).toEqual(
      expected.inputs,
    );
    const { recipient_rate: _r, ...totals } = report.totals;
    expect(totals).toEqual(expected.totals);
    // Cohorts: every dimension and key, no more, no fewer.
    const cohorts = Object.fromEntries(
      Object.entries(report.cohorts).map(([dimension, rows]) => [
        dimension,
        Object.fromEntries(rows.map((r) => [r.key, { reached: r.reached, opt_outs: r.opt_outs }])),
      ]),
    );
    expect(cohorts).toEqual(expected.cohorts);
    expect(report.trend.map(({ date, studio_id, reached, opt_outs }) => ({ date, studio_id, reached, opt_outs }))).toEqual(expected.trend);
    // expected.json lists every check but the free-text one (1 message from 1 lead, M16).
    const compliance = Object.fromEntries(
      report.compliance.filter((c) => c.check in expected.compliance).map((c) => [c.check, { messages: c.messages, leads: c.leads }]),
    );
    expect(compliance).toEqual(expected.compliance);
    expect(report.compliance.find((c) => c.check === 'unprocessed_opt_out_request')).toMatchObject({ messages: 1, leads: 1 });
    const onDisk = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
