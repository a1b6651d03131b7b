import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Db } from '../../worker/db.ts';
import { literal } from '../../worker/db.ts';
import { BIN } from './spawn.ts';

/**
 * A generated export loaded into one --db month after month, checked against a one-shot run of
 * the same files (issue 16): the first month's files, then the rest with the CRM's leads exported
 * again, some with later timestamps. Used by test/db-history.test.ts and
 * test/bench/db-history-check.ts (many seeds, shapes and formats).
 */

const run = promisify(execFile);

/** A file as rows of text: a header and its rows (empty = missing). */
export interface Table {
  header: string[];
  rows: string[][];
}

/** RFC 4180 records of a CSV text (quoted fields may hold delimiters, quotes and line breaks). */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) row.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) out.push([...row, field]);
  return out;
}

export function toCsv(t: Table, delimiter = ','): string {
  const quote = (v: string) => (v.includes(delimiter) || v.includes('"') || v.includes('\n') || v.includes('\r') ? `"${v.replace(/"/g, '""')}"` : v);
  return [t.header, ...t.rows].map((r) => r.map(quote).join(delimiter)).join('\n') + '\n';
}

function parseJsonl(text: string): Table {
  const objects = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, string>);
  const header = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  return { header, rows: objects.map((o) => header.map((h) => (o[h] == null ? '' : String(o[h])))) };
}

/** The files of an export folder, by name without extension (`messages-2026-04`). */
export async function readExport(dir: string): Promise<Map<string, Table>> {
  const files = new Map<string, Table>();
  for (const name of (await readdir(dir)).sort()) {
    const text = await readFile(path.join(dir, name), 'utf8');
    if (name.endsWith('.csv')) {
      const [header, ...rows] = parseCsv(text);
      files.set(name.replace(/\.csv$/, ''), { header: header as string[], rows });
    } else if (name.endsWith('.jsonl')) files.set(name.replace(/\.jsonl$/, ''), parseJsonl(text));
  }
  return files;
}

export type Format = 'csv' | 'gz' | 'jsonl' | 'parquet' | 'semicolon';

/**
 * Writes tables in one format: CSV (opt_outs stay JSON Lines, as generated), gzipped CSV, JSON
 * Lines (empty values left out), Parquet (every column text), or CSV with `;` between fields.
 */
export async function writeExportAs(dir: string, files: Map<string, Table>, format: Format): Promise<string> {
  await mkdir(dir, { recursive: true });
  let duck: Db | null = null;
  for (const [base, t] of files) {
    const jsonl = () => t.rows.map((r) => JSON.stringify(Object.fromEntries(t.header.flatMap((h, i) => (r[i] ? [[h, r[i]]] : []))))).join('\n') + '\n';
    if (format === 'jsonl' || (format === 'csv' && base.startsWith('opt_outs'))) await writeFile(path.join(dir, `${base}.jsonl`), jsonl());
    else if (format === 'csv') await writeFile(path.join(dir, `${base}.csv`), toCsv(t));
    else if (format === 'semicolon') await writeFile(path.join(dir, `${base}.csv`), toCsv(t, ';'));
    else if (format === 'gz') await writeFile(path.join(dir, `${base}.csv.gz`), gzipSync(toCsv(t)));
    else {
      duck ??= await Db.open(null);
      const tmp = path.join(dir, `${base}.tmp.jsonl`);
      await writeFile(tmp, t.rows.map((r) => JSON.stringify(Object.fromEntries(t.header.map((h, i) => [h, r[i] === '' ? null : r[i]])))).join('\n') + '\n');
      const columns = `{${t.header.map((h) => `${literal(h)}: 'VARCHAR'`).join(', ')}}`;
      await duck.exec(`copy (select * from read_json(${literal(tmp)}, format = 'newline_delimited', columns = ${columns}))
        to ${literal(path.join(dir, `${base}.parquet`))} (format parquet)`);
      await (await import('node:fs/promises')).rm(tmp);
    }
  }
  duck?.close();
  return dir;
}

export interface Shape {
  seed: number;
  studios: number;
  months: number;
  messages: number;
  start: string;
}

export async function generate(dir: string, s: Shape): Promise<string> {
  await run(process.execPath, [BIN, 'generate', '--out', dir, '--seed', String(s.seed), '--studios', String(s.studios), '--months', String(s.months), '--messages', String(s.messages), '--start', s.start]);
  return dir;
}

/** Runs the CLI's `run --no-site` and returns report.json. */
export async function report(args: string[], out: string): Promise<Record<string, any>> {
  await run(process.execPath, [BIN, 'run', '--no-site', '--out', out, ...args], { maxBuffer: 1 << 26 });
  return JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
}

/** A report without the parts that name the files read (inputs) or the run. */
export function findings(r: Record<string, unknown>): Record<string, unknown> {
  const { inputs: _inputs, ignored_files: _ignored, generated_by: _by, ...rest } = r;
  return rest;
}

/** The paths where two JSON values differ (at most `limit`). */
export function differences(a: unknown, b: unknown, at = '', limit = 10, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    if (!Object.is(a, b) && JSON.stringify(a) !== JSON.stringify(b)) out.push(`${at || '.'}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`);
    return out;
  }
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  for (const k of keys) differences((a as any)[k], (b as any)[k], `${at}.${k}`, limit, out);
  return out;
}

const ROW_OK = /^\d{4}-(0[1-9]|1[0-2])-/;

/** What a CRM's re-export changes in a lead. */
export type Change =
  // last_engaged_at (and consent_at when set) moved past every message
  | 'later'
  // last_engaged_at moved a few days later, but inside the data (a visit the CRM learned of)
  | 'engaged_inside'
  // created_at moved later (the CRM re-created the lead): the earliest version's still counts
  | 'created_later'
  // consent captured later (a lead without consent gets one; one with consent, a later one); the
  // method stays as it was (a text attribute comes from the latest version, which depends on the
  // order the files load in)
  | 'consent_later'
  // only the case of first_name: another value of a text attribute, so an update
  | 'name_case'
  // spaces around values, the source's case, another notation of the phone and of the time: the
  // same values once read, so not an update
  | 'same_values';

export interface Reexport {
  leads: Table;
  /** Leads whose values differ once read: the rows to count as updated. */
  changed: Set<string>;
  added: number;
  /** Second rows of a changed lead in the same file (conflicting duplicates). */
  conflicts: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * The leads table exported again: every `every`-th valid lead (from `offset`) changed as `kinds`
 * says in turn, and `add` new leads at the end (created after every message, with new numbers).
 */
export function reexportLeads(
  leads: Table,
  o: { every: number; offset?: number; kinds: Change[]; add?: number; after: number; doubles?: number },
): Reexport {
  const at = (name: string) => leads.header.indexOf(name);
  const changed = new Set<string>();
  let turn = 0;
  const rows = leads.rows.map((r, i) => {
    if ((i - (o.offset ?? 0)) % o.every !== 0 || !ROW_OK.test(r[at('created_at')] ?? '') || (r[at('phone')] ?? '').replace(/\D/g, '').length < 10) return r;
    const v = [...r];
    const kind = o.kinds[turn++ % o.kinds.length] as Change;
    const key = `${v[at('studio_id')]}/${v[at('lead_id')]}`;
    const engaged = v[at('last_engaged_at')] ? Date.parse(v[at('last_engaged_at')] as string) : null;
    switch (kind) {
      case 'later':
        v[at('last_engaged_at')] = iso(o.after + 86_400_000 * (1 + (i % 20)));
        if (v[at('consent_at')]) v[at('consent_at')] = iso(o.after + 86_400_000 * (2 + (i % 20)));
        break;
      case 'engaged_inside': {
        const base = engaged ?? Date.parse(v[at('created_at')] as string);
        const moved = base + 86_400_000 * (3 + (i % 30));
        if (moved >= o.after) return r;
        v[at('last_engaged_at')] = iso(moved);
        break;
      }
      case 'created_later':
        v[at('created_at')] = iso(Date.parse(v[at('created_at')] as string) + 86_400_000 * (10 + (i % 50)));
        break;
      case 'consent_later': {
        const c = v[at('consent_at')] ? Date.parse(v[at('consent_at')] as string) : Date.parse(v[at('created_at')] as string);
        v[at('consent_at')] = iso(Math.min(c + 86_400_000 * (5 + (i % 40)), o.after + 86_400_000));
        break;
      }
      case 'name_case':
        if (!v[at('first_name')] || v[at('first_name')]?.toUpperCase() === v[at('first_name')]) return r;
        v[at('first_name')] = (v[at('first_name')] as string).toUpperCase();
        break;
      case 'same_values':
        v[at('source')] = ` ${(v[at('source')] ?? '').toUpperCase()} `;
        v[at('first_name')] = v[at('first_name')] ? `  ${v[at('first_name')]}` : '';
        v[at('phone')] = `+1${(v[at('phone')] as string).replace(/\D/g, '').slice(-10)}`;
        v[at('created_at')] = (v[at('created_at')] as string).replace('Z', '+00:00');
        return v; // not counted
    }
    changed.add(key);
    return v;
  });
  // a second, different row of a changed lead in the same file: a conflicting duplicate
  let doubles = o.doubles ?? 0;
  for (let i = 0; i < rows.length && doubles > 0; i++) {
    const r = rows[i] as string[];
    if (!changed.has(`${r[at('studio_id')]}/${r[at('lead_id')]}`)) continue;
    const v = [...r];
    v[at('last_engaged_at')] = iso(o.after + 86_400_000 * 60);
    rows.splice(i + 1, 0, v);
    i++;
    doubles--;
  }
  const add = o.add ?? 0;
  for (let n = 0; n < add; n++) {
    const template = leads.rows[n % leads.rows.length] as string[];
    const v = [...template];
    v[at('lead_id')] = `new-${n + 1}`;
    v[at('phone')] = `+1207555${String(1000 + (n % 9000)).padStart(4, '0')}`; // an area code no studio's leads use
    v[at('created_at')] = iso(o.after + 86_400_000 * (1 + n));
    v[at('consent_at')] = '';
    v[at('last_engaged_at')] = '';
    rows.push(v);
  }
  return { leads: { header: leads.header, rows }, changed, added: add, conflicts: (o.doubles ?? 0) - doubles };
}

/**
 * The first month's files (messages, deactivations, opt-outs of that UTC month) and the rest. With
 * `wholeOptOuts` the first month's opt-outs are a file named as the whole one, which the rest
 * holds again in full (the first month's rows are then exact duplicates).
 */
export function splitFirstMonth(files: Map<string, Table>, month: string, wholeOptOuts = false): { first: Map<string, Table>; rest: Map<string, Table> } {
  const first = new Map<string, Table>();
  const rest = new Map<string, Table>();
  for (const [base, t] of files) {
    if (base === 'studios' || base === 'leads') first.set(base, t);
    else if (base.startsWith('messages-') || base.startsWith('deactivations-')) (base.includes(`-${month}`) ? first : rest).set(base, t);
    else if (base === 'opt_outs') {
      const i = t.header.indexOf('opted_out_at');
      const inMonth = (r: string[]) => (r[i] ?? '').startsWith(month);
      first.set(wholeOptOuts ? base : `opt_outs-${month}`, { header: t.header, rows: t.rows.filter(inMonth) });
      if (wholeOptOuts) rest.set(base, t);
      else rest.set('opt_outs-later', { header: t.header, rows: t.rows.filter((r) => !inMonth(r)) });
    } else rest.set(base, t);
  }
  return { first, rest };
}

/** The studios' time zones replaced, in turn ('' leaves a studio without one). */
export function withZones(files: Map<string, Table>, zones: string[] | undefined): Map<string, Table> {
  if (!zones) return files;
  const studios = files.get('studios') as Table;
  const at = studios.header.indexOf('timezone');
  const out = new Map(files);
  out.set('studios', { header: studios.header, rows: studios.rows.map((r, i) => r.map((v, j) => (j === at ? (zones[i % zones.length] as string) : v))) });
  return out;
}

/** Folders of files together; a later one's file replaces an earlier one's of the same name. */
export const union = (...maps: Map<string, Table>[]): Map<string, Table> => new Map(maps.flatMap((m) => [...m]));

/** The latest sent_at of any message, in ms. */
export function lastMessageAt(files: Map<string, Table>): number {
  let max = 0;
  for (const [base, t] of files) {
    if (!base.startsWith('messages')) continue;
    const i = t.header.indexOf('sent_at');
    for (const r of t.rows) {
      const ms = Date.parse(r[i] ?? '');
      if (ms > max) max = ms;
    }
  }
  return max;
}

type Row = Record<string, any>;

/**
 * `monthly` against what else the report says of the same months: the daily trend summed by
 * month (per studio and overall), totals and previous_totals, and the studio cohorts of the
 * review month. Returns the disagreements.
 */
export function monthlyAgreement(r: Row): string[] {
  const out: string[] = [];
  const monthly = r.monthly as Row[];
  const byKey = new Map(monthly.map((m) => [`${m.month}/${m.studio_id ?? '*'}`, m]));
  const trend = new Map<string, { reached: number; opt_outs: number }>();
  for (const t of r.trend as Row[]) {
    const k = `${(t.date as string).slice(0, 7)}/${t.studio_id ?? '*'}`;
    const s = trend.get(k) ?? { reached: 0, opt_outs: 0 };
    s.reached += t.reached;
    s.opt_outs += t.opt_outs;
    trend.set(k, s);
  }
  if (trend.size === 0) out.push('trend is empty');
  for (const [k, s] of trend) {
    const m = byKey.get(k);
    if (!m) out.push(`monthly has no row ${k}`);
    else if (m.reached !== s.reached || m.attributed_opt_outs !== s.opt_outs) {
      out.push(`${k}: monthly reached ${m.reached}, attributed ${m.attributed_opt_outs}; trend ${s.reached}, ${s.opt_outs}`);
    }
  }
  for (const m of monthly) {
    if (m.month >= (r.trend[0]?.date ?? '9999').slice(0, 7) && (m.reached > 0 || m.attributed_opt_outs > 0) && !trend.has(`${m.month}/${m.studio_id ?? '*'}`)) {
      out.push(`trend has no days of ${m.month}/${m.studio_id ?? '*'}`);
    }
  }
  for (const [month, totals] of [
    [r.period.month, r.totals],
    [r.previous_totals?.month, r.previous_totals],
  ] as [string, Row][]) {
    if (!totals || !month) continue;
    const m = byKey.get(`${month}/*`);
    if (!m) {
      if (totals.reached > 0) out.push(`monthly has no overall row for ${month}`);
      continue;
    }
    for (const f of ['reached', 'attributed_opt_outs', 'opt_outs']) {
      if (m[f] !== totals[f]) out.push(`${month}: monthly ${f} ${m[f]}, totals ${totals[f]}`);
    }
  }
  for (const c of (r.cohorts.studio ?? []) as Row[]) {
    const m = byKey.get(`${r.period.month}/${c.key}`);
    if (!m || m.reached !== c.reached || m.attributed_opt_outs !== c.opt_outs) {
      out.push(`${r.period.month}/${c.key}: monthly ${m?.reached}/${m?.attributed_opt_outs}, studio cohort ${c.reached}/${c.opt_outs}`);
    }
  }
  // the overall row is the sum of the studios'
  const months = new Set(monthly.map((m) => m.month));
  for (const month of months) {
    const all = byKey.get(`${month}/*`);
    const studios = monthly.filter((m) => m.month === month && m.studio_id !== null);
    for (const f of ['reached', 'attributed_opt_outs', 'opt_outs', 'sent', 'delivered', 'leads_added', 'leads_opted_out', 'reachable_leads']) {
      const sum = studios.reduce((s, m) => s + m[f], 0);
      if (all?.[f] !== sum) out.push(`${month}: overall ${f} ${all?.[f]}, studios sum to ${sum}`);
    }
  }
  return out;
}

export interface InputRow {
  file: string;
  table: string;
  rows: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  updated: number;
}

export async function tempDir(parent: string, prefix: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  return mkdtemp(path.join(parent, prefix));
}
