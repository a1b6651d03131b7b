import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
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
  });
});
