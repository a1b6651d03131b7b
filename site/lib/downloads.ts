import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatCsv, parseCsv } from './csv.ts';
import { safe } from './mask.ts';

/**
 * The tables a reader of the site may download. The tables with phone numbers (rejected rows,
 * opt-outs, suppression and check lists) are never offered: they stay with the analyst. A studio
 * id can itself be a phone number, so every text cell goes through the same mask as the pages;
 * when that changes a table, its Parquet file (which cannot be masked here) is left out.
 */

export const SAFE_TABLES = ['cohorts', 'trend', 'totals', 'compliance', 'deliverability', 'inputs', 'delivery', 'opt_out_routes', 'uncounted_stops', 'list_growth', 'campaigns'] as const;
export type SafeTable = (typeof SAFE_TABLES)[number];

export const TABLE_TEXT: Record<SafeTable, string> = {
  cohorts: "Every group of every breakdown: texts, opt-outs, rate, 95% interval, times the month's rate, above or below the month, and last month.",
  trend: 'Texts and opt-outs per day and studio over the three months (empty studio = all studios).',
  totals: 'The headline numbers of the month and the month before.',
  compliance: 'Each compliance check per studio (empty studio = all studios).',
  deliverability: 'Failed and undelivered texts per studio, month and error code.',
  inputs: 'Each input file: rows read, accepted, rejected and duplicates.',
  delivery: 'Texts sent per studio and month by how they ended: delivered, no receipt, undelivered, failed.',
  opt_out_routes: 'The opt-outs of the month and the month before, per studio, by how they arrived.',
  uncounted_stops: 'Disconnected numbers and requests in words nobody recorded, per studio: no opt-outs.',
  list_growth: 'The reachable list per studio and month: at the start, new, back, lost, at the end.',
  campaigns: 'Every campaign of the month: texts sent, delivered, reached, opt-outs, rate and interval.',
};

export interface DownloadFile {
  /** Name under downloads/. */
  name: string;
  bytes: number;
}

export interface Download {
  table: SafeTable;
  description: string;
  csv: DownloadFile & { text: string };
  /** Null when the table is missing or its Parquet would show a number the CSV masks. */
  parquet: (DownloadFile & { source: string }) | null;
  /** True when the mask changed a cell. */
  masked: boolean;
}

const NUMERIC = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
/** Columns of text that can hold a studio id or a free-text name, even when they are all digits. */
const TEXT_COLUMNS = new Set(['studio_id', 'key', 'file', 'campaign_id', 'studio_ids', 'method']);

function maskCells(rows: string[][]): { rows: string[][]; changed: boolean } {
  const [header = [], ...body] = rows;
  let changed = false;
  const masked = body.map((r) =>
    r.map((cell, i) => {
      if (!TEXT_COLUMNS.has(header[i] ?? '') && NUMERIC.test(cell)) return cell;
      const m = safe(cell);
      if (m !== cell) changed = true;
      return m;
    }),
  );
  return { rows: [header.map((h) => safe(h)), ...masked], changed };
}

/** What goes to downloads/: read from `reportDir/tables/`, masked. */
export function planDownloads(reportDir: string): Download[] {
  const tables = path.join(reportDir, 'tables');
  const out: Download[] = [];
  for (const table of SAFE_TABLES) {
    const csvPath = path.join(tables, `${table}.csv`);
    if (!existsSync(csvPath)) continue;
    const { rows, changed } = maskCells(parseCsv(readFileSync(csvPath, 'utf8')));
    const text = formatCsv(rows);
    const parquetPath = path.join(tables, `${table}.parquet`);
    const parquet = !changed && existsSync(parquetPath) ? { name: `${table}.parquet`, bytes: readFileSync(parquetPath).byteLength, source: parquetPath } : null;
    out.push({ table, description: TABLE_TEXT[table], csv: { name: `${table}.csv`, bytes: Buffer.byteLength(text), text }, parquet, masked: changed });
  }
  return out;
}
