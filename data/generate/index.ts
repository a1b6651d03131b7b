import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../worker/errors.ts';
import { LEADS_HEADER, buildLeads, writeLeads } from './leads.ts';
import {
  ExportWriter,
  PLANTED_LEAD_ROWS,
  PLANTED_MESSAGE_ROWS,
  PLANTED_OPT_OUT_ROWS,
  countBad,
  writeDeactivations,
  writeStudios,
} from './output.ts';
import { makeCalendar, makePlan } from './plan.ts';
import { Random } from './random.ts';
import { type PlantedScenario, Scenarios } from './scenarios.ts';
import { Simulation } from './simulate.ts';
import { TextSink } from './sink.ts';
import { MAX_STUDIOS, makeStudios } from './studios.ts';
import { Zone } from './time.ts';

/**
 * `optout generate`: a deterministic synthetic export of fitness studios' SMS traffic in the
 * format of SPEC section 1, with one planted scenario per known cause of opt-outs in the
 * review month (the last full month) and a few planted bad rows. data/README.md describes
 * the result. Messages are simulated day by day and streamed to disk, so memory is bounded by
 * the lead table (typed arrays) and a few days of messages.
 */

export interface GenerateOptions {
  out: string;
  studios?: number;
  months?: number;
  /** Approximate number of messages; the export lands within a few percent of it. */
  messages?: number;
  seed?: number;
  /** First month, `YYYY-MM`. */
  start?: string;
}

export interface GenerateSummary {
  /** Every file written, with its data rows (header excluded). */
  files: { file: string; rows: number }[];
  /** Rows in the messages files, planted bad rows included. */
  messages: number;
  /** Rows in leads.csv, planted bad rows included. */
  leads: number;
  studios: number;
  /** Planted rows the loader must reject or drop as duplicates (README lists them per file). */
  badRows: number;
  /** What each planted scenario did (the numbers data/README.md quotes). */
  scenarios: PlantedScenario[];
  /** The review month the scenarios are planted in, `YYYY-MM`. */
  reviewMonth: string;
}

export const GENERATE_DEFAULTS = { studios: 3, months: 6, messages: 40_000, seed: 1, start: '2026-04' } as const;

const LIMITS = { months: [1, 36], messages: [2_000, 50_000_000] } as const;

function wholeNumber(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name}: must be a whole number from ${min} to ${max}, got ${String(value)}`);
  return n;
}

interface Settings {
  out: string;
  studios: number;
  months: number;
  messages: number;
  seed: number;
  startYear: number;
  startMonth: number;
}

function settings(options: GenerateOptions): Settings {
  if (typeof options.out !== 'string' || options.out.trim() === '') throw new UsageError('--out: the folder to write the sample export to is required');
  const start = options.start ?? GENERATE_DEFAULTS.start;
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(start);
  if (!m) throw new UsageError(`--start: must be a month written YYYY-MM, got "${start}"`);
  const seed = options.seed ?? GENERATE_DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed: must be a whole number, got ${String(options.seed)}`);
  return {
    out: options.out,
    studios: wholeNumber('studios', options.studios, GENERATE_DEFAULTS.studios, 1, MAX_STUDIOS),
    months: wholeNumber('months', options.months, GENERATE_DEFAULTS.months, ...LIMITS.months),
    messages: wholeNumber('messages', options.messages, GENERATE_DEFAULTS.messages, ...LIMITS.messages),
    seed,
    startYear: Number(m[1]),
    startMonth: Number(m[2]),
  };
}

/** Files this generator writes, by name pattern: stale ones from an earlier, longer run are removed. */
const OWN_FILES = /^(messages-\d{4}-\d{2}\.csv|deactivations-\d{4}-\d{2}-\d{2}\.csv)$/;

async function removeStale(dir: string, keep: ReadonlySet<string>): Promise<void> {
  for (const name of await readdir(dir)) {
    if (OWN_FILES.test(name) && !keep.has(name)) await rm(path.join(dir, name));
  }
}

export async function generate(options: GenerateOptions): Promise<GenerateSummary> {
  const o = settings(options);
  // Mix the seed so that seeds 1, 2, 3 ... start far apart in the generator's state.
  const rng = new Random(Math.imul(o.seed >>> 0, 0x9e3779b1) ^ 0x5eed);
  const studios = makeStudios(o.studios);
  const zones = studios.map((s) => new Zone(s.timezone));
  const calendar = makeCalendar(o.startYear, o.startMonth, o.months);
  const plan = makePlan(studios, calendar, o.messages, rng);
  const runStart = Math.min(...zones.map((z) => z.toUtc(calendar.firstDay, 0)));
  const runEnd = Math.max(...zones.map((z) => z.toUtc(calendar.lastDay + 1, 0)));
  const leads = buildLeads(studios, zones, plan, rng, runStart, runEnd);

  await mkdir(o.out, { recursive: true });
  const files: { file: string; rows: number }[] = [await writeStudios(o.out, studios)];
  const leadSink = new TextSink(o.out, 'leads.csv', LEADS_HEADER);
  await writeLeads(leadSink, leads, studios);
  await leadSink.close();
  files.push({ file: leadSink.file, rows: leadSink.rows });

  const sim = new Simulation(rng, leads, studios, zones, plan);
  const scenarios = new Scenarios(sim);
  // The bad rows go among the messages of the 15th of the first month (UTC).
  const writer = new ExportWriter(o.out, studios, leads, calendar.firstDay + 14);
  await sim.run(writer, scenarios);
  await writer.close();
  files.push(...writer.written);
  for (const [day, phones] of [...sim.deactivationFiles].sort((a, b) => a[0] - b[0])) files.push(await writeDeactivations(o.out, day, phones));
  await removeStale(o.out, new Set(files.map((f) => f.file)));

  const rowsOf = (test: (file: string) => boolean): number => files.filter((f) => test(f.file)).reduce((n, f) => n + f.rows, 0);
  return {
    files,
    messages: rowsOf((f) => f.startsWith('messages-')),
    leads: rowsOf((f) => f === 'leads.csv'),
    studios: studios.length,
    badRows: countBad(PLANTED_MESSAGE_ROWS) + countBad(PLANTED_LEAD_ROWS) + countBad(PLANTED_OPT_OUT_ROWS),
    scenarios: scenarios.report(),
    reviewMonth: calendar.review.label,
  };
}
