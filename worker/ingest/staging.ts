import { ident, type Db } from '../db.ts';
import { nanpNationalSql, phoneKeySql, type PhoneNormaliser } from './phones.ts';
import { EXTRA_RAW_COLUMNS, TABLES, type ColumnDef, type TableDef } from './tables.ts';

/**
 * Staging: from raw text to typed rows, one decision per record (SPEC section 1, "Bad input").
 * The SQL is derived from the table definitions so that every column of every table is checked
 * the same way; the result per table is
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

function typedExpr(c: ColumnDef): string {
  const v = q(`v_${c.name}`);
  switch (c.kind) {
    case 'text':
    case 'numbers':
      return v;
    case 'lower':
      return `lower(${v})`;
    case 'timestamp':
      return `case when isfinite(${q(`p_${c.name}`)}) then ${q(`p_${c.name}`)} end`;
    case 'date_or_timestamp':
      return `case when regexp_matches(${v}, '^\\d{4}-\\d{2}-\\d{2}$') then try_cast(${v} as date)
        when isfinite(${q(`p_${c.name}`)}) then cast(${q(`p_${c.name}`)} as date) end`;
    case 'phone':
      return `${q(`pm_${c.name}`)}.e164`;
    case 'direction':
      return `case when lower(${v}) in ('outbound', 'inbound') then lower(${v})
        when lower(${v}) like 'outbound-%' then 'outbound' end`;
    case 'integer':
      return `try_cast(${v} as integer)`;
    case 'timezone':
      return `tz_names.name`;
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
const PARSED = new Set(['timestamp', 'date_or_timestamp', 'phone', 'direction', 'integer', 'timezone']);

function reasonExpr(def: TableDef): string {
  const whens: string[] = [`when read_error is not null then read_error`];
  for (const c of def.columns) {
    const v = q(`v_${c.name}`);
    // A Twilio row names its studio by number; its studio_id is resolved, not read.
    const present = c.name === 'studio_id' && def.name === 'messages' ? `coalesce(${v}, v_studio_number)` : v;
    if (c.required) whens.push(`when ${present} is null then '${c.name} is missing'`);
    if (PARSED.has(c.kind)) {
      whens.push(`when ${v} is not null and ${q(c.name)} is null then '${c.name} ${problem(c)}: "' || left(${v}, 60) || '"'`);
    }
  }
  if (def.name === 'messages' || def.name === 'opt_outs') {
    whens.push(`when v_lead_id is null and v_phone is null then 'neither lead_id nor phone is given: the lead cannot be identified'`);
  }
  return `case ${whens.join('\n    ')} end`;
}

function checkedSql(def: TableDef): string {
  const cols = def.columns;
  const extra = EXTRA_RAW_COLUMNS[def.name] ?? [];
  const trimmed = [...cols.map((c) => c.name), ...extra].map((n) => `clean(r.${q(n)}) as ${q(`v_${n}`)}`);
  const joins: string[] = [];
  for (const c of cols) {
    if (c.kind === 'phone') {
      joins.push(`left join phone_lookup as ${q(`pm_${c.name}`)} on ${q(`pm_${c.name}`)}.raw = ${q(`v_${c.name}`)}`);
    }
    if (c.kind === 'timezone') joins.push(`left join tz_names on lower(tz_names.name) = lower(${q(`v_${c.name}`)})`);
  }
  const typed = cols.map((c) => {
    if (def.name === 'messages' && c.name === 'studio_id') {
      // A Twilio row's studio: the studio whose number sent or received it, else that number.
      return `coalesce(v_studio_id, sn.studio_id, pm_sn.e164, pm_sn.key) as studio_id`;
    }
    return `${typedExpr(c)} as ${q(c.name)}`;
  });
  if (def.name === 'messages') {
    joins.push(`left join phone_lookup as pm_sn on pm_sn.raw = v_studio_number`);
    joins.push(`left join studio_number_lookup as sn on sn.number_key = coalesce(pm_sn.e164, pm_sn.key)`);
  }
  // Timestamps are parsed once here and checked for finiteness in `typed`.
  const parsedCols = cols.filter((c) => c.kind === 'timestamp' || c.kind === 'date_or_timestamp').map((c) => c.name);
  const rawJson = `to_json(struct_pack(${[...cols.map((c) => c.name), ...extra].map((n) => `${q(n)} := ${q(`v_${n}`)}`).join(', ')}))::varchar`;
  return `
create or replace table checked_${def.name} as
with src as (
  select r.file_id, coalesce(r.record_no, r.rowid - base.first_rowid + 1) as record_no, r.read_error, ${trimmed.join(', ')}
  from raw_${def.name} as r
  -- a CSV row's record number: its place among the rows its file inserted (see readers.ts)
  join (select file_id, min(rowid) as first_rowid from raw_${def.name} group by file_id) as base using (file_id)
),
parsed as (
  select *${parsedCols.map((c) => `, parse_ts(${q(`v_${c}`)}) as ${q(`p_${c}`)}`).join('')}
  from src
),
typed as (
  select parsed.*, ${typed.join(',\n    ')}
  from parsed
  ${joins.join('\n  ')}
),
final as (
  select *, ${reasonExpr(def)} as reason
  from typed
)
select file_id, record_no, ${cols.map((c) => q(c.name)).join(', ')}, reason,
  case when reason is not null then ${rawJson} end as record
from final`;
}

/**
 * Resolves duplicates among valid rows: the first by (file_id, record_no) is accepted. Only keys
 * seen more than once are ranked, so an export without duplicates pays one hash aggregate.
 */
function dedupSql(def: TableDef): string {
  const cols = def.columns.map((c) => q(c.name));
  const key = (def.key ?? def.columns.map((c) => c.name)).map(q);
  const on = key.map((k) => `c.${k} is not distinct from d.${k}`).join(' and ');
  const sig = `struct_pack(${cols.map((c) => `${c} := ${c}`).join(', ')})`;
  return `
create or replace table dupkeys_${def.name} as
with candidates as (
  -- keys whose 64-bit hash repeats: grouping millions of strings costs ten times more
  select hash(${key.join(', ')}) as h from checked_${def.name} where reason is null group by h having count(*) > 1
)
select ${key.map((k) => `c.${k}`).join(', ')} from checked_${def.name} as c
semi join candidates on candidates.h = hash(${key.map((k) => `c.${k}`).join(', ')})
where c.reason is null
group by all having count(*) > 1;

create or replace table ranked_${def.name} as
select ${cols.map((c) => `c.${c}`).join(', ')}, c.file_id, c.record_no,
  row_number() over w as rk,
  ${sig} is not distinct from first_value(${sig}) over w as same_as_first,
  first_value(c.file_id) over w as first_file_id,
  first_value(c.record_no) over w as first_record_no
from checked_${def.name} as c
semi join dupkeys_${def.name} as d on ${on}
where c.reason is null
window w as (partition by ${key.map((k) => `c.${k}`).join(', ')} order by c.file_id, c.record_no);

-- a view: copying millions of accepted rows into a table of their own cost more than the
-- few reads of them do
create or replace view stg_${def.name} as
select ${cols.map((c) => `c.${c}`).join(', ')}, c.file_id, c.record_no
from checked_${def.name} as c
anti join dupkeys_${def.name} as d on ${on}
where c.reason is null
union all
select ${cols.join(', ')}, file_id, record_no from ranked_${def.name} where rk = 1;

insert into ingest_duplicates
select '${def.name}', file_id, record_no, first_file_id, first_record_no
from ranked_${def.name} where rk > 1 and same_as_first;

insert into ingest_rejected
select '${def.name}', file_id, record_no, null,
  'conflicting duplicate: ${def.key ? def.key.join(', ') : 'the row'} ' || ${
    def.key ? def.key.map((k) => `'"' || ${q(k)} || '"'`).join(` || ', ' || `) : "''"
  } || ' was already accepted with different values',
  to_json(${sig})::varchar,
  first_file_id, first_record_no
from ranked_${def.name} where rk > 1 and not same_as_first;

insert into ingest_rejected
select '${def.name}', file_id, record_no, null, reason, record, null, null
from checked_${def.name} where reason is not null;`;
}

/**
 * Normalises every distinct raw phone string not yet in phone_lookup. The separator-free key, and
 * for NANP regions the ten national digits, are computed in SQL; JavaScript (libphonenumber) sees
 * only one number per six-digit NANP prefix and the keys of other shapes, once each. Staging then
 * joins on the raw string: no per-row regular expression in SQL.
 */
async function normalisePhones(db: Db, phones: PhoneNormaliser): Promise<number> {
  await db.exec(`create table if not exists phone_lookup (raw varchar, key varchar, e164 varchar)`);
  const sources = [
    `select phone as v from raw_leads`,
    `select phone from raw_messages`,
    `select studio_number from raw_messages`,
    `select phone from raw_opt_outs`,
    `select phone from raw_deactivations`,
    `select unnest(string_split(number, ';')) from raw_studios`,
  ];
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
  if (n === 0) return 0;
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

/** Builds every stg_ table and the rejected and duplicate lists from the raw tables. */
export async function stage(db: Db, phones: PhoneNormaliser): Promise<{ phonesNormalised: number }> {
  const phonesNormalised = await normalisePhones(db, phones);
  await db.exec(TIMESTAMP_MACRO);
  await db.exec(CLEAN_MACRO);
  await db.exec(`create or replace temp table tz_names as select name from pg_timezone_names()`);
  await db.exec(`create or replace table ingest_rejected (
    table_name varchar, file_id integer, record_no bigint, logical_line bigint, reason varchar, record varchar,
    first_file_id integer, first_record_no bigint)`);
  await db.exec(`create or replace table ingest_duplicates (
    table_name varchar, file_id integer, record_no bigint, first_file_id integer, first_record_no bigint)`);
  await db.exec(`insert into ingest_rejected
    select f.table_name, s.file_id, null, s.logical_line, s.reason, s.record, null, null
    from ingest_structural s join ingest_files f using (file_id)`);
  // Databases written before staging made views hold stg_ tables: replace them.
  const old = await db.query<{ name: string }>(`select table_name as name from duckdb_tables() where table_name like 'stg\\_%' escape '\\'`);
  for (const { name } of old) await db.exec(`drop table ${q(name)}`);
  for (const def of TABLES) {
    if (def.name === 'messages') {
      // Studios are staged first; Twilio rows are placed by the studios' numbers.
      await db.exec(`create or replace temp table studio_number_lookup as
        select coalesce(pm.e164, pm.key) as number_key, min(n.studio_id) as studio_id
        from (select studio_id, trim(x) as raw from stg_studios, unnest(string_split(number, ';')) as t(x)) as n
        join phone_lookup pm using (raw)
        group by all`);
    }
    await db.exec(checkedSql(def));
    await db.exec(dedupSql(def));
  }
  return { phonesNormalised };
}

/**
 * Frees a staged table once the models have read it: the view and the tables behind it. Only for
 * an in-memory run (a persistent database keeps them for the next export).
 */
export async function dropStaged(db: Db, table: TableDef['name']): Promise<void> {
  await db.exec(`drop view stg_${table}; drop table checked_${table}; drop table dupkeys_${table}; drop table ranked_${table}`);
}
