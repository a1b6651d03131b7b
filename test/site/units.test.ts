import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Report } from '../../worker/report/bundle.ts';
import { OptoutError } from '../../worker/errors.ts';
import { buildSite } from '../../worker/site/build.ts';
import { relativizeHtml } from '../../worker/site/relative.ts';
import { formatCsv, parseCsv } from '../../site/lib/csv.ts';
import { maskHtmlText, safe } from '../../site/lib/mask.ts';
import { rejectedSummary } from '../../site/lib/load.ts';
import type { ReportInput } from '../../site/lib/schema.ts';
import { pct, pctTick, words } from '../../site/lib/format.ts';
import { comparisonNote, monthCoverage, partialBanner, uncovered } from '../../site/lib/period.ts';
import { headline, kpis } from '../../site/lib/overview.ts';
import type { ReportData } from '../../site/lib/schema.ts';
import type { SpikeRef } from '../../site/lib/load.ts';
import { BRIEF_SPIKES, briefSpikes } from '../../site/lib/spikeView.ts';

// The worker's Report must always be a valid input of the site's schema (the schema also pins
// schema_version to 1): a type error here means the contract and the site disagree.
const _contract = (r: Omit<Report, 'schema_version'>): Omit<ReportInput, 'schema_version'> => r;

describe('safe(): the phone mask of every displayed string', () => {
  it.each([
    ['+12125550000', '(•••) •••-0000'],
    ['studio +1 (212) 555-0000', 'studio (•••) •••-0000'],
    ['415.555.0102', '(•••) •••-0102'],
    ['1 415 555 0104', '(•••) •••-0104'],
    ['555-0101', '(•••) •••-0101'],
    ['4155550107', '(•••) •••-0107'],
    ['Call 415-555-0177 & "friends"', 'Call (•••) •••-0177 & "friends"'],
  ])('masks %s', (text, masked) => expect(safe(text)).toBe(masked));

  it.each(['2026-09-08', '2026-03-01T07:30:00Z', 's1-remind-2026-04-14-1830', 'deactivations-2026-04-05.csv', '30007', '1.959964', '0.0195399236', 'a 1,234,567 b', '(•••) •••-0123'])(
    'leaves %s as it is',
    (text) => expect(safe(text)).toBe(text),
  );

  it('keeps the notation in prose, and never touches tags', () => {
    expect(maskHtmlText('<code title="4155550101">(415) 555-0101</code> and <code>+14155550101</code>')).toBe(
      '<code title="4155550101">(•••) •••-0101</code> and <code>+•••••••0101</code>',
    );
  });
});

describe('relative links', () => {
  it('makes root-relative links relative to the page', () => {
    const html = '<a href="/cohorts.html#consent">x</a><a href="/">home</a><link href="/_assets/a.css"><a href="https://example.com/">e</a><a href="#top">t</a>';
    expect(relativizeHtml(html, 'index.html')).toBe(
      '<a href="cohorts.html#consent">x</a><a href="index.html">home</a><link href="_assets/a.css"><a href="https://example.com/">e</a><a href="#top">t</a>',
    );
    expect(relativizeHtml(html, 'spikes/2026-09-09-all.html')).toContain('href="../cohorts.html#consent"');
    expect(relativizeHtml('<a href="/spikes/b.html">b</a>', 'spikes/a.html')).toBe('<a href="b.html">b</a>');
  });
});

describe('csv', () => {
  it('reads quoted fields with commas, quotes and line breaks, and writes them back', () => {
    const text = 'a,b\n"x, y","say ""hi""\nthere"\n';
    const rows = parseCsv(text);
    expect(rows).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
    ]);
    expect(formatCsv(rows)).toBe(text);
  });

  it('sums rejected rows per file and reason, without the offending values', () => {
    const csv = formatCsv([
      ['file', 'line', 'table', 'reason', 'record'],
      ['leads.csv', '5', 'leads', 'phone is not a valid phone number for the region: "(415) 555-01"', '{"phone":"(415) 555-01"}'],
      ['leads.csv', '9', 'leads', 'phone is not a valid phone number for the region: "555-12"', '{}'],
      ['messages.csv', '3', 'messages', 'sent_at is not a timestamp: "yesterday"', '{}'],
    ]);
    expect(rejectedSummary(csv)).toEqual([
      { file: 'leads.csv', table: 'leads', reason: 'phone is not a valid phone number for the region', rows: 2 },
      { file: 'messages.csv', table: 'messages', reason: 'sent_at is not a timestamp', rows: 1 },
    ]);
  });
});

describe('formats', () => {
  it('writes small counts in words and larger ones in figures', () => {
    expect([words(0), words(1), words(9), words(11), words(12), words(13), words(1500)]).toEqual(['no', 'one', 'nine', 'eleven', 'twelve', '13', '1,500']);
  });

  it('writes rates as percents and ticks without trailing zeros', () => {
    expect([pct(0), pct(0.0049), pct(0.013), pct(0.129)]).toEqual(['0%', '0.49%', '1.3%', '12.9%']);
    expect([pctTick(0), pctTick(0.005), pctTick(0.01), pctTick(0.025)]).toEqual(['0%', '0.5%', '1%', '2.5%']);
  });

  it('shows 0 and 1 as 0% and 100%, and never makes another rate look like them', () => {
    expect([pct(0), pct(1), pct(5.551115123125783e-17), pct(0.00004), pct(0.0001), pct(0.99951), pct(0.999)]).toEqual(['0%', '100%', '<0.01%', '<0.01%', '0.01%', '>99.9%', '99.9%']);
    // a rate that rounds to 1% reads as 1% does
    expect([pct(0.00996), pct(0.01), pct(0.00994)]).toEqual(['1.0%', '1.0%', '0.99%']);
    const lookAlikes: string[] = [];
    for (let i = 1; i < 100000; i++) {
      for (const rate of [i / 100000, i / 1e9]) {
        const text = pct(rate);
        if (['0%', '0.0%', '0.00%', '100%', '100.0%'].includes(text)) lookAlikes.push(`${rate} as ${text}`);
      }
    }
    expect(lookAlikes).toEqual([]);
  });
});

describe('partial months', () => {
  const coverage = { start: '2026-08-31', end: '2026-10-03' };

  it('finds the covered days of a month as the worker does, and the days of a span with no data', () => {
    expect(monthCoverage('2026-09', coverage)).toEqual({ month: '2026-09', start: '2026-09-01', end: '2026-09-30', partial: false, data_start: '2026-09-01', data_end: '2026-09-30' });
    expect(monthCoverage('2026-10', coverage)).toMatchObject({ end: '2026-10-31', partial: true, data_start: '2026-10-01', data_end: '2026-10-03' });
    expect(monthCoverage('2026-08', coverage)).toMatchObject({ partial: true, data_start: '2026-08-31', data_end: '2026-08-31' });
    expect(monthCoverage('2026-07', coverage)).toMatchObject({ partial: true, data_start: null, data_end: null });
    expect(monthCoverage('2024-02', { start: '2024-02-01', end: '2024-02-29' }).partial).toBe(false);
    expect(uncovered({ start: '2026-08-01', end: '2026-10-31' }, coverage)).toEqual([
      { start: '2026-08-01', end: '2026-08-30' },
      { start: '2026-10-04', end: '2026-10-31' },
    ]);
    expect(uncovered({ start: '2026-09-01', end: '2026-09-30' }, coverage)).toEqual([]);
    expect(uncovered({ start: '2026-06-01', end: '2026-07-31' }, coverage)).toEqual([{ start: '2026-06-01', end: '2026-07-31' }]);
  });

  it('writes the banner only for a partial review month, and marks comparisons with a partial month on either side', () => {
    const october = { period: monthCoverage('2026-10', coverage) as ReportData['period'], previous_period: monthCoverage('2026-09', coverage) };
    const september = { period: monthCoverage('2026-09', coverage) as ReportData['period'], previous_period: monthCoverage('2026-08', coverage) };
    const whole = { period: monthCoverage('2026-09', coverage) as ReportData['period'], previous_period: monthCoverage('2026-09', coverage) };
    expect(partialBanner(october)).toBe('Data covers 1–3 Oct 2026 only. October 2026 is a partial month in this export: the numbers on every page are for those 3 days, not the whole month.');
    expect(partialBanner(september)).toBeNull();
    expect(partialBanner({ period: monthCoverage('2026-08', coverage) as ReportData['period'] })).toContain('for that day, not the whole month');
    expect(comparisonNote(october)).toBe('October partial: 1–3 Oct only');
    expect(comparisonNote(september)).toBe('August partial: 31 Aug only');
    expect(comparisonNote({ period: october.period, previous_period: monthCoverage('2026-07', coverage) })).toBe('October partial: 1–3 Oct only; no data in July');
    expect(comparisonNote(whole)).toBeNull();
  });

  it('marks the overview\'s comparisons with a partial month and makes them neither good nor bad', () => {
    const totals = (reached: number, optOuts: number) => ({ reached, recipients: reached, opt_outs: optOuts, attributed_opt_outs: optOuts, rate: optOuts / reached, recipient_rate: optOuts / reached });
    const now = totals(478, 1);
    const before = totals(11259, 225);
    const whole = kpis(now, before, '2026-09');
    expect(whole.map((k) => k.change?.tone)).toEqual(['good', 'good', 'neutral', 'neutral', 'good']);
    expect(whole.every((k) => k.change?.partial === undefined)).toBe(true);
    const marked = kpis(now, before, '2026-09', 'October partial: 1–3 Oct only');
    expect(marked.map((k) => [k.change?.text, k.change?.tone, k.change?.partial])).toEqual([
      ['−1.8 pts vs September (2.0%)', 'neutral', 'October partial: 1–3 Oct only'],
      ['−100% vs September (225)', 'neutral', 'October partial: 1–3 Oct only'],
      ['−96% vs September (11,259)', 'neutral', 'October partial: 1–3 Oct only'],
      ['−96% vs September (11,259)', 'neutral', 'October partial: 1–3 Oct only'],
      ['−1.8 pts vs September (2.0%)', 'neutral', 'October partial: 1–3 Oct only'],
    ]);
    const report = (period: string, previous: string) =>
      ({ period: monthCoverage(period, coverage), previous_period: monthCoverage(previous, coverage), totals: now, previous_totals: { ...before, month: previous } }) as unknown as ReportData;
    expect(headline(report('2026-10', '2026-09'))).toBe(
      'In October (data for 1–3 Oct 2026 only), 0.21% of texts led to an opt-out, down from 2.0% in September. Compare with care: part of October against the whole of September.',
    );
    expect(headline(report('2026-09', '2026-08'))).toBe('In September, 0.21% of texts led to an opt-out, down from 2.0% in August. Compare with care: August has data for 31 Aug 2026 only.');
    expect(headline({ ...report('2026-09', '2026-08'), previous_period: monthCoverage('2026-09', coverage) })).toBe('In September, 0.21% of texts led to an opt-out, down from 2.0% in August.');
  });
});

describe('buildSite on a broken report', () => {
  it('fails before Astro starts, naming the file and the field', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'optout-broken-'));
    await writeFile(path.join(dir, 'report.json'), JSON.stringify({ schema_version: 1, period: { month: '2026-03', start: '2026-03-01', end: '2026-03-31', partial: false, data_start: '2026-03-01', data_end: '2026-03-31' }, previous_period: { month: '2026-02', start: '2026-02-01', end: '2026-02-28', partial: true, data_start: null, data_end: null }, coverage: { start: '2026-03-01', end: '2026-03-31' } }));
    const build = buildSite({ reportDir: dir, outDir: path.join(dir, 'site'), quiet: true });
    await expect(build).rejects.toBeInstanceOf(OptoutError);
    await expect(buildSite({ reportDir: dir, outDir: path.join(dir, 'site'), quiet: true })).rejects.toThrow(/report\.json: does not match the report contract at totals/);
  });

  it('refuses to build over the report itself, or over a folder that is not a site', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'optout-broken-'));
    await expect(buildSite({ reportDir: path.join(dir, 'out'), outDir: dir })).rejects.toThrow(/cannot hold the report/);
    await writeFile(path.join(dir, 'notes.txt'), 'keep me');
    await expect(buildSite({ reportDir: path.join(dir, '..'), outDir: dir })).rejects.toThrow(/not empty and not an earlier site/);
  });
});

describe("the brief's spikes: the largest by extra opt-outs, listed by date", () => {
  const ref = (start: string, excess: number): SpikeRef => ({ spike: { start, excess_opt_outs: excess } as SpikeRef['spike'], slug: start, where: 'All studios' });
  const spikes = [ref('2026-09-01', 3), ref('2026-09-05', 40), ref('2026-09-09', 3), ref('2026-09-12', 12), ref('2026-09-20', 7)];
  it.each([
    // limit, the spikes listed (by date), how many more
    [10, ['2026-09-01', '2026-09-05', '2026-09-09', '2026-09-12', '2026-09-20'], 0],
    [5, ['2026-09-01', '2026-09-05', '2026-09-09', '2026-09-12', '2026-09-20'], 0],
    [3, ['2026-09-05', '2026-09-12', '2026-09-20'], 2],
    // a tie of extra opt-outs goes to the earlier spike
    [4, ['2026-09-01', '2026-09-05', '2026-09-12', '2026-09-20'], 1],
    [1, ['2026-09-05'], 4],
  ] as const)('at most %i: %j and %i more', (limit, shown, more) => {
    const listed = briefSpikes(spikes, limit);
    expect(listed.shown.map((s) => s.spike.start)).toEqual(shown);
    expect(listed.more).toBe(more);
  });
  it('lists a sheet of spikes at most', () => {
    expect(BRIEF_SPIKES).toBe(12);
    expect(briefSpikes(Array.from({ length: 30 }, (_, i) => ref(`2026-09-${String(i + 1).padStart(2, '0')}`, i))).shown).toHaveLength(12);
  });
});
