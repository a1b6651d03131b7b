import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PLAIN, utf8Chunks } from '../../worker/ingest/encoding.ts';
import { csvLines, logicalOfRecord } from '../../worker/ingest/lines.ts';
import { scanCsv } from '../../worker/ingest/scan.ts';
import { splitRecord } from '../../worker/ingest/textfile.ts';

const scanLines = async (p: string, gzip: boolean, delimiter: string) =>
  (await scanCsv(utf8Chunks(p, gzip, PLAIN), { delimiter, headerLines: 1, blankIsRecord: false })).map;

async function file(name: string, body: string | Buffer): Promise<string> {
  const p = path.join(tmpdir(), `optout-lines-${process.pid}-${name}`);
  await writeFile(p, body);
  return p;
}

describe('physical lines of CSV records', () => {
  it('finds the logical line of the k-th good record around skipped lines', () => {
    // Records start at line 2; lines 3 and 5 are skipped (blank or rejected).
    expect([1, 2, 3, 4].map((k) => logicalOfRecord(k, 2, [3, 5]))).toEqual([2, 4, 6, 7]);
    expect([1, 2].map((k) => logicalOfRecord(k, 1, []))).toEqual([1, 2]);
  });

  it('maps logical lines to physical ones across quoted line breaks, escaped quotes and CRLF', async () => {
    const body = ['a,b', '1,"x\r\ny"', '', '2,"he said ""hi""\nthen\nleft"', '3,z', '4,"a ""b', 'c"""', '5,w'].join('\r\n');
    const map = await scanLines(await file('crlf.csv', body), false, ',');
    // logical: 1 header, 2 rec(2-3), 3 blank(4), 4 rec(5-7), 5 rec(8), 6 rec(9-10), 7 rec(11)
    expect([1, 2, 3, 4, 5, 6, 7].map((l) => map.physical(l))).toEqual([1, 2, 4, 5, 8, 9, 11]);
    expect(map.blank).toEqual([3]);
    const lookup = await csvLines({ path: await file('crlf2.csv', body), gzip: false, form: PLAIN, delimiter: ',', headerLines: 1, blankIsRecord: false, structural: [] });
    expect([1, 2, 3, 4, 5].map((k) => lookup.ofRecord(k))).toEqual([2, 5, 8, 9, 11]);
  });

  it('reads gzipped files and semicolon-delimited ones the same way', async () => {
    const body = 'a;b\n1;"x\ny"\n2;z\n';
    const map = await scanLines(await file('semi.csv.gz', gzipSync(body)), true, ';');
    expect([2, 3].map((l) => map.physical(l))).toEqual([2, 4]);
  });

  it('splits a header record with quotes and delimiters inside', () => {
    expect(splitRecord('"a,b",c,"d ""e"""', ',')).toEqual(['a,b', 'c', 'd "e"']);
  });
});
