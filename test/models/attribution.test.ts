import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../worker/db.ts';
import { inbound, lead, optOutsOf, out, pipeline } from '../helpers/pipeline.ts';

let db: Db | undefined;
afterEach(() => db?.close());

describe('opt-out events and attribution (SPEC section 2)', () => {
  it('attributes an opt-out to the latest reached message within 72 hours, the window\'s end included', async () => {
    ({ db } = await pipeline({
      leads: [lead('l1'), lead('l2')],
      messages: [
        out('a0', '2026-03-01T18:00:00Z', { lead_id: 'l1' }),
        out('a1', '2026-03-02T18:00:00Z', { lead_id: 'l1' }),
        out('b1', '2026-03-02T18:00:00Z', { lead_id: 'l2' }),
      ],
      optOuts: [
        { studio_id: 's1', lead_id: 'l1', opted_out_at: '2026-03-05T18:00:00Z' }, // exactly 72 h after a1
        { studio_id: 's1', lead_id: 'l2', opted_out_at: '2026-03-05T18:00:01Z' }, // 72 h + 1 s after b1
      ],
    }));
    expect(await optOutsOf(db)).toEqual([
      { lead_key: 'id:l1', at: '2026-03-05T18:00:00Z', message_id: 'a1' },
      { lead_key: 'id:l2', at: '2026-03-05T18:00:01Z', message_id: null },
    ]);
  });

  it('gives equal send times to the greater message_id, and never attributes to a failed message', async () => {
    ({ db } = await pipeline({
      leads: [lead('l1'), lead('l2')],
      messages: [
        out('m1', '2026-03-02T18:00:00Z', { lead_id: 'l1' }),
        out('m2', '2026-03-02T18:00:00Z', { lead_id: 'l1' }),
        out('n1', '2026-03-02T18:00:00Z', { lead_id: 'l2' }),
        out('n2', '2026-03-03T18:00:00Z', { lead_id: 'l2', status: 'undelivered', error_code: '30003' }),
        out('n3', '2026-03-03T19:00:00Z', { lead_id: 'l2', status: 'queued' }),
      ],
      optOuts: [
        { studio_id: 's1', lead_id: 'l1', opted_out_at: '2026-03-02T19:00:00Z' },
        { studio_id: 's1', lead_id: 'l2', opted_out_at: '2026-03-03T20:00:00Z' },
      ],
    }));
    expect((await optOutsOf(db)).map((o) => o.message_id)).toEqual(['m2', 'n1']);
  });

  it('merges a keyword reply and the CRM\'s row for the same STOP into one opt-out at the earlier time', async () => {
    ({ db } = await pipeline({
      leads: [lead('l1')],
      messages: [
        out('m1', '2026-03-02T18:00:00Z'),
        inbound('k1', '2026-03-02T18:05:00Z', '  Stop. '),
        // Two days later, a STOP by phone only: still the same opt-out.
        inbound('k2', '2026-03-04T18:05:00Z', 'STOP ALL', { lead_id: '', phone: '(415) 555-0101' }),
      ],
      optOuts: [{ studio_id: 's1', lead_id: 'l1', opted_out_at: '2026-03-02T18:05:30Z', method: 'keyword' }],
    }));
    expect(await optOutsOf(db)).toEqual([{ lead_key: 'id:l1', at: '2026-03-02T18:05:00Z', message_id: 'm1' }]);
  });

  it('counts an opt-out again after a re-opt-in by keyword or by renewed consent', async () => {
    ({ db } = await pipeline({
      leads: [lead('l1'), lead('l2', { consent_at: '2026-03-10T00:00:00Z' })],
      messages: [
        out('a1', '2026-03-02T18:00:00Z', { lead_id: 'l1' }),
        inbound('a2', '2026-03-02T18:01:00Z', 'STOP', { lead_id: 'l1' }),
        inbound('a3', '2026-03-03T18:00:00Z', 'unstop', { lead_id: 'l1' }),
        out('a4', '2026-03-04T18:00:00Z', { lead_id: 'l1' }),
        inbound('a5', '2026-03-04T18:01:00Z', 'quit', { lead_id: 'l1' }),
        out('b1', '2026-03-02T18:00:00Z', { lead_id: 'l2' }),
        inbound('b2', '2026-03-02T18:01:00Z', 'cancel', { lead_id: 'l2' }),
        // consent_at 2026-03-10 re-subscribes l2
        out('b3', '2026-03-11T18:00:00Z', { lead_id: 'l2' }),
        inbound('b4', '2026-03-11T18:01:00Z', 'end', { lead_id: 'l2' }),
        inbound('b5', '2026-03-12T18:01:00Z', 'STOP', { lead_id: 'l2' }),
      ],
    }));
    expect((await optOutsOf(db)).map((o) => [o.lead_key, o.message_id])).toEqual([
      ['id:l1', 'a1'],
      ['id:l2', 'b1'],
      ['id:l1', 'a4'],
      ['id:l2', 'b3'],
    ]);
  });

  it('keys an unknown number by the number itself, and finds a lead by phone as the most recently created one', async () => {
    ({ db } = await pipeline({
      leads: [
        lead('old', { phone: '4155550150', created_at: '2025-01-01T00:00:00Z' }),
        lead('new', { phone: '415-555-0150', created_at: '2026-02-01T00:00:00Z' }),
      ],
      messages: [
        out('m1', '2026-03-02T18:00:00Z', { lead_id: '', phone: '+14155550150' }),
        out('m2', '2026-03-02T18:00:00Z', { lead_id: '', phone: '4155550199' }),
        inbound('m3', '2026-03-02T19:00:00Z', 'stop', { lead_id: '', phone: '415.555.0199' }),
      ],
    }));
    const identified = await db.query(`select message_id, lead_key from int_messages_identified order by message_id`);
    expect(identified).toEqual([
      { message_id: 'm1', lead_key: 'id:new' },
      { message_id: 'm2', lead_key: 'phone:+14155550199' },
      { message_id: 'm3', lead_key: 'phone:+14155550199' },
    ]);
    expect(await optOutsOf(db)).toEqual([{ lead_key: 'phone:+14155550199', at: '2026-03-02T19:00:00Z', message_id: 'm2' }]);
  });

  it('honours --attribution-hours', async () => {
    ({ db } = await pipeline(
      {
        leads: [lead('l1')],
        messages: [out('m1', '2026-03-02T18:00:00Z')],
        optOuts: [{ studio_id: 's1', lead_id: 'l1', opted_out_at: '2026-03-03T19:00:00Z' }],
      },
      { attributionHours: 24 },
    ));
    expect((await optOutsOf(db)).map((o) => o.message_id)).toEqual([null]);
  });
});
