import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { OptoutError } from '../errors.ts';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

function open(path: string, gzip: boolean): Readable {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gzip) return raw;
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

export interface Head {
  /** The header's field names, as written (BOM and surrounding spaces removed). */
  fields: string[];
  delimiter: string;
}

/** Splits one CSV record (no line breaks outside quotes) into fields. */
export function splitRecord(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let inQuote = false;
  let atStart = true;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (inQuote) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuote = false;
      } else field += ch;
    } else if (ch === delimiter) {
      out.push(field);
      field = '';
      atStart = true;
      continue;
    } else if (ch === '"' && atStart) inQuote = true;
    else field += ch;
    atStart = false;
  }
  out.push(field);
  return out;
}

/**
 * Reads the first record of a CSV file (the header) and guesses its delimiter among `,` `;` tab
 * and `|` (the one that splits the header into the most fields). A file with NUL bytes or
 * undecodable text near its start is not CSV.
 */
export async function readHead(path: string, name: string, gzip: boolean): Promise<{ head: Head; firstLine: string }> {
  const stream = open(path, gzip);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= 64 * 1024) break;
    }
  } catch (e) {
    throw new OptoutError(`${name}: cannot be read${gzip ? ' as gzip' : ''}: ${(e as Error).message}`);
  } finally {
    stream.destroy();
  }
  const buf = Buffer.concat(chunks);
  if (buf.length === 0) throw new OptoutError(`${name}: the file is empty (a header line is required)`);
  if (buf.subarray(0, 8192).includes(0)) throw new OptoutError(`${name}: not a CSV file (it contains binary data)`);
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const end = text.search(/\r?\n/);
  const firstLine = end < 0 ? text : text.slice(0, end);
  let best: Head = { fields: [firstLine.trim()], delimiter: ',' };
  for (const delimiter of [',', ';', '\t', '|']) {
    const fields = splitRecord(firstLine, delimiter).map((f) => f.trim());
    if (fields.length > best.fields.length) best = { fields, delimiter };
  }
  return { head: best, firstLine };
}

/** Reads the first non-blank line of a JSON Lines file. */
export async function readFirstLine(path: string, name: string, gzip: boolean): Promise<string | null> {
  const stream = open(path, gzip);
  let text = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8');
      const m = /^\s*(\S[^\n]*)/.exec(text);
      if (m && text.indexOf('\n', m.index + m[0].length - (m[1]?.length ?? 0)) >= 0) break;
      if (text.length > 1 << 22) break;
    }
  } catch (e) {
    throw new OptoutError(`${name}: cannot be read${gzip ? ' as gzip' : ''}: ${(e as Error).message}`);
  } finally {
    stream.destroy();
  }
  const m = /^\s*(\S[^\n]*)/.exec(text);
  return m?.[1]?.replace(/\r$/, '') ?? null;
}

/**
 * Where each record of a CSV file starts. DuckDB numbers a CSV's lines by records (a quoted line
 * break does not start a new line for it, a blank line does), while the contract asks for the
 * physical line. The scan below follows quotes the way the CSV grammar does and records, for the
 * few records that span several physical lines, how far the two numberings drift apart.
 */
export class LineMap {
  /** [logical line, physical line] pairs where the drift changes, in order. */
  private readonly steps: [number, number][] = [];
  /** Logical lines (1-based, header included) that are blank. */
  readonly blank: number[] = [];
  /** Logical lines read so far. */
  logicalLines = 0;

  addStep(logical: number, physical: number): void {
    this.steps.push([logical, physical]);
  }

  /** The physical line where logical line `logical` starts. */
  physical(logical: number): number {
    // Binary search for the last step at or before `logical`.
    let lo = 0;
    let hi = this.steps.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.steps[mid] as [number, number])[0] <= logical) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return logical;
    const [l, p] = this.steps[found] as [number, number];
    return p + (logical - l);
  }
}

/**
 * Scans a CSV file until `done` says it has seen enough (or to the end) and returns its LineMap. Bytes, not
 * characters, are scanned: the delimiter, quote and line feed are ASCII, so UTF-8 needs no
 * decoding here.
 */
export async function scanLines(
  path: string,
  gzip: boolean,
  delimiter: string,
  done: (map: LineMap, logical: number) => boolean = () => false,
): Promise<LineMap> {
  const map = new LineMap();
  const delim = delimiter.charCodeAt(0);
  let physical = 1; // physical line of the current position
  let logical = 1; // logical line being read
  let startPhysical = 1; // physical line where the current logical line started
  let blank = true;
  let state = 0; // 0 unquoted, 1 in quotes, 2 just after a quote inside quotes
  let atFieldStart = true;
  const stream = open(path, gzip);
  try {
    outer: for await (const chunk of stream as AsyncIterable<Buffer>) {
      const n = chunk.length;
      for (let i = 0; i < n; i++) {
        const b = chunk[i] as number;
        if (state === 1) {
          if (b === QUOTE) state = 2;
          else if (b === LF) physical++;
          continue;
        }
        if (state === 2) {
          if (b === QUOTE) {
            state = 1; // an escaped quote: still inside
            continue;
          }
          state = 0;
        }
        if (b === LF) {
          if (blank) map.blank.push(logical);
          if (physical !== startPhysical) map.addStep(logical + 1, physical + 1);
          physical++;
          logical++;
          startPhysical = physical;
          blank = true;
          atFieldStart = true;
          if (done(map, logical)) break outer;
          continue;
        }
        if (b === CR) continue;
        blank = false;
        if (b === delim) {
          atFieldStart = true;
          continue;
        }
        if (b === QUOTE && atFieldStart) state = 1;
        atFieldStart = false;
      }
    }
  } finally {
    stream.destroy();
  }
  map.logicalLines = blank ? logical - 1 : logical;
  return map;
}
