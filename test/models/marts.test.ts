import { describe, expect, it } from 'vitest';
import { DIMENSIONS } from '../../worker/catalog/index.ts';
import { REVIEW_PERIODS, runModel, type GivenTable } from '../helpers/model.ts';

/**
 * The marts the catalog generates, each run alone on given rows (test/helpers/model.ts): given
 * these messages of the fact table, expect these rows.
 */

type Fact = Record<string, string | number | boolean | null>;

/** Fact table rows: every dimension a column (as text: the marts compare and group keys only). */
function facts(rows: Fact[]): GivenTable {
  const columns: Record<string, string> = {
    message_no: 'bigint',
    studio_id: 'varchar',
    lead_no: 'ubigint',
    local_date: 'date',
    local_hour: 'integer',
    sent_at: 'timestamptz',
    sent_in_7d: 'integer',
    count_opt_outs: 'integer',
    business_days_after_opt_out: 'integer',
    is_sent_after_opt_out: 'boolean',
    is_sent_to_deactivated: 'boolean',
    is_missing_sender_id: 'boolean',
    is_quiet_hours: 'boolean',
  };
  for (const d of DIMENSIONS) columns[d] = 'varchar';
  const base: Fact = {
    studio_id: 's1',
    local_date: '2026-03-02',
    local_hour: 10,
    sent_at: '2026-03-02 18:00:00+00',
    sent_in_7d: 1,
    count_opt_outs: 0,
    business_days_after_opt_out: null,
    is_sent_after_opt_out: false,
    is_sent_to_deactivated: false,
    is_missing_sender_id: false,
    is_quiet_hours: false,
    lead_source: 'web_form',
    lead_age: '8-30d',
    frequency_7d: '1',
    consent: 'verified',
    engagement: '0-90d',
    campaign_type: 'targeted',
    send_hour: '10',
    day_of_week: 'mon',
    personalization: 'yes',
    studio: 's1',
    campaign: 'c1',
  };
  return { columns, rows: rows.map((r, i) => ({ ...base, message_no: i + 1, ...r })) };
}

describe('cohort_counts', () => {
  it('counts reached texts, attributed opt-outs, leads and leads who opted out, per period, dimension and key', async () => {
    const rows = await runModel('marts/cohort_counts', {
      int_messages_cohorts: facts([
        // lead 1: two texts in March, one of them with an opt-out
        { lead_no: 1, lead_source: 'list_import', count_opt_outs: 1 },
        { lead_no: 1, lead_source: 'list_import', local_date: '2026-03-31', day_of_week: 'tue' },
        // lead 2: one text in March, one in February
        { lead_no: 2 },
        { lead_no: 2, local_date: '2026-02-28', day_of_week: 'sat', count_opt_outs: 1 },
        // outside both months: never counted
        { lead_no: 3, local_date: '2026-04-01' },
        { lead_no: 3, local_date: '2026-01-31' },
      ]),
      review_periods: REVIEW_PERIODS,
    });
    const pick = (period: string, dimension: string) =>
      rows
        .filter((r) => r.period === period && r.dimension === dimension)
        .map(({ key, reached, opt_outs, recipients, opted_out_recipients }) => ({ key, reached, opt_outs, recipients, opted_out_recipients }));
    expect(pick('current', 'lead_source')).toEqual([
      { key: 'list_import', reached: 2, opt_outs: 1, recipients: 1, opted_out_recipients: 1 },
      { key: 'web_form', reached: 1, opt_outs: 0, recipients: 1, opted_out_recipients: 0 },
    ]);
    expect(pick('current', 'day_of_week')).toEqual([
      { key: 'mon', reached: 2, opt_outs: 1, recipients: 2, opted_out_recipients: 1 },
      { key: 'tue', reached: 1, opt_outs: 0, recipients: 1, opted_out_recipients: 0 },
    ]);
    expect(pick('previous', 'day_of_week')).toEqual([{ key: 'sat', reached: 1, opt_outs: 1, recipients: 1, opted_out_recipients: 1 }]);
    // every dimension of the catalog, each splitting the month's 3 texts
    for (const d of DIMENSIONS) {
      expect(pick('current', d).reduce((s, r) => s + (r.reached as number), 0), d).toBe(3);
      expect(pick('previous', d).reduce((s, r) => s + (r.reached as number), 0), d).toBe(1);
    }
  });
});

describe('check_leads and compliance_counts', () => {
  const requests: GivenTable = {
    columns: { studio_id: 'varchar', lead_no: 'ubigint', local_date: 'date', is_processed: 'boolean' },
    rows: [
      { studio_id: 's1', lead_no: 5, local_date: '2026-03-04', is_processed: false },
      { studio_id: 's1', lead_no: 6, local_date: '2026-03-04', is_processed: true },
      { studio_id: 's1', lead_no: 7, local_date: '2026-02-04', is_processed: false },
    ],
  };
  const leads: GivenTable = {
    columns: { studio_id: 'varchar', lead_key: 'varchar', phone: 'varchar' },
    rows: [
      { studio_id: 's1', lead_key: 'id:l1', phone: '+14155550101' },
      { studio_id: 's2', lead_key: 'id:l2', phone: '+14155550102' },
    ],
  };
  const identified: GivenTable = {
    columns: { lead_no: 'ubigint', lead_key: 'varchar' },
    rows: [1, 2, 4, 5, 7].map((n) => ({ lead_no: n, lead_key: n === 4 ? 'phone:+14155550104' : `id:l${n}` })),
  };
  const messages = facts([
    // lead 1: after an opt-out twice, once 12 business days after it; and without consent
    { lead_no: 1, is_sent_after_opt_out: true, business_days_after_opt_out: 2, consent: 'none' },
    { lead_no: 1, is_sent_after_opt_out: true, business_days_after_opt_out: 12, local_date: '2026-03-20' },
    // lead 2 (studio s2): at night, to a deactivated number, silent for 18 months, no sender
    { lead_no: 2, studio_id: 's2', is_quiet_hours: true, is_sent_to_deactivated: true, engagement: '548d+', is_missing_sender_id: true },
    // lead 4: known by number only; February does not count
    { lead_no: 4, consent: 'none', local_date: '2026-02-10' },
    { lead_no: 4, consent: 'none' },
  ]);
  const params = { period_start: '2026-03-01', period_end: '2026-03-31' };

  it('lists each lead per check with its texts, late texts, dates, id and number', async () => {
    const rows = await runModel(
      'marts/check_leads',
      { int_messages_cohorts: messages, int_opt_out_requests: requests, int_leads: leads, int_messages_identified: identified },
      params,
    );
    const brief = rows.map((r) => [r.check, r.studio_id, r.lead_id, r.phone, r.messages, r.late_messages]);
    expect(brief).toEqual([
      ['check_in_overdue', 's2', 'l2', '+14155550102', 1, 0],
      ['missing_sender_id', 's2', 'l2', '+14155550102', 1, 0],
      ['quiet_hours', 's2', 'l2', '+14155550102', 1, 0],
      ['sent_after_opt_out', 's1', 'l1', '+14155550101', 2, 1],
      ['sent_to_deactivated', 's2', 'l2', '+14155550102', 1, 0],
      ['sent_without_consent', 's1', 'l1', '+14155550101', 1, 0],
      ['sent_without_consent', 's1', null, '+14155550104', 1, 0],
      ['unprocessed_opt_out_request', 's1', 'l5', null, 1, 0],
    ]);
  });

  it('adds the leads up per check and studio, and overall', async () => {
    const checkLeads = await runModel(
      'marts/check_leads',
      { int_messages_cohorts: messages, int_opt_out_requests: requests, int_leads: leads, int_messages_identified: identified },
      params,
    );
    const rows = await runModel('marts/compliance_counts', {
      check_leads: {
        columns: { check: 'varchar', studio_id: 'varchar', messages: 'integer', late_messages: 'integer' },
        rows: checkLeads.map((r) => ({ check: r.check as string, studio_id: r.studio_id as string, messages: r.messages as number, late_messages: r.late_messages as number })),
      },
    });
    const consent = rows.filter((r) => r.check === 'sent_without_consent').map((r) => [r.studio_id, r.messages, r.leads]);
    expect(consent).toEqual([
      ['s1', 2, 2],
      [null, 2, 2],
    ]);
    expect(rows.find((r) => r.check === 'sent_after_opt_out' && r.studio_id === null)).toMatchObject({ messages: 2, leads: 1, late_messages: 1 });
  });
});

describe('int_messages_cohorts (the fact table)', () => {
  const identified = (rows: Fact[]): GivenTable => ({
    columns: {
      message_no: 'bigint',
      studio_id: 'varchar',
      lead_no: 'ubigint',
      direction: 'varchar',
      is_reached: 'boolean',
      campaign_id: 'varchar',
      campaign_type: 'varchar',
      sent_at: 'timestamptz',
      local_date: 'date',
      local_hour: 'integer',
      is_missing_sender_id: 'boolean',
      is_unpersonalised: 'boolean',
      personalization: 'varchar',
    },
    rows: rows.map((r, i) => ({
      message_no: i + 1,
      studio_id: 's1',
      lead_no: 1,
      direction: 'outbound',
      is_reached: true,
      campaign_id: 'c1',
      campaign_type: null,
      local_hour: 10,
      is_missing_sender_id: false,
      is_unpersonalised: false,
      personalization: 'yes',
      ...r,
    })),
  });
  const leads: GivenTable = {
    columns: {
      lead_no: 'ubigint',
      lead_source: 'varchar',
      created_at: 'timestamptz',
      consent_at: 'timestamptz',
      first_consent_at: 'timestamptz',
      consent_method: 'varchar',
      last_engaged_at: 'timestamptz',
      signals_at: 'timestamptz[]',
    },
    rows: [
      { lead_no: 1, lead_source: 'web_form', created_at: '2026-02-20 00:00:00+00', consent_at: '2026-02-20 00:00:00+00', first_consent_at: '2026-02-20 00:00:00+00', consent_method: 'web_form', last_engaged_at: null, signals_at: null },
      { lead_no: 2, lead_source: 'list_import', created_at: '2024-01-01 00:00:00+00', consent_at: '2026-03-03 00:00:00+00', first_consent_at: '2026-03-03 00:00:00+00', consent_method: 'import', last_engaged_at: null, signals_at: null },
    ],
  };
  const attributed: GivenTable = { columns: { message_no: 'bigint' }, rows: [{ message_no: 2 }, { message_no: 2 }] };
  const history: GivenTable = {
    columns: {
      message_no: 'bigint',
      is_sent_after_opt_out: 'boolean',
      business_days_after_opt_out: 'integer',
      is_sent_to_deactivated: 'boolean',
      is_resubscribed_after_opt_out: 'boolean',
      is_opt_out_ignored: 'boolean',
    },
    rows: [{ message_no: 3, is_sent_after_opt_out: true, business_days_after_opt_out: 4, is_sent_to_deactivated: false, is_resubscribed_after_opt_out: false, is_opt_out_ignored: false }],
  };

  it('gives each reached message its keys at send time, its opt-outs and its checks, and nothing for other messages', async () => {
    const rows = await runModel(
      'intermediate/int_messages_cohorts',
      {
        int_messages_identified: identified([
          // lead 1 (9 days old, verified): three texts in 7 days, the third at 22:00 on a Sunday
          { sent_at: '2026-03-01 18:00:00+00', local_date: '2026-03-01' },
          { sent_at: '2026-03-03 18:00:00+00', local_date: '2026-03-03', campaign_id: null, personalization: 'no' },
          { sent_at: '2026-03-08 06:00:00+00', local_date: '2026-03-08', local_hour: 22, campaign_type: 'automation' },
          // an inbound reply 2 days before: lead 2's engagement counts from it
          { lead_no: 2, direction: 'inbound', is_reached: false, campaign_id: null, sent_at: '2026-03-01 12:00:00+00', local_date: '2026-03-01' },
          // lead 2: an old imported lead, texted before its consent
          { lead_no: 2, sent_at: '2026-03-02 18:00:00+00', local_date: '2026-03-02' },
          // a failed text and a number with no lead
          { is_reached: false, sent_at: '2026-03-04 18:00:00+00', local_date: '2026-03-04' },
          { lead_no: 9, sent_at: '2026-03-05 18:00:00+00', local_date: '2026-03-05', personalization: 'unknown' },
        ]),
        int_leads: leads,
        int_opt_outs_attributed: attributed,
        int_message_history_checks: history,
      },
      { blast_size: 500 },
    );
    const keys = rows.map((r) => ({
      message_no: Number(r.message_no),
      opt_outs: r.count_opt_outs,
      keys: [r.lead_source, r.lead_age, r.frequency_7d, r.consent, r.engagement, r.campaign_type, r.send_hour, r.day_of_week, r.personalization, r.studio, r.campaign],
      after_opt_out: r.is_sent_after_opt_out,
      quiet: r.is_quiet_hours,
    }));
    expect(keys).toEqual([
      { message_no: 1, opt_outs: 0, keys: ['web_form', '8-30d', '1', 'verified', '0-90d', 'targeted', '10', 'sun', 'yes', 's1', 'c1'], after_opt_out: false, quiet: false },
      { message_no: 2, opt_outs: 2, keys: ['web_form', '8-30d', '2', 'verified', '0-90d', 'conversation', '10', 'tue', 'no', 's1', '(none)'], after_opt_out: false, quiet: false },
      { message_no: 3, opt_outs: 0, keys: ['web_form', '8-30d', '3', 'verified', '0-90d', 'automation', '22', 'sun', 'yes', 's1', 'c1'], after_opt_out: true, quiet: true },
      { message_no: 5, opt_outs: 0, keys: ['list_import', '548d+', '1', 'none', '0-90d', 'targeted', '10', 'mon', 'yes', 's1', 'c1'], after_opt_out: false, quiet: false },
      { message_no: 7, opt_outs: 0, keys: ['unknown', 'unknown', '1', 'unknown', 'unknown', 'targeted', '10', 'thu', 'unknown', 's1', 'c1'], after_opt_out: false, quiet: false },
    ]);
  });

  it('judges a lead exported in several versions by what each version knew at the send time', async () => {
    // int_leads of a lead exported twice: the first export has consent on 2025-06-01 and contact
    // on 2026-02-01; the second moves the contact to 2026-04-01, after the texts. Lead 4: the
    // first export has no consent, the second consents on 2026-03-10, between its two texts.
    const versions: GivenTable = {
      columns: leads.columns,
      rows: [
        { lead_no: 3, lead_source: 'web_form', created_at: '2025-01-01 00:00:00+00', consent_at: '2025-06-01 00:00:00+00', first_consent_at: '2025-06-01 00:00:00+00', consent_method: 'web_form', last_engaged_at: '2026-04-01 00:00:00+00', signals_at: "['2025-06-01 00:00:00+00', '2026-02-01 00:00:00+00', '2026-04-01 00:00:00+00']" },
        { lead_no: 4, lead_source: 'web_form', created_at: '2025-01-01 00:00:00+00', consent_at: '2026-03-10 00:00:00+00', first_consent_at: '2026-03-10 00:00:00+00', consent_method: 'web_form', last_engaged_at: null, signals_at: "['2026-03-10 00:00:00+00']" },
        // lead 5: the same times as lead 3's latest version, in one version: contact after the text is not counted
        { lead_no: 5, lead_source: 'web_form', created_at: '2025-01-01 00:00:00+00', consent_at: '2025-06-01 00:00:00+00', first_consent_at: '2025-06-01 00:00:00+00', consent_method: 'web_form', last_engaged_at: '2026-04-01 00:00:00+00', signals_at: null },
      ],
    };
    const rows = await runModel(
      'intermediate/int_messages_cohorts',
      {
        int_messages_identified: identified([
          { lead_no: 3, sent_at: '2026-03-05 18:00:00+00', local_date: '2026-03-05' },
          { lead_no: 4, sent_at: '2026-03-05 18:00:00+00', local_date: '2026-03-05' },
          { lead_no: 4, sent_at: '2026-03-12 18:00:00+00', local_date: '2026-03-12' },
          { lead_no: 5, sent_at: '2026-03-05 18:00:00+00', local_date: '2026-03-05' },
        ]),
        int_leads: versions,
        int_opt_outs_attributed: { columns: { message_no: 'bigint' }, rows: [] },
        int_message_history_checks: { ...history, rows: [] },
      },
      { blast_size: 500 },
    );
    expect(rows.map((r) => [Number(r.message_no), r.consent, r.engagement])).toEqual([
      // 2026-02-01 is the last contact any version knew of on 5 March: 32 days
      [1, 'verified', '0-90d'],
      // no consent yet on 5 March (last in touch: created 428 days before); on 12 March the second
      // export's consent counts, 2 days before
      [2, 'none', '366-547d'],
      [3, 'verified', '0-90d'],
      // one version, contact after the text: from the consent on 2025-06-01, 277 days
      [4, 'verified', '91-365d'],
    ]);
  });
});

describe('period_totals, daily_series and policy_savings', () => {
  const messages = facts([
    // March: lead 1 twice (one opt-out), lead 2 once at night with 5 texts that week; February: lead 3
    { lead_no: 1, count_opt_outs: 1 },
    { lead_no: 1, studio_id: 's2', local_date: '2026-03-03', consent: 'unverified' },
    { lead_no: 2, local_hour: 22, is_quiet_hours: true, sent_in_7d: 5, count_opt_outs: 1, engagement: '548d+' },
    { lead_no: 3, local_date: '2026-02-27', sent_at: '2026-02-27 18:00:00+00' },
  ]);
  const optOuts: GivenTable = {
    columns: { lead_key: 'varchar', local_date: 'date' },
    // three new opt-outs in March (one of them attributed to no text), none in February
    rows: [
      { lead_key: 'id:l1', local_date: '2026-03-02' },
      { lead_key: 'id:l2', local_date: '2026-03-02' },
      { lead_key: 'id:l9', local_date: '2026-03-20' },
    ],
  };

  it('period_totals: the headline numbers of each month', async () => {
    const rows = await runModel('marts/period_totals', { int_messages_cohorts: messages, int_opt_outs_attributed: optOuts, review_periods: REVIEW_PERIODS });
    expect(rows).toEqual([
      { period: 'current', reached: 3, recipients: 2, opt_outs: 3, attributed_opt_outs: 2, opted_out_recipients: 2, rate: 2 / 3, recipient_rate: 1 },
      { period: 'previous', reached: 1, recipients: 1, opt_outs: 0, attributed_opt_outs: 0, opted_out_recipients: 0, rate: 0, recipient_rate: 0 },
    ]);
  });

  it('daily_series: per studio and day, and per day overall', async () => {
    const rows = await runModel('marts/daily_series', { int_messages_cohorts: messages });
    expect(rows.map((r) => [r.studio_id, (r.local_date as Date).toISOString().slice(0, 10), r.reached, r.opt_outs])).toEqual([
      ['s1', '2026-02-27', 1, 0],
      ['s1', '2026-03-02', 2, 2],
      ['s2', '2026-03-03', 1, 0],
      [null, '2026-02-27', 1, 0],
      [null, '2026-03-02', 2, 2],
      [null, '2026-03-03', 1, 0],
    ]);
  });

  it('policy_savings: the texts each policy stops in the month, and the opt-outs attributed to them', async () => {
    const requests: GivenTable = {
      columns: { lead_no: 'ubigint', sent_at: 'timestamptz', is_processed: 'boolean' },
      rows: [{ lead_no: 1, sent_at: '2026-03-01 00:00:00+00', is_processed: false }],
    };
    const rows = await runModel(
      'marts/policy_savings',
      { int_messages_cohorts: messages, int_opt_out_requests: requests },
      { period_start: '2026-03-01', period_end: '2026-03-31' },
    );
    expect(Object.fromEntries(rows.map((r) => [r.policy, [r.messages_avoided, r.opt_outs_avoided]]))).toEqual({
      verified_consent_only: [1, 0],
      check_in_every_18_months: [1, 1],
      cap_3_per_week: [1, 1],
      daytime_only: [1, 1],
      honour_free_text_requests: [2, 1],
      all_of_the_above: [3, 2],
    });
  });

  it('action_stops: per policy, the texts with an opt-out it stops, as policy_savings counts them', async () => {
    // lead 1's first text (1 opt-out) came after its unprocessed request; lead 2's night text
    // (1 opt-out) is over the cap, silent for 548+ days and at night; texts without opt-outs are left out
    const requests: GivenTable = {
      columns: { lead_no: 'ubigint', sent_at: 'timestamptz', is_processed: 'boolean' },
      rows: [{ lead_no: 1, sent_at: '2026-03-01 00:00:00+00', is_processed: false }],
    };
    const rows = await runModel(
      'marts/action_stops',
      { int_messages_cohorts: messages, int_opt_out_requests: requests },
      { period_start: '2026-03-01', period_end: '2026-03-31' },
    );
    expect(rows.map((r) => [r.action, Number(r.message_no), r.opt_outs])).toEqual([
      ['cap_3_per_week', 3, 1],
      ['check_in_every_18_months', 3, 1],
      ['daytime_only', 3, 1],
      ['honour_free_text_requests', 1, 1],
    ]);
  });
});
