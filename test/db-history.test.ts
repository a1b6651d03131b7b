import { describe, expect, it } from 'vitest';
import { copyFile, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { normalizeConfig, type RunOptions } from '../worker/config.ts';
import { run } from '../worker/run.ts';

/**
 * Month after month with one --db: the CRM exports its leads again with later timestamps, and a
 * database loaded in two steps gives the report a one-shot run of the same files gives.
 */

const SAMPLE = path.resolve(import.meta.dirname, '..', 'data', 'sample');
const quiet = { progress: () => undefined };

/** Every 10th lead of the sample with created_at, consent_at and last_engaged_at moved past every message. */
async function reexportLeads(): Promise<{ csv: string; changed: number }> {
  const [header, ...rows] = (await readFile(path.join(SAMPLE, 'leads.csv'), 'utf8')).trimEnd().split('\n');
  const cols = (header as string).split(',');
  const at = (name: string) => cols.indexOf(name);
  let changed = 0;
  const out = rows.map((line, i) => {
    if (i % 10 !== 0) return line;
    const v = line.split(',');
    v[at('created_at')] = '2027-01-05T10:00:00Z';
    v[at('consent_at')] = '2027-01-05T10:00:00Z';
    v[at('last_engaged_at')] = '2027-01-06T10:00:00Z';
    changed += 1;
    return v.join(',');
  });
  return { csv: [header, ...out].join('\n') + '\n', changed };
}

async function folder(files: string[], extra: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'optout-history-'));
  for (const f of files) await copyFile(path.join(SAMPLE, f), path.join(dir, f));
  for (const [name, body] of Object.entries(extra)) await writeFile(path.join(dir, name), body);
  return dir;
}

async function report(options: RunOptions): Promise<Record<string, unknown>> {
  const out = path.join(await mkdtemp(path.join(tmpdir(), 'optout-history-out-')), 'report');
  await run(normalizeConfig({ out, site: false, ...options }), quiet);
  return JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
}

/** A report without the parts that name the files read (inputs) or the run. */
function findings(r: Record<string, unknown>): Record<string, unknown> {
  const { inputs: _inputs, ignored_files: _ignored, generated_by: _by, ...rest } = r;
  return rest;
}

describe('one database, month after month', () => {
  // named to load after leads.csv in a one-shot run, or before it ('-' sorts before '.'): the
  // report does not depend on the order the versions are loaded in
  it.each(['leads_reexport.csv', 'leads-2026-10.csv'])('loads the first month, then the rest with leads exported again (%s), and reports what a one-shot run reports', async (name) => {
    const all = (await readdir(SAMPLE)).sort();
    const { csv, changed } = await reexportLeads();
    const reexport = { [name]: csv };
    const db = path.join(await mkdtemp(path.join(tmpdir(), 'optout-history-db-')), 'studio.duckdb');

    // step 1: the first month's files
    const firstMonth = ['studios.csv', 'leads.csv', 'messages-2026-04.csv', 'deactivations-2026-04-05.csv'];
    await report({ input: await folder(firstMonth), db, month: '2026-04' });
    // step 2: a folder with the rest only, and the leads exported again
    const twoStep = await report({ input: await folder(all.filter((f) => !firstMonth.includes(f)), reexport), db });
    const oneShot = await report({ input: await folder(all, reexport) });
    expect(findings(twoStep)).toEqual(findings(oneShot));

    const inputs = twoStep.inputs as { file: string; rows: number; accepted: number; rejected: number; duplicates: number; updated: number }[];
    const leadRows = csv.trimEnd().split('\n').length - 1;
    // the sample's leads file has 2 invalid rows (rejected in both files); every changed lead is
    // an update, every other row a duplicate, and no lead is rejected for having changed
    const original = inputs.find((f) => f.file === 'leads.csv');
    expect(original).toMatchObject({ rows: leadRows, rejected: 2, duplicates: 0, updated: 0 });
    expect(inputs.find((f) => f.file === name)).toMatchObject({
      rows: leadRows,
      accepted: changed,
      updated: changed,
      rejected: 2,
      duplicates: leadRows - changed - 2,
    });
    expect(changed).toBe(234);
  }, 120_000);

  it('leaves every past month as it was when a re-export moves timestamps past every message, and reviews any month from the database alone', async () => {
    const all = (await readdir(SAMPLE)).sort();
    const db = path.join(await mkdtemp(path.join(tmpdir(), 'optout-history-db-')), 'studio.duckdb');
    const plain = await folder(all);
    await report({ input: plain, db });
    const { csv } = await reexportLeads();
    await writeFile(path.join(plain, 'leads_reexport.csv'), csv);
    const updated = await report({ input: plain, db });
    // the changed leads are in the database as new versions, not rejected
    expect((updated.inputs as { file: string; updated: number }[]).find((f) => f.file === 'leads_reexport.csv')?.updated).toBe(234);
    for (const month of ['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']) {
      const before = await report({ input: await folder(all), month });
      const fromDb = await report({ db, month }); // no --input: nothing is read
      expect(findings(fromDb), month).toEqual(findings(before));
    }
  }, 240_000);

  it('says so when --db alone names no database, or one that holds no messages', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'optout-history-'));
    await expect(report({ db: path.join(dir, 'missing.duckdb') })).rejects.toThrow(/--db .*missing\.duckdb: no such database; load an export into it first with --input DIR/);
    expect(() => normalizeConfig({ out: dir })).toThrow(/--input: the export folder is required \(or --db FILE alone/);
  });
});
