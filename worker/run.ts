import path from 'node:path';
import os from 'node:os';
import { memoryLimit, type Config } from './config.ts';
import { discover } from './ingest/discover.ts';
import { Db } from './db.ts';
import { ingest, type IngestEffects, type IngestResult } from './ingest/index.ts';
import { writeBundle, writeRejectedRows, type Report } from './report/bundle.ts';
import { loadArrow } from './report/tables.ts';
import { buildSite } from './site/build.ts';
import { writePdf } from './site/pdf.ts';
import { VERSION } from './version.ts';

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
  const exportBytes = (await discover(config.input)).files.reduce((sum, f) => sum + f.size * (f.gzip ? 6 : 1), 0);
  const memory = memoryLimit(config.memory, exportBytes, os.totalmem());
  return Db.open(config.db, { memory, threads: config.threads, spillDir: config.db ? null : config.spillDir });
}

/** `optout ingest`: load and check the export folder; with an out folder, write the rejected rows. */
export async function ingestOnly(config: Config, effects: RunEffects, writeRejected: boolean): Promise<IngestResult> {
  const db = await openDb(config);
  try {
    const ingested = await ingest(db, config, effects);
    if (writeRejected) await writeRejectedRows(db, config.out);
    return ingested;
  } finally {
    db.close();
  }
}

/** `optout run`: the whole pipeline, from the export folder to the report bundle. */
export async function run(config: Config, effects: RunEffects): Promise<RunResult> {
  const started = performance.now();
  // loaded while DuckDB works; a failure shows where the tables are written
  loadArrow().catch(() => undefined);
  const db = await openDb(config);
  let closed = false;
  try {
    const ingested = await ingest(db, config, effects);
    effects.progress('writing the report');
    const report = await writeBundle(db, config, ingested, VERSION);
    db.close();
    closed = true;
    let site: RunResult['site'] = null;
    let pdf: RunResult['pdf'] = null;
    if (config.site) {
      effects.progress('building the site');
      site = await buildSite({ reportDir: config.out, outDir: path.join(config.out, 'site'), quiet: true });
      if (config.pdf) {
        effects.progress('printing the PDF');
        const file = path.join(config.out, 'report.pdf');
        const written = config.pdf.chromium ? await writePdf(path.join(config.out, 'site'), file, { executablePath: config.pdf.chromium }) : false;
        pdf = written ? file : 'skipped';
      }
    }
    return { ingested, report, site, pdf, seconds: (performance.now() - started) / 1000 };
  } finally {
    if (!closed) db.close();
  }
}
