import { scanLines, type LineMap } from './textfile.ts';

/**
 * Turns a record's ordinal in DuckDB's reading of a file into the physical line where the record
 * starts (SPEC section 1: "the 1-based physical line where the record starts").
 *
 * For JSON Lines every physical line is a DuckDB row, so the ordinal is the line; for Parquet the
 * "line" is the row number. For CSV, DuckDB's good rows skip blank lines (in files of more than
 * one column) and the records its parser rejected, and a quoted line break makes a record longer
 * than a line: the file is scanned (lazily, only when one of its rows needs a line) to undo that.
 */
export interface CsvLineSource {
  path: string;
  gzip: boolean;
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

/** Scans a CSV file once, far enough for every record in `records` and logical line in `logical`. */
export async function csvLines(src: CsvLineSource, records: number[], logical: number[]): Promise<LineLookup> {
  const maxRecord = records.reduce((a, b) => Math.max(a, b), 0);
  const maxLogical = logical.reduce((a, b) => Math.max(a, b), 0);
  const structural = [...src.structural].sort((a, b) => a - b);
  // The k-th record is at logical line first + k - 1 + (lines skipped before it): stop once the
  // scan is past that bound, counting the blank lines seen so far.
  const done = (map: LineMap, at: number): boolean =>
    at > maxLogical + 1 &&
    at > src.headerLines + maxRecord + structural.length + (src.blankIsRecord ? 0 : map.blank.length) + 1;
  const map = await scanLines(src.path, src.gzip, src.delimiter, done);
  const skipped = src.blankIsRecord
    ? structural
    : [...new Set([...structural, ...map.blank])].sort((a, b) => a - b);
  const first = src.headerLines + 1;
  return {
    ofRecord: (k) => map.physical(logicalOfRecord(k, first, skipped)),
    ofLogical: (l) => map.physical(l),
  };
}

/** Lines of JSON Lines (ordinal = physical line) and Parquet (ordinal = row number). */
export const identityLines: LineLookup = { ofRecord: (k) => k, ofLogical: (l) => l };
