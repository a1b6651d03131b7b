import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';

/** Quotes a CSV field when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const CHUNK = 1 << 20;

/**
 * A text file written in ~1 MB chunks. Rows are collected as strings and handed to the stream
 * once the chunk is full, waiting for 'drain' when the stream is behind, so memory stays bounded
 * whatever the file size.
 */
export class TextSink {
  rows = 0;
  private parts: string[] = [];
  private size = 0;
  private failure: Error | null = null;
  private readonly stream: WriteStream;

  constructor(
    dir: string,
    readonly file: string,
    header: string | null,
  ) {
    this.stream = createWriteStream(path.join(dir, file));
    this.stream.on('error', (e: Error) => {
      this.failure = e;
    });
    if (header !== null) this.push(`${header}\n`);
  }

  /** Adds one record (a line, or lines for a quoted multi-line field) and counts it. */
  row(line: string): void {
    this.push(`${line}\n`);
    this.rows++;
  }

  /** Writes out the collected chunk when it is big enough; call between batches of rows. */
  async maybeFlush(): Promise<void> {
    if (this.size >= CHUNK) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    if (!this.stream.closed) await once(this.stream, 'close');
    this.check();
  }

  private push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }

  private async flush(): Promise<void> {
    this.check();
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
    this.check();
  }

  private check(): void {
    if (this.failure) throw new Error(`cannot write ${this.file}: ${this.failure.message}`);
  }
}
