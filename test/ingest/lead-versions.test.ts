import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MESSAGES_HEADER, STUDIOS, load, writeExport } from '../helpers/export.ts';

/**
 * Leads change; messages do not. A leads row whose lead an earlier file (or an earlier run into
 * the same --db) accepted with other values is an update: accepted, counted as updated, kept as a
 * new version. Two different rows of one lead in one file still conflict.
 */

const HEADER = 'lead_id,studio_id,phone,source,created_at,consent_at,consent_method,last_engaged_at,first_name';
const lead = (id: string, changes: Partial<Record<'source' | 'consent_at' | 'last_engaged_at' | 'first_name' | 'created_at', string>> = {}) => {
  const v = { source: 'web_form', created_at: '2026-01-01T00:00:00Z', consent_at: '2026-01-02T00:00:00Z', last_engaged_at: '', first_name: 'Ann', ...changes };
  return `${id},s1,415555${id.replace(/\D/g, '').padStart(4, '0')},${v.source},${v.created_at},${v.consent_at},web_form,${v.last_engaged_at},${v.first_name}`;
};
const MESSAGES = `${MESSAGES_HEADER}\nm1,s1,l1,,outbound,2026-02-02T18:00:00Z,delivered,,c1,,Palm Yoga: hi Ann\n`;

type Stats = { rows: number; accepted: number; rejected: number; duplicates: number; updated: number };
const stats = (files: { file: string; rows: number; accepted: number; rejected: number; duplicates: number; updated: number }[]) =>
  Object.fromEntries(files.map((f): [string, Stats] => [f.file, { rows: f.rows, accepted: f.accepted, rejected: f.rejected, duplicates: f.duplicates, updated: f.updated }]));

describe('a leads file exported again', () => {
  it('accepts a changed lead as an update, an unchanged one as a duplicate, and still rejects two different rows of a lead in one file', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages.csv': MESSAGES,
      'leads.csv': [
        HEADER,
        lead('l1'),
        lead('l2'),
        lead('l3'),
        lead('l3'), // the same row twice in one file: a duplicate
        lead('l4'),
        lead('l4', { source: 'list_import' }), // another row of l4 in the same file: a conflict
      ].join('\n'),
      // loaded after leads.csv ('_' sorts after '.')
      'leads_2.csv': [
        HEADER,
        lead('l1'), // unchanged: a duplicate of leads.csv's row
        lead('l2', { last_engaged_at: '2026-03-01T00:00:00Z' }), // changed: an update
        lead('l2', { last_engaged_at: '2026-03-02T00:00:00Z' }), // and changed again in the same file: a conflict
        lead('l5'), // new
        lead('l4', { first_name: 'Di' }), // changes the l4 leads.csv accepted: an update
      ].join('\n'),
      'leads_3.csv': [
        HEADER,
        lead('l2', { last_engaged_at: '2026-03-01T00:00:00Z' }), // the same as leads_2.csv's version: a duplicate
        lead('l1', { consent_at: '' }), // a later export without the consent: an update
      ].join('\n'),
    });
    const { result, db, rejected } = await load(dir);
    try {
      expect(stats(result.files.filter((f) => f.table === 'leads'))).toEqual({
        'leads.csv': { rows: 6, accepted: 4, rejected: 1, duplicates: 1, updated: 0 },
        'leads_2.csv': { rows: 5, accepted: 3, rejected: 1, duplicates: 1, updated: 2 },
        'leads_3.csv': { rows: 2, accepted: 1, rejected: 0, duplicates: 1, updated: 1 },
      });
      expect(result.totals.updated).toBe(3);
      for (const f of result.files) expect(f.rows).toBe(f.accepted + f.rejected + f.duplicates);
      expect(rejected).toEqual([
        { file: 'leads.csv', line: 7, reason: 'conflicting duplicate: studio_id, lead_id "s1", "l4" was already accepted with different values (first at leads.csv:6)' },
        { file: 'leads_2.csv', line: 4, reason: 'conflicting duplicate: studio_id, lead_id "s1", "l2" was already accepted with different values (first at leads_2.csv:3)' },
      ]);
      // every version is staged, in load order
      const versions = await db.query<{ lead_id: string; n: number }>(
        `select lead_id, count(*)::integer as n from stg_leads group by lead_id order by lead_id`,
      );
      expect(versions).toEqual([
        { lead_id: 'l1', n: 2 },
        { lead_id: 'l2', n: 2 },
        { lead_id: 'l3', n: 1 },
        { lead_id: 'l4', n: 2 },
        { lead_id: 'l5', n: 1 },
      ]);
    } finally {
      db.close();
    }
  });

  it('counts a lead changed by a later run into the same --db as an update of that run\'s file', async () => {
    const dir = await writeExport({ 'studios.csv': STUDIOS, 'messages.csv': MESSAGES, 'leads.csv': [HEADER, lead('l1'), lead('l2')].join('\n') });
    const dbFile = path.join(dir, '..', `${path.basename(dir)}.duckdb`);
    const first = await load(dir, { db: dbFile });
    first.db.close();
    // next month: the CRM exports its leads again, in a file of another name, sorting first
    await writeFile(path.join(dir, 'leads-2026-03.csv'), [HEADER, lead('l1', { last_engaged_at: '2026-03-05T00:00:00Z' }), lead('l2'), lead('l3')].join('\n'));
    const second = await load(dir, { db: dbFile });
    try {
      expect(second.result.unchanged).toEqual(['studios.csv', 'leads.csv', 'messages.csv']);
      expect(stats(second.result.files.filter((f) => f.table === 'leads'))).toEqual({
        'leads.csv': { rows: 2, accepted: 2, rejected: 0, duplicates: 0, updated: 0 },
        'leads-2026-03.csv': { rows: 3, accepted: 2, rejected: 0, duplicates: 1, updated: 1 },
      });
      expect(second.rejected).toEqual([]);
    } finally {
      second.db.close();
    }
  });
});
