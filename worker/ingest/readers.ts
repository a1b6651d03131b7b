import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ident, literal, type Db } from '../db.ts';
import { OptoutError } from '../errors.ts';
import type { InputFile } from './discover.ts';
import { fileSink, isPlain, isSingleByteText, PLAIN, replaceLines, utf8Chunks, writeChunks, type TextForm } from './encoding.ts';
import { recordLogical } from './lines.ts';
import type { PhoneNormaliser } from './phones.ts';
import { readableAsIs, recordTexts, scanCsv, TEXT_AFTER_QUOTE, type CsvScan, type ScanOptions } from './scan.ts';
import { finishFile, insertTypedSql, type RowSource } from './staging.ts';
import { readFirstLine, readHead, type LineMap } from './textfile.ts';
import { headerRequired, rawColumns, tableDef, type TableDef, type TableName } from './tables.ts';
import { isTwilioHeader, twilioColumns } from './twilio.ts';

/**
 * Readers put a file's records into `checked_<table>` in one scan, typed and checked as they are
 * read, one row per record, with the file's id and the record's ordinal (the SQL that types and
 * checks them is staging.ts's, derived from the table definitions). A reader decides only what
 * makes a file unreadable, and how to read a record again by its number (for the values of a
 * record rejected after the scan: an invalid phone number).
 */

/** What a reader learnt about a file. */
export interface ReadResult {
  table: TableName;
  /** The adapter used: 'native' or 'twilio'. */
  adapter: 'native' | 'twilio';
  /** Records loaded into checked_<table> (structurally sound). */
  records: number;
  /** Records DuckDB's CSV parser could not split into the header's fields. */
  structural: number;
  /** How a record's ordinal maps to a line: 'csv' needs a scan, 'line' is the physical line, 'row' a Parquet row. */
  lineKind: 'csv' | 'line' | 'row';
  /** CSV only: the delimiter, and whether a blank line is a record (single-column files). */
  delimiter: string | null;
  blankIsRecord: boolean;
  /** Lines before the first record: 1 for a header, 0 for a bare list of numbers. */
  headerLines: number;
  /** How the file's text was read (Parquet: UTF-8). */
  form: TextForm;
  /** Physical lines in the file (CSV, JSON Lines); null for Parquet. */
  lines: number | null;
  /** Blank lines that are not records. */
  blankLines: number;
  /** CSV: where each logical line starts (from the file's scan), for this run's line lookups. */
  map: LineMap | null;
  /** Distinct phone numbers seen for the first time in this file, and judged. */
  phonesJudged: number;
}

export interface ReadContext {
  /** Where a reader may write UTF-8 copies of files in other encodings, or with broken lines. */
  scratch: string;
  /** Drops what the file's transaction holds so far, to read the file again. */
  restart(): Promise<void>;
  phones: PhoneNormaliser;
}

/** SQL for one raw column: the source expression, or NULL when the file does not have it. */
type ColumnSources = Record<string, string>;

export async function createStructuralTable(db: Db): Promise<void> {
  await db.exec(`create table if not exists ingest_structural (
    file_id integer, logical_line bigint, reason varchar, record varchar)`);
}

function dateInName(name: string): string | null {
  const m = /(\d{4})-(\d{2})-(\d{2})/.exec(name.split('/').pop() ?? name);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** Checks the header has what the table needs; returns the SQL source of every raw column. */
function mapColumns(file: InputFile, def: TableDef, header: string[], expr: (index: number, name: string) => string): ColumnSources {
  const position = new Map<string, number>();
  header.forEach((h, i) => {
    const key = h.trim().toLowerCase();
    if (!position.has(key)) position.set(key, i); // a repeated column name: the first one counts
  });
  const missing = headerRequired(def).filter((c) => !position.has(c));
  if (missing.length > 0) {
    const found = header.length > 0 ? header.map((h) => `"${h}"`).join(', ') : 'none';
    throw new OptoutError(
      `${file.name}: required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (columns found: ${found})`,
    );
  }
  if (def.name === 'opt_outs' && !position.has('lead_id') && !position.has('phone')) {
    throw new OptoutError(`${file.name}: an opt_outs file needs a "lead_id" or a "phone" column`);
  }
  const sources: ColumnSources = {};
  for (const c of rawColumns(def)) {
    const i = position.get(c);
    sources[c] = i === undefined ? 'null' : expr(i, header[i] as string);
  }
  if (def.name === 'deactivations') applyFileDate(file, sources, position.has('deactivated_at'));
  return sources;
}

/** A carrier file without a date column takes the date in its name (SPEC section 1). */
function applyFileDate(file: InputFile, sources: ColumnSources, hasColumn: boolean): void {
  const date = dateInName(file.name);
  if (!hasColumn && !date) {
    throw new OptoutError(`${file.name}: no "deactivated_at" column and no YYYY-MM-DD date in the file name`);
  }
  if (date) sources.deactivated_at = `coalesce(nullif(trim(${sources.deactivated_at}), ''), ${literal(date)})`;
}

async function insertTyped(db: Db, table: TableName, fileId: number, src: RowSource): Promise<void> {
  await db.exec(insertTypedSql(tableDef(table), fileId, src));
}

function wrapRead(file: InputFile, what: string, e: unknown): OptoutError {
  if (e instanceof OptoutError) return e;
  const detail = ((e as Error).message ?? String(e)).split('\n')[0];
  return new OptoutError(`${file.name}: cannot be read as ${what}: ${detail}`);
}

const looksLikePhone = (s: string): boolean => /^[+\d\s().-]{7,}$/.test(s.trim()) && /\d{7}/.test(s.replace(/\D/g, ''));

const FIELD_COUNTS = `coalesce(nullif(regexp_extract(error_message, 'Found: (\\d+)', 1), '') || ' where the header has '
  || nullif(regexp_extract(error_message, 'Columns: (\\d+)', 1), ''), error_message)`;

/** The reason of a line with bytes that are not UTF-8 (the file stays UTF-8: see encoding.ts). */
const NOT_UTF8 = 'not UTF-8 text: the line has bytes of another encoding (such as Latin-1); save the file as UTF-8';

/** Plain words for the CSV parser's reasons a record cannot be split into the header's fields. */
const STRUCTURAL_REASON = `case error_type
  when 'TOO MANY COLUMNS' then 'too many fields: ' || ${FIELD_COUNTS}
  when 'MISSING COLUMNS' then 'too few fields: ' || ${FIELD_COUNTS}
  when 'INVALID ENCODING' then ${literal(NOT_UTF8)}
  when 'UNQUOTED VALUE' then ${literal(TEXT_AFTER_QUOTE)}
  else lower(error_type) || ': ' || error_message
end`;

/** DuckDB's rejects tables are per connection and keep every scan's errors: start each file afresh. */
async function freshRejects(db: Db): Promise<void> {
  await db.exec(`drop table if exists reject_errors_tmp; drop table if exists reject_scans_tmp`);
}

/** Writes what a rewriting scan gives (scan.ts) to a file. */
async function rewriteTo(dest: string, source: AsyncIterable<Buffer>, options: ScanOptions, placeholder: Buffer): Promise<void> {
  const sink = fileSink(dest);
  try {
    await scanCsv(source, { ...options, rewrite: { placeholder, write: sink.write } });
  } finally {
    await sink.close();
  }
}

async function readCsv(db: Db, file: InputFile, fileId: number, ctx: ReadContext): Promise<ReadResult> {
  const { head, form: sniffed } = await readHead(file.path, file.name, file.gzip);
  let table = file.table;
  let adapter: ReadResult['adapter'] = 'native';
  if (isTwilioHeader(head.fields)) {
    table = 'messages';
    adapter = 'twilio';
  }
  if (!table) throw new Error(`unreachable: ${file.name} has no table`);
  const def = tableDef(table);
  // A carrier deactivation file may be a bare list of numbers with no header line at all.
  const headerless = table === 'deactivations' && head.fields[0] !== undefined && looksLikePhone(head.fields[0]);
  const width = head.fields.length;
  const names = Array.from({ length: width }, (_, i) => `c${i}`);
  const sources: ColumnSources = headerless
    ? (() => {
        const s: ColumnSources = { phone: 'c0', deactivated_at: width > 1 ? 'c1' : 'null' };
        applyFileDate(file, s, width > 1);
        return s;
      })()
    : adapter === 'twilio'
      ? twilioColumns(head.fields)
      : mapColumns(file, def, head.fields, (i) => `c${i}`);
  const headerLines = headerless ? 0 : 1;
  const blankIsRecord = width === 1;
  const options = (gzip: boolean): string[] => [
    `columns = {${names.map((n) => `'${n}': 'VARCHAR'`).join(', ')}}`,
    `header = ${headerless ? 'false' : 'true'}`,
    `delim = ${literal(head.delimiter)}`,
    `quote = '"'`,
    `escape = '"'`,
    `auto_detect = false`,
    `strict_mode = true`,
    `ignore_errors = true`,
    `store_rejects = true`,
    `rejects_table = 'reject_errors_tmp'`,
    `rejects_scan = 'reject_scans_tmp'`,
    `compression = '${gzip ? 'gzip' : 'none'}'`,
  ];
  // The record number is not computed here: a row_number() over the scan costs a third of the
  // read. The rows of one insert take consecutive rowids in file order (insertion order is
  // preserved), so staging derives it from the rowid; record_no stays null for a CSV row.
  // The file DuckDB read last (a UTF-8 copy, or a copy with its lines mended): records are read
  // again from it by number.
  let readSource = file.path;
  let readGzip = file.gzip;
  const duckRead = async (source: string, gzip: boolean): Promise<void> => {
    readSource = source;
    readGzip = gzip;
    try {
      await freshRejects(db);
      await insertTyped(db, table, fileId, {
        sources,
        from: `read_csv(${literal(source)}, ${options(gzip).join(', ')})`,
        ordinal: 'null',
        readError: 'null',
      });
      await db.exec(
        `insert into ingest_structural
         select ${fileId}, line, first(${STRUCTURAL_REASON} order by column_idx), first(csv_line)
         from reject_errors_tmp group by line`,
      );
    } catch (e) {
      throw wrapRead(file, 'CSV', e);
    }
  };
  const scanOptions = { delimiter: head.delimiter, width, headerLines, blankIsRecord };

  /**
   * Reads the file in `form`: DuckDB parses it while the scan finds its records' lines. When the
   * scan finds what DuckDB misreads (a record broken by a quote that never closes swallows the
   * lines after it; mixed or stray carriage returns stop DuckDB), the file is read again from a
   * copy the scan writes: LF line breaks, and each broken record a line DuckDB rejects on its own
   * (too many fields), whose reject then gets the scan's reason.
   */
  const attempt = async (form: TextForm): Promise<CsvScan> => {
    let source = file.path;
    let gzip = file.gzip;
    if (!isPlain(form)) {
      source = path.join(ctx.scratch, `${fileId}-utf8.csv`);
      await writeChunks(utf8Chunks(file.path, file.gzip, form), source);
      gzip = false;
    }
    const [read, scanned] = await Promise.allSettled([duckRead(source, gzip), scanCsv(utf8Chunks(source, gzip, PLAIN), scanOptions)]);
    if (scanned.status === 'rejected') throw scanned.reason;
    const scan = scanned.value;
    if (readableAsIs(scan)) {
      if (read.status === 'rejected') throw read.reason;
      return scan;
    }
    await ctx.restart();
    const fixed = path.join(ctx.scratch, `${fileId}-lines.csv`);
    await rewriteTo(fixed, utf8Chunks(source, gzip, PLAIN), scanOptions, Buffer.from(`#${`${head.delimiter}#`.repeat(width)}`));
    await duckRead(fixed, false);
    if (scan.broken.length > 0) {
      const broken = scan.broken.map((b) => `(${b.logical}, ${literal(b.reason)}, ${literal(b.text)})`).join(', ');
      await db.exec(`update ingest_structural set reason = b.reason, record = b.text
        from (values ${broken}) as b(logical, reason, text)
        where file_id = ${fileId} and logical_line = b.logical`);
    }
    return scan;
  };

  let form = sniffed;
  let scan = await attempt(form);
  if (form.encoding === 'utf8' && (await hasEncodingRejects(db, fileId)) && (await isSingleByteText(file.path, file.gzip))) {
    // Not one valid UTF-8 character of two or more bytes: the file is Windows-1252 (Latin-1).
    form = { ...form, encoding: 'windows-1252' };
    await ctx.restart();
    scan = await attempt(form);
  }
  const counts = await db.queryOne<{ records: number; structural: number }>(
    `select (select count(*)::integer from checked_${table} where file_id = ${fileId}) as records,
            (select count(*)::integer from ingest_structural where file_id = ${fileId}) as structural`,
  );
  if (counts.records + counts.structural !== scan.records) {
    throw new OptoutError(
      `${file.name}: internal error: the file's lines hold ${scan.records} records but the CSV reader found ${counts.records + counts.structural}; nothing was loaded from it (please report this file)`,
    );
  }
  /**
   * Records read again by number: each one's lines are found by the line scan and copied, after
   * the header, into a small file that DuckDB reads with the same options.
   */
  const reread = async (records: number[]): Promise<RowSource> => {
    const structural = (
      await db.query<{ l: number }>(`select logical_line::double as l from ingest_structural where file_id = ${fileId}`)
    ).map((r) => Number(r.l));
    const logicalOf = recordLogical(scan.map, headerLines, blankIsRecord, structural);
    const logicals = records.map(logicalOf);
    const texts = await recordTexts(utf8Chunks(readSource, readGzip, PLAIN), head.delimiter, [
      ...Array.from({ length: headerLines }, (_, i) => i + 1),
      ...logicals,
    ]);
    const lines = [...Array.from({ length: headerLines }, (_, i) => i + 1), ...logicals].map((l) => texts.get(l) ?? Buffer.alloc(0));
    const again = path.join(ctx.scratch, `${fileId}-again.csv`);
    await writeFile(again, Buffer.concat(lines.flatMap((b) => [b, Buffer.from('\n')])));
    const plain = options(false).filter((o) => !/^(ignore_errors|store_rejects|rejects_table|rejects_scan)\b/.test(o));
    return {
      sources,
      from: `(select *, row_number() over () as read_again_n from read_csv(${literal(again)}, ${plain.join(', ')}))`,
      ordinal: `[${records.join(', ')}][read_again_n]`,
      readError: 'null',
    };
  };
  const phonesJudged = await finishFile(db, def, fileId, ctx.phones, true, reread);
  return {
    table,
    adapter,
    ...counts,
    lineKind: 'csv',
    delimiter: head.delimiter,
    blankIsRecord,
    headerLines,
    form,
    lines: scan.lines,
    blankLines: scan.blankLines,
    map: scan.map,
    phonesJudged,
  };
}

async function hasEncodingRejects(db: Db, fileId: number): Promise<boolean> {
  const rows = await db.query(`select 1 from ingest_structural where file_id = ${fileId} and reason = ${literal(NOT_UTF8)} limit 1`);
  return rows.length > 0;
}

/** Marks a JSON Lines line DuckDB could not read: its reason follows, then its text. */
const UNREADABLE = '\u0001';

async function readJsonLines(db: Db, file: InputFile, fileId: number, ctx: ReadContext): Promise<ReadResult> {
  const table = file.table;
  if (!table) throw new Error(`unreachable: ${file.name} has no table`);
  const { line: first, form: sniffed } = await readFirstLine(file.path, file.name, file.gzip);
  if (first === null) throw new OptoutError(`${file.name}: the file is empty`);
  if (!first.trimStart().startsWith('{')) throw new OptoutError(`${file.name}: not JSON Lines (the first line is not a JSON object)`);
  const def = tableDef(table);
  // One physical line per DuckDB row: no quoting, a delimiter JSON text cannot contain unescaped.
  const lines = (source: string, gzip: boolean): string => `read_csv(${literal(source)}, columns = {'raw': 'VARCHAR'}, header = false, delim = '\x1f',
    quote = '', escape = '', new_line = '\\r\\n', auto_detect = false, strict_mode = false,
    ignore_errors = true, store_rejects = true, rejects_table = 'reject_errors_tmp', rejects_scan = 'reject_scans_tmp',
    compression = '${gzip ? 'gzip' : 'none'}')`;
  const readLines = async (source: string, gzip: boolean): Promise<{ line: number; reason: string }[]> => {
    await freshRejects(db);
    await db.exec(`create or replace temp table jsonl_tmp as
      select line, raw, j, coalesce(json_type(j) = 'OBJECT', false) as ok
      from (select row_number() over () as line, raw, case when json_valid(raw) then raw::json end as j from ${lines(source, gzip)})`);
    return db.query<{ line: number; reason: string }>(
      `select line::double as line, first(${STRUCTURAL_REASON}) as reason from reject_errors_tmp group by line order by line`,
    );
  };
  const copy = async (name: string, chunks: AsyncIterable<Buffer>): Promise<string> => {
    const dest = path.join(ctx.scratch, `${fileId}-${name}.jsonl`);
    await writeChunks(chunks, dest);
    return dest;
  };
  let form = sniffed;
  let source = isPlain(form) ? file.path : await copy('utf8', utf8Chunks(file.path, file.gzip, form));
  let gzip = isPlain(form) && file.gzip;
  let phonesJudged = 0;
  try {
    let rejects = await readLines(source, gzip);
    if (rejects.length > 0 && form.encoding === 'utf8' && rejects.some((r) => r.reason === NOT_UTF8) && (await isSingleByteText(file.path, file.gzip))) {
      form = { ...form, encoding: 'windows-1252' };
      source = await copy('utf8', utf8Chunks(file.path, file.gzip, form));
      gzip = false;
      rejects = await readLines(source, gzip);
    }
    if (rejects.length > 0) {
      // DuckDB skipped these lines, and the lines after them would take the wrong numbers: read a
      // copy in which each is a marked line that is rejected with DuckDB's reason.
      const reasons = new Map(rejects.map((r) => [Number(r.line), r.reason]));
      source = await copy(
        'marked',
        replaceLines(utf8Chunks(source, gzip, PLAIN), new Set(reasons.keys()), (line, text) =>
          Buffer.from(`${UNREADABLE}${reasons.get(line)}${UNREADABLE}${text.toString('utf8').slice(0, 200)}`),
        ),
      );
      gzip = false;
      await readLines(source, gzip);
    }
    const keys = await db.query<{ k: string }>(
      `select distinct unnest(json_keys(j)) as k from jsonl_tmp where ok order by k`,
    );
    const sources = mapColumns(file, def, keys.map((r) => r.k), (_i, key) => `j->>${literal(`$."${key.replaceAll('"', '\\"')}"`)}`);
    // Keys that differ only in case ("Phone", "phone") all feed the column: the first present wins.
    for (const c of Object.keys(sources)) {
      const variants = keys.filter((r) => r.k.toLowerCase() === c).map((r) => `j->>${literal(`$."${r.k.replaceAll('"', '\\"')}"`)}`);
      if (variants.length > 1) sources[c] = `coalesce(${variants.join(', ')})`;
    }
    const guarded: ColumnSources = {};
    for (const [c, s] of Object.entries(sources)) guarded[c] = `case when ok then ${s} end`;
    const readError = `case when starts_with(raw, '${UNREADABLE}') then split_part(raw, '${UNREADABLE}', 2)
        when not ok then 'not a JSON object: ' || left(raw, 60) end`;
    await insertTyped(db, table, fileId, {
      sources: guarded,
      from: `jsonl_tmp where raw is not null and trim(raw) <> ''`,
      ordinal: 'line',
      readError,
    });
    phonesJudged = await finishFile(db, def, fileId, ctx.phones, false, async (records) => ({
      sources: guarded,
      from: `jsonl_tmp where line in (${records.join(', ')})`,
      ordinal: 'line',
      readError,
    }));
  } catch (e) {
    throw wrapRead(file, 'JSON Lines', e);
  }
  const { records, physical } = await db.queryOne<{ records: number; physical: number }>(
    `select (select count(*)::integer from checked_${table} where file_id = ${fileId}) as records,
      (select count(*)::integer from jsonl_tmp) as physical`,
  );
  await db.exec('drop table jsonl_tmp');
  return {
    table,
    adapter: 'native',
    records,
    structural: 0,
    lineKind: 'line',
    delimiter: null,
    blankIsRecord: false,
    headerLines: 0,
    form,
    lines: physical,
    blankLines: physical - records,
    map: null,
    phonesJudged,
  };
}

async function readParquet(db: Db, file: InputFile, fileId: number, ctx: ReadContext): Promise<ReadResult> {
  const table = file.table;
  if (!table) throw new Error(`unreachable: ${file.name} has no table`);
  const def = tableDef(table);
  const scan = `read_parquet(${literal(file.path)}, file_row_number = true)`;
  let phonesJudged = 0;
  try {
    const described = await db.query<{ column_name: string }>(`select column_name from (describe select * from ${scan})`);
    const header = described.map((r) => r.column_name).filter((c) => c !== 'file_row_number');
    const sources = mapColumns(file, def, header, (_i, name) => `cast(${ident(name)} as varchar)`);
    await insertTyped(db, table, fileId, { sources, from: scan, ordinal: 'file_row_number + 1', readError: 'null' });
    phonesJudged = await finishFile(db, def, fileId, ctx.phones, false, async (records) => ({
      sources,
      from: `${scan} where file_row_number + 1 in (${records.join(', ')})`,
      ordinal: 'file_row_number + 1',
      readError: 'null',
    }));
  } catch (e) {
    throw wrapRead(file, 'Parquet', e);
  }
  const { records } = await db.queryOne<{ records: number }>(`select count(*)::integer as records from checked_${table} where file_id = ${fileId}`);
  return {
    table,
    adapter: 'native',
    records,
    structural: 0,
    lineKind: 'row',
    delimiter: null,
    blankIsRecord: false,
    headerLines: 0,
    form: PLAIN,
    lines: null,
    blankLines: 0,
    map: null,
    phonesJudged,
  };
}

/** Loads one file into its raw table. A CSV with no table in its name must be a Twilio log. */
export async function readFile(db: Db, file: InputFile, fileId: number, ctx: ReadContext): Promise<ReadResult> {
  if (file.format === 'csv') return readCsv(db, file, fileId, ctx);
  if (file.format === 'jsonl') return readJsonLines(db, file, fileId, ctx);
  return readParquet(db, file, fileId, ctx);
}

/**
 * Tells whether a CSV whose name names no table is a Twilio message log (and so a messages
 * file). Anything else is left out of the run, with the reason, so a stray file in the export
 * folder never stops it.
 */
export async function sniffTable(file: InputFile): Promise<{ table: TableName | null; why: string }> {
  if (file.table) return { table: file.table, why: '' };
  try {
    const { head } = await readHead(file.path, file.name, file.gzip);
    if (isTwilioHeader(head.fields)) return { table: 'messages', why: '' };
    return { table: null, why: 'its name starts with no table name and its header is not a Twilio message log' };
  } catch (e) {
    return { table: null, why: (e as Error).message };
  }
}
