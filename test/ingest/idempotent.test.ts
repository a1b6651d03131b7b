import { describe, expect, it } from 'vitest';
import { stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MESSAGES_HEADER, STUDIOS, load, writeExport } from '../helpers/export.ts';
import type { Db } from '../../worker/db.ts';

const row = (id: string, day: string) => `${id},s1,,4155550101,outbound,2026-${day}T18:00:00Z,delivered,,c1,,Palm Yoga: hi`;

async function snapshot(db: Db) {
  return db.query(`select 'messages' as t, count(*)::integer as n from stg_messages
    union all select 'raw', count(*)::integer from checked_messages
    union all select 'files', count(*)::integer from ingest_files order by t`);
}

describe('a persistent database (--db)', () => {
  it('changes nothing when the same folder is loaded twice, and adds only the new rows of a new export', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages-2026-02.csv': `${MESSAGES_HEADER}\n${row('m1', '02-02')}\n${row('m2', '02-03')}\nbad,s1,,4155550101,outbound,never,sent,,,,x\n`,
    });
    const dbFile = path.join(dir, '..', `${path.basename(dir)}.duckdb`);

    const first = await load(dir, { db: dbFile });
    const before = await snapshot(first.db);
    first.db.close();
    expect(before).toEqual([
      { t: 'files', n: 2 },
      { t: 'messages', n: 2 },
      { t: 'raw', n: 3 },
    ]);

    const second = await load(dir, { db: dbFile });
    expect(await snapshot(second.db)).toEqual(before);
    expect(second.result.unchanged).toEqual(['studios.csv', 'messages-2026-02.csv']);
    expect(second.result.totals).toEqual(first.result.totals);
    expect(second.rejected).toEqual(first.rejected);
    second.db.close();

    // Next month's export repeats the last day of February: only its new rows are added.
    await writeFile(path.join(dir, 'messages-2026-03.csv'), `${MESSAGES_HEADER}\n${row('m2', '02-03')}\n${row('m3', '03-02')}\n`);
    const third = await load(dir, { db: dbFile });
    expect(await snapshot(third.db)).toEqual([
      { t: 'files', n: 3 },
      { t: 'messages', n: 3 },
      { t: 'raw', n: 5 },
    ]);
    expect(third.byFile['messages-2026-03.csv']).toEqual({ rows: 2, accepted: 1, rejected: 0, duplicates: 1 });
    expect(third.rejected).toEqual([{ file: 'messages-2026-02.csv', line: 4, reason: 'sent_at is not a timestamp: "never"' }]);
    third.db.close();
  });

  it('does not read again a file whose name, size and modification time it loaded before, and reads a changed one', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages-2026-02.csv': `${MESSAGES_HEADER}\n${row('m1', '02-02')}\n`,
    });
    const dbFile = path.join(dir, '..', `${path.basename(dir)}.duckdb`);
    (await load(dir, { db: dbFile })).db.close();
    const file = path.join(dir, 'messages-2026-02.csv');
    const { mtime, size } = await stat(file);
    // the same size and time with other bytes: taken as the file loaded before, not read
    const garbled = 'x'.repeat(size);
    await writeFile(file, garbled);
    await utimes(file, mtime, mtime);
    const second = await load(dir, { db: dbFile });
    expect(second.result.unchanged).toEqual(['studios.csv', 'messages-2026-02.csv']);
    second.db.close();
    // a new modification time: read (and here rejected as not a messages file)
    await utimes(file, new Date(mtime.getTime() + 60_000), new Date(mtime.getTime() + 60_000));
    await expect(load(dir, { db: dbFile })).rejects.toThrow(/messages-2026-02\.csv/);
  });
});
