/**
 * Issue 16 on exports of other shapes than the sample: each case generates an export, loads it
 * into one --db in steps (the first month's files, then the rest with the leads exported again)
 * and checks that
 *   - the last step's report equals a one-shot run of the same files (and a --db-only review),
 *   - the re-export's updated count is the number of leads whose values it changed, no lead is
 *     rejected for having changed, and rows = accepted + rejected + duplicates in every file,
 *   - `monthly` agrees with the trend, totals and studio cohorts of the months both cover,
 *   - (re-exports that move timestamps past every message) every month reviewed from the
 *     database equals that month of a one-shot run without the re-export.
 * Usage: npx tsx test/bench/db-history-check.ts [case-name-substring ...] [--keep]
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build, isStale } from '../../scripts/build.mjs';
import {
  differences,
  findings,
  generate,
  lastMessageAt,
  monthlyAgreement,
  readExport,
  reexportLeads,
  report,
  splitFirstMonth,
  tempDir,
  type Change,
  type Format,
  type InputRow,
  type Reexport,
  type Shape,
  type Table,
  union,
  withZones,
  writeExportAs,
} from '../helpers/history-check.ts';

interface Case {
  name: string;
  shape: Shape;
  format: Format;
  /** The re-exports' format, when not the export's (the CRM's tool writes another). */
  reexportFormat?: Format;
  /** The re-export's file name without extension; 'leads' = the same name as the first export's. */
  reexport: string;
  kinds: Change[];
  every: number;
  add?: number;
  doubles?: number;
  /** Studios' time zones, in turn; '' leaves the column empty (--timezone then applies). */
  zones?: string[];
  timezone?: string;
  /** A second re-export loaded in a third step (some leads changed twice, some changed back). */
  third?: boolean;
  /** The second step's folder holds every file (the first month's again, read as unchanged). */
  cumulative?: boolean;
  /** The first step's opt-outs are the first month's rows of opt_outs, the second's the whole file of the same name. */
  wholeOptOuts?: boolean;
  /** Check every past month against a one-shot run without the re-export (timestamps past every message only). */
  pastMonths?: boolean;
}

const shape = (seed: number, studios: number, months: number, messages: number, start = '2026-01'): Shape => ({ seed, studios, months, messages, start });
const TIMESTAMPS: Change[] = ['later', 'engaged_inside', 'consent_later', 'created_later'];

const CASES: Case[] = [
  { name: 'seed7-5studios-csv-after', shape: shape(7, 5, 4, 15000), format: 'csv', reexport: 'leads_reexport', kinds: TIMESTAMPS, every: 7, add: 12 },
  { name: 'seed7-5studios-csv-before', shape: shape(7, 5, 4, 15000), format: 'csv', reexport: 'leads-2026-05', kinds: TIMESTAMPS, every: 7, add: 12 },
  { name: 'seed7-same-name', shape: shape(7, 5, 4, 15000), format: 'csv', reexport: 'leads', kinds: TIMESTAMPS, every: 5 },
  { name: 'seed11-8studios-gz-zones', shape: shape(11, 8, 5, 25000, '2025-11'), format: 'gz', reexport: 'leads-2026-04', kinds: TIMESTAMPS, every: 4, add: 30, zones: ['Asia/Kolkata', 'Pacific/Auckland', 'Europe/London', 'America/Phoenix', 'Pacific/Honolulu'] },
  { name: 'seed3-jsonl-default-zone', shape: shape(3, 4, 3, 12000, '2026-06'), format: 'jsonl', reexport: 'leads_2026_09', kinds: TIMESTAMPS, every: 3, zones: [''], timezone: 'Australia/Sydney' },
  { name: 'seed5-parquet', shape: shape(5, 6, 4, 16000), format: 'parquet', reexport: 'leads_export2', kinds: TIMESTAMPS, every: 6, add: 5 },
  { name: 'seed9-semicolon', shape: shape(9, 3, 4, 12000, '2026-03'), format: 'semicolon', reexport: 'leads-2026-07', kinds: TIMESTAMPS, every: 5, add: 3 },
  { name: 'seed13-text-and-same-values', shape: shape(13, 4, 4, 14000), format: 'csv', reexport: 'leads_reexport', kinds: ['name_case', 'same_values', 'later', 'same_values'], every: 3 },
  { name: 'seed13-in-file-conflicts', shape: shape(13, 4, 4, 14000), format: 'csv', reexport: 'leads_reexport', kinds: TIMESTAMPS, every: 9, doubles: 15 },
  { name: 'seed17-three-files', shape: shape(17, 5, 4, 15000), format: 'csv', reexport: 'leads_2', kinds: TIMESTAMPS, every: 6, add: 4, third: true },
  { name: 'seed29-cumulative-same-name', shape: shape(29, 4, 4, 14000), format: 'csv', reexport: 'leads', kinds: TIMESTAMPS, every: 5, add: 8, cumulative: true, wholeOptOuts: true },
  { name: 'seed31-cumulative-gz', shape: shape(31, 7, 4, 18000, '2026-05'), format: 'gz', reexport: 'leads-2026-09', kinds: TIMESTAMPS, every: 8, cumulative: true, wholeOptOuts: true },
  { name: 'seed37-csv-reexport-jsonl', shape: shape(37, 3, 3, 10000, '2026-04'), format: 'csv', reexportFormat: 'jsonl', reexport: 'leads_2026_07', kinds: TIMESTAMPS, every: 4, add: 4 },
  { name: 'seed41-gz-reexport-parquet', shape: shape(41, 5, 4, 15000), format: 'gz', reexportFormat: 'parquet', reexport: 'leads-2026-05', kinds: TIMESTAMPS, every: 5, add: 4 },
  { name: 'seed19-past-months', shape: shape(19, 4, 4, 14000), format: 'csv', reexport: 'leads_reexport', kinds: ['later'], every: 4, add: 6, pastMonths: true },
  { name: 'seed23-past-months-zones', shape: shape(23, 6, 3, 12000, '2026-02'), format: 'gz', reexport: 'leads-2026-05', kinds: ['later'], every: 2, pastMonths: true, zones: ['Asia/Tokyo', 'America/Anchorage', 'Europe/Berlin'] },
];

// the cases run bin/optout.mjs, which runs dist/: never yesterday's worker
const stale = isStale();
if (stale) {
  process.stdout.write(`dist/ is out of date (${stale}): building it\n`);
  await build();
}

const { values, positionals } = parseArgs({ options: { keep: { type: 'boolean', default: false } }, allowPositionals: true });
const root = await tempDir(tmpdir(), 'optout-history-check-');
const ext = (f: Format, base: string) => (f === 'gz' ? '.csv.gz' : f === 'jsonl' || (f === 'csv' && base.startsWith('opt_outs')) ? '.jsonl' : f === 'parquet' ? '.parquet' : '.csv');


async function check(c: Case): Promise<string[]> {
  const problems: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const dir = await tempDir(root, `${c.name}-`);
  const files = withZones(await readExport(await generate(path.join(dir, 'gen'), c.shape)), c.zones);
  const after = lastMessageAt(files) + 3_600_000;
  const { first, rest } = splitFirstMonth(files, c.shape.start, c.wholeOptOuts);
  const leads = files.get('leads') as Table;
  const rx = reexportLeads(leads, { every: c.every, kinds: c.kinds, add: c.add, after, doubles: c.doubles });
  // in a one-shot folder a re-export named as the first cannot sit beside it: it loads after it
  const oneShotName = c.reexport === 'leads' ? 'leads_z' : c.reexport;
  const opts = c.timezone ? ['--timezone', c.timezone] : [];
  const db = path.join(dir, 'history.duckdb');
  const reexports = new Set([c.reexport, `${c.reexport}_3`, oneShotName]);
  const rxFormat = c.reexportFormat ?? c.format;
  const w = async (name: string, m: Map<string, Table>) => {
    await writeExportAs(path.join(dir, name), new Map([...m].filter(([b]) => !reexports.has(b) || rxFormat === c.format)), c.format);
    return writeExportAs(path.join(dir, name), new Map([...m].filter(([b]) => reexports.has(b) && rxFormat !== c.format)), rxFormat);
  };

  // the steps: the first month, then (three files) the second month with the first re-export
  const steps: { folder: Map<string, Table>; month?: string; file?: string; rx?: Reexport }[] = [
    // the first step reviews its default month (the one it holds), but for three files
    { folder: first, month: c.third ? c.shape.start : undefined },
  ];
  let rx2: Reexport | null = null;
  if (c.third) {
    const second = c.shape.start.replace(/-(\d\d)$/, (_m, mm: string) => `-${String(Number(mm) + 1).padStart(2, '0')}`);
    const inSecond = new Map([...rest].filter(([b]) => b.includes(`-${second}`)));
    const later = new Map([...rest].filter(([b]) => !b.includes(`-${second}`)));
    // the second re-export: other leads changed, some of the first's changed again, 5 changed back
    rx2 = reexportLeads(rx.leads, { every: c.every, offset: 3, kinds: [...c.kinds].reverse(), after });
    const back = [...rx.changed].filter((k) => !rx2?.changed.has(k)).slice(0, 5);
    const at = (n: string) => leads.header.indexOf(n);
    const original = new Map(leads.rows.map((r) => [`${r[at('studio_id')]}/${r[at('lead_id')]}`, r]));
    rx2.leads.rows = rx2.leads.rows.map((r) => {
      const k = `${r[at('studio_id')]}/${r[at('lead_id')]}`;
      return back.includes(k) ? (original.get(k) as string[]) : r;
    });
    for (const k of back) rx2.changed.add(k);
    steps.push({ folder: union(inSecond, new Map([[c.reexport, rx.leads]])), month: second, file: c.reexport, rx });
    steps.push({ folder: union(later, new Map([[`${c.reexport}_3`, rx2.leads]])), file: `${c.reexport}_3`, rx: rx2 });
  } else {
    // a cumulative folder: the export folder of the first step with the new files added (a
    // re-export of the same name replaces the first leads file in it)
    steps.push({ folder: union(...(c.cumulative ? [first] : []), rest, new Map([[c.reexport, rx.leads]])), file: c.reexport, rx });
  }
  let last: Record<string, any> = {};
  const leadsRejected: number[] = [];
  for (const [i, s] of steps.entries()) {
    last = await report(['--input', await w(`step${i + 1}`, s.folder), '--db', db, ...(s.month ? ['--month', s.month] : []), ...opts], path.join(dir, `out${i + 1}`));
    const inputs = last.inputs as InputRow[];
    for (const f of inputs) expect(f.rows === f.accepted + f.rejected + f.duplicates, `${f.file}: rows ${f.rows} != ${f.accepted} + ${f.rejected} + ${f.duplicates}`);
    if (i === 0) leadsRejected.push((inputs.find((f) => f.file === `leads${ext(c.format, 'leads')}`) as InputRow).rejected);
    if (s.rx && s.file) {
      // the re-export's entry is the last of its name (a same-named file is loaded again)
      const name = `${s.file}${ext(rxFormat, s.file)}`;
      const f = inputs.filter((x) => x.file === name).pop();
      const want = { updated: s.rx.changed.size, accepted: s.rx.changed.size + (i === 1 ? s.rx.added : 0), rejected: (leadsRejected[0] ?? 0) + s.rx.conflicts };
      const got = { updated: f?.updated, accepted: f?.accepted, rejected: f?.rejected };
      expect(JSON.stringify(got) === JSON.stringify(want), `step ${i + 1} ${s.file}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      process.stdout.write(`  step ${i + 1}: ${s.file}: rows ${f?.rows}, accepted ${f?.accepted} (updated ${f?.updated}), rejected ${f?.rejected}, duplicates ${f?.duplicates}\n`);
    }
  }

  // one folder with every file once: the whole opt-outs file, and both leads files
  const allFiles = union(c.wholeOptOuts ? new Map([...first].filter(([b]) => b !== 'opt_outs')) : first, rest, ...steps.slice(1).map((s) => new Map([[s.file === c.reexport ? oneShotName : (s.file as string), s.rx?.leads as Table]])));
  const oneShot = await report(['--input', await w('all', allFiles), ...opts], path.join(dir, 'out-one-shot'));
  const diff = differences(findings(last), findings(oneShot));
  expect(diff.length === 0, `two-step vs one-shot differ:\n      ${diff.join('\n      ')}`);
  const oneShotUpdated = (oneShot.inputs as InputRow[]).filter((f) => f.table === 'leads').reduce((s, f) => s + f.updated, 0);
  const wantUpdated = steps.reduce((s, x) => s + (x.rx?.changed.size ?? 0), 0);
  // a re-export sorting before the first export makes the first export's changed rows the updates
  expect(oneShotUpdated === wantUpdated, `one-shot: ${oneShotUpdated} leads rows updated, expected ${wantUpdated}`);
  const fromDb = await report(['--db', db, '--month', last.period.month, ...opts], path.join(dir, 'out-db'));
  const dbDiff = differences(findings(fromDb), findings(last));
  expect(dbDiff.length === 0, `--db alone vs the last step differ:\n      ${dbDiff.join('\n      ')}`);
  for (const [label, r] of [['two-step', last], ['one-shot', oneShot]] as const) {
    const m = monthlyAgreement(r);
    expect(m.length === 0, `${label} monthly:\n      ${m.slice(0, 10).join('\n      ')}`);
  }
  const overall = (last.monthly as Record<string, any>[]).filter((m) => m.studio_id === null);
  process.stdout.write(
    `  review ${last.period.month}${last.period.partial ? ' (partial)' : ''}: reached ${last.totals.reached}, opt-outs ${last.totals.opt_outs} (${last.totals.attributed_opt_outs} attributed); monthly ${overall.map((m) => `${m.month}${m.partial ? '*' : ''}`).join(' ')}; changes ${last.changes.length}\n`,
  );

  if (c.pastMonths) {
    const plainDir = await w('plain', union(first, rest));
    for (const m of overall) {
      const before = await report(['--input', plainDir, '--month', m.month, ...opts], path.join(dir, `out-plain-${m.month}`));
      const now = await report(['--db', db, '--month', m.month, ...opts], path.join(dir, `out-db-${m.month}`));
      const d = differences(findings(now), findings(before));
      expect(d.length === 0, `${m.month} from the db after the re-export vs before it:\n      ${d.join('\n      ')}`);
    }
    process.stdout.write(`  past months compared: ${overall.map((m) => m.month).join(' ')}\n`);
  }
  if (!values.keep) await rm(dir, { recursive: true, force: true });
  return problems;
}

const chosen = CASES.filter((c) => positionals.length === 0 || positionals.some((p) => c.name.includes(p)));
let failed = 0;
const started = performance.now();
for (const c of chosen) {
  process.stdout.write(`${c.name} (seed ${c.shape.seed}, ${c.shape.studios} studios, ${c.shape.months} months from ${c.shape.start}, ${c.format}, re-export ${c.reexport}):\n`);
  try {
    const problems = await check(c);
    if (problems.length > 0) failed++;
    process.stdout.write(problems.length === 0 ? '  ok\n' : `  FAILED\n    ${problems.join('\n    ')}\n`);
  } catch (e) {
    failed++;
    process.stdout.write(`  ERROR ${(e as Error).message}\n${(e as { stderr?: string }).stderr ?? ''}\n`);
  }
}
process.stdout.write(`${chosen.length - failed} of ${chosen.length} cases ok (${((performance.now() - started) / 1000).toFixed(0)} s)${values.keep ? `; files kept in ${root}` : ''}\n`);
if (!values.keep) await rm(root, { recursive: true, force: true });
process.exitCode = failed > 0 ? 1 : 0;
