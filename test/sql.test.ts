import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Db } from '../worker/db.ts';
import { MODELS, modelSql, paramsFor } from '../worker/models.ts';
import { pipeline } from './helpers/pipeline.ts';

const EXAMPLE = path.resolve(import.meta.dirname, 'fixtures', 'edge-cases', 'input');
const DATA_TESTS = path.join(import.meta.dirname, 'data');
const SAMPLE = path.resolve(import.meta.dirname, '..', 'data', 'sample');

/** Builds the edge-case export through the whole pipeline, keeping the database open. */
async function edgeCases(): Promise<Db> {
  // A database file: an in-memory run frees the staged messages the first models read.
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'optout-sql-')), 'edge-cases.duckdb');
  const { db } = await pipeline({ messages: [], files: {} }, { input: EXAMPLE, db: file });
  return db;
}

describe('SQL models', () => {
  let db: Db;
  beforeAll(async () => {
    db = await edgeCases();
  });
  afterAll(() => db.close());

  it('every model EXPLAINs against the fixture schema', async () => {
    const params = {
      default_timezone: "UTC", attribution_hours: 72, blast_size: 500,
      period_start: '2026-03-01', period_end: '2026-03-31', previous_start: '2026-02-01', previous_end: '2026-02-28', trend_start: '2026-01-01', history_start: '2025-04-01', history_end: '2026-03-31',
    };
    for (const model of MODELS) {
      const sql = await modelSql(model);
      await expect(db.query(`explain ${sql}`, paramsFor(sql, params)), model).resolves.toBeDefined();
    }
    // the risk model's queries (analysis/risk.ts, score/backtest.ts) over the fact table
    for (const model of ['analysis/risk_cells', 'analysis/risk_messages']) {
      const sql = await modelSql(model);
      const dates = { fit_start: '2026-01-01', fit_end: '2026-03-31', start: '2026-03-01', end: '2026-03-31' };
      await expect(db.query(`explain ${sql}`, paramsFor(sql, dates)), model).resolves.toBeDefined();
    }
  });

  it('every data test returns no failing rows on the edge cases', async () => {
    await expectNoFailingRows(db);
  });

  it('every data test returns no failing rows on the bundled sample', async () => {
    const { db: sample } = await pipeline({ messages: [] }, { input: SAMPLE, month: '2026-09' });
    try {
      await expectNoFailingRows(sample);
    } finally {
      sample.close();
    }
  });
});

async function expectNoFailingRows(db: Db): Promise<void> {
  const files = (await readdir(DATA_TESTS)).filter((f) => f.endsWith('.sql')).sort();
  expect(files.length).toBeGreaterThanOrEqual(9);
  for (const file of files) {
    const sql = await readFile(path.join(DATA_TESTS, file), 'utf8');
    const failing = await db.query(sql, paramsFor(sql, { attribution_hours: 72 }));
    expect({ file, failing }).toEqual({ file, failing: [] });
  }
}
