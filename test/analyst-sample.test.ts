import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { normalizeConfig } from '../worker/config.ts';
import { run } from '../worker/run.ts';
import { csvRecords } from '../site/lib/csv.ts';

/**
 * What a deliverability analyst reads in report.json, on the bundled sample: the delivery rate,
 * the opt-outs by route, the list's growth and the campaigns must add up to the numbers the rest
 * of the report gives for the same texts and opt-outs.
 */
describe('the sample report for a deliverability analyst', () => {
  it('adds up: delivery, routes, list growth and campaigns against monthly, totals and compliance', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'optout-analyst-'));
    const { report } = await run(normalizeConfig({ input: path.join(import.meta.dirname, '..', 'data', 'sample'), out, site: false }), {
      progress: () => undefined,
    });
    const key = (r: { month: string; studio_id: string | null }): string => `${r.month} ${r.studio_id ?? 'all'}`;

    // Delivery: one row per monthly row, the same texts sent and delivered, and the reached texts
    // are those delivered or without a receipt.
    expect(report.delivery.map(key)).toEqual(report.monthly.map(key));
    report.delivery.forEach((d, i) => {
      const m = report.monthly[i]!;
      expect([d.sent, d.delivered, d.delivered + d.no_receipt, d.delivery_rate], key(d)).toEqual([m.sent, m.delivered, m.reached, m.delivery_rate]);
      expect(d.delivered + d.no_receipt + d.undelivered + d.failed + d.other, key(d)).toBe(d.sent);
      expect(d.ci_low! <= d.delivery_rate! && d.delivery_rate! <= d.ci_high!, key(d)).toBe(true);
    });
    // September: 10,689 of 11,473 texts delivered (93.2%), down from 94.2% in August.
    const september = report.delivery.find((d) => d.month === '2026-09' && d.studio_id === null)!;
    expect([september.sent, september.delivered]).toEqual([11473, 10689]);

    // Routes: every opt-out of the month under one route, per studio and overall, in both months.
    for (const period of ['current', 'previous'] as const) {
      const totals = period === 'current' ? report.totals : report.previous_totals;
      const rows = report.opt_out_routes.filter((r) => r.period === period);
      expect(rows.filter((r) => r.studio_id === null).reduce((s, r) => s + r.opt_outs, 0), period).toBe(totals.opt_outs);
      const studios = rows.filter((r) => r.studio_id !== null);
      expect(studios.reduce((s, r) => s + r.opt_outs, 0), period).toBe(totals.opt_outs);
    }
    for (const m of report.monthly.filter((r) => r.studio_id !== null && r.month === report.period.month)) {
      const routed = report.opt_out_routes.filter((r) => r.period === 'current' && r.studio_id === m.studio_id).reduce((s, r) => s + r.opt_outs, 0);
      expect(routed, m.studio_id ?? '').toBe(m.opt_outs);
    }
    // The requests in words nobody recorded are the compliance check's leads (18, all at s3).
    const unrecorded = report.uncounted_stops.filter((u) => u.period === 'current' && u.kind === 'unrecorded_request');
    const check = report.compliance.find((c) => c.check === 'unprocessed_opt_out_request')!;
    expect(unrecorded.find((u) => u.studio_id === null)?.leads).toBe(check.leads);
    expect(unrecorded.filter((u) => u.studio_id !== null).map((u) => [u.studio_id, u.leads])).toEqual(check.studios.map((s) => [s.studio_id, s.leads]));

    // List growth: the months of monthly, ending at its reachable leads, each starting where the last ended.
    expect(report.list_growth.map(key)).toEqual(report.monthly.map(key));
    report.list_growth.forEach((g, i) => {
      const m = report.monthly[i]!;
      expect([g.reachable_at_end, g.leads_added], key(g)).toEqual([m.reachable_leads, m.leads_added]);
      expect(g.reachable_at_start + g.leads_added - g.lost_to_opt_outs - g.lost_to_deactivation + g.came_back, key(g)).toBe(g.reachable_at_end);
      const before = report.list_growth.find((p) => p.studio_id === g.studio_id && p.month < g.month && !report.list_growth.some((q) => q.studio_id === g.studio_id && q.month > p.month && q.month < g.month));
      if (before) expect(g.reachable_at_start, key(g)).toBe(before.reachable_at_end);
    });

    // Campaigns: all of the month's texts, largest first, each agreeing with its campaign cohort.
    const month = report.monthly.find((m) => m.month === report.period.month && m.studio_id === null)!;
    const sum = (k: 'sent' | 'delivered' | 'reached' | 'opt_outs'): number => report.campaigns.reduce((s, c) => s + c[k], 0);
    expect([sum('sent'), sum('delivered'), sum('reached'), sum('opt_outs')]).toEqual([month.sent, month.delivered, report.totals.reached, report.totals.attributed_opt_outs]);
    expect(report.campaigns.map((c) => c.sent)).toEqual([...report.campaigns.map((c) => c.sent)].sort((a, b) => b - a));
    for (const c of report.campaigns.filter((x) => x.reached > 0)) {
      const cohort = report.cohorts.campaign.find((r) => r.key === (c.campaign_id ?? '(none)'));
      expect([c.reached, c.opt_outs, c.ci_low, c.ci_high], c.campaign_id ?? '(none)').toEqual([cohort?.reached, cohort?.opt_outs, cohort?.ci_low, cohort?.ci_high]);
    }
    // The bundle's table has every campaign, in the same order.
    const table = csvRecords(await readFile(path.join(out, 'tables', 'campaigns.csv'), 'utf8'));
    expect(table.map((r) => r.campaign_id || null)).toEqual(report.campaigns.map((c) => c.campaign_id));
    expect(table.length).toBe(report.cohorts.campaign.length);
  });
});
