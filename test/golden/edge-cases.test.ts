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
    // the studios by id, with the name and time zone of studios.csv: the site names them by it
    expect(report.studios).toEqual([
      { studio_id: 'bf', name: 'Bay Fit', timezone: 'America/New_York' },
      { studio_id: 'pa', name: 'Palm Studio', timezone: 'America/Los_Angeles' },
    ]);
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
    // expected.json has the contract's nine dimensions; day_of_week and personalization are ours,
    // worked out by hand below
    const { day_of_week, personalization, ...contract } = cohorts;
    expect(contract).toEqual(expected.cohorts);
    // Local weekdays (Los Angeles and New York; 2026-03-01 is a Sunday, both zones move to summer
    // time on the 8th): Monday M03-M07, M09, M11, M14 (pa) and M20 (bf); Tuesday M15, M21 (00:30
    // in New York), M23, M24; Wednesday M31; Thursday M10, M22, M25; Friday M08, M18, M28, M29 and
    // M30 (20:59 and 21:00 on the 20th in New York); Saturday M27; Sunday M02 (00:30 on the 1st
    // in Los Angeles). Opt-outs: pa-promo (Monday), bf-promo's M23 (Tuesday), pa-weekly's M11 (Monday).
    expect(day_of_week).toEqual({
      mon: { reached: 9, opt_outs: 2 },
      tue: { reached: 4, opt_outs: 1 },
      wed: { reached: 1, opt_outs: 0 },
      thu: { reached: 3, opt_outs: 0 },
      fri: { reached: 5, opt_outs: 0 },
      sat: { reached: 1, opt_outs: 0 },
      sun: { reached: 1, opt_outs: 0 },
    });
    expect(report.cohorts.day_of_week.map((r) => r.key)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    // Only M08 ("welcome, Dee" to Dee) uses the lead's name; M15 went to a number with no lead.
    expect(personalization).toEqual({
      yes: { reached: 1, opt_outs: 0 },
      no: { reached: 22, opt_outs: 3 },
      unknown: { reached: 1, opt_outs: 0 },
    });
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
