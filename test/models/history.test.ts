import { describe, expect, it } from 'vitest';
import { HISTORY_LISTS, runModel, type GivenTable } from '../helpers/model.ts';
import { changes, holm, twoProportionTest } from '../../worker/analysis/history.ts';
import type { CohortRow, Dimension } from '../../worker/analysis/cohorts.ts';

describe('int_leads (every version of a lead)', () => {
  const columns = {
    studio_id: 'varchar',
    lead_id: 'varchar',
    phone: 'varchar',
    source: 'varchar',
    created_at: 'timestamptz',
    consent_at: 'timestamptz',
    consent_method: 'varchar',
    last_engaged_at: 'timestamptz',
    first_name: 'varchar',
    file_id: 'integer',
    record_no: 'bigint',
  };
  const version = (lead_id: string, file_id: number, v: { consent_at?: string; last_engaged_at?: string; first_name?: string; created_at?: string }) => ({
    studio_id: 's1',
    lead_id,
    phone: '+14155550101',
    source: 'web_form',
    created_at: v.created_at ?? '2026-01-01 00:00:00+00',
    consent_at: v.consent_at ?? null,
    consent_method: v.consent_at ? 'web_form' : null,
    last_engaged_at: v.last_engaged_at ?? null,
    first_name: v.first_name ?? 'Ann',
    file_id,
    record_no: 1,
  });
  const D = (day: string) => `2026-${day} 00:00:00+00`;

  it('keeps the consent and engagement times of every version, whichever of them a lead has, and the latest text attributes', async () => {
    const rows = await runModel('intermediate/int_leads', {
      stg_leads: {
        columns,
        rows: [
          // engagement only, moved later by a re-export: both visits are signals
          version('a', 1, { last_engaged_at: D('02-01') }),
          version('a', 2, { last_engaged_at: D('09-01'), first_name: 'ANN' }),
          // consent only, moved later: both consents
          version('b', 1, { consent_at: D('01-02') }),
          version('b', 2, { consent_at: D('09-02') }),
          // both, and an earlier created_at in the later file
          version('c', 1, { consent_at: D('01-03'), last_engaged_at: D('02-03') }),
          version('c', 2, { consent_at: D('09-03'), last_engaged_at: D('09-04'), created_at: D('01-01') }),
          // neither: no signals
          version('d', 1, {}),
          version('d', 2, { first_name: 'Di' }),
          // one version: its own columns, no list
          version('e', 1, { last_engaged_at: D('02-05') }),
        ],
      },
    });
    const by = Object.fromEntries(rows.map((r) => [r.lead_id as string, r]));
    const ts = (xs: unknown) => (xs as Date[] | null)?.map((x) => new Date(x).toISOString().slice(0, 10)) ?? null;
    expect(Object.fromEntries(Object.entries(by).map(([id, r]) => [id, { signals: ts(r.signals_at), versions: r.versions, first_name: r.first_name }]))).toEqual({
      a: { signals: ['2026-02-01', '2026-09-01'], versions: 2, first_name: 'ANN' },
      b: { signals: ['2026-01-02', '2026-09-02'], versions: 2, first_name: 'Ann' },
      c: { signals: ['2026-01-03', '2026-02-03', '2026-09-03', '2026-09-04'], versions: 2, first_name: 'Ann' },
      d: { signals: [], versions: 2, first_name: 'Di' },
      e: { signals: null, versions: 1, first_name: 'Ann' },
    });
    expect(new Date(by.c?.created_at as string).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('monthly (the year of history)', () => {
  const outbound = (sent_at: string, status: string): Record<string, string | number | boolean | null> => ({
    studio_id: 's1',
    direction: 'outbound',
    status,
    is_reached: status === 'sent' || status === 'delivered',
    local_date: sent_at.slice(0, 10),
  });
  const given: Record<string, GivenTable> = {
    int_studios: { columns: { studio_id: 'varchar', timezone: 'varchar' }, rows: [{ studio_id: 's1', timezone: 'UTC' }] },
    int_messages_identified: {
      columns: { studio_id: 'varchar', direction: 'varchar', status: 'varchar', is_reached: 'boolean', local_date: 'date' },
      rows: [outbound('2026-02-10', 'delivered'), outbound('2026-02-11', 'failed'), outbound('2026-03-05', 'delivered'), outbound('2026-03-06', 'sent')],
    },
    daily_series: {
      columns: { studio_id: 'varchar', local_date: 'date', reached: 'integer', opt_outs: 'integer' },
      rows: [
        { studio_id: 's1', local_date: '2026-02-10', reached: 1, opt_outs: 1 },
        { studio_id: 's1', local_date: '2026-03-05', reached: 1, opt_outs: 0 },
        { studio_id: 's1', local_date: '2026-03-06', reached: 1, opt_outs: 0 },
        { studio_id: null, local_date: '2026-03-06', reached: 1, opt_outs: 0 },
      ],
    },
    int_opt_outs_attributed: {
      columns: { studio_id: 'varchar', lead_no: 'ubigint', local_date: 'date' },
      rows: [
        { studio_id: 's1', lead_no: 1, local_date: '2026-02-10' },
        { studio_id: 's1', lead_no: 2, local_date: '2026-02-16' },
        { studio_id: 's1', lead_no: 3, local_date: '2026-03-20' },
      ],
    },
    int_opt_out_events: {
      columns: { studio_id: 'varchar', lead_no: 'ubigint', event_at: 'timestamptz', kind: 'varchar', seq: 'bigint' },
      rows: [
        { studio_id: 's1', lead_no: 1, event_at: '2026-02-10 12:00:00+00', kind: 'opt_out', seq: 1 },
        { studio_id: 's1', lead_no: 2, event_at: '2026-02-16 12:00:00+00', kind: 'opt_out', seq: 1 },
        { studio_id: 's1', lead_no: 2, event_at: '2026-03-02 12:00:00+00', kind: 're_opt_in', seq: 2 },
        { studio_id: 's1', lead_no: 3, event_at: '2026-03-20 12:00:00+00', kind: 'opt_out', seq: 1 },
      ],
    },
    int_leads: {
      columns: { studio_id: 'varchar', lead_no: 'ubigint', phone: 'varchar', created_at: 'timestamptz', consent_ats: 'timestamptz[]' },
      rows: [
        { studio_id: 's1', lead_no: 1, phone: '+1', created_at: '2026-01-05 00:00:00+00', consent_ats: '[]' },
        { studio_id: 's1', lead_no: 2, phone: '+2', created_at: '2026-02-15 00:00:00+00', consent_ats: '[]' },
        { studio_id: 's1', lead_no: 3, phone: '+3', created_at: '2026-03-01 00:00:00+00', consent_ats: '[]' },
        // listed as deactivated on 15 March, never consented again: not reachable at March's end
        { studio_id: 's1', lead_no: 4, phone: '+4', created_at: '2026-03-10 00:00:00+00', consent_ats: '[]' },
        // listed on 1 February, consented again on 20 February: reachable
        { studio_id: 's1', lead_no: 5, phone: '+5', created_at: '2026-01-01 00:00:00+00', consent_ats: "['2026-02-20 00:00:00+00']" },
      ],
    },
    int_deactivated_numbers: {
      columns: { phone: 'varchar', deactivated_on: 'date' },
      rows: [
        { phone: '+4', deactivated_on: '2026-03-15' },
        { phone: '+5', deactivated_on: '2026-02-01' },
      ],
    },
  };

  it('counts each month with texts: reached, opt-outs, sent and delivered, leads added, opted out and reachable at its end', async () => {
    const rows = await runModel('marts/monthly', given, { history_start: '2025-04-01', history_end: '2026-03-31' }, HISTORY_LISTS);
    const s1 = {
      // February: lead 2 added; at its end leads 1 and 2 are opted out, lead 5 reachable (consent after the listing)
      '2026-02': { reached: 1, attributed_opt_outs: 1, opt_outs: 2, sent: 2, delivered: 1, leads_added: 1, leads_opted_out: 2, reachable_leads: 1 },
      // March: leads 3 and 4 added; at its end lead 2 opted in again, 3 opted out, 4 deactivated: 2 and 5 reachable
      '2026-03': { reached: 2, attributed_opt_outs: 0, opt_outs: 1, sent: 2, delivered: 1, leads_added: 2, leads_opted_out: 1, reachable_leads: 2 },
    };
    // January has a lead but no text: no row; all studios equal the one studio
    expect(rows).toEqual([
      { month: '2026-02', studio_id: 's1', ...s1['2026-02'] },
      { month: '2026-02', studio_id: null, ...s1['2026-02'] },
      { month: '2026-03', studio_id: 's1', ...s1['2026-03'] },
      { month: '2026-03', studio_id: null, ...s1['2026-03'] },
    ]);
  });

  it('leaves out months before the year of history', async () => {
    const rows = await runModel('marts/monthly', given, { history_start: '2026-03-01', history_end: '2026-03-31' }, HISTORY_LISTS);
    expect(rows.map((r) => r.month)).toEqual(['2026-03', '2026-03']);
  });
});

describe('changes since last month', () => {
  it('tests two proportions as a pooled z-test', () => {
    // 10 of 1000 against 30 of 1000: z = 0.02 / sqrt(0.02 * 0.98 * 0.002) = 3.194, p = 0.0014
    const { z, p } = twoProportionTest(10, 1000, 30, 1000);
    expect(z).toBeCloseTo(3.1944, 3);
    expect(p).toBeCloseTo(0.0014, 4);
    expect(twoProportionTest(0, 100, 0, 100)).toEqual({ z: 0, p: 1 });
  });

  it("corrects for many groups with Holm's step-down method", () => {
    expect(holm([0.01, 0.04, 0.03]).map((p) => Number(p.toFixed(6)))).toEqual([0.03, 0.06, 0.06]);
    expect(holm([0.5, 0.001])).toEqual([0.5, 0.002]);
  });

  it('lists the groups that changed beyond chance, the largest change first, and skips small ones', () => {
    const row = (key: string, prev: [number, number], now: [number, number]): CohortRow =>
      ({ key, reached: now[1], opt_outs: now[0], rate: now[0] / now[1], previous: { reached: prev[1], opt_outs: prev[0], rate: prev[0] / prev[1] } }) as CohortRow;
    const cohorts = {
      lead_source: [
        row('list_import', [10, 1000], [60, 1000]), // 1% -> 6%: clear
        row('web_form', [20, 2000], [22, 2000]), // 1% -> 1.1%: chance
        row('walk_in', [0, 40], [10, 40]), // too few texts to test
      ],
      studio: [row('s1', [50, 2000], [20, 2000])], // 2.5% -> 1%: clear, down
    } as unknown as Record<Dimension, CohortRow[]>;
    const found = changes(cohorts);
    expect(found.map((c) => [c.dimension, c.key, c.direction])).toEqual([
      ['lead_source', 'list_import', 'up'],
      ['studio', 's1', 'down'],
    ]);
    expect(found[0]?.change).toBeCloseTo(0.05, 10);
    // three groups tested: the smallest p-value is multiplied by 3
    expect(found[0]?.p_adjusted).toBeCloseTo(3 * (found[0]?.p_value as number), 12);
  });
});
