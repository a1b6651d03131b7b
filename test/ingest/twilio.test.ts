import { describe, expect, it } from 'vitest';
import { load, writeExport } from '../helpers/export.ts';

const HEADER = 'From,To,Body,Status,SentDate,ApiVersion,NumSegments,ErrorCode,AccountSid,Sid,Direction,Price,PriceUnit';

describe('Twilio console message log', () => {
  it('is recognised by its header and placed in the studio whose number sent or received it', async () => {
    const dir = await writeExport({
      'studios.csv': 'studio_id,name,timezone,number\ns1,Palm Yoga,America/Los_Angeles,(415) 555-0000; +14155550001\ns2,Bay Fit,America/New_York,2125550000\n',
      // Any name: the header tells it is a Twilio log.
      'sms-log-march.csv': [
        HEADER,
        '+14155550000,+14155550101,Palm Yoga: hi,delivered,2026-03-02T18:00:00Z,2010-04-01,1,,AC1,SM1,outbound-api,-0.0079,USD',
        '+14155550101,+14155550001,STOP,received,"Mon, 02 Mar 2026 18:05:00 +0000",2010-04-01,1,,AC1,SM2,inbound,-0.0079,USD',
        '+12125550000,+12125550111,Bay Fit: hello,undelivered,"Tue, 03 Mar 2026 10:00:00 -0500",2010-04-01,1,30003,AC1,SM3,outbound-reply,,USD',
        '+13125550000,+13125550112,Other: hi,sent,2026-03-03T10:00:00-06:00,2010-04-01,1,,AC1,SM4,outbound-api,,USD',
        '+14155550000,555-12,bad,sent,2026-03-03T10:00:00Z,2010-04-01,1,,AC1,SM5,outbound-api,,USD',
      ].join('\n'),
    });
    const { db, byFile, rejected, result } = await load(dir);
    const rows = await db.query(
      `select message_id, studio_id, lead_id, phone, direction, strftime(sent_at, '%Y-%m-%dT%H:%M:%SZ') as sent_at, status, error_code, campaign_id, body
       from stg_messages order by message_id`,
    );
    db.close();
    expect(result.files.find((f) => f.file === 'sms-log-march.csv')?.adapter).toBe('twilio');
    expect(byFile['sms-log-march.csv']).toEqual({ rows: 5, accepted: 4, rejected: 1, duplicates: 0 });
    expect(rejected).toEqual([
      { file: 'sms-log-march.csv', line: 6, reason: 'phone is not a valid phone number for the region: "555-12"' },
    ]);
    expect(rows).toEqual([
      { message_id: 'SM1', studio_id: 's1', lead_id: null, phone: '+14155550101', direction: 'outbound', sent_at: '2026-03-02T18:00:00Z', status: 'delivered', error_code: null, campaign_id: null, body: 'Palm Yoga: hi' },
      // RFC 2822 dates, as Twilio's API writes them; the studio is the one the lead wrote to.
      { message_id: 'SM2', studio_id: 's1', lead_id: null, phone: '+14155550101', direction: 'inbound', sent_at: '2026-03-02T18:05:00Z', status: 'received', error_code: null, campaign_id: null, body: 'STOP' },
      { message_id: 'SM3', studio_id: 's2', lead_id: null, phone: '+12125550111', direction: 'outbound', sent_at: '2026-03-03T15:00:00Z', status: 'undelivered', error_code: 30003, campaign_id: null, body: 'Bay Fit: hello' },
      // A number no studio lists: the Twilio number itself is the studio.
      { message_id: 'SM4', studio_id: '+13125550000', lead_id: null, phone: '+13125550112', direction: 'outbound', sent_at: '2026-03-03T16:00:00Z', status: 'sent', error_code: null, campaign_id: null, body: 'Other: hi' },
    ]);
  });

  it('works as the only file of an export, with no studios or leads', async () => {
    const dir = await writeExport({
      'messages.csv': `${HEADER}\n+14155550000,+14155550101,hi,delivered,2026-03-02T18:00:00Z,2010-04-01,1,,AC1,SM1,outbound-api,,USD\n`,
    });
    const { db, byFile } = await load(dir);
    const rows = await db.query(`select studio_id, phone from stg_messages`);
    db.close();
    expect(byFile['messages.csv']).toEqual({ rows: 1, accepted: 1, rejected: 0, duplicates: 0 });
    expect(rows).toEqual([{ studio_id: '+14155550000', phone: '+14155550101' }]);
  });
});
