import { ident, literal, type Db } from '../db.ts';
import { nanpNationalSql, phoneKeySql, type PhoneNormaliser } from './phones.ts';
import { EXTRA_RAW_COLUMNS, rawColumns, TABLES, type ColumnDef, type TableDef } from './tables.ts';

/**
 * Staging: from raw text to typed rows, one decision per record (SPEC section 1, "Bad input").
 * The SQL is derived from the table definitions so that every column of every table is checked
 * the same way; the result per table is
 *   checked_<table>      every record of every file, typed and checked as it was read (one scan
 *                        per file: readers.ts), with its reason when it is rejected
 *   stg_<table>          accepted rows, typed, with file_id and record_no (a view over
 *                        checked_<table>, dupkeys_<table> and ranked_<table>)
 *   ingest_rejected      every rejected record with its reason (lines are added by lines.ts)
 *   ingest_duplicates    exact duplicates dropped, with the record they repeat
 */

const q = ident;

/**
 * A raw value trimmed of surrounding spaces, empty = missing. trim() on every value of every
 * column cost seconds per million rows; testing the ends first costs a tenth of that.
 */
const CLEAN_MACRO = `
create or replace temp macro clean(v) as case
  when starts_with(v, ' ') or ends_with(v, ' ') then nullif(trim(v), '')
  else nullif(v, '')
end`;

/**
 * ISO-8601 as exports write it, beyond what DuckDB's cast reads: minute precision with a zone
 * ("2026-10-05T12:00Z", Python's isoformat(timespec="minutes")), a decimal comma
 * ("14:00:00,5Z"), a lower-case t or z, a space before the offset, " UTC" or " GMT" for Z. The parts are taken apart and
 * put together in the form the cast reads; the cast still rejects an impossible date or time.
 */
const ISO_PARTS = `^(?P<d>\\d{4}-\\d{2}-\\d{2})[Tt ](?P<h>\\d{2}):(?P<m>\\d{2})(?::(?P<s>\\d{2}))?(?:[.,](?P<f>\\d+))? ?(?P<z>[Zz]|UTC|GMT|[+-]\\d{2}(?::?\\d{2})?)?$`;

const MONTHS = `['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']`;

/**
 * A timestamp (parse_ts): ISO-8601 (an offset or Z is exact, naive is UTC, a date alone is
 * midnight UTC), or RFC 2822 as Twilio writes it ("Tue, 30 Jun 2026 15:00:00 +0000", the weekday
 * optional, seconds optional, the zone an offset or GMT, UT, UTC, Z or a US zone name). An impossible date is rejected in every form: the cast rejects
 * 2026-06-31, and an RFC 2822 date is checked as a calendar date before it is read (strptime
 * would roll 31 Jun over to 1 Jul). The weekday name of an RFC 2822 date is not checked: the date
 * wins. The common forms take DuckDB's cast alone; CASE and COALESCE evaluate a later branch only
 * for the rows an earlier one did not settle, so the regular expressions run on the rest alone.
 */
export const TIMESTAMP_MACRO = `
create or replace temp macro iso_build(x) as case when x.d <> '' then try_cast(
  x.d || ' ' || x.h || ':' || x.m || ':' || coalesce(nullif(x.s, ''), '00') || coalesce('.' || nullif(x.f, ''), '')
    || case when x.z in ('Z', 'z', 'UTC', 'GMT', '') then '+00' else x.z end as timestamptz) end;
create or replace temp macro iso_ts(v) as list_transform([regexp_extract(v, '${ISO_PARTS}', ['d', 'h', 'm', 's', 'f', 'z'])], x -> iso_build(x))[1];
create or replace temp macro rfc2822_zone(z) as case
  when z glob '[-+][0-9][0-9][0-9][0-9]' then z
  else case upper(z)
    when 'GMT' then '+00' when 'UT' then '+00' when 'UTC' then '+00' when 'Z' then '+00'
    when 'EST' then '-05' when 'EDT' then '-04' when 'CST' then '-06' when 'CDT' then '-05'
    when 'MST' then '-07' when 'MDT' then '-06' when 'PST' then '-08' when 'PDT' then '-07' end
  end;
-- p: the words of the value after an optional "Wed," (day, month, year, time, zone)
create or replace temp macro rfc2822_local(p, month) as
  p[3] || '-' || lpad(month::varchar, 2, '0') || '-' || lpad(p[1], 2, '0') || ' ' || p[4] || case when length(p[4]) = 5 then ':00' else '' end;
-- the local date and time are read first, without the zone: a 31 June is rejected there
create or replace temp macro rfc2822_build(p, month) as case
  when len(p) = 5 and month > 0 and try_cast(rfc2822_local(p, month) as timestamp) is not null
  then try_cast(rfc2822_local(p, month) || rfc2822_zone(p[5]) as timestamptz) end;
create or replace temp macro rfc2822_words(w) as case when ends_with(w[1], ',') then w[2:] else w end;
create or replace temp macro rfc2822_ts(v) as list_transform([rfc2822_words(string_split(v, ' '))],
  p -> rfc2822_build(p, coalesce(list_position(${MONTHS}, lower(p[2])), 0)))[1];
create or replace temp macro parse_ts(v) as case
  when v is null then null
  -- ISO 8601: starts YYYY-MM-DD (a glob costs a tenth of a regular expression per row)
  -- DuckDB's cast reads a word after a space as a time zone name, and an unknown one costs a
  -- millisecond (an ICU search): such values go to the parts (" +01:00", " UTC"), or are rejected
  when v glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' then case
    when contains(substr(v, 12), ' ') then iso_ts(v)
    else coalesce(try_cast(v as timestamptz), iso_ts(v)) end
  when v glob '*[0-9][0-9][0-9][0-9] [0-9][0-9]:[0-9][0-9]*' then rfc2822_ts(v)
end`;

/** How a column is stored in checked_<table>. */
function sqlType(c: ColumnDef): string {
  switch (c.kind) {
    case 'timestamp':
      return 'timestamptz';
    case 'date_or_timestamp':
      return 'date';
    case 'integer':
      return 'integer';
    default:
      return 'varchar';
  }
}

/** The table's phone column (judged once the file's distinct numbers are), if it has one. */
function phoneColumn(def: TableDef): ColumnDef | null {
  return def.columns.find((c) => c.kind === 'phone') ?? null;
}

function typedExpr(c: ColumnDef): string {
  const v = q(`v_${c.name}`);
  switch (c.kind) {
    case 'text':
    case 'numbers':
    // the raw number until the file's numbers are judged (finishFile replaces it with E.164)
    case 'phone':
      return v;
    case 'lower':
      return `lower(${v})`;
    case 'timestamp':
      return `case when isfinite(${q(`p_${c.name}`)}) then ${q(`p_${c.name}`)} end`;
    case 'date_or_timestamp':
      return `case when regexp_matches(${v}, '^\\d{4}-\\d{2}-\\d{2}$') then try_cast(${v} as date)
        when isfinite(${q(`p_${c.name}`)}) then cast(${q(`p_${c.name}`)} as date) end`;
    case 'direction':
      return `case when lower(${v}) in ('outbound', 'inbound') then lower(${v})
        when lower(${v}) like 'outbound-%' then 'outbound' end`;
    case 'integer':
      return `try_cast(${v} as integer)`;
    case 'timezone':
      return `tz_name(${v})`;
  }
}

function problem(c: ColumnDef): string {
  switch (c.kind) {
    case 'timestamp':
      return 'is not a timestamp';
    case 'date_or_timestamp':
      return 'is not a date';
    case 'phone':
      return 'is not a valid phone number for the region';
    case 'direction':
      return 'is neither outbound nor inbound';
    case 'integer':
      return 'is not a whole number';
    case 'timezone':
      return 'is not an IANA time zone';
    default:
      return 'is not valid';
  }
}

/** Kinds whose typed value can be null although the raw value is present (a parse failure). */
const PARSED = new Set(['timestamp', 'date_or_timestamp', 'direction', 'integer', 'timezone']);

/**
 * A record's reason, first failing check first, in column order. The checks are split at the
 * phone's validity, which is known only once the file's distinct numbers are judged: `pre` holds
 * the checks before it, `post` those after. A record whose `pre` passes and that has a phone is
 * `phone_pending`: an invalid number then takes the reason's place (finishFile).
 */
function reasonParts(def: TableDef): { pre: string; post: string } {
  const pre: string[] = [`when read_error is not null then read_error`];
  const post: string[] = [];
  let into = pre;
  for (const c of def.columns) {
    const v = q(`v_${c.name}`);
    // A Twilio row names its studio by number; its studio_id is resolved, not read.
    const present = c.name === 'studio_id' && def.name === 'messages' ? `coalesce(${v}, v_studio_number)` : v;
    if (c.required) into.push(`when ${present} is null then '${c.name} is missing'`);
    if (c.kind === 'phone') into = post;
    else if (PARSED.has(c.kind)) {
      into.push(`when ${v} is not null and ${q(c.name)} is null then '${c.name} ${problem(c)}: "' || left(${v}, 60) || '"'`);
    }
  }
  if (def.name === 'messages' || def.name === 'opt_outs') {
    post.push(`when v_lead_id is null and v_phone is null then 'neither lead_id nor phone is given: the lead cannot be identified'`);
  }
  const cased = (whens: string[]): string => (whens.length > 0 ? `case ${whens.join('\n    ')} end` : 'null::varchar');
  return { pre: cased(pre), post: cased(post) };
}

/**
 * Where a reader's rows come from: the SQL of every raw column over `from` (a file's column or
 * `null`), the record number and the reason a row could not be read at all.
 */
export interface RowSource {
  sources: Record<string, string>;
  from: string;
  /** The record's number in its file; `null` for CSV, numbered from the rowids after the insert. */
  ordinal: string;
  readError: string;
}

/** The raw values, trimmed (empty = missing), with the record number and read error. */
function valuesSql(def: TableDef, src: RowSource): string {
  const values = rawColumns(def).map((n) => {
    const s = src.sources[n] ?? 'null';
    return `${s === 'null' ? 'null::varchar' : `clean(${s})`} as ${q(`v_${n}`)}`;
  });
  return `select ${src.ordinal} as record_no, ${src.readError} as read_error, ${values.join(', ')} from ${src.from}`;
}

/** A rejected record's values as the rejected-rows table shows them. */
function rawJson(def: TableDef): string {
  return `to_json(struct_pack(${rawColumns(def).map((n) => `${q(n)} := ${q(`v_${n}`)}`).join(', ')}))::varchar`;
}

/** The columns of checked_<table>: typed values, and what staging needs of each record. */
function checkedColumns(def: TableDef): [string, string][] {
  return [
    ['file_id', 'integer'],
    ['record_no', 'bigint'],
    ...def.columns.map((c): [string, string] => [c.name, sqlType(c)]),
    ...(EXTRA_RAW_COLUMNS[def.name] ?? []).map((n): [string, string] => [n, 'varchar']),
    // keyed tables: a 64-bit hash of the key, for duplicates (see dedupSql)
    ...(def.key ? [['key_hash', 'ubigint'] as [string, string]] : []),
    ['reason', 'varchar'],
    ...(phoneColumn(def) ? [['phone_pending', 'boolean'] as [string, string]] : []),
    // a rejected record's values as JSON
    ['record', 'varchar'],
  ];
}

/**
 * One file's rows typed and checked as they are read: a single INSERT from the reader's scan
 * into checked_<table>. The JSON of a rejected record's values is written in the same pass.
 */
export function insertTypedSql(def: TableDef, fileId: number, src: RowSource): string {
  const cols = def.columns;
  const extra = EXTRA_RAW_COLUMNS[def.name] ?? [];
  const parsed = cols.filter((c) => c.kind === 'timestamp' || c.kind === 'date_or_timestamp').map((c) => c.name);
  const { pre, post } = reasonParts(def);
  const phone = phoneColumn(def);
  const out = [
    `${fileId}`,
    'record_no',
    ...cols.map((c) => q(c.name)),
    ...extra.map((n) => q(`v_${n}`)),
    ...(def.key ? [`hash(${def.key.map(q).join(', ')})`] : []),
    'reason',
    ...(phone ? [`pre is null and ${q(`v_${phone.name}`)} is not null`] : []),
    `case when reason is not null then ${rawJson(def)} end`,
  ];
  return `insert into checked_${def.name} (${checkedColumns(def).map(([n]) => q(n)).join(', ')})
select ${out.join(', ')}
from (
  select *, coalesce(pre, post) as reason from (
    select *, ${pre} as pre, ${post} as post from (
      select parsed.*, ${cols.map((c) => `${typedExpr(c)} as ${q(c.name)}`).join(', ')}
      from (select *${parsed.map((c) => `, parse_ts(${q(`v_${c}`)}) as ${q(`p_${c}`)}`).join('')} from (${valuesSql(def, src)})) as parsed
    )
  )
)`;
}

/**
 * Normalises every distinct raw phone string of `sources` not yet in phone_lookup. The
 * separator-free key, and for NANP regions the ten national digits, are computed in SQL;
 * JavaScript (libphonenumber) sees only one number per six-digit NANP prefix and the keys of other
 * shapes, once each. The rows then join on the raw string: no per-row regular expression in SQL.
 */
async function normalisePhones(db: Db, phones: PhoneNormaliser, sources: string[]): Promise<number> {
  await db.exec(`create or replace temp table new_phones as
    with raws as (
      select distinct trim(v) as raw
      from (${sources.join(' union all ')}) as s(v)
      where v is not null and trim(v) <> ''
      except select raw from phone_lookup
    ),
    keyed as (select raw, ${phoneKeySql('raw')} as key from raws)
    select raw, key, ${phones.judgesByPrefix ? nanpNationalSql('key') : 'null::varchar'} as national from keyed`);
  const { n } = await db.queryOne<{ n: number }>(`select count(*)::integer as n from new_phones`);
  if (n === 0) {
    await db.exec('drop table new_phones');
    return 0;
  }
  const prefixes = await db.query<{ prefix: string; national: string }>(
    `select left(national, 6) as prefix, min(national) as national from new_phones where national is not null group by prefix`,
  );
  const keys = await db.query<{ key: string }>(`select distinct key from new_phones where national is null`);
  await db.exec(`create or replace temp table phone_verdicts (prefix varchar, key varchar, e164 varchar, valid boolean)`);
  const appender = await db.appender('phone_verdicts');
  for (const { prefix, national } of prefixes) {
    appender.appendVarchar(prefix);
    appender.appendNull();
    appender.appendNull();
    appender.appendBoolean(phones.nanpValid(national));
    appender.endRow();
  }
  for (const { key } of keys) {
    const e164 = phones.normalise(key);
    appender.appendNull();
    appender.appendVarchar(key);
    if (e164 === null) appender.appendNull();
    else appender.appendVarchar(e164);
    appender.appendNull();
    appender.endRow();
  }
  appender.closeSync();
  await db.exec(`insert into phone_lookup
    select p.raw, p.key, case when p.national is not null then (case when by_prefix.valid then '+1' || p.national end) else by_key.e164 end
    from new_phones as p
    left join phone_verdicts as by_prefix on by_prefix.prefix = left(p.national, 6)
    left join phone_verdicts as by_key on by_key.key = p.key;
    drop table new_phones; drop table phone_verdicts`);
  return n;
}

/**
 * What staging needs before the first file is read: the macros of the typed scan, the time zone
 * names, the lookup of judged phone numbers and one checked_<table> per table. A persistent
 * database keeps the checked tables (and so every file's typed rows) from run to run.
 */
export async function prepareStaging(db: Db, phones: PhoneNormaliser): Promise<void> {
  await db.exec(TIMESTAMP_MACRO);
  await db.exec(CLEAN_MACRO);
  // The IANA names as a list in a macro, not a table to join: a join may reorder the scan's rows,
  // whose order numbers the records.
  const names = (await db.query<{ name: string }>(`select name from pg_timezone_names() order by name`)).map((r) => r.name);
  const list = (xs: string[]): string => `[${xs.map(literal).join(', ')}]`;
  await db.exec(`create or replace temp macro tz_name(v) as
    ${list(names)}[list_position(${list(names.map((n) => n.toLowerCase()))}, lower(v))]`);
  await db.exec(`create table if not exists phone_lookup (raw varchar, key varchar, e164 varchar)`);
  const tables = new Set((await db.query<{ name: string }>(`select table_name as name from duckdb_tables()`)).map((r) => r.name));
  // A database written before the one-pass ingest holds each file's raw text and a checked table
  // of another shape: its checked tables are rebuilt from the raw text below.
  const fromRaw = tables.has('raw_messages');
  for (const def of TABLES) {
    if (fromRaw) await db.exec(`drop view if exists stg_${def.name}; drop table if exists checked_${def.name}`);
    const cols = checkedColumns(def).map(([n, t]) => `${q(n)} ${t}`);
    await db.exec(`create table if not exists checked_${def.name} (${cols.join(', ')})`);
  }
  if (fromRaw) await checkRawTables(db, phones);
}

/**
 * Moves a database written before the one-pass ingest to the checked tables: every file's raw
 * text is typed and checked with the same SQL as a file being read, then the raw tables go.
 */
async function checkRawTables(db: Db, phones: PhoneNormaliser): Promise<void> {
  await db.exec('begin transaction');
  try {
    for (const def of TABLES) {
      const files = await db.query<{ id: number; base: number }>(
        `select file_id as id, min(rowid)::double as base from raw_${def.name} group by file_id order by file_id`,
      );
      for (const { id, base } of files) {
        // a CSV row's number is its place among its file's rows (see readers.ts)
        const rows = `(select *, coalesce(record_no, rowid - ${base} + 1) as raw_no from raw_${def.name} where file_id = ${id})`;
        const sources = Object.fromEntries(rawColumns(def).map((n) => [n, q(n)]));
        const src = (where: string): RowSource => ({ sources, from: `${rows} ${where}`, ordinal: 'raw_no', readError: 'read_error' });
        await db.exec(insertTypedSql(def, id, src('')));
        await finishFile(db, def, id, phones, false, async (records) => src(`where raw_no in (${records.join(', ')})`));
      }
      await db.exec(`drop table raw_${def.name}`);
    }
    await db.exec('commit');
  } catch (e) {
    await db.exec('rollback');
    throw e;
  }
}

/** The raw phone strings of one file's rows (before they are replaced by their E.164 form). */
function phoneSources(def: TableDef, fileId: number): string[] {
  const out: string[] = [];
  const phone = phoneColumn(def);
  if (phone) out.push(`select ${q(phone.name)} from checked_${def.name} where file_id = ${fileId}`);
  if (def.name === 'messages') out.push(`select studio_number from checked_messages where file_id = ${fileId}`);
  if (def.name === 'studios') out.push(`select unnest(string_split(number, ';')) from checked_studios where file_id = ${fileId}`);
  return out;
}

/**
 * Completes one file's rows once they are in checked_<table>, inside the file's transaction:
 * CSV records take their numbers from the rowids (the rows of one insert are stored in file
 * order), the file's new phone numbers are judged, invalid ones reject their records (a narrow
 * update of the few rows), the others are replaced by their E.164 form, and the records rejected
 * here are read again from the file, by number, for their values. Returns the numbers judged.
 */
export async function finishFile(
  db: Db,
  def: TableDef,
  fileId: number,
  phones: PhoneNormaliser,
  numberByRowid: boolean,
  reread: (records: number[]) => Promise<RowSource>,
): Promise<number> {
  const t = `checked_${def.name}`;
  if (numberByRowid) {
    await db.exec(`update ${t} set record_no = rowid - (select min(rowid) from ${t} where file_id = ${fileId}) + 1
      where file_id = ${fileId}`);
  }
  const judged = await normalisePhones(db, phones, phoneSources(def, fileId));
  const phone = phoneColumn(def);
  if (!phone) return judged;
  const p = q(phone.name);
  await db.exec(`update ${t} as c set reason = '${phone.name} ${problem(phone)}: "' || left(c.${p}, 60) || '"'
    from phone_lookup as l
    where c.file_id = ${fileId} and c.phone_pending and c.${p} = l.raw and l.e164 is null`);
  await db.exec(`update ${t} as c set ${p} = l.e164
    from phone_lookup as l
    where c.file_id = ${fileId} and c.${p} = l.raw and c.${p} is distinct from l.e164`);
  const missing = await db.query<{ n: number }>(
    `select record_no::double as n from ${t} where file_id = ${fileId} and reason is not null and record is null order by n`,
  );
  if (missing.length > 0) {
    const src = await reread(missing.map((r) => Number(r.n)));
    await db.exec(`update ${t} as c set record = r.record
      from (select record_no, ${rawJson(def)} as record from (${valuesSql(def, src)})) as r
      where c.file_id = ${fileId} and c.record_no = r.record_no`);
  }
  return judged;
}

/**
 * Resolves duplicates among valid rows: the first by (file_id, record_no) is accepted. Only keys
 * whose 64-bit hash repeats are ranked, so an export without duplicates pays one aggregate of a
 * hash column. Tables without a key hash every value (their phones are known only after the scan).
 */
function dedupSql(def: TableDef): string[] {
  const cols = def.columns.map((c) => q(c.name));
  const key = (def.key ?? def.columns.map((c) => c.name)).map(q);
  const keyHash = (alias: string): string => (def.key ? `${alias}.key_hash` : `hash(${key.map((k) => `${alias}.${k}`).join(', ')})`);
  const sig = `struct_pack(${cols.map((c) => `${c} := ${c}`).join(', ')})`;
  return [
    `create or replace table dupkeys_${def.name} as
select ${keyHash('c')} as h from checked_${def.name} as c where c.reason is null group by h having count(*) > 1`,
    def.versioned ? rankedVersionsSql(def, sig, keyHash('c')) : `create or replace table ranked_${def.name} as
select *,
  case when rk = 1 then 'first' when same_as_first then 'duplicate' else 'conflict' end as verdict
from (
  select ${cols.map((c) => `c.${c}`).join(', ')}, c.file_id, c.record_no,
    row_number() over w as rk,
    ${sig} is not distinct from first_value(${sig}) over w as same_as_first,
    first_value(c.file_id) over w as first_file_id,
    first_value(c.record_no) over w as first_record_no
  from checked_${def.name} as c
  semi join dupkeys_${def.name} as d on d.h = ${keyHash('c')}
  where c.reason is null
  window w as (partition by ${key.map((k) => `c.${k}`).join(', ')} order by c.file_id, c.record_no)
)`,
    // a view: copying millions of accepted rows into a table of their own cost more than the
    // few reads of them do
    `create or replace view stg_${def.name} as
select ${cols.map((c) => `c.${c}`).join(', ')}, c.file_id, c.record_no
from checked_${def.name} as c
anti join dupkeys_${def.name} as d on d.h = ${keyHash('c')}
where c.reason is null
union all
select ${cols.join(', ')}, file_id, record_no from ranked_${def.name} where verdict in ('first', 'update')`,
    `insert into ingest_duplicates
select '${def.name}', file_id, record_no, first_file_id, first_record_no
from ranked_${def.name} where verdict = 'duplicate'`,
    `insert into ingest_updates
select '${def.name}', file_id, record_no, first_file_id, first_record_no
from ranked_${def.name} where verdict = 'update'`,
    `insert into ingest_rejected
select '${def.name}', file_id, record_no, null,
  'conflicting duplicate: ${def.key ? def.key.join(', ') : 'the row'} ' || ${
    def.key ? def.key.map((k) => `'"' || ${q(k)} || '"'`).join(` || ', ' || `) : "''"
  } || ' was already accepted with different values',
  to_json(${sig})::varchar,
  first_file_id, first_record_no
from ranked_${def.name} where verdict = 'conflict'`,
    `insert into ingest_rejected
select '${def.name}', file_id, record_no, null, reason, record, null, null
from checked_${def.name} where reason is not null`,
  ];
}

/**
 * The duplicates of a versioned table (leads), whose later files update earlier ones. Within one
 * file, the first row of a key is compared with the others: the same values are a duplicate, other
 * values a conflict (as in any table). Across files, each file's first row of the key is compared
 * with the previous file's: the first file's is accepted ('first'), the same values again are a
 * duplicate of it, other values an update ('update': accepted, a new version of the record).
 */
function rankedVersionsSql(def: TableDef, sig: string, keyHash: string): string {
  const cols = def.columns.map((c) => q(c.name));
  const key = (def.key ?? []).map(q);
  return `create or replace table ranked_${def.name} as
with rows_of_key as (
  select ${cols.map((c) => `c.${c}`).join(', ')}, c.file_id, c.record_no, ${sig} as sig
  from checked_${def.name} as c
  semi join dupkeys_${def.name} as d on d.h = ${keyHash}
  where c.reason is null
),
in_file as (
  select *,
    row_number() over f as in_file_rank,
    first_value(sig) over f as file_first_sig,
    first_value(record_no) over f as file_first_record_no
  from rows_of_key
  window f as (partition by ${key.join(', ')}, file_id order by record_no)
),
versions as (
  select ${key.join(', ')}, file_id,
    row_number() over v as version,
    lag(sig) over v as previous_sig,
    lag(file_id) over v as previous_file_id,
    lag(record_no) over v as previous_record_no
  from in_file
  where in_file_rank = 1
  window v as (partition by ${key.join(', ')} order by file_id)
)
select ${cols.map((c) => `r.${c}`).join(', ')}, r.file_id, r.record_no,
  case
    when r.in_file_rank > 1 then case when r.sig is not distinct from r.file_first_sig then 'duplicate' else 'conflict' end
    when v.version = 1 then 'first'
    when r.sig is not distinct from v.previous_sig then 'duplicate'
    else 'update'
  end as verdict,
  case when r.in_file_rank > 1 then r.file_id else v.previous_file_id end as first_file_id,
  case when r.in_file_rank > 1 then r.file_first_record_no else v.previous_record_no end as first_record_no
from in_file as r
join versions as v using (${key.join(', ')}, file_id)`;
}

/**
 * Builds every stg_ view and the rejected and duplicate lists from the checked tables, once
 * every file is in them: duplicates are decided across files, and a Twilio row is placed in the
 * studio that lists its number (studios as staged now).
 */
export async function stage(db: Db): Promise<void> {
  await db.exec(`create or replace table ingest_rejected (
    table_name varchar, file_id integer, record_no bigint, logical_line bigint, reason varchar, record varchar,
    first_file_id integer, first_record_no bigint)`);
  await db.exec(`create or replace table ingest_duplicates (
    table_name varchar, file_id integer, record_no bigint, first_file_id integer, first_record_no bigint)`);
  // rows of a versioned table (leads) accepted as a new version of an earlier file's row
  await db.exec(`create or replace table ingest_updates (
    table_name varchar, file_id integer, record_no bigint, first_file_id integer, first_record_no bigint)`);
  await db.exec(`insert into ingest_rejected
    select f.table_name, s.file_id, null, s.logical_line, s.reason, s.record, null, null
    from ingest_structural s join ingest_files f using (file_id)`);
  // Databases written before staging made views hold stg_ tables: replace them.
  const old = await db.query<{ name: string }>(`select table_name as name from duckdb_tables() where table_name like 'stg\\_%' escape '\\'`);
  for (const { name } of old) await db.exec(`drop table ${q(name)}`);
  for (const def of TABLES) {
    if (def.name === 'messages') {
      // Studios are staged first; Twilio rows are placed by the studios' numbers (a narrow update
      // of the rows that name a studio number, and of those only the ones whose studio changed).
      await db.exec(`create or replace temp table studio_number_lookup as
        select coalesce(pm.e164, pm.key) as number_key, min(n.studio_id) as studio_id
        from (select studio_id, trim(x) as raw from stg_studios, unnest(string_split(number, ';')) as t(x)) as n
        join phone_lookup pm using (raw)
        group by all`);
      await db.exec(`update checked_messages as c set studio_id = s.studio_id
        from (select pm.raw, coalesce(sn.studio_id, pm.e164, pm.key) as studio_id
              from phone_lookup as pm left join studio_number_lookup as sn on sn.number_key = coalesce(pm.e164, pm.key)) as s
        where c.studio_number = s.raw and c.studio_id is distinct from s.studio_id`);
    }
    for (const sql of dedupSql(def)) await db.exec(sql);
  }
}

/**
 * Frees a staged table once the models have read it: the view and the tables behind it. Only for
 * an in-memory run (a persistent database keeps them for the next export).
 */
export async function dropStaged(db: Db, table: TableDef['name']): Promise<void> {
  await db.exec(`drop view stg_${table}; drop table checked_${table}; drop table dupkeys_${table}; drop table ranked_${table}`);
}
