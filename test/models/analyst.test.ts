import { describe, expect, it } from 'vitest';
import { HISTORY_GRID, HISTORY_LISTS, REVIEW_PERIODS, runModel, type GivenTable } from '../helpers/model.ts';

/**
 * What a deliverability analyst looks for, each mart run alone on hand-worked rows
 * (test/helpers/model.ts): the delivery rate's counts, how opt-outs arrived, the signals to stop
 * that are not opt-outs, how the list grew, and the month's campaigns.
 */

type Row = Record<string, string | number | boolean | null>;
const HISTORY = { history_start: '2025-04-01', history_end: '2026-03-31' };
const MARCH = { period_start: '2026-03-01', period_end: '2026-03-31' };

describe('delivery_outcomes', () => {
  const outbound = (studio_id: string, local_date: string, status: string, direction = 'outbound'): Row => ({ studio_id, direction, status, local_date });
  const given: Record<string, GivenTable> = {
    int_messages_identified: {
      columns: { studio_id: 'varchar', direction: 'varchar', status: 'varchar', local_date: 'date' },
      rows: [
        outbound('s1', '2026-02-10', 'delivered'),
        outbound('s1', '2026-02-11', 'failed'),
        outbound('s1', '2026-03-01', 'delivered'),
        outbound('s1', '2026-03-02', 'sent'),
        outbound('s1', '2026-03-03', 'undelivered'),
        outbound('s1', '2026-03-31', 'queued'),
        outbound('s2', '2026-03-05', 'delivered'),
        // an inbound reply is no text sent; a text before the year of history is in no month
        outbound('s2', '2026-03-05', 'received', 'inbound'),
        outbound('s2', '2025-03-31', 'failed'),
      ],
    },
    int_studios: {
      columns: { studio_id: 'varchar', timezone: 'varchar' },
      rows: [{ studio_id: 's1', timezone: 'UTC' }, { studio_id: 's2', timezone: 'America/New_York' }],
    },
  };

  it('counts every outbound text of each month and studio by how it ended, and all studios', async () => {
    const rows = await runModel('marts/delivery_outcomes', given, HISTORY, HISTORY_GRID);
    const zero = { sent: 0, delivered: 0, no_receipt: 0, undelivered: 0, failed: 0, other: 0 };
    expect(rows).toEqual([
      { month: '2026-02', studio_id: 's1', ...zero, sent: 2, delivered: 1, failed: 1 },
      // s2 texted in the year, not in February: a row of zeros, as in monthly
      { month: '2026-02', studio_id: 's2', ...zero },
      { month: '2026-02', studio_id: null, ...zero, sent: 2, delivered: 1, failed: 1 },
      // the queued text is sent, and is neither delivered nor reached
      { month: '2026-03', studio_id: 's1', ...zero, sent: 4, delivered: 1, no_receipt: 1, undelivered: 1, other: 1 },
      { month: '2026-03', studio_id: 's2', ...zero, sent: 1, delivered: 1 },
      { month: '2026-03', studio_id: null, ...zero, sent: 5, delivered: 2, no_receipt: 1, undelivered: 1, other: 1 },
    ]);
    for (const r of rows) expect(r.sent).toBe((r.delivered as number) + (r.no_receipt as number) + (r.undelivered as number) + (r.failed as number) + (r.other as number));
  });
});

describe('opt_out_routes', () => {
  // an event of int_opt_out_events: a STOP reply ('reply'), a START ('re_opt_in'), else a CRM row with that method
  const event = (lead_no: number, event_at: string, seq: number, is_new_opt_out: boolean, route: 'reply' | 're_opt_in' | string | null, studio_id = 's1'): Row => ({
    studio_id,
    lead_no,
    event_at,
    kind: route === 're_opt_in' ? 're_opt_in' : 'opt_out',
    source: route === 'reply' || route === 're_opt_in' ? 'keyword' : 'opt_outs',
    method: route === 'reply' ? 'keyword' : route === 're_opt_in' ? null : route,
    seq,
    is_new_opt_out,
  });
  const given: Record<string, GivenTable> = {
    review_periods: REVIEW_PERIODS,
    int_opt_out_events: {
      columns: { studio_id: 'varchar', lead_no: 'ubigint', event_at: 'timestamptz', kind: 'varchar', source: 'varchar', method: 'varchar', seq: 'bigint', is_new_opt_out: 'boolean' },
      rows: [
        // lead 1: a STOP reply, the CRM's row for it five minutes later and again on the 20th
        event(1, '2026-03-02 10:00:00+00', 1, true, 'reply'),
        event(1, '2026-03-02 10:05:00+00', 2, false, 'keyword'),
        event(1, '2026-03-20 10:00:00+00', 3, false, 'keyword'),
        // lead 2: staff record it 24 hours to the second after the lead asked in words
        event(2, '2026-03-05 12:00:00+00', 1, true, 'staff'),
        // lead 3: the web form a second more than 24 hours after a request in words
        event(3, '2026-03-09 09:00:01+00', 1, true, 'web'),
        // lead 4: a CRM row without a method, a START, then a STOP reply: two opt-outs
        event(4, '2026-03-10 12:00:00+00', 1, true, null),
        event(4, '2026-03-12 12:00:00+00', 2, false, 're_opt_in'),
        event(4, '2026-03-15 12:00:00+00', 3, true, 'reply'),
        // lead 5 (studio s2): a STOP in February, the CRM's row for it in March
        event(5, '2026-02-20 12:00:00+00', 1, true, 'reply', 's2'),
        event(5, '2026-03-01 12:00:00+00', 2, false, 'keyword', 's2'),
        // lead 6: the reply and the CRM's row at the same instant (the reply is first in seq)
        event(6, '2026-03-25 12:00:00+00', 1, true, 'reply'),
        event(6, '2026-03-25 12:00:00+00', 2, false, 'keyword'),
      ],
    },
    int_opt_outs_attributed: {
      columns: { studio_id: 'varchar', lead_no: 'ubigint', opted_out_at: 'timestamptz', local_date: 'date' },
      rows: [
        { studio_id: 's1', lead_no: 1, opted_out_at: '2026-03-02 10:00:00+00', local_date: '2026-03-02' },
        { studio_id: 's1', lead_no: 2, opted_out_at: '2026-03-05 12:00:00+00', local_date: '2026-03-05' },
        { studio_id: 's1', lead_no: 3, opted_out_at: '2026-03-09 09:00:01+00', local_date: '2026-03-09' },
        { studio_id: 's1', lead_no: 4, opted_out_at: '2026-03-10 12:00:00+00', local_date: '2026-03-10' },
        { studio_id: 's1', lead_no: 4, opted_out_at: '2026-03-15 12:00:00+00', local_date: '2026-03-15' },
        { studio_id: 's2', lead_no: 5, opted_out_at: '2026-02-20 12:00:00+00', local_date: '2026-02-20' },
        { studio_id: 's1', lead_no: 6, opted_out_at: '2026-03-25 12:00:00+00', local_date: '2026-03-25' },
      ],
    },
    int_opt_out_requests: {
      columns: { lead_no: 'ubigint', sent_at: 'timestamptz' },
      rows: [
        { lead_no: 2, sent_at: '2026-03-04 12:00:00+00' },
        { lead_no: 3, sent_at: '2026-03-08 09:00:00+00' },
      ],
    },
  };

  it('counts each opt-out once, under the route it first arrived by, and the other routes it also came by', async () => {
    const rows = await runModel('marts/opt_out_routes', given);
    const s1 = [
      // leads 1 and 6, and lead 4's second opt-out
      { route: 'crm', method: 'keyword', opt_outs: 0, also: 2 },
      { route: 'crm', method: 'staff', opt_outs: 0, also: 1 },
      { route: 'crm', method: 'unknown', opt_outs: 1, also: 0 },
      { route: 'crm', method: 'web', opt_outs: 1, also: 0 },
      { route: 'keyword', method: null, opt_outs: 3, also: 0 },
      { route: 'written', method: null, opt_outs: 1, also: 0 },
    ];
    const s2February = [{ route: 'crm', method: 'keyword', opt_outs: 0, also: 1 }, { route: 'keyword', method: null, opt_outs: 1, also: 0 }];
    expect(rows).toEqual([
      ...s1.map((r) => ({ period: 'current', month: '2026-03', studio_id: 's1', ...r })),
      ...s1.map((r) => ({ period: 'current', month: '2026-03', studio_id: null, ...r })),
      // lead 5's CRM row came in March, but its opt-out is February's
      ...s2February.map((r) => ({ period: 'previous', month: '2026-02', studio_id: 's2', ...r })),
      ...s2February.map((r) => ({ period: 'previous', month: '2026-02', studio_id: null, ...r })),
    ]);
    // the routes' opt-outs add up to the month's six opt-outs
    expect(rows.filter((r) => r.period === 'current' && r.studio_id === null).reduce((s, r) => s + (r.opt_outs as number), 0)).toBe(6);
  });
});

describe('uncounted_stops', () => {
  const given: Record<string, GivenTable> = {
    review_periods: REVIEW_PERIODS,
    int_leads: {
      columns: { studio_id: 'varchar', lead_no: 'ubigint', phone: 'varchar' },
      rows: [
        { studio_id: 's1', lead_no: 1, phone: '+1' },
        { studio_id: 's1', lead_no: 2, phone: '+2' },
        // the same number is a lead of s2 too
        { studio_id: 's2', lead_no: 3, phone: '+1' },
      ],
    },
    int_messages_identified: {
      columns: { studio_id: 'varchar', lead_no: 'ubigint', lead_key: 'varchar', phone: 'varchar' },
      rows: [
        // a number texted that is no lead's: the number is the lead
        { studio_id: 's1', lead_no: 4, lead_key: 'phone:+4', phone: '+4' },
        { studio_id: 's1', lead_no: 4, lead_key: 'phone:+4', phone: '+4' },
        // a lead of the leads file is known by its own number, not by the one a message names
        { studio_id: 's1', lead_no: 1, lead_key: 'id:l1', phone: '+9' },
      ],
    },
    int_deactivated_numbers: {
      columns: { phone: 'varchar', deactivated_on: 'date' },
      rows: [
        { phone: '+1', deactivated_on: '2026-03-10' },
        { phone: '+2', deactivated_on: '2026-02-03' },
        { phone: '+4', deactivated_on: '2026-03-31' },
        // nobody's number, and a number no lead of a studio has
        { phone: '+5', deactivated_on: '2026-03-10' },
        { phone: '+9', deactivated_on: '2026-03-10' },
      ],
    },
    int_opt_out_requests: {
      columns: { studio_id: 'varchar', lead_no: 'ubigint', local_date: 'date', is_processed: 'boolean' },
      rows: [
        { studio_id: 's1', lead_no: 1, local_date: '2026-03-04', is_processed: false },
        { studio_id: 's1', lead_no: 1, local_date: '2026-03-06', is_processed: false },
        { studio_id: 's1', lead_no: 7, local_date: '2026-03-06', is_processed: true },
        { studio_id: 's2', lead_no: 8, local_date: '2026-02-27', is_processed: false },
      ],
    },
  };

  it('counts the leads whose number was first listed as deactivated, and who asked in words with no opt-out, once each', async () => {
    const rows = await runModel('marts/uncounted_stops', given);
    const row = (period: string, studio_id: string | null, kind: string, leads: number) => ({ period, month: period === 'current' ? '2026-03' : '2026-02', studio_id, kind, leads });
    expect(rows).toEqual([
      row('current', 's1', 'deactivated', 2),
      row('current', 's1', 'unrecorded_request', 1),
      row('current', 's2', 'deactivated', 1),
      row('current', null, 'deactivated', 3),
      row('current', null, 'unrecorded_request', 1),
      row('previous', 's1', 'deactivated', 1),
      row('previous', 's2', 'unrecorded_request', 1),
      row('previous', null, 'deactivated', 1),
      row('previous', null, 'unrecorded_request', 1),
    ]);
  });
});

describe('list_growth', () => {
  const given: Record<string, GivenTable> = {
    int_studios: { columns: { studio_id: 'varchar', timezone: 'varchar' }, rows: [{ studio_id: 's1', timezone: 'UTC' }] },
    int_messages_identified: {
      columns: { studio_id: 'varchar', direction: 'varchar', status: 'varchar', is_reached: 'boolean', local_date: 'date' },
      rows: ['2026-02-10', '2026-03-05'].map((local_date) => ({ studio_id: 's1', direction: 'outbound', status: 'delivered', is_reached: true, local_date })),
    },
    daily_series: {
      columns: { studio_id: 'varchar', local_date: 'date', reached: 'integer', opt_outs: 'integer' },
      rows: [],
    },
    int_opt_outs_attributed: {
      columns: { studio_id: 'varchar', lead_no: 'ubigint', local_date: 'date' },
      rows: [],
    },
    int_opt_out_events: {
      columns: { studio_id: 'varchar', lead_no: 'ubigint', event_at: 'timestamptz', kind: 'varchar', seq: 'bigint' },
      rows: [
        { studio_id: 's1', lead_no: 1, event_at: '2026-02-10 12:00:00+00', kind: 'opt_out', seq: 1 },
        { studio_id: 's1', lead_no: 2, event_at: '2026-02-16 12:00:00+00', kind: 'opt_out', seq: 1 },
        { studio_id: 's1', lead_no: 2, event_at: '2026-03-02 12:00:00+00', kind: 're_opt_in', seq: 2 },
        { studio_id: 's1', lead_no: 3, event_at: '2026-03-20 12:00:00+00', kind: 'opt_out', seq: 1 },
        { studio_id: 's1', lead_no: 6, event_at: '2026-02-25 12:00:00+00', kind: 'opt_out', seq: 1 },
      ],
    },
    int_leads: {
      columns: { studio_id: 'varchar', lead_no: 'ubigint', phone: 'varchar', created_at: 'timestamptz', consent_ats: 'timestamptz[]' },
      rows: [
        { studio_id: 's1', lead_no: 1, phone: '+1', created_at: '2026-01-05 00:00:00+00', consent_ats: '[]' },
        { studio_id: 's1', lead_no: 2, phone: '+2', created_at: '2026-02-15 00:00:00+00', consent_ats: '[]' },
        { studio_id: 's1', lead_no: 3, phone: '+3', created_at: '2026-03-01 00:00:00+00', consent_ats: '[]' },
        // listed as deactivated on 15 March, never consented again
        { studio_id: 's1', lead_no: 4, phone: '+4', created_at: '2026-03-10 00:00:00+00', consent_ats: '[]' },
        // listed on 1 February (still reachable when February began), consented again on 20 February
        { studio_id: 's1', lead_no: 5, phone: '+5', created_at: '2026-01-01 00:00:00+00', consent_ats: "['2026-02-20 00:00:00+00']" },
        // deactivated in January, opted out in February: off the list all along, never lost twice
        { studio_id: 's1', lead_no: 6, phone: '+6', created_at: '2026-01-01 00:00:00+00', consent_ats: '[]' },
      ],
    },
    int_deactivated_numbers: {
      columns: { phone: 'varchar', deactivated_on: 'date' },
      rows: [
        { phone: '+4', deactivated_on: '2026-03-15' },
        { phone: '+5', deactivated_on: '2026-02-01' },
        { phone: '+6', deactivated_on: '2026-01-20' },
      ],
    },
  };

  it('splits each month\'s change in reachable leads into leads added, lost to opt-outs and deactivations, and come back', async () => {
    const rows = await runModel('marts/list_growth', given, HISTORY, HISTORY_LISTS);
    // February: leads 1 and 5 reachable at its start (6 is deactivated); lead 2 added; leads 1 and 2 opt out.
    const february = { reachable_at_start: 2, leads_added: 1, lost_to_opt_outs: 2, lost_to_deactivation: 0, came_back: 0, reachable_at_end: 1, net_change: -1 };
    // March: lead 5 reachable at its start; 3 and 4 added; 3 opts out, 4's number is deactivated, 2 opts in again.
    const march = { reachable_at_start: 1, leads_added: 2, lost_to_opt_outs: 1, lost_to_deactivation: 1, came_back: 1, reachable_at_end: 2, net_change: 1 };
    expect(rows).toEqual([
      { month: '2026-02', studio_id: 's1', ...february },
      { month: '2026-02', studio_id: null, ...february },
      { month: '2026-03', studio_id: 's1', ...march },
      { month: '2026-03', studio_id: null, ...march },
    ]);
  });

  it('ends each month with monthly\'s reachable leads and its leads added', async () => {
    const growth = await runModel('marts/list_growth', given, HISTORY, HISTORY_LISTS);
    const monthly = await runModel('marts/monthly', given, HISTORY, HISTORY_LISTS);
    expect(growth.map((r) => [r.month, r.studio_id, r.reachable_at_end, r.leads_added])).toEqual(monthly.map((r) => [r.month, r.studio_id, r.reachable_leads, r.leads_added]));
  });
});

describe('campaign_results', () => {
  const text = (message_no: number, campaign_id: string | null, status: string, lead_no: number, local_date = '2026-03-02', studio_id = 's1'): Row => ({
    message_no,
    studio_id,
    lead_no,
    campaign_id,
    direction: 'outbound',
    status,
    is_reached: status === 'sent' || status === 'delivered',
    local_date,
  });
  const given: Record<string, GivenTable> = {
    int_messages_identified: {
      columns: { message_no: 'bigint', studio_id: 'varchar', lead_no: 'ubigint', campaign_id: 'varchar', direction: 'varchar', status: 'varchar', is_reached: 'boolean', local_date: 'date' },
      rows: [
        // c1 in two studios: three reached texts of four, two opt-outs
        text(1, 'c1', 'delivered', 1),
        text(2, 'c1', 'sent', 2),
        text(3, 'c1', 'failed', 3),
        text(4, 'c1', 'delivered', 4, '2026-03-05', 's2'),
        // c2: nothing reached
        text(5, 'c2', 'undelivered', 1),
        // one-to-one texts, two to one lead
        text(6, null, 'delivered', 1),
        text(7, null, 'delivered', 1, '2026-03-31'),
        // February's text of c1 is not the month's
        text(8, 'c1', 'delivered', 5, '2026-02-28'),
        { ...text(9, null, 'received', 1), direction: 'inbound', is_reached: false },
      ],
    },
    int_opt_outs_attributed: {
      columns: { message_no: 'bigint' },
      rows: [{ message_no: 1 }, { message_no: 4 }, { message_no: 8 }, { message_no: null }],
    },
    int_messages_cohorts: {
      columns: { campaign_id: 'varchar', campaign_type: 'varchar', local_date: 'date' },
      rows: [
        { campaign_id: 'c1', campaign_type: 'blast', local_date: '2026-03-02' },
        { campaign_id: 'c1', campaign_type: 'blast', local_date: '2026-03-02' },
        { campaign_id: 'c1', campaign_type: 'blast', local_date: '2026-03-05' },
        { campaign_id: null, campaign_type: 'conversation', local_date: '2026-03-02' },
      ],
    },
  };

  it('gives each campaign of the month, and the one-to-one texts, their texts sent, delivered and reached and their opt-outs', async () => {
    const rows = await runModel('marts/campaign_results', given, MARCH);
    const day = (d: string) => new Date(`${d}T00:00:00Z`);
    expect(rows).toEqual([
      { campaign_id: 'c1', campaign_type: 'blast', studio_ids: 's1;s2', first_date: day('2026-03-02'), last_date: day('2026-03-05'), sent: 4, delivered: 2, reached: 3, opt_outs: 2, recipients: 3 },
      { campaign_id: 'c2', campaign_type: null, studio_ids: 's1', first_date: day('2026-03-02'), last_date: day('2026-03-02'), sent: 1, delivered: 0, reached: 0, opt_outs: 0, recipients: 0 },
      { campaign_id: null, campaign_type: 'conversation', studio_ids: 's1', first_date: day('2026-03-02'), last_date: day('2026-03-31'), sent: 2, delivered: 2, reached: 2, opt_outs: 0, recipients: 1 },
    ]);
  });
});
