import { describe, expect, it } from 'vitest';
import { deliveryRateCaption, deliveryRateFigure, type DeliveryRow } from '../../site/charts/delivery.ts';
import { listGrowthCaption, listGrowthFigure, type GrowthRow } from '../../site/charts/list.ts';
import { campaignTable, deliveryKpi, deliveryTable, studiosOf } from '../../site/lib/deliveryView.ts';
import { listGrowth, routesByStudio, routesView } from '../../site/lib/listView.ts';
import type { SiteData } from '../../site/lib/load.ts';
import type { ReportData } from '../../site/lib/schema.ts';
import { cellText } from '../../site/lib/table.ts';

/** The site's views of what a deliverability analyst reads, on hand-made report rows. */

type Route = ReportData['opt_out_routes'][number];
type Campaign = ReportData['campaigns'][number];

const delivery = (month: string, studio_id: string | null, sent: number, delivered: number, extra: Partial<DeliveryRow> = {}): DeliveryRow => ({
  month,
  studio_id,
  partial: false,
  sent,
  delivered,
  no_receipt: sent - delivered,
  undelivered: 0,
  failed: 0,
  other: 0,
  delivery_rate: sent > 0 ? delivered / sent : null,
  ci_low: sent > 0 ? delivered / sent - 0.01 : null,
  ci_high: sent > 0 ? delivered / sent + 0.01 : null,
  ...extra,
});

const route = (period: Route['period'], studio_id: string | null, r: Route['route'], method: string | null, opt_outs: number, also = 0): Route => ({
  period,
  month: period === 'current' ? '2026-09' : '2026-08',
  studio_id,
  route: r,
  method,
  opt_outs,
  also,
});

const campaign = (campaign_id: string | null, sent: number, extra: Partial<Campaign> = {}): Campaign => ({
  campaign_id,
  campaign_type: campaign_id === null ? 'conversation' : 'targeted',
  studio_ids: ['s1'],
  first_date: '2026-09-02',
  last_date: '2026-09-02',
  sent,
  delivered: sent - 1,
  delivery_rate: (sent - 1) / sent,
  reached: sent - 1,
  opt_outs: 1,
  rate: 1 / (sent - 1),
  ci_low: 0,
  ci_high: 0.5,
  recipients: sent - 1,
  ...extra,
});

function data(report: Partial<ReportData>, studios = ['s1', 's2']): SiteData {
  const full = {
    period: { month: '2026-09', start: '2026-09-01', end: '2026-09-30', partial: false, data_start: '2026-09-01', data_end: '2026-09-30' },
    previous_period: { month: '2026-08', start: '2026-08-01', end: '2026-08-31', partial: false, data_start: '2026-08-01', data_end: '2026-08-31' },
    totals: { reached: 100, recipients: 90, opt_outs: 2, attributed_opt_outs: 2, rate: 0.02, recipient_rate: 0.02 },
    cohorts: { campaign: [] },
    delivery: [],
    opt_out_routes: [],
    uncounted_stops: [],
    list_growth: [],
    campaigns: [],
    ...report,
  } as unknown as ReportData;
  return { report: full, studios: studios.map((id) => ({ name: id, slug: id })), spikes: [], rejected: null, downloads: [] };
}

describe('the delivery rate on the site', () => {
  const rows = [delivery('2026-08', null, 1000, 950), delivery('2026-09', null, 1000, 930), delivery('2026-08', 's1', 500, 480), delivery('2026-09', 's1', 500, 490)];

  it('is a KPI against last month, its arrow following the rate, down and bad when fewer texts were delivered', () => {
    const { report } = data({ delivery: rows });
    expect(deliveryKpi(report, null)).toEqual({
      label: 'Texts delivered',
      value: '93.0%',
      note: '930 of 1,000 texts sent, confirmed by the carrier',
      change: { text: '−2.0 pts vs August (95.0%)', tone: 'bad', direction: 'down' },
    });
    expect(deliveryKpi(report, 's1')?.change).toEqual({ text: '+2.0 pts vs August (96.0%)', tone: 'good', direction: 'up' });
    // no text sent this month: no KPI
    expect(deliveryKpi(report, 's2')).toBeNull();
  });

  it('is neutral against a partial month', () => {
    const { report } = data({ delivery: rows, previous_period: { month: '2026-08', start: '2026-08-01', end: '2026-08-31', partial: true, data_start: '2026-08-20', data_end: '2026-08-31' } });
    expect(deliveryKpi(report, null)?.change).toMatchObject({ tone: 'neutral', partial: expect.stringContaining('August partial') });
  });

  it('tabulates every studio, all studios first, with the outcomes that make up the texts sent', () => {
    const table = deliveryTable(data({ delivery: rows }));
    expect(table.rows.map((r) => r.map(cellText))).toEqual([
      ['All studios', '1,000', '930', '93.0%', '92.0% – 94.0%', '70', '0', '0', '95.0%'],
      ['s1', '500', '490', '98.0%', '97.0% – 99.0%', '10', '0', '0', '96.0%'],
      ['s2', '0', '0', '–', '–', '0', '0', '0', '–'],
    ]);
  });

  it('says the month against the one before, and draws a hollow point for a partial month', () => {
    expect(deliveryRateCaption(rows.filter((r) => r.studio_id === null), '2026-09', 'all studios')).toBe(
      'In September, 93.0% of the texts all studios sent were delivered, down from 95.0% in August.',
    );
    const figure = deliveryRateFigure(
      [
        { label: 'All studios', color: '#000', rows: [delivery('2026-08', null, 10, 9, { partial: true }), delivery('2026-09', null, 10, 9)] },
        { label: 's1', color: '#00f', rows: [delivery('2026-09', 's1', 10, 8)] },
        { label: 's2', color: '#f00', rows: [delivery('2026-09', 's2', 10, 10)] },
      ],
      { id: 'd', who: 'all studios', reviewMonth: '2026-09', lowest: true },
    );
    expect(figure.caption).toBe('In September, 90.0% of the texts all studios sent were delivered, about the same as the 90.0% in August. The lowest: s1, 80.0%. A hollow point is a month the data covers only in part.');
    expect(figure.table.rows.map((r) => r.map(cellText))).toEqual([
      ['Sep 2026', '90.0%', '80.0%', '100%'],
      ['Aug 2026 (partial)', '90.0%', '–', '–'],
    ]);
    expect(figure.narrow).toContain('<svg');
  });

  it('names the studio that delivered least as the report names it, capitals kept', () => {
    const figure = deliveryRateFigure(
      [
        { label: 'All studios', color: '#000', rows: [delivery('2026-09', null, 20, 18)] },
        { label: 'Iron Works Gym (s2)', color: '#00f', rows: [delivery('2026-09', 's2', 10, 8)] },
        { label: 'Café Zürich Pilates', color: '#f00', rows: [delivery('2026-09', 's4', 10, 10)] },
      ],
      { id: 'd', who: 'all studios', reviewMonth: '2026-09', lowest: true },
    );
    expect(figure.caption).toContain('The lowest: Iron Works Gym (s2), 80.0%.');
  });
});

describe('how opt-outs arrived, on the site', () => {
  const routes = [
    route('current', null, 'keyword', null, 8),
    route('current', null, 'written', null, 1),
    route('current', null, 'crm', 'keyword', 0, 6),
    route('current', null, 'crm', 'staff', 1, 1),
    route('current', null, 'crm', 'web', 2),
    route('previous', null, 'keyword', null, 3),
    route('previous', null, 'crm', 'carrier', 1),
    route('current', 's1', 'keyword', null, 5),
    route('current', 's1', 'crm', 'web', 2),
    route('current', 's2', 'keyword', null, 3),
    route('current', 's2', 'written', null, 1),
    route('current', 's2', 'crm', 'staff', 1, 1),
  ];
  const stops = [
    { period: 'current' as const, month: '2026-09', studio_id: null, kind: 'deactivated' as const, leads: 3 },
    { period: 'previous' as const, month: '2026-08', studio_id: null, kind: 'unrecorded_request' as const, leads: 2 },
  ];

  it('lists each route once, this month against the last, the counted opt-outs adding up to the month', () => {
    const view = routesView(data({ opt_out_routes: routes, uncounted_stops: stops }).report, null);
    expect(view.total).toBe(12);
    expect(view.table.rows.map((r) => r.map(cellText))).toEqual([
      ['Replied STOP (or another stop word)', '8', '67%', '3', '0'],
      ['Asked to stop in their own words', '1', '8%', '0', '0'],
      // the CRM's methods by how many opt-outs came that way at all (staff and web 2 each: by name)
      ['CRM row: a STOP reply', '0', '0%', '0', '6'],
      ['CRM row: entered by staff', '1', '8%', '0', '1'],
      ['CRM row: web form', '2', '17%', '0', '0'],
      ['CRM row: reported by the carrier', '0', '0%', '1', '0'],
      ['All opt-outs', '12', '100%', '4', '–'],
    ]);
    expect(view.table.note).toBe('Also came this way: opt-outs counted in another row that arrived this way too (6 for "CRM row: a STOP reply").');
    expect(view.sentence).toBe('Of the 12 opt-outs, 8 replied STOP, 1 asked in their own words and 3 were first recorded in the CRM (2 by web form, 1 by staff).');
    expect(view.uncounted.rows.map((r) => r.map(cellText))).toEqual([
      ['Asked to stop in words, no opt-out recorded', '0', '2'],
      ["Number disconnected (on a carrier's deactivation list)", '3', '0'],
    ]);
  });

  it('gives each studio a row and each route with an opt-out this month a column', () => {
    const table = routesByStudio(data({ opt_out_routes: routes }));
    expect(table.columns.map((c) => c.label)).toEqual(['Studio', 'STOP reply', 'In words', 'CRM: staff', 'CRM: web form', 'All']);
    expect(table.rows.map((r) => r.map(cellText))).toEqual([
      ['All studios', '8', '1', '1', '2', '12'],
      ['s1', '5', '0', '0', '2', '7'],
      ['s2', '3', '1', '1', '0', '5'],
    ]);
  });

  it('says when no one opted out', () => {
    expect(routesView(data({}).report, 's1').sentence).toBe('No one opted out this month.');
  });
});

describe('the list month by month, on the site', () => {
  const growth = (month: string, start: number, added: number, optedOut: number, disconnected: number, back: number, partial = false): GrowthRow => {
    const end = start + added - optedOut - disconnected + back;
    return { month, studio_id: null, partial, reachable_at_start: start, leads_added: added, lost_to_opt_outs: optedOut, lost_to_deactivation: disconnected, came_back: back, reachable_at_end: end, net_change: end - start };
  };

  it("says how the month's list changed, and tabulates every month, the latest first", () => {
    const rows = [growth('2026-08', 1000, 50, 10, 2, 1, true), growth('2026-09', 1039, 20, 60, 5, 0)];
    expect(listGrowthCaption(rows, '2026-09', 'all studios')).toBe(
      'In September the reachable list of all studios shrank by 45, to 994: 20 new leads against 65 lost (60 opted out, 5 numbers disconnected).',
    );
    const figure = listGrowthFigure(rows, { id: 'g', who: 'all studios', reviewMonth: '2026-09' });
    expect(figure.caption).toContain('Lighter bars: a partial month, Aug 2026.');
    expect(figure.table.rows.map((r) => r.map(cellText))).toEqual([
      ['Sep 2026', '1,039', '20', '0', '60', '5', '994', '−45'],
      ['Aug 2026 (partial)', '1,000', '50', '1', '10', '2', '1,039', '+39'],
    ]);
    expect(figure.narrow).toContain('<svg');
  });

  it('draws no list for an export without a leads file (every month zero)', () => {
    const zero = [growth('2026-08', 0, 0, 0, 0, 0), growth('2026-09', 0, 0, 0, 0, 0)];
    expect(listGrowth(data({ list_growth: zero }).report, null, 'all studios')).toBeNull();
    expect(listGrowth(data({ list_growth: [growth('2026-09', 0, 3, 1, 0, 0)] }).report, null, 'all studios')?.id).toBe('list-growth');
  });
});

describe('the campaigns table', () => {
  // 60 campaigns by size, the one-to-one texts 55th
  const campaigns = Array.from({ length: 60 }, (_v, i) => campaign(i === 54 ? null : `c${i + 1}`, 1000 - i * 10, i === 1 ? { studio_ids: ['s2'] } : {}));

  it('shows the 50 largest, says how many smaller ones it leaves out, and prints fewer', () => {
    const t = campaignTable(data({ campaigns, cohorts: { campaign: [{ key: 'c1', flag: 'high' }] } as unknown as ReportData['cohorts'] }));
    expect(t.total).toBe(60);
    expect(t.table.rows).toHaveLength(50);
    expect(t.table.note).toBe('The 50 largest, and 9 smaller campaigns and the one-to-one texts: every campaign is in downloads/campaigns.csv on the Data page.');
    expect(t.printNote).toBe('The 20 largest, and 39 smaller campaigns and the one-to-one texts: every campaign is in downloads/campaigns.csv on the Data page.');
    expect(t.table.columns.map((c) => c.label)).toEqual(['Campaign', 'Sent', 'Delivered', 'Reached', 'Opt-outs', 'Rate', '95% interval', 'Vs the month', 'Type', 'Studio', 'Days']);
    expect(t.table.rows[0]?.map(cellText)).toEqual(['c1', '1,000', '999 (99.9%)', '999', '1', '0.10%', '0% – 50.0%', 'Above', 'targeted', 's1', '2 Sep']);
    expect(cellText(t.table.rows[1]?.[7] ?? '')).toBe('Within chance');
  });

  it('names up to 3 studios of a campaign, and counts more', () => {
    const names = ['Palm Yoga', 'Iron Works Gym (s2)', 'Iron Works Gym (s3)', 'Lotus Pilates'];
    const t = campaignTable(data({ campaigns: [campaign(null, 100, { studio_ids: names }), campaign('c1', 50, { studio_ids: names.slice(0, 3) }), campaign('c2', 40, { studio_ids: names.slice(0, 3) })] }, [...names, 's5']));
    expect(t.table.rows.map((r) => cellText(r[9] ?? ''))).toEqual(['4 studios', 'Palm Yoga, Iron Works Gym (s2), Iron Works Gym (s3)', 'Palm Yoga, Iron Works Gym (s2), Iron Works Gym (s3)']);
    expect(studiosOf(names, 4)).toBe('All 4 studios');
  });

  it("keeps a studio's own campaigns, and names the one-to-one texts", () => {
    const t = campaignTable(data({ campaigns: [campaign('c1', 100, { studio_ids: ['s1', 's2'] }), campaign('c2', 50, { studio_ids: ['s2'] }), campaign(null, 10, { reached: 0, opt_outs: 0 })] }), { studio: 's1', limit: 5 });
    expect(t.table.rows.map((r) => cellText(r[0] ?? ''))).toEqual(['c1', 'One-to-one texts (no campaign)']);
    expect(t.table.columns.map((c) => c.label)).not.toContain('Studio');
    // nothing reached: no rate
    expect(t.table.rows[1]?.slice(5, 8).map(cellText)).toEqual(['–', '–', '–']);
    expect(t.table.note).toBeUndefined();
    expect(t.printNote).toBeNull();
  });
});
