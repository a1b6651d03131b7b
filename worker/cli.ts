import { int } from './catalog/format.ts';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';
import os from 'node:os';
import { normalizeConfig, normalizeScoreConfig, DEFAULTS, type RunOptions } from './config.ts';
import { OptoutError, UsageError } from './errors.ts';
import type { IngestResult } from './ingest/index.ts';
import type { Report } from './report/bundle.ts';
import type { RunEffects } from './run.ts';
import { findChromium, type PdfKind } from './site/pdf.ts';
import { VERSION } from './version.ts';

/**
 * The command line: the only file that reads argv or the environment. Exit codes: 0 done,
 * 1 failed, 2 usage error. An error is one line, "what: detail"; a stack trace only with --debug.
 */

const HELP = {
  main: `optout ${VERSION}: SMS opt-out analytics for studios

Usage: optout <command> [options]

Commands:
  run        load an export folder and write the report bundle
  ingest     load and check an export folder (no report)
  score      before adding or texting leads: each one's opt-out risk and what to do
             first; with --backtest, how well the risk model predicts a month
  generate   write a synthetic sample export

Options:
  --help     show help (also after a command: optout run --help)
  --version  print the version

Exit codes: 0 done, 1 failed, 2 usage error.`,
  run: `Usage: optout run --input DIR [options]
       optout run --db FILE --month YYYY-MM [options]

Loads the export folder DIR into DuckDB and writes the report bundle to --out. With --db
and no --input, reviews a month of what the database already holds (nothing is read).

  --input DIR              the export folder (required unless --db names a database
                           loaded before)
  --out DIR                where the report goes (default ${DEFAULTS.out}); the folder is
                           replaced whole, so it must be new, empty or an earlier report
  --month YYYY-MM          review month (default: the latest calendar month whose last
                           local day is on or before the local date of the latest message,
                           and that has reached messages); a month the data does not cover
                           from its first to its last day is reviewed as partial
  --db FILE                keep the data in this DuckDB file (default: in memory);
                           a file already loaded is not read again, and a leads file
                           exported again updates the leads it changes
  --timezone TZ            time zone of studios that name none (default ${DEFAULTS.timezone})
  --region CC              region of numbers without a country code (default ${DEFAULTS.region})
  --attribution-hours N    opt-out attribution window in hours (default ${DEFAULTS.attributionHours})
  --blast-size N           distinct recipients that make a campaign a blast (default ${DEFAULTS.blastSize})
  --no-site                do not build the static site
  --pdf [full]             also print OUT/report.pdf (needs chromium): --pdf alone prints
                           the brief (overview, actions, spikes, compliance summary: a few
                           pages); --pdf full prints every page of the report
  --memory SIZE            DuckDB memory limit, e.g. 4GB (default: five times the export's
                           size, at least 1GB, at most half the RAM; beyond it DuckDB
                           spills to the system's temp folder)
  --threads N              DuckDB threads (default: one per core)
  --debug                  show stack traces`,
  ingest: `Usage: optout ingest --input DIR [options]

Loads and checks the export folder: every row is accepted, rejected with a reason, or counted as
a duplicate. Prints the reconciliation per file; with --out, writes tables/rejected_rows.csv.

  --input DIR      the export folder (required)
  --out DIR        write the rejected rows under DIR/tables/ (DIR is replaced whole,
                   as by run)
  --db FILE        keep the data in this DuckDB file (default: in memory)
  --timezone TZ    default studio time zone (default ${DEFAULTS.timezone})
  --region CC      region of numbers without a country code (default ${DEFAULTS.region})
  --memory SIZE    DuckDB memory limit
  --threads N      DuckDB threads
  --debug          show stack traces`,
  score: `Usage: optout score --input DIR --leads FILE [options]
       optout score --input DIR --backtest YYYY-MM [options]

Fits the opt-out risk model (a logistic regression on lead source, lead age, consent, time
since last contact, texts in the week, kind of text, hour band and studio) on the export's
reached texts. With --leads, scores each lead of FILE (the leads format: lead_id, studio_id,
phone, created_at, ...) for a first text and writes OUT/scores.csv (full numbers, for the CRM),
OUT/scores.html (one page, numbers masked: safe to share) and OUT/rejected_leads.csv. Each lead
gets one action, the first that holds:
  do_not_text        the export shows it opted out or asked to stop in words (this studio),
                     or a carrier listed its number as deactivated
  get_consent_first  no consent on record, or consent by import or an unknown method
  check_in_first     no contact for 18 months (548 days)
  send_with_care     its chance of an opt-out is above twice the studio's rate
  send               none of the above
With --backtest, fits on the texts before the month, predicts each reached text of the month,
writes OUT/backtest.csv (message_id, predicted, opted_out) and OUT/backtest.json, and prints
the AUC, the Brier score with its skill against predicting the month's overall rate, and the
calibration by decile.

  --input DIR              the export folder (or --db FILE loaded before)
  --leads FILE             the leads to score (CSV, gzipped CSV, JSON Lines or Parquet)
  --backtest YYYY-MM       the month to test the model on
  --out DIR                where the scores go (default ${DEFAULTS.scoreOut}); replaced whole, so
                           it must be new, empty or an earlier scores folder
  --as-of TIME             when the first texts go out, YYYY-MM-DD or ISO-8601 (default: the
                           time of the export's latest message): lead age and time since
                           last contact are counted to it
  --db FILE                keep the data in this DuckDB file (default: in memory)
  --timezone TZ            time zone of studios that name none (default ${DEFAULTS.timezone})
  --region CC              region of numbers without a country code (default ${DEFAULTS.region})
  --attribution-hours N    opt-out attribution window in hours (default ${DEFAULTS.attributionHours})
  --blast-size N           distinct recipients that make a campaign a blast (default ${DEFAULTS.blastSize})
  --memory SIZE            DuckDB memory limit
  --threads N              DuckDB threads
  --debug                  show stack traces`,
  generate: `Usage: optout generate --out DIR [options]

Writes a deterministic synthetic export (studios, leads, messages, opt-outs, carrier
deactivation files) with one planted scenario for each known cause of opt-outs.
See data/README.md.

  --out DIR        where to write the export (required)
  --studios N      number of studios (default 3)
  --months N       months of traffic (default 6)
  --messages N     approximate number of messages (default 40000: the bundled sample)
  --seed S         random seed (default 1)
  --start YYYY-MM  first month (default 2026-04)
  --debug          show stack traces`,
} as const;

type Command = keyof typeof HELP;

const COMMON = {
  help: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const LOAD = {
  ...COMMON,
  input: { type: 'string' },
  out: { type: 'string' },
  db: { type: 'string' },
  timezone: { type: 'string' },
  region: { type: 'string' },
  memory: { type: 'string' },
  threads: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const OPTIONS = {
  run: {
    ...LOAD,
    month: { type: 'string' },
    'attribution-hours': { type: 'string' },
    'blast-size': { type: 'string' },
    'no-site': { type: 'boolean' },
    pdf: { type: 'string' },
  },
  ingest: LOAD,
  score: {
    ...LOAD,
    leads: { type: 'string' },
    backtest: { type: 'string' },
    'as-of': { type: 'string' },
    'attribution-hours': { type: 'string' },
    'blast-size': { type: 'string' },
  },
  generate: {
    ...COMMON,
    out: { type: 'string' },
    studios: { type: 'string' },
    months: { type: 'string' },
    messages: { type: 'string' },
    seed: { type: 'string' },
    start: { type: 'string' },
  },
} as const satisfies Record<Exclude<Command, 'main'>, ParseArgsConfig['options']>;

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal: progress lines are shown only then. */
  interactive: boolean;
}

const fmt = int;

function progress(io: Io): RunEffects {
  return { progress: (message) => (io.interactive ? io.stderr(`\r\x1b[K${message}`) : undefined) };
}

function summary(ingested: IngestResult): string {
  const t = ingested.totals;
  const unchanged = ingested.unchanged.length > 0 ? `, ${ingested.unchanged.length} unchanged file(s) skipped` : '';
  const updated = t.updated > 0 ? ` (${fmt(t.updated)} of them updated leads)` : '';
  return `${fmt(t.rows)} rows from ${ingested.files.length} file(s): ${fmt(t.accepted)} accepted${updated}, ${fmt(t.rejected)} rejected, ${fmt(t.duplicates)} duplicates${unchanged}`;
}

function reconciliation(ingested: IngestResult): string {
  // the updated column only when a file updated leads (a part of accepted)
  const withUpdates = ingested.files.some((f) => f.updated > 0);
  const head = ['file', 'table', 'lines', 'rows', 'accepted', 'rejected', 'duplicates', ...(withUpdates ? ['updated'] : [])];
  const rows = ingested.files.map((f) => [
    f.encoding === 'utf8' ? f.file : `${f.file} (${f.encoding})`,
    f.table,
    f.lines === null ? '' : fmt(f.lines),
    fmt(f.rows),
    fmt(f.accepted),
    fmt(f.rejected),
    fmt(f.duplicates),
    ...(withUpdates ? [fmt(f.updated)] : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]): string => r.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  const ignored = ingested.ignored.map((i) => `ignored ${i.file}: ${i.why}`);
  return [line(head), ...rows.map(line), ...ignored].join('\n');
}

/**
 * The line that says the review month is partial, or null. By default a month is chosen only when
 * it is over by the last day of the data; one that is not was the fallback (no month qualified).
 */
function partialLine(report: Pick<Report, 'period' | 'coverage'>, defaulted: boolean): string | null {
  const p = report.period;
  if (!p.partial) return null;
  const why = defaulted && p.data_end < p.end ? ` (no month with texts ends on or before ${report.coverage.end}, the last day of the data)` : '';
  return `optout run: review month ${p.month} is partial: the data covers ${p.data_start} to ${p.data_end} only${why}`;
}

function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name}: expected a whole number, got "${value}"`);
  return n;
}

async function main(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(`${HELP.main}\n`);
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (!(first in OPTIONS)) throw new UsageError(`unknown command "${first}" (expected run, ingest, score or generate; see optout --help)`);
  const command = first as keyof typeof OPTIONS;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: command === 'run' ? pdfValue(rest) : rest, options: OPTIONS[command], strict: true, allowPositionals: false }).values as typeof values;
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (values.help) {
    io.stdout(`${HELP[command]}\n`);
    return 0;
  }
  const str = (k: string): string | undefined => values[k] as string | undefined;

  if (command === 'generate') {
    const out = str('out');
    if (!out) throw new UsageError('--out: the folder to write the sample export to is required');
    const { generate } = await import('../data/generate/index.ts');
    const started = performance.now();
    const result = await generate({
      out,
      studios: intOption('studios', str('studios')),
      months: intOption('months', str('months')),
      messages: intOption('messages', str('messages')),
      seed: intOption('seed', str('seed')),
      start: str('start'),
    });
    const secs = (performance.now() - started) / 1000;
    io.stderr(
      `optout generate: ${fmt(result.messages)} messages, ${fmt(result.leads)} leads, ${result.studios} studios in ${result.files.length} files under ${out} (${secs.toFixed(1)} s)\n`,
    );
    return 0;
  }

  const options: RunOptions = {
    input: str('input'),
    out: str('out'),
    db: str('db'),
    timezone: str('timezone'),
    region: str('region'),
    memory: str('memory'),
    // the one place the system's temp folder is read (TMPDIR): DuckDB spills there, not in the cwd
    spillDir: path.join(os.tmpdir(), `optout-${process.pid}`),
    threads: str('threads'),
    debug: values.debug === true,
  };
  if (command === 'ingest') {
    const config = normalizeConfig(options);
    // the pipeline (DuckDB, Arrow) is loaded only by the commands that run it: --help stays quick
    const { ingestOnly } = await import('./run.ts');
    const ingested = await ingestOnly(config, progress(io), str('out') !== undefined);
    if (io.interactive) io.stderr('\r\x1b[K');
    io.stdout(`${reconciliation(ingested)}\n`);
    io.stderr(`optout ingest: ${summary(ingested)}\n`);
    return 0;
  }
  if (command === 'score') {
    const config = normalizeScoreConfig({
      ...options,
      leads: str('leads'),
      backtest: str('backtest'),
      asOf: str('as-of'),
      attributionHours: str('attribution-hours'),
      blastSize: str('blast-size'),
    });
    const { score } = await import('./score/index.ts');
    const { scoreReport } = await import('./score/report.ts');
    const result = await score(config, progress(io));
    if (io.interactive) io.stderr('\r\x1b[K');
    io.stdout(scoreReport(result, config.out));
    io.stderr(`optout score: ${summary(result.ingested)}; ${scoreLine(result, config.out)} (${result.seconds.toFixed(1)} s)\n`);
    return 0;
  }
  const config = normalizeConfig({
    ...options,
    month: str('month'),
    attributionHours: str('attribution-hours'),
    blastSize: str('blast-size'),
    site: values['no-site'] !== true,
    pdf: values.pdf !== undefined ? { chromium: findChromium(process.env.PATH ?? ''), kind: pdfKind(str('pdf')) } : null,
  });
  const { run } = await import('./run.ts');
  const result = await run(config, progress(io));
  if (io.interactive) io.stderr('\r\x1b[K');
  const partial = partialLine(result.report, config.month === null);
  if (partial) io.stderr(`${partial}\n`);
  const where = path.join(config.out, 'report.json');
  const site = result.site ? `; site ${path.join(config.out, 'site', 'index.html')} (${result.site.pages} pages)` : '';
  const pdf = result.pdf === 'skipped' ? '; PDF skipped: no chromium found' : result.pdf ? `; PDF ${result.pdf}` : '';
  io.stderr(
    `optout run: ${summary(result.ingested)}; review month ${result.report.period.month}; report ${where}${site}${pdf} (${result.seconds.toFixed(1)} s)\n`,
  );
  return 0;
}

/** What `optout score` wrote, for its summary line on stderr. */
function scoreLine(result: import('./score/index.ts').ScoreResult, out: string): string {
  const parts: string[] = [];
  if (result.leads) parts.push(`${fmt(result.leads.summary.leads)} leads scored into ${path.join(out, 'scores.csv')} and scores.html`);
  if (result.backtest) parts.push(`backtest of ${result.backtest.month} in ${path.join(out, 'backtest.csv')}`);
  return parts.join('; ');
}

/**
 * `--pdf` takes an optional value: `--pdf` alone is the brief, `--pdf full` (or `--pdf=full`) the
 * whole report. parseArgs has no optional values, so `--pdf` is given one here: `full` or `brief`
 * when the next word is one of them, else `brief`.
 */
export function pdfValue(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a !== '--pdf') {
      out.push(a);
      continue;
    }
    const next = args[i + 1];
    if (next === 'full' || next === 'brief') {
      out.push(`--pdf=${next}`);
      i++;
    } else out.push('--pdf=brief');
  }
  return out;
}

function pdfKind(value: string | undefined): PdfKind {
  if (value === 'full' || value === 'brief') return value;
  throw new UsageError(`--pdf: expected nothing (the brief) or full, got "${value ?? ''}"`);
}

/** Runs the CLI and returns the exit code; errors become one line on stderr. */
export async function cli(argv: string[], io: Io): Promise<number> {
  try {
    return await main(argv, io);
  } catch (e) {
    const debug = argv.includes('--debug');
    if (io.interactive) io.stderr('\r\x1b[K');
    if (e instanceof OptoutError) {
      io.stderr(`optout: ${e.message}\n`);
      if (debug && e.stack) io.stderr(`${e.stack}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    io.stderr(`optout: internal error: ${(err.message ?? String(e)).split('\n')[0]}\n`);
    if (debug && err.stack) io.stderr(`${err.stack}\n`);
    return 1;
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (isMain) {
  const code = await cli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    interactive: process.stderr.isTTY === true,
  });
  process.exitCode = code;
}
