import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cli, pdfValue } from '../worker/cli.ts';
import { normalizeConfig } from '../worker/config.ts';
import { LEADS, MESSAGES_HEADER, STUDIOS, writeExport } from './helpers/export.ts';

const MESSAGE = `${MESSAGES_HEADER}\nm1,s1,l1,,outbound,2026-03-02T18:00:00Z,delivered,,c1,,Palm Yoga: hi\n`;

/** A message: id, sent_at, direction, status (studio s1, lead l1). */
type Text = [string, string, 'outbound' | 'inbound', string];

function texts(rows: Text[]): string {
  return `${MESSAGES_HEADER}\n${rows.map(([id, at, direction, status]) => `${id},s1,l1,,${direction},${at},${status},,c1,,Palm Yoga: hi`).join('\n')}\n`;
}

/** Reached texts from 1 April to 3 October 2026 in Los Angeles (the first at 10:00 local, the last at 11:00). */
const APRIL_TO_OCTOBER: Text[] = [
  ['m1', '2026-04-01T17:00:00Z', 'outbound', 'delivered'],
  ['m2', '2026-09-15T18:00:00Z', 'outbound', 'delivered'],
  ['m3', '2026-10-01T18:00:00Z', 'outbound', 'sent'],
  ['m4', '2026-10-03T18:00:00Z', 'outbound', 'delivered'],
];

async function reportOf(dir: string): Promise<Record<string, unknown> & { period: unknown; previous_period: unknown; coverage: unknown; previous_totals: unknown }> {
  return JSON.parse(await readFile(path.join(`${dir}-out`, 'report.json'), 'utf8'));
}

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), interactive: false });
  return { code, out, err };
}

describe('optout CLI', () => {
  it('prints help for each command and the version', async () => {
    for (const command of ['run', 'ingest', 'score', 'generate']) {
      const r = await runCli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: optout ${command}`);
    }
    expect((await runCli(['--version'])).out).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await runCli(['--help'])).out).toContain('Commands:');
  });

  it('reads --pdf alone as the brief and --pdf full as every page, and says so in the help', async () => {
    expect(pdfValue(['--input', 'x', '--pdf'])).toEqual(['--input', 'x', '--pdf=brief']);
    expect(pdfValue(['--pdf', '--input', 'x'])).toEqual(['--pdf=brief', '--input', 'x']);
    expect(pdfValue(['--pdf', 'full', '--input', 'x'])).toEqual(['--pdf=full', '--input', 'x']);
    expect(pdfValue(['--pdf=full'])).toEqual(['--pdf=full']);
    expect(normalizeConfig({ input: 'x', pdf: { chromium: null } }).pdf).toEqual({ chromium: null, kind: 'brief' });
    expect(normalizeConfig({ input: 'x', pdf: { chromium: '/c', kind: 'full' } }).pdf).toEqual({ chromium: '/c', kind: 'full' });
    const help = (await runCli(['run', '--help'])).out;
    expect(help).toContain('--pdf [full]');
    expect(help).toContain('--pdf full prints every page');
    // a word after --pdf other than full or brief is not taken as its value
    const stray = await runCli(['run', '--input', 'x', '--pdf', 'everything']);
    expect(stray.code).toBe(2);
    expect(stray.err).toMatch(/^optout: run: Unexpected argument 'everything'/);
  });

  it('exits 2 with one line on a usage error', async () => {
    const cases: [string[], string][] = [
      [['frobnicate'], 'optout: unknown command "frobnicate" (expected run, ingest, score or generate; see optout --help)\n'],
      [['run'], 'optout: --input: the export folder is required (or --db FILE alone, to review a database loaded before)\n'],
      [['run', '--input', 'x', '--month', '2026-13'], 'optout: --month: expected YYYY-MM, got "2026-13"\n'],
      [['run', '--input', 'x', '--timezone', 'Mars/Olympus'], 'optout: --timezone: "Mars/Olympus" is not an IANA time zone\n'],
      [['run', '--input', 'x', '--attribution-hours=-1'], 'optout: --attribution-hours: expected a positive number, got "-1"\n'],
      [['run', '--input', 'x', '--memory', 'lots'], 'optout: --memory: expected a size such as 1GB or 512MB, or auto, got "lots"\n'],
      [['generate'], 'optout: --out: the folder to write the sample export to is required\n'],
      [['run', '--input', 'x', '--no-site', '--pdf'], 'optout: --pdf: the PDF is printed from the site, which --no-site turns off\n'],
      [['run', '--input', 'x', '--pdf=all'], 'optout: --pdf: expected nothing (the brief) or full, got "all"\n'],
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
    const [partial, summary, ...rest] = r.err.split('\n');
    // one text on 2 March: the month is partial
    expect(partial).toBe('optout run: review month 2026-03 is partial: the data covers 2026-03-02 to 2026-03-02 only');
    expect(summary).toMatch(/^optout run: 4 rows from 3 file\(s\): 3 accepted, 1 rejected, 0 duplicates; review month 2026-03; report .*report\.json \(\d+\.\d s\)$/);
    expect(rest).toEqual(['']);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
    expect(report.schema_version).toBe(1);
    expect(report.period).toEqual({ month: '2026-03', start: '2026-03-01', end: '2026-03-31', partial: true, data_start: '2026-03-02', data_end: '2026-03-02' });
    expect(report.inputs.map((i: { file: string; rows: number }) => [i.file, i.rows])).toEqual([
      ['studios.csv', 1],
      ['leads.csv', 1],
      ['messages.csv', 2],
    ]);
    const rejected = await readFile(path.join(out, 'tables', 'rejected_rows.csv'), 'utf8');
    expect(rejected.split('\n')[0]).toBe('file,line,table,reason,record');
    expect(rejected).toContain('messages.csv,3,messages,"sent_at is not a timestamp: ""not-a-date"""');
  });

  it('stops with exit 1 and one line naming the covered dates when the month has no reached text', async () => {
    // 1 April to 3 October in Los Angeles; June has only a reply and a failed text
    const dir = await writeExport({ 'studios.csv': STUDIOS, 'messages.csv': texts([...APRIL_TO_OCTOBER, ['r1', '2026-06-10T18:00:00Z', 'inbound', 'received'], ['f1', '2026-06-11T18:00:00Z', 'outbound', 'failed']]) });
    for (const month of ['2025-01', '2026-06', '2026-11']) {
      const r = await runCli(['run', '--input', dir, '--out', `${dir}-out`, '--month', month, '--no-site']);
      expect({ month, code: r.code, err: r.err }).toEqual({ month, code: 1, err: `optout: --month ${month}: no texts were sent in this month (the export covers 2026-04-01 to 2026-10-03)\n` });
    }
    const inboundOnly = await writeExport({ 'studios.csv': STUDIOS, 'messages.csv': texts([['r1', '2026-06-10T18:00:00Z', 'inbound', 'received']]) });
    const none = await runCli(['run', '--input', inboundOnly, '--out', `${inboundOnly}-out`, '--no-site']);
    expect(none).toEqual({ code: 1, out: '', err: `optout: ${inboundOnly}: no text reached a lead, so there is no month to review (the export covers 2026-06-10 to 2026-06-10)\n` });
  });

  it('reviews a month the data does not cover to its last day as partial, and says so in one line', async () => {
    const dir = await writeExport({ 'studios.csv': STUDIOS, 'messages.csv': texts(APRIL_TO_OCTOBER) });
    const r = await runCli(['run', '--input', dir, '--out', `${dir}-out`, '--month', '2026-10', '--no-site']);
    expect(r.code).toBe(0);
    const lines = r.err.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('optout run: review month 2026-10 is partial: the data covers 2026-10-01 to 2026-10-03 only');
    expect(lines[1]).toContain('; review month 2026-10;');
    const report = await reportOf(dir);
    expect(report.period).toEqual({ month: '2026-10', start: '2026-10-01', end: '2026-10-31', partial: true, data_start: '2026-10-01', data_end: '2026-10-03' });
    expect(report.previous_period).toEqual({ month: '2026-09', start: '2026-09-01', end: '2026-09-30', partial: false, data_start: '2026-09-01', data_end: '2026-09-30' });
    expect(report.coverage).toEqual({ start: '2026-04-01', end: '2026-10-03' });
    // September, covered end to end, is whole; so is the default month, September, with no line
    const september = await runCli(['run', '--input', dir, '--out', `${dir}-out`, '--no-site']);
    expect(september.err.trimEnd().split('\n')).toEqual([expect.stringContaining('; review month 2026-09;')]);
    expect((await reportOf(dir)).period).toEqual({ month: '2026-09', start: '2026-09-01', end: '2026-09-30', partial: false, data_start: '2026-09-01', data_end: '2026-09-30' });
  });

  it('defaults to the latest month with reached texts that is over by the local date of the latest message', async () => {
    // September in UTC: ten texts (06:00-06:09 UTC on 1 September) fall on 31 August in Los Angeles.
    const august = Array.from({ length: 10 }, (_, i): Text => [`a${i}`, `2026-09-01T06:0${i}:00Z`, 'outbound', 'delivered']);
    const september = Array.from({ length: 29 }, (_, i): Text => [`s${i}`, `2026-09-${String(i + 2).padStart(2, '0')}T18:00:00Z`, 'outbound', 'delivered']);
    const dir = await writeExport({ 'studios.csv': STUDIOS, 'messages.csv': texts([...august, ...september]) });
    const r = await runCli(['run', '--input', dir, '--out', `${dir}-out`, '--no-site']);
    expect(r.code).toBe(0);
    expect(r.err.trimEnd().split('\n')).toEqual([expect.stringContaining('; review month 2026-09;')]);
    const report = await reportOf(dir);
    expect(report.period).toEqual({ month: '2026-09', start: '2026-09-01', end: '2026-09-30', partial: false, data_start: '2026-09-01', data_end: '2026-09-30' });
    // the month compared with is partial: the data starts on its last day
    expect(report.previous_period).toEqual({ month: '2026-08', start: '2026-08-01', end: '2026-08-31', partial: true, data_start: '2026-08-31', data_end: '2026-08-31' });
    expect(report.previous_totals).toMatchObject({ month: '2026-08', reached: 10 });

    // 3 to 20 October only: no month with texts is over by 20 October; October is reviewed, partial
    const october = await writeExport({
      'studios.csv': STUDIOS,
      'messages.csv': texts([['o1', '2026-10-03T18:00:00Z', 'outbound', 'delivered'], ['o2', '2026-10-20T18:00:00Z', 'outbound', 'sent']]),
    });
    const o = await runCli(['run', '--input', october, '--out', `${october}-out`, '--no-site']);
    expect(o.code).toBe(0);
    expect(o.err.split('\n')[0]).toBe(
      'optout run: review month 2026-10 is partial: the data covers 2026-10-03 to 2026-10-20 only (no month with texts ends on or before 2026-10-20, the last day of the data)',
    );
    expect((await reportOf(october)).period).toMatchObject({ month: '2026-10', partial: true, data_start: '2026-10-03', data_end: '2026-10-20' });

    // a month that is over but has only replies is passed over for the one before, partial at its start
    const quiet = await writeExport({
      'studios.csv': STUDIOS,
      'messages.csv': texts([['a1', '2026-08-10T18:00:00Z', 'outbound', 'delivered'], ['r1', '2026-09-15T18:00:00Z', 'inbound', 'received'], ['r2', '2026-10-03T18:00:00Z', 'inbound', 'received']]),
    });
    const q = await runCli(['run', '--input', quiet, '--out', `${quiet}-out`, '--no-site']);
    expect(q.err.split('\n')[0]).toBe('optout run: review month 2026-08 is partial: the data covers 2026-08-10 to 2026-08-31 only');
  });

  it('says the same default month in --help as in the README and on the methodology page', async () => {
    const rule = 'the latest calendar month whose last local day is on or before the local date of the latest message, and that has reached messages';
    const flat = (text: string): string => text.replace(/\s+/g, ' ');
    const root = path.join(import.meta.dirname, '..');
    expect(flat((await runCli(['run', '--help'])).out)).toContain(rule);
    expect(flat(await readFile(path.join(root, 'README.md'), 'utf8'))).toContain(rule);
    expect(flat(await readFile(path.join(root, 'site', 'content', 'methodology.md'), 'utf8'))).toContain(rule);
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
