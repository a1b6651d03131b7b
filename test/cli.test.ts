import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cli } from '../worker/cli.ts';
import { LEADS, MESSAGES_HEADER, STUDIOS, writeExport } from './helpers/export.ts';

const MESSAGE = `${MESSAGES_HEADER}\nm1,s1,l1,,outbound,2026-03-02T18:00:00Z,delivered,,c1,,Palm Yoga: hi\n`;

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), interactive: false });
  return { code, out, err };
}

describe('optout CLI', () => {
  it('prints help for each command and the version', async () => {
    for (const command of ['run', 'ingest', 'generate']) {
      const r = await runCli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: optout ${command}`);
    }
    expect((await runCli(['--version'])).out).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await runCli(['--help'])).out).toContain('Commands:');
  });

  it('exits 2 with one line on a usage error', async () => {
    const cases: [string[], string][] = [
      [['frobnicate'], 'optout: unknown command "frobnicate" (expected run, ingest or generate; see optout --help)\n'],
      [['run'], 'optout: --input: the export folder is required\n'],
      [['run', '--input', 'x', '--month', '2026-13'], 'optout: --month: expected YYYY-MM, got "2026-13"\n'],
      [['run', '--input', 'x', '--timezone', 'Mars/Olympus'], 'optout: --timezone: "Mars/Olympus" is not an IANA time zone\n'],
      [['run', '--input', 'x', '--attribution-hours=-1'], 'optout: --attribution-hours: expected a positive number, got "-1"\n'],
      [['run', '--input', 'x', '--memory', 'lots'], 'optout: --memory: expected a size such as 1GB or 512MB, or auto, got "lots"\n'],
      [['generate'], 'optout: --out: the folder to write the sample export to is required\n'],
      [['run', '--input', 'x', '--no-site', '--pdf'], 'optout: --pdf: the PDF is printed from the site, which --no-site turns off\n'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect({ args, code: r.code, err: r.err }).toEqual({ args, code: 2, err: message });
    }
    const unknown = await runCli(['run', '--inptu', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^optout: run: Unknown option '--inptu'/);
  });

  it('stops with one clear line naming the file when a file cannot be read at all', async () => {
    const cases: [Record<string, string | Buffer>, RegExp][] = [
      [{ 'studios.csv': STUDIOS }, /^optout: .*: no messages file \(expected messages\*\.csv/],
      [{ 'messages.csv': MESSAGE, 'leads.csv': 'lead_id,studio_id,created_at\nl1,s1,2026-01-01\n' }, /^optout: leads\.csv: required column "phone" is missing \(columns found: "lead_id", "studio_id", "created_at"\)$/],
      [{ 'messages.csv': 'message_id,studio_id\nm1,s1\n' }, /^optout: messages\.csv: required columns "direction", "sent_at", "status" are missing/],
      [{ 'messages.csv': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x01, 0x02]) }, /^optout: messages\.csv: not a CSV file \(it contains binary data\)$/],
      [{ 'messages.csv.gz': Buffer.from('plainly not gzip') }, /^optout: messages\.csv\.gz: cannot be read as gzip: /],
      [{ 'messages.csv': MESSAGE, 'deactivations.csv': 'phone\n2125550111\n' }, /^optout: deactivations\.csv: no "deactivated_at" column and no YYYY-MM-DD date in the file name$/],
      [{ 'messages.jsonl': 'message_id,studio_id\n' }, /^optout: messages\.jsonl: not JSON Lines \(the first line is not a JSON object\)$/],
      [{ 'messages.parquet': 'not parquet at all' }, /^optout: messages\.parquet: cannot be read as Parquet: /],
      [{ 'messages.csv': '' }, /^optout: messages\.csv: the file is empty \(a header line is required\)$/],
    ];
    for (const [files, message] of cases) {
      const dir = await writeExport(files);
      const r = await runCli(['run', '--input', dir, '--out', `${dir}-out`, '--no-site']);
      expect(r.code, r.err).toBe(1);
      expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.err.trim()).toMatch(message);
    }
    const missing = await runCli(['run', '--input', '/nonexistent/export']);
    expect(missing).toEqual({ code: 1, out: '', err: 'optout: /nonexistent/export: the input folder does not exist\n' });
  });

  it('runs an export into report.json and rejected_rows.csv, and prints a one-line summary', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'leads.csv': LEADS,
      'messages.csv': `${MESSAGE}m2,s1,l1,,outbound,not-a-date,delivered,,c1,,x\n`,
    });
    const out = `${dir}-out`;
    const r = await runCli(['run', '--input', dir, '--out', out, '--month', '2026-03', '--no-site']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^optout run: 4 rows from 3 file\(s\): 3 accepted, 1 rejected, 0 duplicates; review month 2026-03; report .*report\.json \(\d+\.\d s\)\n$/);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
    expect(report.schema_version).toBe(1);
    expect(report.period).toEqual({ month: '2026-03', start: '2026-03-01', end: '2026-03-31' });
    expect(report.inputs.map((i: { file: string; rows: number }) => [i.file, i.rows])).toEqual([
      ['studios.csv', 1],
      ['leads.csv', 1],
      ['messages.csv', 2],
    ]);
    const rejected = await readFile(path.join(out, 'tables', 'rejected_rows.csv'), 'utf8');
    expect(rejected.split('\n')[0]).toBe('file,line,table,reason,record');
    expect(rejected).toContain('messages.csv,3,messages,"sent_at is not a timestamp: ""not-a-date"""');
  });

  it('defaults the review month to the month before the latest message\'s local date', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS, // America/Los_Angeles
      // 2026-04-01T05:00Z is still March 31 in Los Angeles: the review month is February.
      'messages.csv': `${MESSAGES_HEADER}\nm1,s1,,4155550101,outbound,2026-04-01T05:00:00Z,delivered,,c1,,x\n`,
    });
    const r = await runCli(['run', '--input', dir, '--out', `${dir}-out`, '--no-site']);
    expect(r.err).toContain('review month 2026-02;');
  });

  it('prints the reconciliation table for ingest', async () => {
    const dir = await writeExport({ 'studios.csv': STUDIOS, 'messages.csv': MESSAGE });
    const r = await runCli(['ingest', '--input', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'file          table     lines  rows  accepted  rejected  duplicates',
        'studios.csv   studios       2     1         1         0           0',
        'messages.csv  messages      2     1         1         0           0',
        '',
      ].join('\n'),
    );
  });
});
