import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { normalizeConfig, type Config, type RunOptions } from '../../worker/config.ts';
import { Db } from '../../worker/db.ts';
import { ingest, type IngestResult } from '../../worker/ingest/index.ts';

/** Writes an export folder from a map of relative file name to contents (`.gz` names are gzipped). */
export async function writeExport(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'optout-test-'));
  for (const [name, body] of Object.entries(files)) {
    const full = path.join(dir, name);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, name.endsWith('.gz') && typeof body === 'string' ? gzipSync(body) : body);
  }
  return dir;
}

export const STUDIOS = 'studio_id,name,timezone,number\ns1,Palm Yoga,America/Los_Angeles,+14155550000\n';
export const LEADS = 'lead_id,studio_id,phone,source,created_at\nl1,s1,(415) 555-0101,web_form,2026-01-01T00:00:00Z\n';
export const MESSAGES_HEADER = 'message_id,studio_id,lead_id,phone,direction,sent_at,status,error_code,campaign_id,campaign_type,body';

export function config(input: string, extra: Partial<RunOptions> = {}): Config {
  return normalizeConfig({ input, out: path.join(input, '..', `${path.basename(input)}-out`), ...extra });
}

export interface Loaded {
  result: IngestResult;
  db: Db;
  rejected: { file: string; line: number; reason: string }[];
  byFile: Record<string, { rows: number; accepted: number; rejected: number; duplicates: number }>;
}

/** Ingests a folder into an in-memory database (or `db`), and returns what came out. */
export async function load(input: string, extra: Partial<RunOptions> = {}): Promise<Loaded> {
  const cfg = config(input, extra);
  const db = await Db.open(cfg.db);
  const result = await ingest(db, cfg, { progress: () => undefined });
  const rejected = await db.query<{ file: string; line: number; reason: string }>(
    `select file, line::integer as line, reason from rejected_rows order by file, line`,
  );
  const byFile = Object.fromEntries(
    result.files.map((f) => [f.file, { rows: f.rows, accepted: f.accepted, rejected: f.rejected, duplicates: f.duplicates }]),
  );
  return { result, db, rejected, byFile };
}

/** Loads, then closes the database. */
export async function loadAndClose(input: string, extra: Partial<RunOptions> = {}): Promise<Omit<Loaded, 'db'>> {
  const { db, ...rest } = await load(input, extra);
  db.close();
  return rest;
}
