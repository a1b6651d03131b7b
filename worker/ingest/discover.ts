import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { OptoutError } from '../errors.ts';
import { TABLES, type TableName } from './tables.ts';

export type FileFormat = 'csv' | 'jsonl' | 'parquet';

export interface InputFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the input folder, with `/`: how the file is named in every message. */
  name: string;
  /** The table named by the file, or null when only its header can tell (a Twilio log). */
  table: TableName | null;
  format: FileFormat;
  gzip: boolean;
  size: number;
  /** Modification time, ms since the epoch: with the size, how --db knows a file unchanged without reading it. */
  mtimeMs: number;
}

export interface Discovery {
  files: InputFile[];
  /** Files that are neither a table nor a recognisable format, reported, not read. */
  ignored: string[];
}

const FORMATS: [RegExp, FileFormat, boolean][] = [
  [/\.(csv|tsv|txt)$/i, 'csv', false],
  [/\.(csv|tsv|txt)\.gz$/i, 'csv', true],
  [/\.(jsonl|ndjson|json)$/i, 'jsonl', false],
  [/\.(jsonl|ndjson|json)\.gz$/i, 'jsonl', true],
  [/\.parquet$/i, 'parquet', false],
];

/** A file's format and whether it is gzipped, from its name; null when it is none the worker reads. */
export function formatOf(file: string): [FileFormat, boolean] | null {
  for (const [re, format, gzip] of FORMATS) if (re.test(file)) return [format, gzip];
  return null;
}

/** The table a name starts with (`messages-2026-09.csv.gz` is messages), case-insensitively. */
export function tableOf(name: string): TableName | null {
  const lower = name.toLowerCase();
  for (const t of TABLES) if (lower.startsWith(t.name)) return t.name;
  return null;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

/**
 * Lists the export folder. A file belongs to a table when its name, or the name of the folder it
 * is in at the top level (`messages/part-0.parquet`), starts with the table's name. Any other
 * CSV is kept with table null: the reader recognises a Twilio message log by its header.
 * Files are returned in name order, which is the order duplicates are resolved in.
 */
export async function discover(input: string): Promise<Discovery> {
  let info;
  try {
    info = await stat(input);
  } catch {
    throw new OptoutError(`${input}: the input folder does not exist`);
  }
  if (!info.isDirectory()) throw new OptoutError(`${input}: the input is not a folder`);
  const all = (await walk(input)).map((p) => ({ path: p, name: path.relative(input, p).split(path.sep).join('/') }));
  const files: InputFile[] = [];
  const ignored: string[] = [];
  for (const f of all) {
    const fmt = formatOf(f.name);
    const top = f.name.split('/')[0] ?? f.name;
    const table = tableOf(top);
    if (!fmt || (!table && fmt[0] !== 'csv')) {
      ignored.push(f.name);
      continue;
    }
    let s;
    files.push({ path: f.path, name: f.name, table, format: fmt[0], gzip: fmt[1], size: (s = await stat(f.path)).size, mtimeMs: Math.round(s.mtimeMs) });
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  ignored.sort();
  return { files, ignored };
}
