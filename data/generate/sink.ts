import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';

/** Quotes a CSV field when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  if (!/[",\r\n]/.test(value)) return value;
  return `"${value.includes('"') ? value.replace(/"/g, '""') : value}"`;
}

/** csvField that remembers its last answer: consecutive rows of a campaign share their body. */
export function csvFieldCached(): (value: string) => string {
  let last = '';
  let quoted = '';
  return (value) => {
    if (value !== last) {
      last = value;
      quoted = csvField(value);
    }
    return quoted;
  };
}

const CHUNK = 1 << 20;

/**
 * A text file written in ~1 MB chunks. Rows are UTF-8 encoded straight into a buffer, which
 * goes to the stream when full; when the stream is behind we wait for 'drain'. Memory stays
 * bounded whatever the file size, and no big joined string is ever built.
 */
export class TextSink {
  rows = 0;
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  /** Full buffers not yet handed to the stream. */
  private readonly pending: Buffer[] = [];
  private failure: Error | null = null;
  private readonly stream: WriteStream;

  constructor(
    dir: string,
    readonly file: string,
    header: string | null,
  ) {
    // Room for a few chunks in flight, so generating goes on while the disk writes.
    this.stream = createWriteStream(path.join(dir, file), { highWaterMark: 4 * CHUNK });
    this.stream.on('error', (e: Error) => {
      this.failure = e;
    });
    if (header !== null) this.put(header);
  }

  /** Adds one record (a line, or lines for a quoted multi-line field) and counts it. */
  row(line: string): void {
    this.put(line);
    this.rows++;
  }

  /** Hands full buffers to the stream; call between batches of rows. */
  async maybeFlush(): Promise<void> {
    if (this.pending.length > 0 || this.pos >= CHUNK / 2) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    if (!this.stream.closed) await once(this.stream, 'close');
    this.check();
  }

  /** Rows gather in a short string first: one buffer write per ~16k characters is cheaper than one per row. */
  private acc = '';

  private put(line: string): void {
    this.acc += `${line}\n`;
    if (this.acc.length >= 16_384) this.encode();
  }

  private encode(): void {
    const text = this.acc;
    this.acc = '';
    // A UTF-16 code unit takes at most 3 bytes in UTF-8; a full buffer moves to `pending`.
    if (this.pos + text.length * 3 > this.buf.length) this.rotate(text.length * 3);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  private rotate(need: number): void {
    if (this.pos > 0) this.pending.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, need));
    this.pos = 0;
  }

  private async flush(): Promise<void> {
    this.check();
    this.encode();
    this.rotate(0);
    for (const chunk of this.pending.splice(0)) {
      if (!this.stream.write(chunk)) await once(this.stream, 'drain');
      this.check();
    }
  }

  private check(): void {
    if (this.failure) throw new Error(`cannot write ${this.file}: ${this.failure.message}`);
  }
}
