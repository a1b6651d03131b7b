import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Db } from '../../worker/db.ts';
import { FREE_TEXT_PATTERNS, isOptOutRequest } from '../../worker/analysis/freetext.ts';
import { MACROS } from '../../worker/models.ts';

/** The labelled replies: realistic opt-out requests and the look-alikes that are not. */
async function labelled(): Promise<{ text: string; label: boolean }[]> {
  const db = await Db.open(null);
  try {
    const file = path.join(import.meta.dirname, '..', 'fixtures', 'free-text', 'replies.csv');
    const rows = await db.query<{ text: string; is_opt_out_request: number }>(
      `select text, is_opt_out_request::integer as is_opt_out_request from read_csv('${file}', header = true, all_varchar = true)`,
    );
    return rows.map((r) => ({ text: r.text, label: r.is_opt_out_request === 1 }));
  } finally {
    db.close();
  }
}

describe('free-text opt-out requests', () => {
  it('finds requests with precision and recall of at least 0.95 on the labelled replies', async () => {
    const rows = await labelled();
    expect(rows.length).toBeGreaterThanOrEqual(150);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const wrong: string[] = [];
    for (const r of rows) {
      const got = isOptOutRequest(r.text);
      if (got && r.label) tp++;
      else if (got && !r.label) (fp++, wrong.push(`false positive: ${r.text}`));
      else if (!got && r.label) (fn++, wrong.push(`missed: ${r.text}`));
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(`free-text opt-out detector on ${rows.length} labelled replies: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}${wrong.length ? `\n  ${wrong.join('\n  ')}` : ''}`);
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('leaves the look-alikes of the brief alone', () => {
    for (const text of ['cancel my Thursday booking', "can't stop smiling after that class", 'stop by the front desk?']) {
      expect(isOptOutRequest(text), text).toBe(false);
    }
  });

  it('gives the same verdicts in DuckDB (RE2) as in JavaScript', async () => {
    const rows = await labelled();
    const db = await Db.open(null);
    try {
      await db.exec(`create table replies (text varchar)`);
      const appender = await db.appender('replies');
      for (const r of rows) {
        appender.appendVarchar(r.text);
        appender.endRow();
      }
      appender.closeSync();
      await db.exec(MACROS);
      const sql = await db.query<{ text: string; hit: boolean }>(
        `with n as (select text, reply_of(text) as t from replies)
         select text, not regexp_matches(t, $negated) and (regexp_matches(t, $strong) or (regexp_matches(t, $weak) and not regexp_matches(t, $look_alike))) as hit
         from n`,
        { ...FREE_TEXT_PATTERNS },
      );
      const disagreements = sql.filter((r) => r.hit !== isOptOutRequest(r.text)).map((r) => r.text);
      expect(disagreements).toEqual([]);
    } finally {
      db.close();
    }
  });
});
