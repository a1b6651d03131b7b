import { OptoutError } from '../errors.ts';
import { detectForm, HEAD_BYTES, utf8Chunks, type TextForm } from './encoding.ts';

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
 * The first `limit` bytes of a file's text, as UTF-8, with the form they were decoded from. The
 * first 64 KB come from detectForm's one read; only a longer limit reads the file again.
 */
async function headText(path: string, name: string, gzip: boolean, limit: number): Promise<{ buf: Buffer; form: TextForm }> {
  const { form, head } = await detectForm(path, gzip, name);
  if (limit <= HEAD_BYTES) return { buf: head, form };
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of utf8Chunks(path, gzip, form)) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= limit) break;
    }
  } catch (e) {
    throw new OptoutError(`${name}: cannot be read${gzip ? ' as gzip' : ''}: ${(e as Error).message}`);
  }
  return { buf: Buffer.concat(chunks), form };
}

/**
 * Reads the first record of a CSV file (the header) and guesses its delimiter among `,` `;` tab
 * and `|` (the one that splits the header into the most fields). A file with NUL bytes near its
 * start (once UTF-16 is decoded) is not CSV.
 */
export async function readHead(path: string, name: string, gzip: boolean): Promise<{ head: Head; firstLine: string; form: TextForm }> {
  const { buf, form } = await headText(path, name, gzip, HEAD_BYTES);
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
  return { head: best, firstLine, form };
}

/** Reads the first non-blank line of a JSON Lines file, and the file's form. */
export async function readFirstLine(path: string, name: string, gzip: boolean): Promise<{ line: string | null; form: TextForm }> {
  const { buf, form } = await headText(path, name, gzip, 1 << 22);
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const m = /^\s*(\S[^\n]*)/.exec(text);
  return { line: m?.[1]?.replace(/\r$/, '') ?? null, form };
}

/**
 * Where each record of a CSV file starts. DuckDB numbers a CSV's lines by records (a quoted line
 * break does not start a new line for it, a blank line does), while the contract asks for the
 * physical line. The scan (scan.ts) follows quotes the way the CSV grammar does and records, for
 * the few records that span several physical lines, how far the two numberings drift apart.
 */
export class LineMap {
  /** [logical line, physical line] pairs where the drift changes, in order. */
  private readonly steps: [number, number][] = [];
  /** Logical lines (1-based, header included) that are blank. */
  readonly blank: number[] = [];

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
