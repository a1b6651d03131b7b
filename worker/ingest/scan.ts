import { LineMap } from './textfile.ts';

/**
 * The physical-line scan of a CSV file: where each record starts, which lines are blank, and which
 * records are broken by a quote that never closes. It is the file's own account of its records,
 * against which DuckDB's reading is reconciled (every physical line is the header, a blank line,
 * or a line of exactly one record), and the source of every line number a reject names.
 *
 * The grammar is the one DuckDB's CSV reader follows (quote `"`, escaped by doubling), found by
 * testing it on hostile files (test/ingest/hostile.test.ts):
 * - a quote opens a quoted field at the start of a field, or after exactly one space there;
 *   anywhere else it is an ordinary character; inside a quoted field, line breaks and delimiters
 *   are data;
 * - a quoted field still open at the end of the file, after QUOTE_MAX_LINES line breaks or after
 *   QUOTE_MAX_BYTES bytes is a broken record: it is the one physical line where it starts, and
 *   the lines after it are records again (one stray quote loses one line, not the rest of the file);
 * - a line ends at a line feed (a carriage return before it is part of the line break); a line
 *   that is empty (or only a carriage return) is blank.
 * DuckDB stops with "invalid state" on a file that mixes line breaks (CRLF and LF) or has a carriage
 * return outside quotes that ends no line; the scan notes both, and such a file is read through a
 * copy with LF line breaks and those carriage returns left out (see `rewrite`).
 *
 * Bytes, not characters, are scanned (the delimiter, quote, space and line breaks are ASCII, so
 * UTF-8 needs no decoding), by jumping between quotes, line feeds and carriage returns with
 * Buffer.indexOf (memchr): a line without quotes costs a native search or two.
 */

export const QUOTE_MAX_LINES = 100;
export const QUOTE_MAX_BYTES = 64 * 1024;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

/**
 * A record the scan rejects itself, because DuckDB would misread it: a quote that never closes,
 * or a record over several lines that DuckDB would reject (its error recovery then resumes inside
 * the record, at one of its line breaks, and reads the rest as records).
 */
export interface BrokenRecord {
  /** DuckDB's numbering: logical line (header = 1, blank lines count, a record is one). */
  logical: number;
  /** The physical line where the broken record starts. */
  physical: number;
  /** Why it is rejected, in the words of the rejected-rows table. */
  reason: string;
  /** The record's text, cut at 200 characters. */
  text: string;
}

export const UNTERMINATED_QUOTE = 'unterminated quote: a quoted field starts on this line and never closes (the lines after it are read as records again)';
export const TEXT_AFTER_QUOTE = 'a quoted field has text after its closing quote';
export const fieldCountReason = (found: number, width: number): string =>
  `${found > width ? 'too many' : 'too few'} fields: ${found} where the header has ${width}`;

export interface CsvScan {
  map: LineMap;
  /** Physical lines in the file (a last line without a line break counts). */
  lines: number;
  /** Records after the header: logical lines that are not blank (blank ones too when blankIsRecord). */
  records: number;
  /** Blank physical lines after the header that are not records. */
  blankLines: number;
  broken: BrokenRecord[];
  /** Lines ended by CRLF, by LF alone, and carriage returns outside quotes that end no line. */
  crlfEnds: number;
  lfEnds: number;
  strayCr: number;
}

/** DuckDB reads the file as it is: no broken record, one kind of line break, no stray carriage return. */
export function readableAsIs(scan: CsvScan): boolean {
  return scan.broken.length === 0 && scan.strayCr === 0 && !(scan.crlfEnds > 0 && scan.lfEnds > 0);
}

export interface ScanOptions {
  delimiter: string;
  /**
   * Fields in the header: a record over several lines with another count is rejected by the scan.
   * Not needed for line lookups alone (a rejected record keeps its lines).
   */
  width?: number;
  /** 1 when the first line is a header, 0 for a bare list. */
  headerLines: number;
  /** A single-column file: a blank line is a record (one empty field). */
  blankIsRecord: boolean;
  /**
   * Writes the file again as DuckDB can read it: LF line breaks, stray carriage returns left out,
   * and each broken record replaced by `placeholder` (a line DuckDB rejects on its own).
   */
  rewrite?: { placeholder: Buffer; write: (bytes: Buffer) => Promise<void> };
}

/** One record's extent, from `start` (a byte offset in the buffer). */
interface Extent {
  /** Offset just past the record's final line feed (or the buffer's end at the end of the file). */
  end: number;
  /** Offset where the line break starts (CR of a CRLF, or LF), or `end` when there is none. */
  contentEnd: number;
  /** Line feeds inside the record's quoted fields (its physical lines - 1). */
  innerBreaks: number;
  blank: boolean;
  /** The scan's own reason to reject the record, or null. */
  broken: string | null;
  /** Carriage returns outside quotes that end no line. */
  strayCr: number[];
}

/** The first position of one byte at or after i, remembering the last answer. */
class Finder {
  private buf: Buffer = Buffer.alloc(0);
  /** The last search started here and found `found` (-1: none up to the buffer's end). */
  private searchedFrom = Number.MAX_SAFE_INTEGER;
  private found = -1;
  constructor(private readonly byte: number) {}

  reset(buf: Buffer): void {
    this.buf = buf;
    this.searchedFrom = Number.MAX_SAFE_INTEGER;
  }

  from(i: number): number {
    if (i >= this.searchedFrom && (this.found === -1 || this.found >= i)) return this.found;
    this.searchedFrom = i;
    this.found = this.buf.indexOf(this.byte, i);
    return this.found;
  }
}

/**
 * Scans records out of a growing buffer. `extent` returns null when the record may continue past
 * the buffer's end and more input exists.
 */
class Cursor {
  private buf: Buffer = Buffer.alloc(0);
  private readonly quotes = new Finder(QUOTE);
  private readonly lfs = new Finder(LF);
  private readonly crs = new Finder(CR);
  constructor(
    private readonly delim: number,
    private readonly width: number | undefined,
  ) {}

  reset(buf: Buffer): void {
    this.buf = buf;
    this.quotes.reset(buf);
    this.lfs.reset(buf);
    this.crs.reset(buf);
  }

  /** Whether the quote at q opens a quoted field: at a field's start, or one space after it. */
  private opens(q: number, start: number): boolean {
    const buf = this.buf;
    if (q === start || buf[q - 1] === this.delim) return true;
    return buf[q - 1] === SPACE && (q - 1 === start || buf[q - 2] === this.delim);
  }

  /** Carriage returns in [from, to) that are not the CR of a CRLF ending at `lineEnd`. */
  private strays(from: number, to: number, lineEnd: number, out: number[]): void {
    for (let c = this.crs.from(from); c !== -1 && c < to; c = this.crs.from(c + 1)) {
      if (c !== lineEnd - 1) out.push(c);
    }
  }

  /** The record that starts at `start`; `final` when the buffer holds the rest of the file. */
  extent(start: number, final: boolean): Extent | null {
    const buf = this.buf;
    let i = start;
    let innerBreaks = 0;
    let textAfterQuote = false;
    const strayCr: number[] = [];
    for (;;) {
      const lf = this.lfs.from(i);
      const q = this.quotes.from(i);
      if (q === -1 || (lf !== -1 && lf < q)) {
        if (lf === -1 && !final) return null;
        const lineEnd = lf === -1 ? buf.length : lf;
        // A CR at the very end of the file ends its last line, like a CRLF.
        const crEnd = lineEnd > i && buf[lineEnd - 1] === CR;
        this.strays(i, lineEnd, lineEnd, strayCr);
        const contentEnd = crEnd ? lineEnd - 1 : lineEnd;
        let broken: string | null = null;
        if (innerBreaks > 0) {
          // DuckDB would reject it and resume at one of its inner line breaks: the scan rejects it.
          const fields = countFields(buf, start, contentEnd, this.delim);
          if (textAfterQuote) broken = TEXT_AFTER_QUOTE;
          else if (this.width !== undefined && fields !== this.width) broken = fieldCountReason(fields, this.width);
        }
        return {
          end: lf === -1 ? buf.length : lf + 1,
          contentEnd,
          innerBreaks,
          // blank once its stray carriage returns are left out
          blank: innerBreaks === 0 && contentEnd - start === strayCr.length,
          broken,
          strayCr,
        };
      }
      this.strays(i, q, -1, strayCr);
      if (!this.opens(q, start)) {
        i = q + 1;
        continue;
      }
      // A quoted field: find its closing quote (a doubled quote is an escaped one).
      let j = q + 1;
      let breaks = 0;
      let closed = -1;
      while (closed < 0) {
        const c = this.quotes.from(j);
        const limit = c === -1 ? buf.length : c;
        for (let k = this.lfs.from(j); k !== -1 && k < limit && breaks <= QUOTE_MAX_LINES; k = this.lfs.from(k + 1)) breaks++;
        if (breaks > QUOTE_MAX_LINES || limit - q > QUOTE_MAX_BYTES) return this.broken(start, final);
        if (c === -1 || c + 1 >= buf.length) {
          if (!final) return null;
          if (c === -1) return this.broken(start, final);
          closed = c; // a closing quote as the file's last byte
        } else if (buf[c + 1] === QUOTE) j = c + 2;
        else closed = c;
      }
      innerBreaks += breaks;
      i = closed + 1;
      // After a closing quote only spaces may come before the delimiter or the line's end.
      let k = i;
      while (k < buf.length && buf[k] === SPACE) k++;
      const next = buf[k];
      if (k < buf.length && next !== this.delim && next !== LF && !(next === CR && (k + 1 === buf.length || buf[k + 1] === LF))) {
        textAfterQuote = true;
      }
    }
  }

  /** A broken record is the physical line it starts on. */
  private broken(start: number, final: boolean): Extent | null {
    const lf = this.buf.indexOf(LF, start);
    if (lf === -1 && !final) return null;
    const end = lf === -1 ? this.buf.length : lf + 1;
    const lineEnd = lf === -1 ? end : lf;
    const contentEnd = lineEnd > start && this.buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    return { end, contentEnd, innerBreaks: 0, blank: false, broken: UNTERMINATED_QUOTE, strayCr: [] };
  }
}

/** The fields of one record (rare: only records over several lines are counted). */
function countFields(buf: Buffer, start: number, end: number, delim: number): number {
  let fields = 1;
  let quoted = false;
  let fieldStart = start;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (quoted) {
      if (b === QUOTE) {
        if (buf[i + 1] === QUOTE) i++;
        else quoted = false;
      }
    } else if (b === delim) {
      fields++;
      fieldStart = i + 1;
    } else if (b === QUOTE && (i === fieldStart || (i === fieldStart + 1 && buf[fieldStart] === SPACE))) quoted = true;
  }
  return fields;
}

function lineText(buf: Buffer, start: number, end: number): string {
  return buf.subarray(start, Math.min(end, start + 800)).toString('utf8').slice(0, 200);
}

const NEWLINE = Buffer.from('\n');

/** Scans a CSV file's UTF-8 bytes (see worker/ingest/encoding.ts for other encodings). */
export async function scanCsv(chunks: AsyncIterable<Buffer>, options: ScanOptions): Promise<CsvScan> {
  const map = new LineMap();
  const broken: BrokenRecord[] = [];
  const cursor = new Cursor(options.delimiter.charCodeAt(0), options.width);
  const rewrite = options.rewrite;
  let logical = 0; // logical lines completed
  let physical = 0; // physical lines completed
  let records = 0;
  let blankLines = 0;
  let crlfEnds = 0;
  let lfEnds = 0;
  let strayCr = 0;
  let drift = 0; // physical - logical line where records start
  let pending: Buffer | null = null;

  const take = async (buf: Buffer, final: boolean): Promise<number> => {
    cursor.reset(buf);
    let pos = 0;
    const out: Buffer[] = [];
    while (pos < buf.length) {
      const e = cursor.extent(pos, final);
      if (e === null) break;
      logical++;
      const startPhysical = physical + 1;
      if (startPhysical - logical !== drift) {
        map.addStep(logical, startPhysical);
        drift = startPhysical - logical;
      }
      physical += 1 + e.innerBreaks;
      if (e.end > e.contentEnd) {
        if (e.end - e.contentEnd >= 2 || buf[e.end - 1] === CR) crlfEnds++;
        else lfEnds++;
      }
      strayCr += e.strayCr.length;
      // The header is read by readHead, not judged here.
      if (e.broken && logical <= options.headerLines) e.broken = null;
      if (e.broken) broken.push({ logical, physical: startPhysical, reason: e.broken, text: lineText(buf, pos, e.contentEnd) });
      if (logical > options.headerLines) {
        if (e.blank && !options.blankIsRecord) {
          map.blank.push(logical);
          blankLines++;
        } else records++;
      } else if (e.blank) map.blank.push(logical);
      if (rewrite) {
        if (e.broken) out.push(rewrite.placeholder);
        else {
          let from = pos;
          for (const c of e.strayCr) {
            out.push(buf.subarray(from, c));
            from = c + 1;
          }
          out.push(buf.subarray(from, e.contentEnd));
        }
        if (e.end > e.contentEnd) out.push(NEWLINE);
      }
      pos = e.end;
    }
    if (rewrite && out.length > 0) await rewrite.write(Buffer.concat(out));
    return pos;
  };

  for await (const chunk of chunks) {
    const buf: Buffer = pending && pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    const used = await take(buf, false);
    pending = buf.subarray(used);
  }
  if (pending && pending.length > 0) await take(pending, true);
  return { map, lines: physical, records, blankLines, broken, crlfEnds, lfEnds, strayCr };
}

/**
 * The text of some logical lines of a CSV file (the header is logical line 1), for records that
 * are read again by number: each from its first byte to the end of its last line, without the
 * line break. Reads no further than the last one wanted.
 */
export async function recordTexts(chunks: AsyncIterable<Buffer>, delimiter: string, wanted: number[]): Promise<Map<number, Buffer>> {
  const want = new Set(wanted);
  const last = Math.max(0, ...wanted);
  const out = new Map<number, Buffer>();
  const cursor = new Cursor(delimiter.charCodeAt(0), undefined);
  let logical = 0;
  // the position reached in buf, or -1 once the last wanted line is read
  const take = (buf: Buffer, final: boolean): number => {
    cursor.reset(buf);
    let pos = 0;
    while (pos < buf.length) {
      const e = cursor.extent(pos, final);
      if (e === null) break;
      logical++;
      if (want.has(logical)) out.set(logical, Buffer.from(buf.subarray(pos, e.contentEnd)));
      pos = e.end;
      if (logical >= last) return -1;
    }
    return pos;
  };
  if (last === 0) return out;
  let pending: Buffer | null = null;
  for await (const chunk of chunks) {
    const buf: Buffer = pending && pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    const used = take(buf, false);
    if (used < 0) return out;
    pending = buf.subarray(used);
  }
  if (pending && pending.length > 0) take(pending, true);
  return out;
}
