import type { TextForm } from './encoding.ts';
import { utf8Chunks } from './encoding.ts';
import { scanCsv } from './scan.ts';
import type { LineMap } from './textfile.ts';

/**
 * Turns a record's ordinal in DuckDB's reading of a file into the physical line where the record
 * starts (SPEC section 1: "the 1-based physical line where the record starts").
 *
 * For JSON Lines every physical line is a DuckDB row, so the ordinal is the line; for Parquet the
 * "line" is the row number. For CSV, DuckDB's good rows skip blank lines (in files of more than
 * one column) and the records its parser rejected, and a quoted line break makes a record longer
 * than a line: the file's scan (scan.ts, made while DuckDB reads it) undoes that.
 */
export interface CsvLineSource {
  path: string;
  gzip: boolean;
  form: TextForm;
  delimiter: string;
  /** The header takes line 1 unless the file is a bare list. */
  headerLines: number;
  /** Blank lines are records in single-column files (DuckDB reads them as one empty field). */
  blankIsRecord: boolean;
  /** Logical lines (DuckDB's numbering) of the records DuckDB rejected. */
  structural: number[];
}

function countUpTo(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The logical line of the k-th good record (1-based), given the sorted logical lines it skips. */
export function logicalOfRecord(k: number, first: number, skipped: number[]): number {
  let l = first + k - 1;
  for (;;) {
    const s = countUpTo(skipped, l) - countUpTo(skipped, first - 1);
    const records = l - first + 1 - s;
    if (records === k && !isIn(skipped, l)) return l;
    l += records === k ? 1 : k - records;
  }
}

function isIn(sorted: number[], x: number): boolean {
  return countUpTo(sorted, x) - countUpTo(sorted, x - 1) === 1;
}

export interface LineLookup {
  /** Physical line of the k-th record DuckDB accepted. */
  ofRecord(k: number): number;
  /** Physical line of a logical line DuckDB reported (its rejects). */
  ofLogical(l: number): number;
}

/** The logical line of the k-th record DuckDB accepted, from the scan and the logical lines it rejected. */
export function recordLogical(map: LineMap, headerLines: number, blankIsRecord: boolean, structural: number[]): (k: number) => number {
  const sorted = [...structural].sort((a, b) => a - b);
  const skipped = blankIsRecord ? sorted : [...new Set([...sorted, ...map.blank])].sort((a, b) => a - b);
  const first = headerLines + 1;
  return (k) => logicalOfRecord(k, first, skipped);
}

/** Line lookups of a CSV file from its scan and the logical lines DuckDB rejected. */
export function csvLookup(map: LineMap, headerLines: number, blankIsRecord: boolean, structural: number[]): LineLookup {
  const logical = recordLogical(map, headerLines, blankIsRecord, structural);
  return {
    ofRecord: (k) => map.physical(logical(k)),
    ofLogical: (l) => map.physical(l),
  };
}

/** Scans a CSV file again (one loaded by an earlier run into the same database) for its lookups. */
export async function csvLines(src: CsvLineSource): Promise<LineLookup> {
  const scan = await scanCsv(utf8Chunks(src.path, src.gzip, src.form), {
    delimiter: src.delimiter,
    headerLines: src.headerLines,
    blankIsRecord: src.blankIsRecord,
  });
  return csvLookup(scan.map, src.headerLines, src.blankIsRecord, src.structural);
}

/** Lines of JSON Lines (ordinal = physical line) and Parquet (ordinal = row number). */
export const identityLines: LineLookup = { ofRecord: (k) => k, ofLogical: (l) => l };
