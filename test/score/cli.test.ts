import { describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cli } from '../../worker/cli.ts';
import { writeExport } from '../helpers/export.ts';

const SAMPLE = path.resolve(import.meta.dirname, '..', '..', 'data', 'sample');

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), interactive: false });
  return { code, out, err };
}

describe('optout score on the command line', () => {
  it('documents the actions and their order, the outputs and the backtest in --help', async () => {
    const r = await runCli(['score', '--help']);
    expect(r.code).toBe(0);
    for (const word of ['--leads FILE', '--backtest YYYY-MM', '--as-of', 'scores.csv', 'scores.html', 'backtest.csv', 'do_not_text', 'get_consent_first', 'check_in_first', 'send_with_care', 'AUC', 'Brier']) {
      expect(r.out).toContain(word);
    }
    expect(r.out.indexOf('do_not_text')).toBeLessThan(r.out.indexOf('get_consent_first'));
    expect(r.out.indexOf('check_in_first')).toBeLessThan(r.out.indexOf('send_with_care'));
  });

  it('exits 2 with one line on a usage error', async () => {
    const cases: [string[], string][] = [
      [['score', '--input', 'x'], 'optout: score: give --leads FILE (the leads to score), --backtest YYYY-MM (a month to test the model on), or both\n'],
      [['score', '--leads', 'new.csv'], 'optout: --input: the export folder is required (or --db FILE alone, to review a database loaded before)\n'],
      [['score', '--input', 'x', '--backtest', '2026-9'], 'optout: --backtest: expected YYYY-MM, got "2026-9"\n'],
      [['score', '--input', 'x', '--leads', 'a.csv', '--as-of', 'tomorrow'], 'optout: --as-of: expected a date YYYY-MM-DD or an ISO-8601 time, got "tomorrow"\n'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect({ args, code: r.code, err: r.err }).toEqual({ args, code: 2, err: message });
    }
  });

  it('stops with one line naming the leads file when it cannot be scored at all', async () => {
    const dir = await writeExport({ 'notes.xlsx': 'x', 'new.csv': 'lead_id,studio_id,created_at\nl1,s1,2026-01-01\n' });
    const cases: [string, string][] = [
      [path.join(dir, 'missing.csv'), `optout: --leads ${path.join(dir, 'missing.csv')}: no such file\n`],
      [path.join(dir, 'notes.xlsx'), `optout: --leads ${path.join(dir, 'notes.xlsx')}: not a CSV, JSON Lines or Parquet file (expected a name ending .csv, .csv.gz, .jsonl or .parquet)\n`],
      [path.join(dir, 'new.csv'), 'optout: new.csv: required column "phone" is missing (columns found: "lead_id", "studio_id", "created_at")\n'],
    ];
    for (const [leads, message] of cases) {
      const r = await runCli(['score', '--input', SAMPLE, '--leads', leads, '--out', `${dir}-scores`]);
      expect({ leads, code: r.code, err: r.err }).toEqual({ leads, code: 1, err: message });
    }
  }, 60_000);

  it('scores a leads file and backtests a month in one run, printing both and a one-line summary', async () => {
    const dir = await writeExport({});
    const out = path.join(dir, 'scores');
    const leads = path.join(dir, 'new-leads.csv');
    await writeFile(leads, await readFile(path.join(SAMPLE, 'leads.csv')));
    const r = await runCli(['score', '--input', SAMPLE, '--leads', leads, '--backtest', '2026-08', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Leads: 2,333 of new-leads\.csv scored for a first text on 2026-10-04 02:27 UTC; 2 rows not scored/);
    expect(r.out).toMatch(/Opt-outs expected: [\d.]+ if all 2,333 are texted, [\d.]+ if only the [\d,]+ marked send are\./);
    expect(r.out).toContain('  not scored: new-leads.csv:675: phone is not a valid phone number for the region: "555-12"\n');
    expect(r.out).toContain('  not scored: new-leads.csv:676: created_at is not a timestamp: "2026-13-05T10:00:00Z"\n');
    expect(r.out).toContain('Backtest of 2026-08: fitted on');
    expect(r.out).toMatch(/AUC {12}0\.\d{3}/);
    expect(r.out).toContain('Calibration by decile');
    expect(r.err).toMatch(/^optout score: 43,656 rows from 16 file\(s\).*; 2,333 leads scored into .*scores\.csv and scores\.html; backtest of 2026-08 in .*backtest\.csv \(\d+\.\d s\)\n$/);
    // a second run replaces the folder whole; a folder of someone else's is refused
    expect((await runCli(['score', '--input', SAMPLE, '--backtest', '2026-08', '--out', out])).code).toBe(0);
    await mkdir(path.join(dir, 'mine'));
    await writeFile(path.join(dir, 'mine', 'notes.txt'), 'mine');
    const refused = await runCli(['score', '--input', SAMPLE, '--backtest', '2026-08', '--out', path.join(dir, 'mine')]);
    expect(refused).toMatchObject({ code: 1, err: `optout: --out ${path.join(dir, 'mine')}: not empty and not an earlier optout scores folder, so it is not written over; give a new or empty folder\n` });
  }, 60_000);
});
