import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../worker/db.ts';
import { TIMESTAMP_MACRO } from '../../worker/ingest/staging.ts';
import { MESSAGES_HEADER, STUDIOS, loadAndClose, writeExport } from '../helpers/export.ts';

/** Every timestamp form a real export writes, and the impossible ones, as a table (issue 13). */
let db: Db;
beforeAll(async () => {
  db = await Db.open(null);
  await db.exec(TIMESTAMP_MACRO);
});
afterAll(() => db.close());

const read = async (v: string): Promise<string | null> =>
  (await db.queryOne<{ t: string | null }>(`select strftime(parse_ts($v), '%Y-%m-%dT%H:%M:%S.%fZ') as t`, { v })).t;

describe('timestamps', () => {
  // [as written, the instant in UTC]
  const valid: [string, string][] = [
    ['2026-10-05T12:00:00Z', '2026-10-05T12:00:00.000000Z'],
    ['2026-10-05T12:00Z', '2026-10-05T12:00:00.000000Z'], // minute precision with a zone
    ['2026-10-05T13:00+01:00', '2026-10-05T12:00:00.000000Z'],
    ['2026-10-05T13:00+0100', '2026-10-05T12:00:00.000000Z'],
    ['2026-10-05T13:00+01', '2026-10-05T12:00:00.000000Z'],
    ['2026-10-05T07:00-05:00', '2026-10-05T12:00:00.000000Z'],
    ['2026-10-05T14:00:00,5Z', '2026-10-05T14:00:00.500000Z'], // decimal comma
    ['2026-10-05T14:00:00.25Z', '2026-10-05T14:00:00.250000Z'],
    ['2026-10-05T14:00:00.123456+00:00', '2026-10-05T14:00:00.123456Z'],
    ['2026-10-05T14:00:00,123-0130', '2026-10-05T15:30:00.123000Z'],
    ['2026-10-05T11:00', '2026-10-05T11:00:00.000000Z'], // naive = UTC
    ['2026-10-05 11:00:00', '2026-10-05T11:00:00.000000Z'],
    ['2026-10-05 11:00', '2026-10-05T11:00:00.000000Z'],
    ['2026-10-05 13:00:00+02', '2026-10-05T11:00:00.000000Z'],
    ['2026-10-05T13:00:00 +02:00', '2026-10-05T11:00:00.000000Z'], // a space before the offset
    ['2026-10-05 11:00:00 UTC', '2026-10-05T11:00:00.000000Z'],
    ['2026-10-05t11:00:00z', '2026-10-05T11:00:00.000000Z'],
    ['2026-10-05', '2026-10-05T00:00:00.000000Z'], // a date alone = midnight UTC
    ['2028-02-29T10:00Z', '2028-02-29T10:00:00.000000Z'],
    ['Tue, 30 Jun 2026 15:00:00 +0000', '2026-06-30T15:00:00.000000Z'], // RFC 2822 (Twilio)
    ['30 Jun 2026 15:00:00 +0000', '2026-06-30T15:00:00.000000Z'],
    ['Tue, 30 Jun 2026 10:00:00 -0500', '2026-06-30T15:00:00.000000Z'],
    ['Tue, 30 Jun 2026 15:00 GMT', '2026-06-30T15:00:00.000000Z'],
    ['Wed, 1 Jul 2026 08:00:00 PDT', '2026-07-01T15:00:00.000000Z'],
    ['Fri, 30 Jun 2026 15:00:00 +0000', '2026-06-30T15:00:00.000000Z'], // the weekday is not checked: the date wins
  ];
  it.each(valid)('reads %s', async (v, utc) => {
    expect(await read(v)).toBe(utc);
  });

  const invalid = [
    '2026-06-31T15:00:00Z',
    '2026-06-31T15:00Z',
    '2026-02-29',
    '2026-02-29T10:00',
    '2026-13-01T10:00Z',
    '2026-10-05T25:00Z',
    '2026-10-05T11:60Z',
    'Wed, 31 Jun 2026 15:00:00 +0000',
    'Mon, 30 Feb 2026 15:00:00 +0000',
    'Sat, 29 Feb 2025 15:00:00 +0000',
    'Tue, 30 Foo 2026 15:00:00 +0000',
    'Tue, 30 Jun 2026 15:00:00 Mars/Olympus',
    '2026-10-05 11:00:00 nowhere',
    '2026-10-05Tnoon',
    'yesterday',
    '05/10/2026 11:00',
  ];
  it.each(invalid)('rejects %s', async (v) => {
    expect(await read(v)).toBeNull();
  });

  it('rejects an impossible date in any form with its line and reason', async () => {
    const row = (id: string, sentAt: string): string => `${id},s1,,4155550101,outbound,"${sentAt}",delivered,,c1,,hi`;
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages.csv': [MESSAGES_HEADER, row('m1', '2026-06-30T15:00Z'), row('m2', 'Wed, 31 Jun 2026 15:00:00 +0000'), row('m3', '2026-06-31T15:00:00Z'), row('m4', 'Tue, 30 Jun 2026 15:00:00 +0000')].join('\n') + '\n',
    });
    const { byFile, rejected } = await loadAndClose(dir);
    expect(byFile['messages.csv']).toEqual({ rows: 4, accepted: 2, rejected: 2, duplicates: 0 });
    expect(rejected).toEqual([
      { file: 'messages.csv', line: 3, reason: 'sent_at is not a timestamp: "Wed, 31 Jun 2026 15:00:00 +0000"' },
      { file: 'messages.csv', line: 4, reason: 'sent_at is not a timestamp: "2026-06-31T15:00:00Z"' },
    ]);
  });
});
