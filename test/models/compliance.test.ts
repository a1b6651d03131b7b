import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../worker/db.ts';
import { MESSAGE_IDS, inbound, lead, out, pipeline } from '../helpers/pipeline.ts';

let db: Db | undefined;
afterEach(() => db?.close());

/** The messages each check flags, by message_id. */
async function flagged(d: Db): Promise<Record<string, string[]>> {
  const rows = await d.query<Record<string, string | boolean>>(`select * from int_messages_cohorts join ${MESSAGE_IDS} using (message_no) order by message_id`);
  const out: Record<string, string[]> = {};
  for (const check of ['is_sent_after_opt_out', 'is_sent_to_deactivated', 'is_quiet_hours', 'is_missing_sender_id']) {
    out[check] = rows.filter((r) => r[check] === true).map((r) => r.message_id as string);
  }
  return out;
}

const STUDIOS = 'studio_id,name,timezone\ns1,Palm Yoga,America/Los_Angeles\n';

describe('compliance checks at their edges (SPEC section 4)', () => {
  it('exempts the confirmation within 5 minutes of an opt-out, and nothing after a re-opt-in', async () => {
    ({ db } = await pipeline({
      studios: STUDIOS,
      leads: [lead('l1'), lead('l2'), lead('l3')],
      messages: [
        out('a0', '2026-03-02T18:00:00Z', { lead_id: 'l1' }),
        inbound('a1', '2026-03-02T18:01:00Z', 'STOP', { lead_id: 'l1' }),
        out('a2', '2026-03-02T18:06:00Z', { lead_id: 'l1', campaign_id: '' }), // exactly 5 min: the confirmation
        out('a3', '2026-03-03T18:00:00Z', { lead_id: 'l1' }), // a send after the opt-out
        inbound('a4', '2026-03-04T18:00:00Z', 'Start', { lead_id: 'l1' }),
        out('a5', '2026-03-05T18:00:00Z', { lead_id: 'l1' }), // after the re-opt-in: fine
        out('b0', '2026-03-02T18:00:00Z', { lead_id: 'l2' }),
        inbound('b1', '2026-03-02T18:01:00Z', 'stop', { lead_id: 'l2' }),
        out('b2', '2026-03-02T18:06:01Z', { lead_id: 'l2', campaign_id: '' }), // 5 min 1 s: not exempt
        out('c1', '2026-03-02T18:00:00Z', { lead_id: 'l3', status: 'failed' }), // not reached: never counted
      ],
      optOuts: [{ studio_id: 's1', lead_id: 'l3', opted_out_at: '2026-03-01T00:00:00Z' }],
    }));
    expect((await flagged(db)).is_sent_after_opt_out).toEqual(['a3', 'b2']);
  });

  it('counts sends more than 10 business days after the opt-out, weekends and holidays excluded', async () => {
    ({ db } = await pipeline(
      {
        studios: STUDIOS,
        leads: [lead('l1')],
        messages: [
          out('m0', '2026-05-15T17:00:00Z'),
          inbound('m1', '2026-05-15T18:00:00Z', 'stop'), // Friday 15 May, local
          out('m10', '2026-05-29T18:00:00Z'), // Fri 29 May: 9 business days (Memorial Day, 25 May)
          out('m11', '2026-06-01T18:00:00Z'), // Mon 1 Jun: 10
          out('m12', '2026-06-02T18:00:00Z'), // Tue 2 Jun: 11, late
        ],
      },
      { month: '2026-05' },
    ));
    const rows = await db.query(`select message_id, business_days_after_opt_out as days from int_messages_cohorts join ${MESSAGE_IDS} using (message_no) where is_sent_after_opt_out order by message_id`);
    expect(rows).toEqual([
      { message_id: 'm10', days: 9 },
      { message_id: 'm11', days: 10 },
      { message_id: 'm12', days: 11 },
    ]);
  });

  it('counts sends to a deactivated number from its date, unless a consent after that date came before the send', async () => {
    ({ db } = await pipeline({
      studios: STUDIOS,
      leads: [
        lead('l1', { phone: '4155550101' }),
        lead('l2', { phone: '4155550102', consent_at: '2026-03-12T20:00:00Z' }),
        lead('l3', { phone: '4155550103', consent_at: '2026-03-01T00:00:00Z' }),
      ],
      messages: [
        out('a1', '2026-03-10T06:59:00Z', { lead_id: 'l1' }), // 23:59 PDT on Mar 9 in Los Angeles: before
        out('a2', '2026-03-10T07:00:00Z', { lead_id: 'l1' }), // 00:00 on Mar 10: counted
        out('a3', '2026-03-11T18:00:00Z', { lead_id: '', phone: '(415) 555-0101' }), // by the message's number
        // l2's consent is dated Mar 12 (local), after the number's deactivation on Mar 10: a new
        // owner opted in, and the sends after it do not count; b1, sent before that consent, went
        // to the deactivated number (a consent counts only at or before the send, as in every
        // cohort and check)
        out('b1', '2026-03-11T18:00:00Z', { lead_id: 'l2' }),
        out('b2', '2026-03-13T18:00:00Z', { lead_id: 'l2' }),
        // l3 consented on Mar 1, before the listing; the CRM's re-export dates its consent in
        // April, after every send: the sends in March still went to a deactivated number
        out('c1', '2026-03-13T18:00:00Z', { lead_id: 'l3' }),
      ],
      files: {
        'deactivations-2026-03-10.csv': 'phone\n415-555-0101\n4155550102\n4155550103\n',
        'deactivations-2026-03-11.csv': 'phone\n4155550101\n',
        'leads_2.csv': 'lead_id,studio_id,phone,created_at,consent_at,consent_method\nl3,s1,4155550103,2026-01-01T00:00:00Z,2026-04-20T00:00:00Z,web_form\n',
      },
    }));
    expect((await flagged(db)).is_sent_to_deactivated).toEqual(['a2', 'a3', 'b1', 'c1']);
  });

  it('flags quiet hours from 21:00 to 08:00 local, and messages that do not name the studio', async () => {
    ({ db } = await pipeline({
      studios: STUDIOS,
      leads: [lead('l1')],
      messages: [
        out('h2059', '2026-03-11T03:59:00Z'), // 20:59 PDT
        out('h2100', '2026-03-11T04:00:00Z'), // 21:00
        out('h0759', '2026-03-11T14:59:00Z'), // 07:59
        out('h0800', '2026-03-11T15:00:00Z'), // 08:00
        out('named', '2026-03-11T18:00:00Z', { body: 'PALM YOGA: hi' }),
        out('unnamed', '2026-03-11T18:01:00Z', { body: 'Save 20% this week' }),
        out('empty', '2026-03-11T18:02:00Z', { body: '' }),
      ],
    }));
    const f = await flagged(db);
    expect(f.is_quiet_hours).toEqual(['h0759', 'h2100']);
    expect(f.is_missing_sender_id).toEqual(['unnamed']);
  });

  it('counts a free-text request as unprocessed only when no opt-out follows within 24 hours', async () => {
    ({ db } = await pipeline({
      studios: STUDIOS,
      leads: [lead('l1'), lead('l2'), lead('l3'), lead('l4')],
      messages: [
        out('m1', '2026-03-01T18:00:00Z', { lead_id: 'l4' }), // the review month needs a reached text
        inbound('r1', '2026-03-02T18:00:00Z', 'please stop texting me', { lead_id: 'l1' }),
        inbound('k1', '2026-03-02T19:00:00Z', 'STOP', { lead_id: 'l1' }), // processed by the lead's own STOP
        inbound('r2', '2026-03-02T18:00:00Z', 'Take me off your list', { lead_id: 'l2' }), // opt_outs row at +24 h
        inbound('r3', '2026-03-02T18:00:00Z', 'no más mensajes por favor', { lead_id: 'l3' }), // opt_outs row at +24 h 1 s
        inbound('r4', '2026-03-02T18:00:00Z', 'Cancel my Thursday booking', { lead_id: 'l4' }), // a look-alike
      ],
      optOuts: [
        { studio_id: 's1', lead_id: 'l2', opted_out_at: '2026-03-03T18:00:00Z' },
        { studio_id: 's1', lead_id: 'l3', opted_out_at: '2026-03-03T18:00:01Z' },
      ],
    }));
    const rows = await db.query(`select message_id, is_processed from int_opt_out_requests order by message_id`);
    expect(rows).toEqual([
      { message_id: 'r1', is_processed: true },
      { message_id: 'r2', is_processed: true },
      { message_id: 'r3', is_processed: false },
    ]);
  });

  it('lists in the suppression file who is opted out, deactivated or asked to stop, and not who came back', async () => {
    ({ db } = await pipeline({
      studios: STUDIOS,
      leads: [lead('l1'), lead('l2'), lead('l3'), lead('l4')],
      messages: [
        out('m1', '2026-03-02T18:00:00Z', { lead_id: 'l1' }),
        inbound('s1', '2026-03-02T18:01:00Z', 'stop', { lead_id: 'l1' }),
        inbound('s2', '2026-03-02T18:01:00Z', 'stop', { lead_id: 'l2' }),
        inbound('s3', '2026-03-03T18:01:00Z', 'start', { lead_id: 'l2' }),
        inbound('r1', '2026-03-04T18:01:00Z', 'leave me alone', { lead_id: 'l3' }),
      ],
      files: { 'deactivations-2026-03-10.csv': 'phone\n4155550104\n2125559999\n' },
    }));
    const rows = await db.query(`select phone, studio_id, lead_id, reasons from suppression_list order by phone`);
    expect(rows).toEqual([
      { phone: '+12125559999', studio_id: null, lead_id: null, reasons: 'deactivated' },
      { phone: '+14155550101', studio_id: 's1', lead_id: 'l1', reasons: 'opted_out' },
      { phone: '+14155550103', studio_id: 's1', lead_id: 'l3', reasons: 'unprocessed_request' },
      { phone: '+14155550104', studio_id: 's1', lead_id: 'l4', reasons: 'deactivated' },
    ]);
  });

  it('computes what each policy would have saved from the opt-outs of the messages it stops', async () => {
    ({ db } = await pipeline({
      studios: STUDIOS,
      leads: [lead('l1', { consent_at: '', consent_method: '' }), lead('l2')],
      messages: [
        out('n1', '2026-03-02T18:00:00Z', { lead_id: 'l1' }), // no consent
        inbound('n2', '2026-03-02T18:30:00Z', 'stop', { lead_id: 'l1' }),
        ...[1, 2, 3, 4].map((i) => out(`f${i}`, `2026-03-0${i + 1}T18:00:00Z`, { lead_id: 'l2' })), // f4 is the 4th in 7 days
        inbound('f5', '2026-03-05T18:30:00Z', 'stop', { lead_id: 'l2' }),
      ],
    }));
    const rows = await db.query(`select policy, messages_avoided, opt_outs_avoided from policy_savings order by policy`);
    expect(rows).toEqual([
      { policy: 'all_of_the_above', messages_avoided: 2, opt_outs_avoided: 2 },
      { policy: 'cap_3_per_week', messages_avoided: 1, opt_outs_avoided: 1 },
      { policy: 'verified_consent_only', messages_avoided: 1, opt_outs_avoided: 1 },
    ]);
  });
});
