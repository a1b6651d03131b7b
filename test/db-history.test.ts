import { describe, expect, it } from 'vitest';
import { copyFile, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { normalizeConfig, type RunOptions } from '../worker/config.ts';
import { run } from '../worker/run.ts';
import {
  differences,
  findings as findingsOf,
  generate,
  lastMessageAt,
  monthlyAgreement,
  readExport,
  reexportLeads as reexportGenerated,
  report as cliReport,
  splitFirstMonth,
  union,
  withZones,
  writeExportAs,
  type InputRow,
  type Table,
} from './helpers/history-check.ts';

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

// test/bench/db-history-check.ts runs this check over many more seeds, shapes and formats
describe('one database, month after month, on a generated export of another shape than the sample', () => {
  it('loads the first month, then the rest with the leads exported again (gzipped, five studios in other zones, the re-export sorting first): the report of a one-shot run, every changed lead an update', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'optout-history-gen-'));
    const shape = { seed: 11, studios: 5, months: 3, messages: 9000, start: '2025-11' };
    const files = withZones(await readExport(await generate(path.join(dir, 'gen'), shape)), ['Asia/Kolkata', 'Pacific/Auckland', 'Europe/London', 'America/Phoenix', '']);
    const { first, rest } = splitFirstMonth(files, '2025-11');
    // every 4th lead: a visit or consent past every message, a visit or consent inside the data,
    // a later created_at; 10 new leads; 6 changed leads twice in the file (conflicts)
    const rx = reexportGenerated(files.get('leads') as Table, {
      every: 4,
      kinds: ['later', 'engaged_inside', 'consent_later', 'created_later'],
      add: 10,
      after: lastMessageAt(files) + 3_600_000,
      doubles: 6,
    });
    const reexport = new Map([['leads-2026-02', rx.leads]]); // '-' sorts before leads.csv's '.'
    const db = path.join(dir, 'history.duckdb');
    const zone = ['--timezone', 'America/Denver']; // the studio without one
    const gz = (name: string, m: Map<string, Table>) => writeExportAs(path.join(dir, name), m, 'gz');
    await cliReport(['--input', await gz('step1', first), '--db', db, '--month', '2025-11', ...zone], path.join(dir, 'out1'));
    const twoStep = await cliReport(['--input', await gz('step2', union(rest, reexport)), '--db', db, ...zone], path.join(dir, 'out2'));
    const oneShot = await cliReport(['--input', await gz('all', union(first, rest, reexport)), ...zone], path.join(dir, 'out-all'));
    // a month later the CRM exports again: other leads' visits and consents past every message,
    // which changes no month's report (known at no send); one row a lead, as a CRM exports
    const seen = new Set<string>();
    const firstRowOfLead = (r: string[]) => {
      const key = `${r[1]}/${r[0]}`; // studio_id, lead_id
      return !seen.has(key) && Boolean(seen.add(key));
    };
    const once = { header: rx.leads.header, rows: rx.leads.rows.filter(firstRowOfLead) };
    const later = reexportGenerated(once, { every: 2, offset: 1, kinds: ['later'], after: lastMessageAt(files) + 3_600_000 });
    const thirdStep = await cliReport(['--input', await gz('step3', new Map([['leads-2026-03', later.leads]])), '--db', db, ...zone], path.join(dir, 'out3'));
    const fromDb = await cliReport(['--db', db, '--month', '2025-12', ...zone], path.join(dir, 'out-db'));
    const oneShotDecember = await cliReport(['--input', path.join(dir, 'all'), '--month', '2025-12', ...zone], path.join(dir, 'out-all-12'));

    expect(differences(findingsOf(twoStep), findingsOf(oneShot))).toEqual([]);
    expect(differences(findingsOf(thirdStep), findingsOf(twoStep))).toEqual([]);
    expect(differences(findingsOf(fromDb), findingsOf(oneShotDecember))).toEqual([]);
    expect((thirdStep.inputs as InputRow[]).find((f) => f.file === 'leads-2026-03.csv.gz')).toMatchObject({ updated: later.changed.size, rejected: 2 });
    expect(later.changed.size).toBe(680);
    const inputs = twoStep.inputs as InputRow[];
    expect((files.get('leads') as Table).rows.length).toBe(1352);
    expect(rx.changed.size).toBe(333);
    expect(inputs.find((f) => f.file === 'leads-2026-02.csv.gz')).toMatchObject({
      rows: 1352 + 10 + 6,
      accepted: 333 + 10,
      updated: 333,
      rejected: 2 + 6, // the export's 2 invalid rows, and the second rows of a lead in one file
    });
    for (const f of inputs) expect(f.rows, f.file).toBe(f.accepted + f.rejected + f.duplicates);
    // in the one-shot run the re-export loads first: leads.csv's changed rows are the updates
    const leadsUpdated = (r: Record<string, unknown>) => (r.inputs as InputRow[]).filter((f) => f.table === 'leads').map((f) => [f.file, f.updated]);
    expect(leadsUpdated(oneShot)).toEqual([['leads-2026-02.csv.gz', 0], ['leads.csv.gz', 333]]);
    expect(monthlyAgreement(twoStep)).toEqual([]);
    expect(monthlyAgreement(fromDb)).toEqual([]);
    expect((twoStep.monthly as { month: string; studio_id: string | null }[]).filter((m) => m.studio_id === null).map((m) => m.month)).toEqual(['2025-11', '2025-12', '2026-01']);
  }, 60_000);
});
