import { beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { normalizeScoreConfig } from '../../worker/config.ts';
import { score, type ScoreResult } from '../../worker/score/index.ts';
import { writeExport } from '../helpers/export.ts';
import { inbound, lead, LEAD_COLUMNS, MESSAGE_COLUMNS, out } from '../helpers/pipeline.ts';

/**
 * `optout score --leads` on a small export: each lead of the file once, with the action of the
 * first rule that holds; the rows that break the leads format listed with line and reason.
 */

const csv = (columns: readonly string[], rows: Record<string, string | undefined>[]): string =>
  [columns.join(','), ...rows.map((r) => columns.map((c) => r[c] ?? '').join(','))].join('\n') + '\n';

const phone = (n: number): string => `+1415555${String(n).padStart(4, '0')}`;

const EXPORT = {
  'studios.csv': 'studio_id,name,timezone\ns1,Palm Yoga,America/Los_Angeles\ns2,Iron Works,America/Chicago\n',
  'leads.csv': csv(LEAD_COLUMNS, [
    lead('a1', { phone: phone(101) }),
    lead('a2', { phone: phone(102) }),
    lead('a3', { phone: phone(103) }),
    lead('a4', { studio_id: 's2', phone: phone(104) }),
    lead('a5', { phone: phone(105) }),
  ]),
  'messages.csv': csv(MESSAGE_COLUMNS, [
    ...['a1', 'a2', 'a3', 'a5'].flatMap((l, i) => [out(`m${i}1`, '2026-03-02T18:00:00Z', { lead_id: l }), out(`m${i}2`, '2026-03-09T18:00:00Z', { lead_id: l })]),
    out('m41', '2026-03-02T18:00:00Z', { studio_id: 's2', lead_id: 'a4', body: 'Iron Works: hi' }),
    inbound('i1', '2026-03-09T18:05:00Z', 'STOP', { lead_id: 'a1', phone: phone(101) }),
    inbound('i3', '2026-03-09T18:10:00Z', 'please stop texting me', { lead_id: 'a3', phone: phone(103) }),
    inbound('i4', '2026-03-02T18:05:00Z', 'STOP', { studio_id: 's2', lead_id: 'a4', phone: phone(104) }),
    inbound('i5', '2026-03-09T18:05:00Z', 'STOP', { lead_id: 'a5', phone: phone(105) }),
  ]),
  // a carrier's daily list, dated by its name
  'deactivations-2026-03-10.csv': `phone\n${phone(110).slice(2)}\n`,
};

const NEW_COLUMNS = ['lead_id', 'studio_id', 'phone', 'source', 'created_at', 'consent_at', 'consent_method', 'last_engaged_at'] as const;
const fresh = { source: 'web_form', created_at: '2026-03-20T00:00:00Z', consent_at: '2026-03-20T00:00:00Z', consent_method: 'web_form' };
const NEW_LEADS = [
  { lead_id: 'a1', studio_id: 's1', phone: '(415) 555-0101', ...fresh }, // line 2: opted out by STOP
  { lead_id: 'n10', studio_id: 's1', phone: '415.555.0110', ...fresh }, // 3: a deactivated number
  { lead_id: 'a3', studio_id: 's1', phone: phone(103), ...fresh, consent_at: '2026-01-01T00:00:00Z' }, // 4: asked to stop in words
  { lead_id: 'n6', studio_id: 's1', phone: phone(106), ...fresh, consent_at: '', consent_method: '' }, // 5: no consent
  { lead_id: 'n7', studio_id: 's1', phone: phone(107), ...fresh, source: 'list_import', consent_method: 'import' }, // 6: consent by import
  { lead_id: 'n8', studio_id: 's1', phone: phone(108), ...fresh, created_at: '2024-01-01T00:00:00Z', consent_at: '2024-01-01T00:00:00Z' }, // 7: silent two years
  { lead_id: 'n9', studio_id: 's1', phone: phone(109), ...fresh }, // 8
  { lead_id: 'n9', studio_id: 's1', phone: phone(109), ...fresh }, // 9: the same row again: counted once
  { lead_id: 'n6', studio_id: 's1', phone: phone(106), ...fresh, source: 'walk_in' }, // 10: n6 again, other values: rejected
  { lead_id: 'n11', studio_id: 's1', phone: '555-12', ...fresh }, // 11: not a phone number
  { lead_id: 'a4', studio_id: 's1', phone: phone(104), ...fresh }, // 12: opted out of s2 only
  { lead_id: 'a5', studio_id: 's1', phone: phone(105), ...fresh }, // 13: opted out on 9 March; a consent of the 20th in this file is no re-opt-in
  { lead_id: 'n12', studio_id: 's9', phone: phone(112), ...fresh }, // 14: a studio the export does not have
  { lead_id: 'n13', studio_id: 's1', phone: phone(113), ...fresh, created_at: '2026-04-02T00:00:00Z', consent_at: '2026-04-02T00:00:00Z' }, // 15: added after the scoring time
];

let result: ScoreResult;
let dir: string;
let rows: Record<string, string>[];

function parseCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split('\n');
  const cols = (head as string).split(',');
  return lines.map((l) => {
    const cells: string[] = [];
    for (const m of l.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
      if (m.index === l.length && m[0] === '') break;
      cells.push((m[1] as string).startsWith('"') ? (m[1] as string).slice(1, -1).replaceAll('""', '"') : (m[1] as string));
    }
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

beforeAll(async () => {
  const input = await writeExport({ ...EXPORT, '../new-leads.csv': csv(NEW_COLUMNS, NEW_LEADS) });
  dir = path.join(input, '..', `${path.basename(input)}-scores`);
  const config = normalizeScoreConfig({ input, leads: path.join(input, '..', 'new-leads.csv'), out: dir, asOf: '2026-03-31' });
  result = await score(config, { progress: () => undefined });
  rows = parseCsv(await readFile(path.join(dir, 'scores.csv'), 'utf8'));
}, 60_000);

describe('optout score --leads', () => {
  it('scores every valid lead once, in the file\'s order', () => {
    expect(rows.map((r) => `${r.studio_id}/${r.lead_id}`)).toEqual(['s1/a1', 's1/n10', 's1/a3', 's1/n6', 's1/n7', 's1/n8', 's1/n9', 's1/a4', 's1/a5', 's9/n12', 's1/n13']);
    expect(result.leads).toMatchObject({ rows: 14, rejected: 2, duplicates: 1 });
  });

  it('gives each lead the action of the first rule that holds', () => {
    const action = Object.fromEntries(rows.map((r) => [r.lead_id, [r.action, r.why]]));
    expect(action).toEqual({
      a1: ['do_not_text', 'opted out'],
      n10: ['do_not_text', 'number deactivated by its carrier'],
      a3: ['do_not_text', 'asked to stop in words'],
      n6: ['get_consent_first', 'no consent on record'],
      n7: ['get_consent_first', 'consent came with an import or by an unknown method'],
      n8: ['check_in_first', 'no contact for 820 days'],
      n9: ['send', ''],
      // an opt-out from another studio is that studio's
      a4: ['send', ''],
      a5: ['do_not_text', 'opted out'],
      n12: ['send', ''],
      // added, with its consent, after the --as-of time: no consent yet at that time
      n13: ['get_consent_first', 'no consent on record'],
    });
  });

  it('describes a first text: the only one of its week, lead age and last contact counted to the scoring time', () => {
    const n9 = rows.find((r) => r.lead_id === 'n9');
    expect(n9).toMatchObject({ frequency_7d: '1', lead_age: '8-30d', lead_age_days: '11', engagement: '0-90d', consent: 'verified', campaign_type: 'targeted', send_hour_band: '08-11' });
    // added after the scoring time: being added now
    expect(rows.find((r) => r.lead_id === 'n13')).toMatchObject({ lead_age: '0-7d', lead_age_days: '0', engagement_days: '0' });
    for (const r of rows) {
      expect(Number(r.chance), r.lead_id).toBeGreaterThan(0);
      expect(Number(r.chance), r.lead_id).toBeLessThan(1);
    }
  });

  it('lists the rows not scored with their line and reason, as the ingest does', async () => {
    const rejected = parseCsv(await readFile(path.join(dir, 'rejected_leads.csv'), 'utf8'));
    expect(rejected.map((r) => [r.line, r.reason])).toEqual([
      ['10', 'conflicting duplicate: studio_id, lead_id "s1", "n6" was already accepted with different values (first at new-leads.csv:5)'],
      ['11', 'phone is not a valid phone number for the region: "555-12"'],
    ]);
  });

  it('sums up the actions and the opt-outs expected if all are texted and if only those marked send are', () => {
    const s = result.leads?.summary;
    expect(s?.by_action).toEqual({ do_not_text: 4, get_consent_first: 3, check_in_first: 1, send_with_care: 0, send: 3 });
    const sum = (f: (r: Record<string, string>) => boolean): number => rows.filter(f).reduce((t, r) => t + Number(r.chance), 0);
    expect(s?.expected_all).toBeCloseTo(sum(() => true), 4);
    expect(s?.expected_send).toBeCloseTo(sum((r) => r.action === 'send'), 4);
  });

  it('scores at the latest time the data knows when --as-of gives none: no lead is dated after its first text', async () => {
    const input = await writeExport({ ...EXPORT, '../new-leads.csv': csv(NEW_COLUMNS, NEW_LEADS) });
    const again = await score(normalizeScoreConfig({ input, leads: path.join(input, '..', 'new-leads.csv'), out: `${input}-scores` }), { progress: () => undefined });
    // n13's consent, 2 April 2026, is the latest time of the export and the file
    expect(again.leads?.as_of).toBe('2026-04-02T00:00:00.000Z');
    const n13 = parseCsv(await readFile(path.join(`${input}-scores`, 'scores.csv'), 'utf8')).find((r) => r.lead_id === 'n13');
    expect(n13).toMatchObject({ action: 'send', consent: 'verified', lead_age_days: '0' });
  });

  it('writes a page safe to share: no full phone number, the actions and the rows not scored', async () => {
    const html = await readFile(path.join(dir, 'scores.html'), 'utf8');
    expect(html).not.toMatch(/\d{7}/);
    expect(html).not.toMatch(/555[-. ]?01\d\d/);
    expect(html).toContain('(•••) •••-0101');
    expect(html).toContain('Do not text');
    expect(html).toContain('Rows not scored');
    expect(html).toContain('11 leads: 4 do not text, 3 get consent first, 1 check in first, 0 send with care, 3 send.');
  });
});
