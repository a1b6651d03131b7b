/**
 * The floor the worker is measured against: plain `node` (no TypeScript loader) with DuckDB alone
 * loading the same export into tables with its own CSV and JSON readers (types sniffed) and
 * running one GROUP BY. Nothing else.
 * Usage: node test/bench/floor.mjs DIR
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2];
if (!dir) throw new Error('usage: floor.mjs DIR');
const files = await readdir(dir);
const instance = await DuckDBInstance.create(':memory:');
const c = await instance.connect();
const glob = (table, ext) => `'${path.join(dir, `${table}*${ext}`)}'`;
for (const table of ['studios', 'leads', 'messages', 'deactivations']) {
  if (files.some((f) => f.startsWith(table) && f.endsWith('.csv'))) {
    await c.run(`create table ${table} as select * from read_csv(${glob(table, '.csv')}, union_by_name = true)`);
  }
}
if (files.some((f) => f.startsWith('opt_outs'))) await c.run(`create table opt_outs as select * from read_json(${glob('opt_outs', '.jsonl')})`);
const r = await c.runAndReadAll(`select studio_id, count(*)::integer as n from messages group by studio_id`);
process.stdout.write(`${r.getRowObjectsJS().length} groups\n`);
c.closeSync();
instance.closeSync();
