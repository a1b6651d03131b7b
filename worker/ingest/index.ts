import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Db } from '../db.ts';
import { OptoutError } from '../errors.ts';
import { discover, type InputFile } from './discover.ts';
import type { Encoding } from './encoding.ts';
import { csvLines, csvLookup, identityLines, type LineLookup } from './lines.ts';
import { PhoneNormaliser } from './phones.ts';
import { createStructuralTable, readFile, sniffTable } from './readers.ts';
import { prepareStaging, stage } from './staging.ts';
import type { LineMap } from './textfile.ts';
import type { TableName } from './tables.ts';
import { TABLES } from './tables.ts';

/** One input file's reconciliation: rows = accepted + rejected + duplicates, always. */
export interface FileStats {
  file: string;
  table: TableName;
  format: string;
  adapter: string;
  /** The text encoding it was read in: utf8, utf16le, utf16be or windows-1252 (cr: carriage-return line breaks). */
  encoding: string;
  /** Physical lines in the file (CSV, JSON Lines: header, blank lines and every record's lines); null for Parquet. */
  lines: number | null;
  rows: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  /**
   * Rows accepted as a new version of a record an earlier file (or run) accepted: a leads row whose
   * lead is known with other values. A part of `accepted`.
   */
  updated: number;
}

export interface IngestResult {
  files: FileStats[];
  /** Files in the folder that were not read, and why. */
  ignored: { file: string; why: string }[];
  /** Files already in the database (same name and content) that were not read again. */
  unchanged: string[];
  totals: { rows: number; accepted: number; rejected: number; duplicates: number; updated: number };
  phonesNormalised: number;
}

export interface IngestEffects {
  /** A progress line for a person watching (the CLI shows it only on a terminal). */
  progress(message: string): void;
}

const FILE_TABLE = `create table if not exists ingest_files (
  file_id integer primary key, name varchar, path varchar, table_name varchar, format varchar,
  adapter varchar, gzip boolean, size bigint, sha256 varchar, line_kind varchar, delimiter varchar,
  blank_is_record boolean, header_lines integer)`;
// Columns added after the first release: a database written before them gains them empty.
const FILE_TABLE_ADDED = `alter table ingest_files add column if not exists encoding varchar;
  alter table ingest_files add column if not exists cr_lines boolean;
  alter table ingest_files add column if not exists lines bigint;
  alter table ingest_files add column if not exists mtime_ms bigint`;
const LINE_CACHE = `create table if not exists ingest_line_cache (file_id integer, kind varchar, n bigint, line bigint)`;

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface FileRow {
  file_id: number;
  name: string;
  path: string;
  gzip: boolean;
  line_kind: string;
  delimiter: string | null;
  blank_is_record: boolean;
  header_lines: number;
  encoding: Encoding | null;
  cr_lines: boolean | null;
}

/**
 * Loads every file of the export folder (or the files `only` names) into DuckDB and stages it. With a persistent database a
 * file already loaded (same name, same content) is not read again, so running the same folder
 * twice changes nothing and next month's export adds only its new rows.
 */
export async function ingest(db: Db, config: Config, effects: IngestEffects, only?: InputFile[]): Promise<IngestResult> {
  await db.exec(FILE_TABLE);
  await db.exec(FILE_TABLE_ADDED);
  await db.exec(LINE_CACHE);
  await createStructuralTable(db);
  const phones = new PhoneNormaliser(config.region);
  await prepareStaging(db, phones);

  // with --db alone there is nothing to read: the database's files are reviewed as they are;
  // `only`: these files, whatever the folder holds (the leads file `optout score` scores)
  const found = only ? { files: only, ignored: [] } : config.input ? await discover(config.input) : { files: [], ignored: [] };
  const ignored = found.ignored.map((file) => ({ file, why: 'not a CSV, JSON Lines or Parquet file named after a table' }));
  const files: (InputFile & { table: TableName; known?: boolean })[] = [];
  for (const f of found.files) {
    // With --db, a file loaded before is not read again, not even its header: the same name, size
    // and modification time (to the millisecond: a copy that keeps the time may round it) is taken
    // as the same file (next month's run reads only its new files); otherwise the same name and
    // SHA-256 of the content (below).
    if (config.db) {
      const same = await db.query<{ table_name: TableName }>(
        `select table_name from ingest_files where name = $name and size = $size and abs(mtime_ms - $mtime) <= 1 limit 1`,
        { name: f.name, size: f.size, mtime: f.mtimeMs },
      );
      if (same[0]) {
        files.push({ ...f, table: same[0].table_name, known: true });
        continue;
      }
    }
    const { table, why } = await sniffTable(f);
    if (table) files.push({ ...f, table });
    else ignored.push({ file: f.name, why });
  }
  const known = await db.query<{ n: number }>(`select count(*)::integer as n from ingest_files where table_name = 'messages'`);
  if (!only && !files.some((f) => f.table === 'messages') && (known[0]?.n ?? 0) === 0) {
    if (!config.input) throw new OptoutError(`--db ${config.db}: the database holds no messages; load an export into it with --input DIR --db ${config.db}`);
    throw new OptoutError(
      `${config.input}: no messages file (expected messages*.csv, .csv.gz, .jsonl or .parquet, or a Twilio message log)`,
    );
  }
  // Load in table order (studios first: Twilio files are placed by studio number), names within.
  const order = new Map(TABLES.map((t, i) => [t.name, i]));
  files.sort((a, b) => (order.get(a.table) ?? 0) - (order.get(b.table) ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const unchanged: string[] = [];
  // UTF-8 copies of files in other encodings or with broken lines live here while they are read.
  const scratchParent = config.spillDir ?? tmpdir();
  await mkdir(scratchParent, { recursive: true });
  const ctx = {
    scratch: await mkdtemp(path.join(scratchParent, 'optout-files-')),
    // A reader that must read a file again drops its first attempt (and DuckDB's aborted
    // transaction, when the attempt failed) this way: nothing else is in the file's transaction yet.
    restart: async () => {
      await db.exec('rollback');
      await db.exec('begin transaction');
    },
    phones,
  };
  let phonesNormalised = 0;
  // This run's line maps (from each CSV's scan), for the rejects' lines.
  const maps = new Map<number, LineMap>();
  try {
  for (const file of files) {
    if (file.known) {
      unchanged.push(file.name);
      continue;
    }
    const hash = config.db ? await sha256(file.path) : null;
    if (hash) {
      const seen = await db.query(`select 1 from ingest_files where name = $name and sha256 = $hash`, { name: file.name, hash });
      if (seen.length > 0) {
        // remember this copy's time, so the next run need not read it either
        await db.exec(`update ingest_files set mtime_ms = $mtime where name = $name and sha256 = $hash`, { name: file.name, hash, mtime: file.mtimeMs });
        unchanged.push(file.name);
        continue;
      }
    }
    const { id } = await db.queryOne<{ id: number }>(`select coalesce(max(file_id), 0)::integer + 1 as id from ingest_files`);
    const started = performance.now();
    effects.progress(`reading ${file.name} (${(file.size / 1e6).toFixed(1)} MB)`);
    await db.exec('begin transaction');
    try {
      const label = `reading ${file.name} (${(file.size / 1e6).toFixed(1)} MB)`;
      const r = await db.withProgress(
        () => readFile(db, file, id, ctx),
        (percent) => effects.progress(`${label}: ${Math.floor(percent)}%`),
      );
      await db.exec(
        `insert into ingest_files (file_id, name, path, table_name, format, adapter, gzip, size, sha256, line_kind,
           delimiter, blank_is_record, header_lines, encoding, cr_lines, lines, mtime_ms)
         values ($id, $name, $path, $table, $format, $adapter, $gzip, $size, $hash, $lineKind, $delimiter, $blank, $header,
           $encoding, $crLines, $lines, $mtime)`,
        {
          id,
          name: file.name,
          path: file.path,
          table: r.table,
          format: file.format + (file.gzip ? '.gz' : ''),
          adapter: r.adapter,
          gzip: file.gzip,
          size: file.size,
          hash,
          lineKind: r.lineKind,
          delimiter: r.delimiter,
          blank: r.blankIsRecord,
          header: r.headerLines,
          encoding: r.form.encoding,
          crLines: r.form.crLines,
          lines: r.lines,
          mtime: file.mtimeMs,
        },
      );
      await db.exec('commit');
      if (r.map) maps.set(id, r.map);
      phonesNormalised += r.phonesJudged;
      const secs = (performance.now() - started) / 1000;
      const rows = r.records + r.structural;
      effects.progress(`read ${file.name}: ${rows.toLocaleString('en-US')} rows, ${Math.round(rows / Math.max(secs, 1e-3)).toLocaleString('en-US')} rows/s`);
    } catch (e) {
      await db.exec('rollback');
      throw e;
    }
  }
  } finally {
    await rm(ctx.scratch, { recursive: true, force: true });
  }

  effects.progress('checking duplicates');
  await db.withProgress(
    // Every row is typed and checked as its file is read; what is left (duplicates across files)
    // is decided by key, and what it writes is read by key.
    () => db.unordered(() => stage(db)),
    (percent) => effects.progress(`checking duplicates (this step ${Math.floor(percent)}%)`),
  );
  await resolveLines(db, maps);
  const stats = await fileStats(db);
  const totals = { rows: 0, accepted: 0, rejected: 0, duplicates: 0, updated: 0 };
  for (const s of stats) {
    if (s.rows !== s.accepted + s.rejected + s.duplicates) {
      throw new OptoutError(
        `${s.file}: internal error: ${s.rows} rows read but ${s.accepted} accepted + ${s.rejected} rejected + ${s.duplicates} duplicates`,
      );
    }
    totals.rows += s.rows;
    totals.accepted += s.accepted;
    totals.rejected += s.rejected;
    totals.duplicates += s.duplicates;
    totals.updated += s.updated;
  }
  return { files: stats, ignored, unchanged, totals, phonesNormalised };
}

/**
 * Adds the physical line to every rejected record: from this run's scans, or for a file loaded by
 * an earlier run into the same database, from a new scan of it.
 */
async function resolveLines(db: Db, maps: Map<number, LineMap>): Promise<void> {
  const needed = await db.query<{ file_id: number; kind: string; n: number }>(`
    with wanted as (
      select file_id, 'record' as kind, record_no as n from ingest_rejected where record_no is not null
      union select file_id, 'logical', logical_line from ingest_rejected where logical_line is not null
      union select first_file_id, 'record', first_record_no from ingest_rejected where first_file_id is not null
    )
    select w.file_id, w.kind, w.n::bigint::double as n from wanted w
    anti join ingest_line_cache c on c.file_id = w.file_id and c.kind = w.kind and c.n = w.n
    order by all`);
  const byFile = new Map<number, { record: number[]; logical: number[] }>();
  for (const r of needed) {
    const entry = byFile.get(r.file_id) ?? { record: [], logical: [] };
    (r.kind === 'record' ? entry.record : entry.logical).push(Number(r.n));
    byFile.set(r.file_id, entry);
  }
  if (byFile.size > 0) {
    const appender = await db.appender('ingest_line_cache');
    for (const [fileId, want] of byFile) {
      const f = await db.queryOne<FileRow>(`select * from ingest_files where file_id = $id`, { id: fileId });
      let lookup: LineLookup = identityLines;
      if (f.line_kind === 'csv') {
        const structural = (
          await db.query<{ l: number }>(`select logical_line::double as l from ingest_structural where file_id = $id`, { id: fileId })
        ).map((s) => s.l);
        const map = maps.get(fileId);
        lookup = map
          ? csvLookup(map, f.header_lines, f.blank_is_record, structural)
          : await csvLines({
              path: f.path,
              gzip: f.gzip,
              form: { encoding: f.encoding ?? 'utf8', crLines: f.cr_lines ?? false },
              delimiter: f.delimiter ?? ',',
              headerLines: f.header_lines,
              blankIsRecord: f.blank_is_record,
              structural,
            });
      }
      for (const [kind, list, fn] of [
        ['record', want.record, lookup.ofRecord],
        ['logical', want.logical, lookup.ofLogical],
      ] as const) {
        for (const n of list) {
          appender.appendInteger(fileId);
          appender.appendVarchar(kind);
          appender.appendBigInt(BigInt(n));
          appender.appendBigInt(BigInt(fn(n)));
          appender.endRow();
        }
      }
    }
    appender.closeSync();
  }
  await db.exec(`create or replace table rejected_rows as
    select f.name as file, coalesce(c.line, c2.line)::bigint as line, r.table_name, 
      r.reason || case when r.first_file_id is not null
        then ' (first at ' || ff.name || coalesce(':' || c3.line, '') || ')' else '' end as reason,
      r.record
    from ingest_rejected r
    join ingest_files f on f.file_id = r.file_id
    left join ingest_line_cache c on c.file_id = r.file_id and c.kind = 'record' and c.n = r.record_no
    left join ingest_line_cache c2 on c2.file_id = r.file_id and c2.kind = 'logical' and c2.n = r.logical_line
    left join ingest_files ff on ff.file_id = r.first_file_id
    left join ingest_line_cache c3 on c3.file_id = r.first_file_id and c3.kind = 'record' and c3.n = r.first_record_no
    order by r.file_id, line`);
}

async function fileStats(db: Db): Promise<FileStats[]> {
  const accepted = TABLES.map((t) => `select file_id, count(*) as n from stg_${t.name} group by file_id`).join(' union all ');
  return db.query<FileStats>(`
    with raw as (
      ${TABLES.map((t) => `select file_id, count(*) as n from checked_${t.name} group by file_id`).join(' union all ')}
      union all select file_id, count(*) from ingest_structural group by file_id
    ),
    rows as (select file_id, sum(n) as n from raw group by file_id),
    accepted as (select file_id, sum(n) as n from (${accepted}) group by file_id),
    rejected as (select file_id, count(*) as n from ingest_rejected group by file_id),
    duplicates as (select file_id, count(*) as n from ingest_duplicates group by file_id),
    updated as (select file_id, count(*) as n from ingest_updates group by file_id)
    select f.name as file, f.table_name as "table", f.format, f.adapter,
      coalesce(f.encoding, 'utf8') || case when f.cr_lines then ' (cr line breaks)' else '' end as encoding,
      f.lines::integer as lines,
      coalesce(rows.n, 0)::integer as rows,
      coalesce(accepted.n, 0)::integer as accepted,
      coalesce(rejected.n, 0)::integer as rejected,
      coalesce(duplicates.n, 0)::integer as duplicates,
      coalesce(updated.n, 0)::integer as updated
    from ingest_files f
    left join rows using (file_id)
    left join accepted using (file_id)
    left join rejected using (file_id)
    left join duplicates using (file_id)
    left join updated using (file_id)
    order by f.file_id`);
}

