import { describe, expect, it } from 'vitest';
import { MESSAGES_HEADER, STUDIOS, load, writeExport } from '../helpers/export.ts';

/** A messages row to lead l1 by phone only. */
const byPhone = (id: string, phone: string): string => `${id},s1,,"${phone}",outbound,2026-03-02T18:00:00Z,delivered,,,,hi`;

const LEADS = 'lead_id,studio_id,phone,source,created_at\nl1,s1,(415) 555-0101,web_form,2026-01-01T00:00:00Z\n';

describe('phone numbers in staging (keys and NANP digits in SQL, libphonenumber per prefix or key)', () => {
  it('gives every notation of a number one E.164 form, and rejects invalid numbers with their raw text', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'leads.csv': LEADS,
      'messages.csv': [
        MESSAGES_HEADER,
        byPhone('m1', '(415) 555-0101'),
        byPhone('m2', '415.555.0101'),
        byPhone('m3', '+1 415 555 0101'),
        byPhone('m4', '415\u00a0555\u00a00102'), // non-breaking spaces
        byPhone('m5', '+44 20 7183 8750'), // not NANP-shaped: libphonenumber on the key
        byPhone('m6', '(123) 555-0101'), // NANP-shaped, no area code starts with 1
        byPhone('m7', '1-415-555-0103'),
      ].join('\n'),
    });
    const { db, rejected, result } = await load(dir);
    try {
      const phones = await db.query<{ message_id: string; phone: string }>(`select message_id, phone from stg_messages order by message_id`);
      expect(phones).toEqual([
        { message_id: 'm1', phone: '+14155550101' },
        { message_id: 'm2', phone: '+14155550101' },
        { message_id: 'm3', phone: '+14155550101' },
        { message_id: 'm4', phone: '+14155550102' },
        { message_id: 'm5', phone: '+442071838750' },
        { message_id: 'm7', phone: '+14155550103' },
      ]);
      expect(rejected).toEqual([{ file: 'messages.csv', line: 7, reason: 'phone is not a valid phone number for the region: "(123) 555-0101"' }]);
      // every distinct raw string once: the six above that differ, (123) 555-0101 and the studio's number
      expect(result.phonesNormalised).toBe(8);
    } finally {
      db.close();
    }
  });

  it('reads national numbers of the region given with --region', async () => {
    const dir = await writeExport({
      'studios.csv': 'studio_id,name,timezone\ns1,Palm Yoga,Europe/London\n',
      'messages.csv': [MESSAGES_HEADER, byPhone('m1', '020 7183 8750'), byPhone('m2', '+44 (0)20 7183 8751') /* the national prefix in brackets is read too */, byPhone('m3', '415-555-0101')].join('\n'),
    });
    const { db, rejected } = await load(dir, { region: 'GB' });
    try {
      const phones = await db.query<{ message_id: string; phone: string }>(`select message_id, phone from stg_messages order by message_id`);
      expect(phones).toEqual([
        { message_id: 'm1', phone: '+442071838750' },
        { message_id: 'm2', phone: '+442071838751' },
      ]);
      expect(rejected.map((r) => [r.line, r.reason])).toEqual([[4, 'phone is not a valid phone number for the region: "415-555-0101"']]);
    } finally {
      db.close();
    }
  });
});
