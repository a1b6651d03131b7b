import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../worker/db.ts';
import { periodTotals } from '../../worker/analysis/cohorts.ts';
import { pipeline } from '../helpers/pipeline.ts';

let db: Db | undefined;
afterEach(() => db?.close());

const HEADER = 'From,To,Body,Status,SentDate,ApiVersion,NumSegments,ErrorCode,AccountSid,Sid,Direction,Price,PriceUnit';
const STUDIO = '+12125550000';
const row = (sid: string, dir: 'outbound-api' | 'inbound', lead: string, at: string, body: string, status = dir === 'inbound' ? 'received' : 'delivered') =>
  [dir === 'inbound' ? lead : STUDIO, dir === 'inbound' ? STUDIO : lead, body, status, at, '2010-04-01', '1', '', 'AC1', sid, dir, '', 'USD'].join(',');

describe('a Twilio-only export (no studios, leads or opt-outs table)', () => {
  it('keys leads by number, finds opt-outs in keyword replies, and reads local time in the default zone', async () => {
    ({ db } = await pipeline({
      studios: 'studio_id\n',
      messages: [],
      files: {
        // pipeline() always writes a messages.csv; the Twilio log is the only file with rows.
        'twilio-log.csv': [
          HEADER,
          row('SM1', 'outbound-api', '+12125550101', '2026-03-02T14:00:00Z', 'Bay Fit: class tonight'), // 09:00 New York
          row('SM2', 'outbound-api', '+12125550102', '2026-03-02T14:00:00Z', 'Bay Fit: class tonight'),
          row('SM3', 'outbound-api', '+12125550101', '2026-03-03T14:00:00Z', 'Bay Fit: reminder'),
          row('SM4', 'inbound', '+12125550101', '2026-03-03T15:00:00Z', 'Stop'),
          row('SM5', 'outbound-api', '+12125550101', '2026-03-03T15:00:05Z', "Bay Fit: you're unsubscribed"),
          row('SM6', 'outbound-api', '+12125550103', '2026-03-10T02:30:00Z', 'Bay Fit: late'), // 22:30 on Mar 9
          row('SM7', 'outbound-api', '+12125550102', '2026-03-04T14:00:00Z', 'Bay Fit: x', 'undelivered'),
        ].join('\n'),
      },
    }));
    const totals = await periodTotals(db);
    expect(totals.current).toMatchObject({ reached: 5, recipients: 3, opt_outs: 1, attributed_opt_outs: 1, rate: 0.2, recipient_rate: 1 / 3 });
    const rows = await db.query<{ dimension: string; key: string; reached: number; opt_outs: number }>(
      `select dimension, key, reached, opt_outs from cohort_counts where period = 'current' and dimension in ('frequency_7d', 'send_hour', 'campaign_type', 'studio', 'consent') order by all`,
    );
    expect(rows).toEqual([
      { dimension: 'campaign_type', key: 'conversation', reached: 5, opt_outs: 1 },
      { dimension: 'consent', key: 'unknown', reached: 5, opt_outs: 1 },
      { dimension: 'frequency_7d', key: '1', reached: 3, opt_outs: 0 },
      { dimension: 'frequency_7d', key: '2', reached: 1, opt_outs: 1 },
      { dimension: 'frequency_7d', key: '3', reached: 1, opt_outs: 0 },
      { dimension: 'send_hour', key: '09', reached: 3, opt_outs: 1 },
      { dimension: 'send_hour', key: '10', reached: 1, opt_outs: 0 },
      { dimension: 'send_hour', key: '22', reached: 1, opt_outs: 0 },
      { dimension: 'studio', key: STUDIO, reached: 5, opt_outs: 1 },
    ]);
  });
});
