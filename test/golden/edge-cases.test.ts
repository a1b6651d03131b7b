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
    // What a deliverability analyst looks for, worked out by hand (README.md of the fixture).
    // Delivery: in March pa sent 14 (M10 no receipt, M17 undelivered), bf 11; M01 is February's.
    // March is partial (the last message is M28's, on the 27th), and so is February (M01 only).
    const byMonthStudio = <T extends { month: string; studio_id: string | null }>(rows: T[]): T[] =>
      [...rows].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : (a.studio_id ?? '') < (b.studio_id ?? '') ? -1 : 1));
    expect(byMonthStudio(report.delivery).map(({ month, studio_id, sent, delivered, no_receipt, undelivered, failed, other }) => ({ month, studio_id, sent, delivered, no_receipt, undelivered, failed, other }))).toEqual(expected.delivery);
    expect(report.delivery.find((d) => d.month === '2026-03' && d.studio_id === null)).toMatchObject({ delivery_rate: 23 / 25, partial: true });
    // Routes: pa-7's STOP (its CRM row and second STOP are repeats), pa-5's and bf-2's web forms, pa-6's staff row.
    const routeKey = (r: { studio_id: string | null; route: string; method: string | null }): string => `${r.studio_id ?? ''}|${r.route}|${r.method ?? ''}`;
    expect([...report.opt_out_routes].sort((a, b) => (routeKey(a) < routeKey(b) ? -1 : 1))).toEqual([...expected.opt_out_routes].sort((a, b) => (routeKey(a) < routeKey(b) ? -1 : 1)));
    expect(report.opt_out_routes.filter((r) => r.studio_id === null).reduce((s, r) => s + r.opt_outs, 0)).toBe(report.totals.opt_outs);
    // Not opt-outs: bf-1's number in the deactivation file, and M16's "Please stop texting me".
    expect(report.uncounted_stops).toEqual(expected.uncounted_stops);
    // The list: pa-5, pa-6 and pa-7 opt out in March, bf-1's number is deactivated, bf-2 opts in again.
    expect(byMonthStudio(report.list_growth).map(({ partial: _p, ...r }) => r)).toEqual(expected.list_growth);
    // Campaigns, largest first; the one-to-one texts (no campaign) rank last among equals.
    expect(report.campaigns.map(({ campaign_id, campaign_type, sent, delivered, reached, opt_outs }) => ({ campaign_id, campaign_type, sent, delivered, reached, opt_outs }))).toEqual(expected.campaigns);
    expect(report.campaigns.find((c) => c.campaign_id === 'pa-weekly')).toMatchObject({ studio_ids: ['pa'], first_date: '2026-03-09', last_date: '2026-03-16', rate: 1 / 3 });
    const onDisk = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
