import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { normalizeConfig } from '../worker/config.ts';
import { run } from '../worker/run.ts';

/**
 * The bundled sample (data/sample/, what `npm start` reads) through the whole pipeline: the bad
 * rows and the planted scenarios that data/README.md documents must come out as documented.
 */
describe('the bundled sample export', () => {
  it('reconciles the planted bad rows and finds the planted compliance scenarios', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'optout-sample-'));
    const { report } = await run(normalizeConfig({ input: path.join(import.meta.dirname, '..', 'data', 'sample'), out, site: false }), {
      progress: () => undefined,
    });
    expect(report.period.month).toBe('2026-09');
    const byFile = Object.fromEntries(report.inputs.map((i) => [i.file, [i.rows, i.accepted, i.rejected, i.duplicates]]));
    expect(byFile['messages-2026-04.csv']).toEqual([4763, 4758, 4, 1]);
    expect(byFile['leads.csv']).toEqual([2335, 2333, 2, 0]);
    expect(byFile['opt_outs.jsonl']).toEqual([317, 316, 1, 0]);
    const checks = Object.fromEntries(report.compliance.map((c) => [c.check, { messages: c.messages, leads: c.leads, studios: c.studios.map((s) => s.studio_id) }]));
    expect(checks.unprocessed_opt_out_request).toEqual({ messages: 18, leads: 18, studios: ['s3'] });
    expect(checks.sent_to_deactivated).toEqual({ messages: 60, leads: 13, studios: ['s2'] });
    expect(checks.missing_sender_id).toEqual({ messages: 431, leads: 431, studios: ['s2'] });
    expect(checks.check_in_overdue).toEqual({ messages: 612, leads: 612, studios: ['s2'] });
    // 10 planted sends after an opt-out, plus 2 replies confirming a repeated STOP (SPEC
    // exempts only the first message after the opt-out).
    expect(checks.sent_after_opt_out).toEqual({ messages: 12, leads: 10, studios: ['s1'] });
    const flagged = (dimension: keyof typeof report.cohorts, key: string) => report.cohorts[dimension].find((r) => r.key === key)?.flag;
    expect(flagged('lead_source', 'list_import')).toBe('high');
    expect(flagged('consent', 'unverified')).toBe('high');
    expect(flagged('engagement', '548d+')).toBe('high');
    expect(flagged('frequency_7d', '7+')).toBe('high');
    expect(flagged('send_hour', '23')).toBe('high');
    expect(flagged('campaign', 's2-partner-promo-2026-09-28')).toBe('high');
    // Every dimension splits the month's reached texts and attributed opt-outs exactly.
    for (const [dimension, rows] of Object.entries(report.cohorts)) {
      expect(rows.reduce((s, r) => s + r.reached, 0), dimension).toBe(report.totals.reached);
      expect(rows.reduce((s, r) => s + r.opt_outs, 0), dimension).toBe(report.totals.attributed_opt_outs);
    }
    // The weekdays agree with the daily trend of the month (all studios).
    const byWeekday = new Map<string, number>();
    for (const t of report.trend) {
      if (t.studio_id !== null || t.date < report.period.start || t.date > report.period.end) continue;
      const key = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][new Date(`${t.date}T00:00:00Z`).getUTCDay()] as string;
      byWeekday.set(key, (byWeekday.get(key) ?? 0) + t.reached);
    }
    expect(Object.fromEntries(report.cohorts.day_of_week.map((r) => [r.key, r.reached]))).toEqual(Object.fromEntries(byWeekday));
    // The year of history: April to September, per studio and overall; its months agree with the
    // daily trend where both cover them, and the review month and the one before with the totals.
    const overall = report.monthly.filter((m) => m.studio_id === null);
    expect(overall.map((m) => m.month)).toEqual(['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09']);
    expect(report.monthly).toHaveLength(6 * 4);
    for (const m of report.monthly) {
      const days = report.trend.filter((t) => t.studio_id === m.studio_id && t.date.startsWith(m.month));
      if (days.length === 0) continue;
      expect([days.reduce((s, t) => s + t.reached, 0), days.reduce((s, t) => s + t.opt_outs, 0)], `${m.month} ${m.studio_id}`).toEqual([m.reached, m.attributed_opt_outs]);
    }
    const september = overall.find((m) => m.month === '2026-09');
    expect(september).toMatchObject({ reached: report.totals.reached, opt_outs: report.totals.opt_outs, attributed_opt_outs: report.totals.attributed_opt_outs, partial: false });
    expect(overall.find((m) => m.month === '2026-08')).toMatchObject({ reached: report.previous_totals.reached, opt_outs: report.previous_totals.opt_outs });
    for (const month of new Set(report.monthly.map((m) => m.month))) {
      const rows = report.monthly.filter((m) => m.month === month);
      const all = rows.find((m) => m.studio_id === null);
      for (const k of ['reached', 'opt_outs', 'sent', 'delivered', 'leads_added', 'leads_opted_out', 'reachable_leads'] as const) {
        expect(rows.filter((m) => m.studio_id !== null).reduce((s, m) => s + m[k], 0), `${month} ${k}`).toBe(all?.[k]);
      }
    }
  });
});

describe('the report is deterministic', () => {
  it('writes the same report.json byte for byte on a second run', async () => {
    const input = path.join(import.meta.dirname, '..', 'data', 'sample');
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const out = await mkdtemp(path.join(tmpdir(), 'optout-det-'));
      await run(normalizeConfig({ input, out, site: false }), { progress: () => undefined });
      texts.push(await readFile(path.join(out, 'report.json'), 'utf8'));
    }
    expect(texts[1]).toBe(texts[0]);
  });
});

describe('spikes in the bundled sample', () => {
  it('finds every planted studio-level spike with the right cause first, and no other', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'optout-sample-'));
    const { report } = await run(normalizeConfig({ input: path.join(import.meta.dirname, '..', 'data', 'sample'), out, site: false }), {
      progress: () => undefined,
    });
    const studioSpikes = report.spikes
      .filter((s) => s.studio_id !== null && s.end >= report.period.start)
      .map((s) => ({ studio: s.studio_id, start: s.start, end: s.end, cause: s.causes[0]?.cause }));
    // data/README.md: the planted scenarios and their dates (frequency: opt-outs climb from
    // 09-14; the first days are not yet excessive).
    expect(studioSpikes).toEqual([
      { studio: 's1', start: '2026-09-09', end: '2026-09-09', cause: 'unverified_consent' },
      { studio: 's3', start: '2026-09-11', end: '2026-09-11', cause: 'opt_out_handling' },
      { studio: 's3', start: '2026-09-16', end: '2026-09-19', cause: 'excessive_frequency' },
      { studio: 's2', start: '2026-09-23', end: '2026-09-23', cause: 'old_list_blast' },
      { studio: 's1', start: '2026-09-24', end: '2026-09-24', cause: 'poor_timing' },
      { studio: 's2', start: '2026-09-28', end: '2026-09-28', cause: 'irrelevant_content' },
    ]);
    const first = report.spikes.find((s) => s.studio_id === 's1' && s.start === '2026-09-09');
    expect(first?.causes[0]?.evidence).toMatch(/^\d+ of the \d+ extra opt-outs came from \d+ texts to \d+ leads whose consent was never verified: .*100 of those leads came in together on 8 Sep 2026, from the source "list import"\.$/);
    expect(first?.causes[0]?.action).toMatch(/^Get permission first/);
  });
});
