import type { CountryCode } from 'libphonenumber-js';
import { phonelib } from './phonelib.ts';
import { UsageError } from './errors.ts';
import type { PdfKind } from './site/pdf.ts';

/**
 * Every default of the worker lives here and nowhere else. cli.ts turns argv into a RunOptions;
 * normalizeConfig() validates it and fills in the defaults, so the core never sees a raw flag.
 */

export interface RunOptions {
  input?: string;
  out?: string;
  month?: string;
  db?: string;
  timezone?: string;
  region?: string;
  attributionHours?: number | string;
  blastSize?: number | string;
  site?: boolean;
  /** Also print the site to OUT/report.pdf with this chromium (null: none found): the brief (default) or the full report. */
  pdf?: { chromium: string | null; kind?: PdfKind } | null;
  memory?: string;
  /** A folder DuckDB may spill to (the CLI passes one under the system's temp folder). */
  spillDir?: string;
  threads?: number | string;
  debug?: boolean;
}

export interface Config {
  /** The export folder. */
  /** The export folder; null with --db alone: the month is reviewed from what the database holds. */
  input: string | null;
  /** Where the report bundle goes. */
  out: string;
  /**
   * Review month `YYYY-MM`, or null for the latest calendar month whose last local day is on or
   * before the local date of the latest message, and that has reached messages.
   */
  month: string | null;
  /** A persistent DuckDB file, or null for an in-memory database. */
  db: string | null;
  /** Time zone of studios that do not name their own. */
  timezone: string;
  /** Region used to read phone numbers written without a country code. */
  region: CountryCode;
  /** Window for attributing an opt-out to the message before it, inclusive. */
  attributionHours: number;
  /** Distinct recipients from which a campaign counts as a blast. */
  blastSize: number;
  /** Build the static site after the report. */
  site: boolean;
  /** Print the site to OUT/report.pdf with this chromium, the brief or the full report; null: no PDF asked for. */
  pdf: { chromium: string | null; kind: PdfKind } | null;
  /**
   * DuckDB memory_limit, e.g. `2GB`, or `auto` (the default: see memoryLimit); beyond it DuckDB
   * spills to spillDir.
   */
  memory: string;
  /** Where DuckDB spills when the memory limit is reached; null: DuckDB's default (.tmp). */
  spillDir: string | null;
  /** DuckDB worker threads; null leaves DuckDB's default (one per core). */
  threads: number | null;
  debug: boolean;
}

export const DEFAULTS = {
  out: './report',
  timezone: 'America/New_York',
  region: 'US',
  attributionHours: 72,
  blastSize: 500,
  /** DuckDB's memory limit: `auto` sizes it from the export (memoryLimit). */
  memory: 'auto',
  /** Where `optout score` writes scores.csv, scores.html and backtest.csv. */
  scoreOut: './scores',
} as const;

/**
 * A run's work folders (the report being built beside --out, the site's staging folder) carry its
 * process id: one whose process is gone was left by a killed run, and the next run removes it.
 * One older than this is left over too, whatever its process id says (ids are reused): no run
 * takes a day.
 */
export const LEFTOVER_AFTER_HOURS = 24;

function positiveNumber(name: string, value: number | string | undefined, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name}: expected a positive ${integer ? 'whole ' : ''}number, got "${value}"`);
  }
  return n;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function normalizeConfig(options: RunOptions): Config {
  if (!options.input && !options.db) {
    throw new UsageError('--input: the export folder is required (or --db FILE alone, to review a database loaded before)');
  }
  if (options.pdf && options.site === false) throw new UsageError('--pdf: the PDF is printed from the site, which --no-site turns off');
  const month = options.month ?? null;
  if (month !== null) {
    const m = /^(\d{4})-(\d{2})$/.exec(month);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) {
      throw new UsageError(`--month: expected YYYY-MM, got "${month}"`);
    }
  }
  const timezone = options.timezone ?? DEFAULTS.timezone;
  if (!isValidTimeZone(timezone)) throw new UsageError(`--timezone: "${timezone}" is not an IANA time zone`);
  const region = (options.region ?? DEFAULTS.region).toUpperCase();
  if (!(phonelib.getCountries() as string[]).includes(region)) {
    throw new UsageError(`--region: "${options.region}" is not a two-letter region code such as US or CA`);
  }
  const memory = options.memory ?? DEFAULTS.memory;
  if (memory !== 'auto' && !/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memory)) {
    throw new UsageError(`--memory: expected a size such as 1GB or 512MB, or auto, got "${memory}"`);
  }
  return {
    input: options.input ?? null,
    out: options.out ?? DEFAULTS.out,
    month,
    db: options.db ?? null,
    timezone,
    region: region as CountryCode,
    attributionHours: positiveNumber('attribution-hours', options.attributionHours, DEFAULTS.attributionHours, false),
    blastSize: positiveNumber('blast-size', options.blastSize, DEFAULTS.blastSize, true),
    site: options.site ?? true,
    pdf: options.pdf ? { chromium: options.pdf.chromium, kind: options.pdf.kind ?? 'brief' } : null,
    memory,
    spillDir: options.spillDir ?? null,
    threads: options.threads === undefined ? null : positiveNumber('threads', options.threads, 1, true),
    debug: options.debug ?? false,
  };
}

/**
 * The memory limit `auto` gives (memoryLimit): five times the export's size as text, at least
 * 1 GB, and never more than half the machine's memory (on a small machine the half wins).
 * Measured on 2 cores and 24 GiB (generated exports, 333 MB of text at 2M messages and 1.7 GB at
 * 10M): at 2M messages DuckDB spilled 334 MB of temporary files at 700MB (the rule before this
 * one, twice the export), 194 MB at 1GB and 54 MB at 1250MB, and nothing from 1500MB up (four
 * and a half times the export); five times leaves room above that. The limit is a ceiling, not
 * an allocation: with no spilling the peak RSS is what the data needs, 1.5 to 1.6 GB at 2M
 * whether the limit is 1.5GB or 12GB, and 6.8 GB at 10M. `--memory 1GB` still completes at 10M
 * (1.6 GB peak RSS, 3.8 GB spilled).
 */
export const MEMORY = {
  exportTimes: 5,
  atLeastMb: 1024,
  machineShare: 0.5,
} as const;

/** DuckDB's memory limit for a run: `setting` when one was given, else the MEMORY rule above. */
export function memoryLimit(setting: string, exportBytes: number, machineBytes: number): string {
  if (setting !== 'auto') return setting;
  const mb = (bytes: number): number => Math.floor(bytes / 2 ** 20);
  const wanted = Math.max(MEMORY.atLeastMb, mb(MEMORY.exportTimes * exportBytes));
  return `${Math.min(wanted, mb(MEMORY.machineShare * machineBytes))}MB`;
}

/**
 * The free-text request classifier (analysis/freetext.ts), as `npm run train:freetext` fits it:
 * the L2 penalty, gradient-descent steps and rate, the rows a feature must occur in, the decimals
 * the weights are kept to, and the probability from which a reply is a request. Chosen by
 * cross-validation on the training replies, never on the held-out set.
 */
export const FREE_TEXT_MODEL = {
  l2: 1e-4,
  iterations: 2000,
  learningRate: 10,
  minCount: 2,
  decimals: 4,
  threshold: 0.4,
} as const;

/**
 * The opt-out risk model (analysis/risk.ts): a logistic regression on the factors of
 * catalog/risk.ts with a ridge penalty of `penalty` on every log odds ratio (a normal prior of
 * standard deviation 1 / sqrt(penalty) = 1: a group with a handful of texts and no opt-out stays
 * near its reference instead of running off to 0, while a group with dozens of opt-outs is
 * barely moved). `optout score` says "send with care" above `careTimes` the studio's rate, and
 * "check in first" from `checkInDays` days without contact (18 months, as the check_in_overdue
 * check).
 */
export const RISK_MODEL = {
  penalty: 1,
  careTimes: 2,
  checkInDays: 548,
} as const;

/** `optout score`: the export's options (as run's) and what to score. */
export interface ScoreOptions extends Omit<RunOptions, 'month' | 'site' | 'pdf'> {
  /** A leads file (the leads format) to score. */
  leads?: string;
  /** A month YYYY-MM to backtest: fit on the texts before it, predict its texts. */
  backtest?: string;
  /** When the leads would get their first text: YYYY-MM-DD or an ISO-8601 time. */
  asOf?: string;
}

export interface ScoreConfig extends Config {
  leads: string | null;
  backtest: string | null;
  /** The scoring time as ISO-8601 UTC; null: the time of the export's latest message. */
  asOf: string | null;
}

const YEAR_MONTH = /^(\d{4})-(\d{2})$/;

export function normalizeScoreConfig(options: ScoreOptions): ScoreConfig {
  const config = normalizeConfig({ ...options, out: options.out ?? DEFAULTS.scoreOut, site: false });
  if (!options.leads && !options.backtest) {
    throw new UsageError('score: give --leads FILE (the leads to score), --backtest YYYY-MM (a month to test the model on), or both');
  }
  const backtest = options.backtest ?? null;
  if (backtest !== null) {
    const m = YEAR_MONTH.exec(backtest);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new UsageError(`--backtest: expected YYYY-MM, got "${backtest}"`);
  }
  let asOf: string | null = null;
  if (options.asOf !== undefined) {
    // a date alone is midnight UTC, a time without an offset UTC, as timestamps of the export are
    const text = options.asOf.trim();
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`;
    const t = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(iso) ? Date.parse(iso.replace(' ', 'T')) : NaN;
    if (!Number.isFinite(t)) throw new UsageError(`--as-of: expected a date YYYY-MM-DD or an ISO-8601 time, got "${options.asOf}"`);
    asOf = new Date(t).toISOString();
  }
  return { ...config, leads: options.leads ?? null, backtest, asOf };
}
