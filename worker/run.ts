import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { memoryLimit, type Config } from './config.ts';
import { discover } from './ingest/discover.ts';
import { Db, PROFILE, profileTotals } from './db.ts';
import { ingest, type IngestEffects, type IngestResult } from './ingest/index.ts';
import { buildModels } from './models.ts';
import { analyse } from './analysis/index.ts';
import { writeBundle, writeRejectedRows, type Report } from './report/bundle.ts';
import { loadArrow } from './report/tables.ts';
import { buildSite } from './site/build.ts';
import { removeLeftoverStaging } from './site/staging.ts';
import { stageOut } from './output.ts';
import { writePdf } from './site/pdf.ts';
import { VERSION } from './version.ts';
import { OptoutError } from './errors.ts';

/**
 * The pipeline, in the order it runs (`optout run`, below):
 *
 *   1. ingest    worker/ingest/     the export folder -> typed, checked rows (stg_ views), every
 *                                   rejected row with its file, line and reason
 *   2. models    worker/sql/        the intermediate tables, the fact table (one row per reached
 *                                   message, its cohort keys from worker/catalog/), the review
 *                                   month, the marts (worker/models.ts runs them in order)
 *   3. analysis  worker/analysis/   statistics over the marts: intervals, spikes and their causes,
 *                                   the checks' examples, the policies
 *   4. bundle    worker/report/     report.json and the tables, assembled and written
 *   5. site      worker/site/       the static site, and the PDF when asked
 */

export interface RunEffects extends IngestEffects {}

export interface RunResult {
  ingested: IngestResult;
  report: Report;
  /** The site's pages and build time; null with --no-site. */
  site: { pages: number; seconds: number } | null;
  /** The PDF written, 'skipped' when no chromium was found, null when none was asked for. */
  pdf: string | 'skipped' | null;
  seconds: number;
}

/** Loads the export into DuckDB. The caller owns the database. */
export async function openDb(config: Config): Promise<Db> {
  // a gzipped file holds about six times its size in text
  if (!config.input && config.db && !existsSync(config.db)) {
    throw new OptoutError(`--db ${config.db}: no such database; load an export into it first with --input DIR --db ${config.db}`);
  }
  // (with --db alone, nothing is read: the limit then follows the database's size)
  const exportBytes = config.input
    ? (await discover(config.input)).files.reduce((sum, f) => sum + f.size * (f.gzip ? 6 : 1), 0)
    : config.db && existsSync(config.db)
      ? statSync(config.db).size * 3
      : 0;
  const memory = memoryLimit(config.memory, exportBytes, os.totalmem());
  return Db.open(config.db, { memory, threads: config.threads, spillDir: config.db ? null : config.spillDir });
}

/**
 * `optout ingest`: load and check the export folder; with an out folder, write the rejected rows.
 * That folder follows run's rule (output.ts): checked before any work, built beside and swapped
 * in whole, so it then holds this ingest's rejected rows and nothing from an earlier run.
 */
export async function ingestOnly(config: Config, effects: RunEffects, writeRejected: boolean): Promise<IngestResult> {
  const out = writeRejected
    ? await stageOut(config.out, [
        { flag: '--input', path: config.input },
        { flag: '--db', path: config.db },
      ])
    : null;
  try {
    const db = await openDb(config);
    try {
      const ingested = await ingest(db, config, effects);
      if (out) await writeRejectedRows(db, out.dir);
      await out?.commit();
      return ingested;
    } finally {
      db.close();
    }
  } finally {
    await out?.discard();
  }
}

/**
 * `optout run`: the whole pipeline, from the export folder to the report bundle. The bundle is
 * written into a folder beside --out and swapped in whole only when it is complete (output.ts):
 * a run killed or failing part way leaves the previous report as it was.
 */
export async function run(config: Config, effects: RunEffects): Promise<RunResult> {
  const started = performance.now();
  // First of all, before DuckDB opens or any file is read: can the report go where it is asked to?
  const out = await stageOut(config.out, [
    { flag: '--input', path: config.input },
    { flag: '--db', path: config.db },
  ]);
  try {
    await removeLeftoverStaging();
    // loaded while DuckDB works; a failure shows where the tables are written
    loadArrow().catch(() => undefined);
    const db = await step('open', () => openDb(config));
    let report: Report;
    let ingested: IngestResult;
    try {
      ingested = await step('ingest', () => ingest(db, config, effects)); // 1. ingest
      report = await reportOf(db, config, ingested, out.dir, effects); // 2-4. models, analysis, bundle
    } finally {
      await step('close', async () => db.close());
    }
    // 5. site
    let site: RunResult['site'] = null;
    let pdf: RunResult['pdf'] = null;
    if (config.site) {
      effects.progress('building the site');
      site = await buildSite({ reportDir: out.dir, outDir: path.join(out.dir, 'site'), quiet: true });
      if (config.pdf) {
        effects.progress('printing the PDF');
        const written = config.pdf.chromium ? await writePdf(path.join(out.dir, 'site'), path.join(out.dir, 'report.pdf'), { executablePath: config.pdf.chromium, kind: config.pdf.kind }) : false;
        pdf = written ? path.join(config.out, 'report.pdf') : 'skipped';
      }
    }
    await step('commit', () => out.commit());
    return { ingested, report, site, pdf, seconds: (performance.now() - started) / 1000 };
  } finally {
    await out.discard();
  }
}

/** Steps 2 to 4 on a loaded database: the models, the analysis, and the bundle written to `out`. */
export async function reportOf(db: Db, config: Config, ingested: IngestResult, out: string, effects: RunEffects, version = VERSION): Promise<Report> {
  effects.progress('computing the tables');
  const months = await step('models', () => buildModels(db, config)); // 2. models
  effects.progress('analysing');
  const analysis = await step('analysis', () => analyse(db, months)); // 3. analysis
  effects.progress('writing the report');
  return step('bundle', () => writeBundle(db, out, { config, ingested, months, analysis, version })); // 4. bundle
}

/** Runs one step of the pipeline; with OPTOUT_PROFILE=1, prints its wall time and its SQL's. */
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!PROFILE) return work();
  const started = performance.now();
  const sql = profileTotals.seconds;
  const result = await work();
  process.stderr.write(`[profile] step ${name}: ${((performance.now() - started) / 1000).toFixed(2)}s, of which SQL ${(profileTotals.seconds - sql).toFixed(2)}s\n`);
  return result;
}
