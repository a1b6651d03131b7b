import { describe, expect, it } from 'vitest';
import { monthlyCaption, monthlyFigure, type MonthRow } from '../../site/charts/monthly.ts';
import { changeLines, historyOf } from '../../site/lib/history.ts';
import type { ReportData } from '../../site/lib/schema.ts';

const row = (month: string, reached: number, opt: number, extra: Partial<MonthRow> = {}): MonthRow => ({
  month,
  studio_id: null,
  partial: false,
  reached,
  opt_outs: opt,
  attributed_opt_outs: opt,
  rate: opt / reached,
  ci_low: 0,
  ci_high: 1,
  sent: reached,
  delivered: reached,
  delivery_rate: 1,
  leads_added: 0,
  leads_opted_out: opt,
  reachable_leads: 100,
  ...extra,
});

describe('the year of history on the site', () => {
  it('says the review month against the typical whole month before it, partial months left out', () => {
    const rows = [row('2026-06', 1000, 4, { partial: true }), row('2026-07', 1000, 5), row('2026-08', 1000, 7), row('2026-09', 1000, 20)];
    // typical = the median of July and August (0.5% and 0.7%) = 0.6%; June is partial
    expect(monthlyCaption(rows, '2026-09', 'all studios')).toBe(
      'For all studios, 2.0% of texts led to an opt-out in September, against a typical 0.60% in the 2 whole months before: the highest of these 3 months.',
    );
    // a year of months to compare: "of the year"
    const year = Array.from({ length: 12 }, (_v, i) => row(`2025-${String(i + 1).padStart(2, '0')}`, 1000, i === 11 ? 20 : 5));
    expect(monthlyCaption(year, '2025-12', 'all studios')).toContain('in the 11 whole months before: the highest of the year.');
    const figure = monthlyFigure(rows, { id: 'year', who: 'all studios', month: '2026-09' });
    expect(figure.caption).toContain('A hollow point is a month the data covers only in part.');
    expect(figure.table.rows.map((r) => r[0])).toEqual(['Sep 2026', 'Aug 2026', 'Jul 2026', 'Jun 2026 (partial)']);
    expect(figure.svg).toContain('partial');
  });

  it('takes one studio or all studios, in month order', () => {
    const report = { monthly: [row('2026-08', 10, 1, { studio_id: 's1' }), row('2026-07', 10, 1), row('2026-07', 10, 1, { studio_id: 's1' })] };
    expect(historyOf(report, 's1').map((r) => r.month)).toEqual(['2026-07', '2026-08']);
    expect(historyOf(report, null).map((r) => r.month)).toEqual(['2026-07']);
  });

  it('writes each change beyond chance as one sentence with its numbers and a link', () => {
    const report = {
      period: { month: '2026-09' },
      previous_period: { month: '2026-08' },
      changes: [
        { dimension: 'lead_source', key: 'list_import', previous: { reached: 1000, opt_outs: 10, rate: 0.01 }, current: { reached: 1000, opt_outs: 60, rate: 0.06 }, change: 0.05, direction: 'up', z: 6, p_value: 1e-9, p_adjusted: 3e-9 },
      ],
    } as unknown as Pick<ReportData, 'changes' | 'period' | 'previous_period'>;
    const [line] = changeLines(report);
    expect(line?.text).toBe('Leads from list import: 1.0% in August, 6.0% in September (up 5.0 pts; 60 opt-outs from 1,000 texts).');
    expect(line?.href).toMatch(/cohorts\.html#lead-source$/);
  });
});
