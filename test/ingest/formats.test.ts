import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { Db } from '../../worker/db.ts';
import { LEADS, MESSAGES_HEADER, STUDIOS, load, loadAndClose, writeExport } from '../helpers/export.ts';

const MSG = (id: string, extra = 'outbound,2026-03-02T18:00:00Z,delivered,,c1,,Palm Yoga: hi') => `${id},s1,l1,,${extra}`;

describe('reading every format of SPEC section 1', () => {
  it('reads CSV, gzipped CSV, JSON Lines and Parquet files of one table, each row once', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'leads.csv': LEADS,
      'messages-2026-01.csv': `${MESSAGES_HEADER}\n${MSG('a1')}\n${MSG('a2')}\n`,
      'messages-2026-02.csv.gz': `${MESSAGES_HEADER}\n${MSG('b1')}\n`,
      'messages-2026-03.jsonl':
        '{"message_id":"c1","studio_id":"s1","lead_id":"l1","direction":"outbound","sent_at":"2026-03-02T18:00:00Z","status":"delivered","error_code":30007}\n',
    });
    // A Parquet part written by DuckDB itself, in a folder named after the table.
    const db = await Db.open(null);
    await db.exec(`copy (select 'd1' as message_id, 's1' as studio_id, 'l1' as lead_id, 'outbound' as direction,
      timestamptz '2026-03-04 10:00:00+00' as sent_at, 'sent' as status, 30003 as error_code)
      to '${path.join(dir, 'messages-parquet')}' (format parquet, per_thread_output true)`);
    db.close();
    const { db: out, byFile } = await load(dir);
    const files = Object.keys(byFile).filter((f) => f.startsWith('messages'));
    expect(files.length).toBe(4);
    const rows = await out.query<{ message_id: string; sent_at: string; error_code: number | null }>(
      `select message_id, strftime(sent_at, '%Y-%m-%dT%H:%M:%SZ') as sent_at, error_code from stg_messages order by message_id`,
    );
    out.close();
    expect(rows).toEqual([
      { message_id: 'a1', sent_at: '2026-03-02T18:00:00Z', error_code: null },
      { message_id: 'a2', sent_at: '2026-03-02T18:00:00Z', error_code: null },
      { message_id: 'b1', sent_at: '2026-03-02T18:00:00Z', error_code: null },
      { message_id: 'c1', sent_at: '2026-03-02T18:00:00Z', error_code: 30007 },
      { message_id: 'd1', sent_at: '2026-03-04T10:00:00Z', error_code: 30003 },
    ]);
  });

  it('matches headers case-insensitively, in any order, with any delimiter, and ignores unknown columns', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'leads.csv': 'Phone;LEAD_ID;Studio_Id;Created_At;favourite_class\n415-555-0101;l1;s1;2026-01-01;spin\n',
      'messages.csv': `${MESSAGES_HEADER},Segments\n${MSG('m1')},2\n`,
    });
    const { db, byFile } = await load(dir);
    const leads = await db.query(`select lead_id, studio_id, phone, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') as created_at from stg_leads`);
    db.close();
    expect(byFile['leads.csv']).toEqual({ rows: 1, accepted: 1, rejected: 0, duplicates: 0 });
    expect(leads).toEqual([{ lead_id: 'l1', studio_id: 's1', phone: '+14155550101', created_at: '2026-01-01T00:00:00Z' }]);
  });

  it('reads timestamps with an offset exactly, naive ones as UTC, and a date alone as midnight UTC', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages.csv': [
        MESSAGES_HEADER,
        MSG('m1', 'outbound,2026-03-01T07:30:00-08:00,sent,,,,x'),
        MSG('m2', 'outbound,2026-03-01 07:30:00,sent,,,,x'),
        MSG('m3', 'outbound,2026-03-01,sent,,,,x'),
        MSG('m4', 'outbound,2026-03-01T07:30:00.250Z,sent,,,,x'),
      ].join('\n'),
    });
    const { db } = await load(dir);
    const rows = await db.query(`select message_id, strftime(sent_at, '%Y-%m-%dT%H:%M:%S.%gZ') as t from stg_messages order by 1`);
    db.close();
    expect(rows).toEqual([
      { message_id: 'm1', t: '2026-03-01T15:30:00.000Z' },
      { message_id: 'm2', t: '2026-03-01T07:30:00.000Z' },
      { message_id: 'm3', t: '2026-03-01T00:00:00.000Z' },
      { message_id: 'm4', t: '2026-03-01T07:30:00.250Z' },
    ]);
  });

  it('normalises every notation of a phone number to E.164', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages.csv': [
        MESSAGES_HEADER,
        ...['(415) 555-0101', '415.555.0102', '+1 415 555 0103', '1-415-555-0104', '4155550105', 'tel:+14155550106'].map(
          (p, i) => `m${i},s1,,"${p}",outbound,2026-03-02T18:00:00Z,sent,,,,x`,
        ),
      ].join('\n'),
    });
    const { db } = await load(dir);
    const rows = await db.query<{ phone: string }>(`select phone from stg_messages order by message_id`);
    db.close();
    expect(rows.map((r) => r.phone)).toEqual(['+14155550101', '+14155550102', '+14155550103', '+14155550104', '+14155550105', '+14155550106']);
  });

  it('reads a carrier deactivation file with no header and no date column, dated by its name', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages.csv': `${MESSAGES_HEADER}\n${MSG('m1')}\n`,
      'deactivations-2026-03-10.csv': '2125550111\n(212) 555-0112\n',
      'deactivations-2026-03-11.csv': 'phone,deactivated_at\n2125550113,2026-03-09T23:30:00-05:00\n2125550114,\n',
    });
    const { db, byFile } = await load(dir);
    const rows = await db.query(`select phone, strftime(deactivated_at, '%Y-%m-%d') as d from stg_deactivations order by phone`);
    db.close();
    expect(byFile['deactivations-2026-03-10.csv']).toEqual({ rows: 2, accepted: 2, rejected: 0, duplicates: 0 });
    expect(rows).toEqual([
      { phone: '+12125550111', d: '2026-03-10' },
      { phone: '+12125550112', d: '2026-03-10' },
      // A timestamp's UTC date (SPEC section 4), and an empty cell falls back to the file's date.
      { phone: '+12125550113', d: '2026-03-10' },
      { phone: '+12125550114', d: '2026-03-11' },
    ]);
  });

  it('keeps a quoted line break inside a field as one row', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages.csv': `${MESSAGES_HEADER}\r\n${MSG('m1', 'outbound,2026-03-02T18:00:00Z,sent,,,,"Palm Yoga: see you\r\nat 6, ""sharp"""')}\r\n${MSG('m2')}\r\n`,
    });
    const { db, byFile } = await load(dir);
    const rows = await db.query(`select message_id, body from stg_messages order by 1`);
    db.close();
    expect(byFile['messages.csv']).toEqual({ rows: 2, accepted: 2, rejected: 0, duplicates: 0 });
    expect(rows[0]).toEqual({ message_id: 'm1', body: 'Palm Yoga: see you\r\nat 6, "sharp"' });
  });

  it('treats a CSV named after no table as a messages file only when its header is a Twilio log', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages.csv': `${MESSAGES_HEADER}\n${MSG('m1')}\n`,
      'notes.csv': 'a,b\n1,2\n',
      'README.txt': 'hello',
    });
    const { result } = await loadAndClose(dir);
    expect(result.files.map((f) => f.file)).toEqual(['studios.csv', 'messages.csv']);
    expect(result.ignored.map((i) => i.file).sort()).toEqual(['README.txt', 'notes.csv']);
  });

  it('reads a tab-separated file with a byte-order mark and Windows line ends', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'leads.tsv': `\ufefflead_id\tstudio_id\tphone\tcreated_at\r\nl1\ts1\t415 555 0101\t2026-01-01T00:00:00Z\r\nl2\ts1\t12\t2026-01-01\r\n`,
      'messages.csv': `${MESSAGES_HEADER}\n${MSG('m1')}\n`,
    });
    const { byFile, rejected } = await loadAndClose(dir);
    expect(byFile['leads.tsv']).toEqual({ rows: 2, accepted: 1, rejected: 1, duplicates: 0 });
    expect(rejected).toEqual([{ file: 'leads.tsv', line: 3, reason: 'phone is not a valid phone number for the region: "12"' }]);
  });
});
