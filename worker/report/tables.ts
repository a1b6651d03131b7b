import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataType, Vector } from 'apache-arrow';
import { ident, literal, type Db } from '../db.ts';

/**
 * Every table behind report.json goes to OUT/tables/ three ways: Parquet and CSV written by
 * DuckDB's COPY, and Arrow IPC built with apache-arrow from the same query (the tables are small:
 * cohorts, days, checks; the large ones are written as Parquet and CSV only).
 */

type Arrow = typeof import('apache-arrow');
let arrowModule: Promise<Arrow> | null = null;

/**
 * apache-arrow takes about half a second to load, a third of the worker's start-up: it is loaded
 * on first use, and run() starts loading it while DuckDB reads the export.
 */
export function loadArrow(): Promise<Arrow> {
  arrowModule ??= import('apache-arrow');
  return arrowModule;
}

const ARROW_TYPES: Record<string, (a: Arrow) => DataType> = {
  VARCHAR: (a) => new a.Utf8(),
  INTEGER: (a) => new a.Int32(),
  BIGINT: (a) => new a.Int64(),
  DOUBLE: (a) => new a.Float64(),
  BOOLEAN: (a) => new a.Bool(),
  DATE: (a) => new a.DateDay(),
  'TIMESTAMP WITH TIME ZONE': (a) => new a.TimestampMicrosecond('UTC'),
};

export interface TableSpec {
  name: string;
  /** What a reader needs to know, for OUT/tables/README.md. */
  description: string;
  /** The query; its columns must be VARCHAR, INTEGER, DOUBLE, BOOLEAN, DATE or TIMESTAMPTZ. */
  sql: string;
  /** Also write an Arrow IPC file (small tables only). */
  arrow: boolean;
}

export async function writeTable(db: Db, out: string, spec: TableSpec): Promise<void> {
  const dir = path.join(out, 'tables');
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, spec.name);
  await db.exec(`copy (${spec.sql}) to ${literal(`${base}.parquet`)} (format parquet)`);
  await db.exec(`copy (${spec.sql}) to ${literal(`${base}.csv`)} (format csv, header true)`);
  if (!spec.arrow) return;
  const a = await loadArrow();
  const reader = await db.connection.runAndReadAll(spec.sql);
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const rows = reader.getRowObjectsJS();
  const columns: Record<string, Vector> = {};
  names.forEach((name, i) => {
    const make = ARROW_TYPES[types[i] as string];
    if (!make) throw new Error(`table ${spec.name}: column ${name} has type ${types[i]}, which has no Arrow mapping here`);
    const type = make(a);
    const values = rows.map((r) => {
      const v = r[name];
      return typeof v === 'bigint' && type instanceof a.Int32 ? Number(v) : v;
    });
    columns[name] = a.vectorFromArray(values, type) as Vector;
  });
  await writeFile(`${base}.arrow`, a.tableToIPC(new a.Table(columns), 'file'));
}

/**
 * Loads JS rows into a DuckDB table through a JSON Lines file, so that rows computed in
 * TypeScript (cohort statistics) are written by the same COPY as the SQL tables.
 */
export async function tableFromRows(
  db: Db,
  name: string,
  columns: Record<string, 'VARCHAR' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'DATE'>,
  rows: Record<string, unknown>[],
  scratchDir: string,
): Promise<void> {
  await mkdir(scratchDir, { recursive: true });
  const file = path.join(scratchDir, `${name}.jsonl`);
  await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  const cols = Object.entries(columns)
    .map(([c, t]) => `${literal(c)}: ${literal(t)}`)
    .join(', ');
  const select = Object.keys(columns).map(ident).join(', ');
  if (rows.length === 0) {
    await db.exec(`create or replace table ${ident(name)} as select ${Object.entries(columns).map(([c, t]) => `null::${t} as ${ident(c)}`).join(', ')} limit 0`);
  } else {
    await db.exec(
      `create or replace table ${ident(name)} as select ${select} from read_json(${literal(file)}, format = 'newline_delimited', columns = {${cols}})`,
    );
  }
  await rm(file);
}
