import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { OptoutError } from '../errors.ts';

/**
 * The text encodings an export's CSV and JSON Lines files come in. DuckDB reads UTF-8 only, so a
 * file in another encoding is read through a UTF-8 copy (same lines, same order), and every scan
 * in JavaScript decodes it the same way:
 * - UTF-8, with or without a byte-order mark: read as it is;
 * - UTF-16 (what Excel's "Unicode text" writes): told by its byte-order mark (FF FE little-endian,
 *   FE FF big-endian), or without one by the zero bytes of ASCII text in every other byte;
 * - Windows-1252 (Latin-1 and its superset, what older Windows tools write): a file that is not
 *   valid UTF-8 and has no valid UTF-8 sequence of two or more bytes. A file that mixes valid
 *   UTF-8 with stray bytes stays UTF-8: its lines with stray bytes are rejected, with the reason.
 */
export type Encoding = 'utf8' | 'utf16le' | 'utf16be' | 'windows-1252';

/**
 * How a text file is read: its encoding, and whether its lines end with a carriage return alone
 * (what Excel for Mac's "CSV (Macintosh)" writes), which is read as a line feed.
 */
export interface TextForm {
  encoding: Encoding;
  crLines: boolean;
}

/** UTF-8 with line feeds: what DuckDB reads as it is. */
export const PLAIN: TextForm = { encoding: 'utf8', crLines: false };

export const isPlain = (form: TextForm): boolean => form.encoding === 'utf8' && !form.crLines;


/** The raw bytes of a file, gunzipped when it is gzip. */
export function openBytes(path: string, gzip: boolean): Readable {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gzip) return raw;
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

/** The encoding told by the first bytes of a file: a UTF-16 byte-order mark or zero-byte pattern. */
export function sniffEncoding(head: Buffer): Encoding {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
  // No mark: ASCII text in UTF-16 has a zero in every other byte, and UTF-8 text has none.
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 16) return 'utf8';
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  // Text in a Latin script has a zero in nearly every high byte; a binary file's zeros fall anywhere.
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.05) return 'utf16le';
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.05) return 'utf16be';
  return 'utf8';
}

async function firstBytes(path: string, gzip: boolean, name: string, limit: number): Promise<Buffer> {
  const stream = openBytes(path, gzip);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= limit) break;
    }
  } catch (e) {
    throw new OptoutError(`${name}: cannot be read${gzip ? ' as gzip' : ''}: ${(e as Error).message}`);
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

/** The first 64 KB of a file decide its form (and hold its header). */
export const HEAD_BYTES = 64 * 1024;

const decoderLabel = (encoding: Exclude<Encoding, 'utf8'>): string =>
  encoding === 'windows-1252' ? 'windows-1252' : encoding === 'utf16le' ? 'utf-16le' : 'utf-16be';

/**
 * Tells a file's form from its first 64 KB, read once: UTF-16 by its first bytes, and
 * carriage-return line breaks by the absence of any line feed; returns those bytes decoded too
 * (the header is read from them). Windows-1252 needs the whole file (isSingleByteText), read only
 * when DuckDB found bytes that are not UTF-8 in it.
 */
export async function detectForm(path: string, gzip: boolean, name: string): Promise<{ form: TextForm; head: Buffer }> {
  const raw = await firstBytes(path, gzip, name, HEAD_BYTES);
  const encoding = sniffEncoding(raw);
  const decoded = encoding === 'utf8' ? raw : Buffer.from(new TextDecoder(decoderLabel(encoding)).decode(raw), 'utf8');
  const form = { encoding, crLines: decoded.includes(0x0d) && !decoded.includes(0x0a) };
  return { form, head: form.crLines ? new CrToLf().push(decoded) : decoded };
}

/**
 * True when a file that is not valid UTF-8 has no valid multi-byte UTF-8 sequence at all: every
 * byte above 0x7F is a character of a single-byte encoding, so the file is Windows-1252.
 */
export async function isSingleByteText(path: string, gzip: boolean): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let high = 0;
  let replaced = 0;
  for await (const chunk of openBytes(path, gzip) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) if ((chunk[i] as number) > 0x7f) high++;
    const text = decoder.decode(chunk, { stream: true });
    for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) replaced++;
  }
  const rest = decoder.decode();
  for (let i = rest.indexOf('\ufffd'); i !== -1; i = rest.indexOf('\ufffd', i + 1)) replaced++;
  // Each invalid byte becomes one U+FFFD; a valid multi-byte character uses two or more high bytes.
  return high > 0 && replaced === high;
}

/** The file's text as UTF-8 bytes with line feeds, decoded from its form (a UTF-16 byte-order mark is dropped). */
export async function* utf8Chunks(path: string, gzip: boolean, form: TextForm): AsyncGenerator<Buffer> {
  const stream = openBytes(path, gzip);
  const lf = form.crLines ? new CrToLf() : null;
  try {
    if (form.encoding === 'utf8') {
      for await (const chunk of stream as AsyncIterable<Buffer>) yield lf ? lf.push(chunk) : chunk;
      return;
    }
    const decoder = new TextDecoder(decoderLabel(form.encoding));
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decoder.decode(chunk, { stream: true });
      if (text.length > 0) yield lf ? lf.push(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield lf ? lf.push(Buffer.from(rest, 'utf8')) : Buffer.from(rest, 'utf8');
  } finally {
    stream.destroy();
  }
}

/** Turns carriage-return line breaks (CR, or CRLF) into line feeds, across chunk boundaries. */
class CrToLf {
  private afterCr = false;
  push(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b === 0x0a && this.afterCr) {
        this.afterCr = false;
        continue; // the LF of a CRLF: the CR was the line break
      }
      this.afterCr = b === 0x0d;
      out[n++] = this.afterCr ? 0x0a : b;
    }
    return out.subarray(0, n);
  }
}

/** A file written by awaited writes, each waiting for the stream to drain; close() when done. */
export function fileSink(dest: string): { write(bytes: Buffer): Promise<void>; close(): Promise<void> } {
  const out = createWriteStream(dest);
  return {
    write: async (bytes) => {
      if (!out.write(bytes)) await once(out, 'drain');
    },
    close: async () => {
      out.end();
      await once(out, 'close');
    },
  };
}

/** Writes chunks to a file. */
export async function writeChunks(chunks: AsyncIterable<Buffer>, dest: string): Promise<void> {
  const sink = fileSink(dest);
  try {
    for await (const chunk of chunks) await sink.write(chunk);
  } finally {
    await sink.close();
  }
}

/**
 * The chunks of a text with some of its physical lines (1-based) replaced: `replace` gets the
 * line's bytes without its line break and returns the new line (its line break is kept).
 */
export async function* replaceLines(chunks: AsyncIterable<Buffer>, lines: Set<number>, replace: (line: number, text: Buffer) => Buffer): AsyncGenerator<Buffer> {
  let line = 1;
  let held: Buffer[] = []; // bytes of a line being replaced, when it spans chunks
  const last = Math.max(0, ...lines);
  for await (const chunk of chunks) {
    if (line > last) {
      yield chunk;
      continue;
    }
    let pos = 0;
    const out: Buffer[] = [];
    while (pos < chunk.length) {
      const lf = chunk.indexOf(0x0a, pos);
      const end = lf === -1 ? chunk.length : lf;
      if (lines.has(line)) {
        held.push(chunk.subarray(pos, end));
        if (lf !== -1) {
          let text = Buffer.concat(held);
          const cr = text.length > 0 && text[text.length - 1] === 0x0d;
          if (cr) text = text.subarray(0, text.length - 1);
          out.push(replace(line, text), Buffer.from(cr ? '\r\n' : '\n'));
          held = [];
        }
      } else out.push(chunk.subarray(pos, lf === -1 ? chunk.length : lf + 1));
      if (lf === -1) break;
      pos = lf + 1;
      line++;
    }
    yield Buffer.concat(out);
  }
  if (held.length > 0) yield replace(line, Buffer.concat(held));
}
