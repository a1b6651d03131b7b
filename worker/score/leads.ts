import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ScoreConfig } from '../config.ts';
import { Db, literal } from '../db.ts';
import { OptoutError } from '../errors.ts';
import { formatOf, type InputFile } from '../ingest/discover.ts';
import { ingest, type FileStats, type IngestEffects } from '../ingest/index.ts';

/**
 * The leads file `optout score --leads` scores, read as the ingest reads a leads file of the
 * export (the same readers, formats, encodings and checks): every row accepted, rejected with its
 * line and reason, or dropped as an exact duplicate, so each lead (studio and lead_id) is scored
 * once. It is read into a database of its own, so its leads are never mixed with the export's,
 * and its accepted rows are handed to the export's database as the table score_leads.
 */
export interface LeadsFile {
  stats: FileStats;
  rejected: { line: number | null; reason: string; record: string | null }[];
}

/** The leads file as an input file, checked before any other work: it exists and has a format the ingest reads. */
export async function leadsInput(given: string): Promise<InputFile> {
  let size: number;
  let mtimeMs: number;
  try {
    const st = await stat(given);
    if (!st.isFile()) throw new OptoutError(`--leads ${given}: not a file`);
    size = st.size;
    mtimeMs = Math.round(st.mtimeMs);
  } catch (e) {
    if (e instanceof OptoutError) throw e;
    throw new OptoutError(`--leads ${given}: no such file`);
  }
  const name = path.basename(given);
  const format = formatOf(name);
  if (!format) throw new OptoutError(`--leads ${given}: not a CSV, JSON Lines or Parquet file (expected a name ending .csv, .csv.gz, .jsonl or .parquet)`);
  return { path: path.resolve(given), name, table: 'leads', format: format[0], gzip: format[1], size, mtimeMs };
}

export async function loadLeadsFile(db: Db, config: ScoreConfig, file: InputFile, scratch: string, effects: IngestEffects): Promise<LeadsFile> {
  const name = file.name;
  const side = await Db.open(null, { memory: config.memory === 'auto' ? '1GB' : config.memory, threads: config.threads, spillDir: config.spillDir });
  const parquet = path.join(scratch, 'score-leads.parquet');
  let result: LeadsFile;
  try {
    const ingested = await ingest(side, { ...config, input: null, db: null }, effects, [file]);
    const stats = ingested.files[0];
    if (!stats || stats.table !== 'leads') throw new OptoutError(`${name}: not a leads file (its header is a Twilio message log)`);
    const rejected = await side.query<LeadsFile['rejected'][number]>(`select line::integer as line, reason, record from rejected_rows order by line`);
    await side.exec(`copy (select lead_id, studio_id, phone, source, created_at, consent_at, consent_method, last_engaged_at, first_name,
        record_no::integer as record_no from stg_leads) to ${literal(parquet)} (format parquet)`);
    result = { stats, rejected };
  } finally {
    side.close();
  }
  await db.exec(`create or replace temp table score_leads as select * from read_parquet(${literal(parquet)})`);
  return result;
}
