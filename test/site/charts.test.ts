import { describe, expect, it } from 'vitest';
import { clippedIntervals, funnelFigure, funnelLabelled, rateAxisMax, ratesFigure } from '../../site/charts/cohorts.ts';
import { deliveryFigure, deliveryTop, errorLegend } from '../../site/charts/operations.ts';
import { ERROR_CODE_COLORS, errorColors } from '../../site/charts/palette.ts';
import { marginFor, textWidth, wrapLabel } from '../../site/charts/render.ts';
import { spikeDaysFigure } from '../../site/charts/spikes.ts';
import { keyColumn } from '../../site/lib/table.ts';
import type { CohortRow, ReportData, Spike } from '../../site/lib/schema.ts';

/** Chart hygiene: labels that fit, axes that are not squashed, flagged points named, partial months marked. */

function row(key: string, reached: number, optOuts: number, ci: [number, number], flag: 'high' | 'low' | null, funnel998: [number, number] = [0, 1]): CohortRow {
  const rate = optOuts / reached;
  return {
    key,
    reached,
    opt_outs: optOuts,
    rate,
    ci_low: ci[0],
    ci_high: ci[1],
    lift: rate / 0.02,
    flag,
    recipients: reached,
    recipient_rate: rate,
    shrunk_rate: rate,
    funnel: { low95: funnel998[0], high95: funnel998[1], low998: funnel998[0], high998: funnel998[1] },
    previous: null,
  };
}

/** The texts of an SVG's <text> elements (lines of a multi-line label joined by a space). */
const texts = (svg: string): string[] =>
  [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => (m[1] as string).replace(/<tspan[^>]*>/g, ' ').replace(/<[^>]+>/g, '').trim());

describe('labels', () => {
  it('wraps at spaces, then inside long ids at - _ / ., and cuts only what does not fit in the lines given', () => {
    expect(wrapLabel('Unverified (imported or unknown method)', 26, 2)).toBe('Unverified (imported or\nunknown method)');
    expect(wrapLabel('s2-winback-2026-09-23', 16, 3)).toBe('s2-winback-2026-\n09-23');
    expect(wrapLabel('web_form', 16, 3)).toBe('web_form');
    expect(wrapLabel('s3-challenge-2026-09-12-extra-long-name-here', 16, 3)).toBe('s3-challenge-\n2026-09-12-\nextra-long-name…');
  });

  it('makes the left margin as wide as the widest line, in the widest usual font', () => {
    // DejaVu Sans at 12 px: "Unverified (imported or" is about 150 px wide
    expect(textWidth('Unverified (imported or')).toBeGreaterThan(140);
    expect(textWidth('iii')).toBeLessThan(textWidth('WWW') / 2);
    expect(marginFor(['short', 'Unverified (imported or\nunknown method)'])).toBe(Math.ceil(textWidth('Unverified (imported or')) + 12);
  });

  it('finds the key column of a table: marked, else the rate', () => {
    expect(keyColumn([{ label: 'Day' }, { label: 'Texts' }, { label: 'Rate' }, { label: '7-day rate' }])).toBe(2);
    expect(keyColumn([{ label: 'Month' }, { label: 'Share' }])).toBe(1);
    expect(keyColumn([{ label: 'Studio' }, { label: 'Texts', key: true }, { label: 'Rate' }])).toBe(1);
    expect(keyColumn([{ label: 'Rule' }, { label: 'Texts' }])).toBe(-1);
  });
});

describe('the rate axis of a breakdown', () => {
  // a big group at 2%, one at 3%, and a group of 4 texts whose interval runs to 50%
  const rows = [row('web_form', 3000, 60, [0.016, 0.025], null), row('referral', 1000, 30, [0.021, 0.043], 'high'), row('tiny', 4, 0, [0, 0.49], null)];

  it('ends at half again the highest rate when an interval would squash the others, and names the intervals cut', () => {
    expect(rateAxisMax(rows, 0.02)).toBeCloseTo(0.045, 10);
    expect(clippedIntervals(rows, 0.02).map((r) => r.key)).toEqual(['tiny']);
    const figure = ratesFigure('lead_source', rows, 0.02, { id: 'x' });
    expect(figure.caption).toContain('One interval continues beyond the axis (few texts)');
    expect(figure.legend.map((l) => l.label)).toContain('Interval continues beyond the axis');
    // the arrow at the end of the cut interval
    expect(figure.svg).toMatch(/<path[^>]*rotate\(90\)/);
    expect(figure.narrow).toMatch(/<path[^>]*rotate\(90\)/);
  });

  it('shows every interval whole when they all end near the points', () => {
    const near = rows.slice(0, 2);
    expect(rateAxisMax(near, 0.02)).toBeCloseTo(0.043 * 1.05, 10);
    expect(clippedIntervals(near, 0.02)).toEqual([]);
    expect(ratesFigure('lead_source', near, 0.02, { id: 'x' }).legend.map((l) => l.label)).not.toContain('Interval continues beyond the axis');
  });
});

describe('the funnel plot', () => {
  // four flagged groups of nearly the same size and rate: their labels must all be there, apart
  const rows = [
    row('alpha_source', 500, 30, [0.04, 0.08], 'high', [0.005, 0.045]),
    row('bravo_source', 520, 31, [0.04, 0.08], 'high', [0.005, 0.045]),
    row('charlie', 510, 29, [0.04, 0.08], 'high', [0.005, 0.045]),
    row('delta', 3000, 15, [0.003, 0.008], 'low', [0.01, 0.03]),
    row('echo', 2000, 40, [0.013, 0.027], null, [0.01, 0.03]),
  ];

  it('names every flagged point, and no other, with labels a line apart', () => {
    expect(funnelLabelled(rows).map((r) => r.key)).toEqual(['alpha_source', 'bravo_source', 'charlie', 'delta']);
    const figure = funnelFigure('lead_source', rows, 0.02, { id: 'f' });
    for (const svg of [figure.svg, figure.narrow as string]) {
      const shown = texts(svg);
      // named as the pages name a lead source: "alpha_source" is "Alpha source"
      for (const name of ['Alpha source', 'Bravo source', 'Charlie', 'Delta']) expect(shown, name).toContain(name);
      expect(shown).not.toContain('Echo');
      const ys = [...svg.matchAll(/<text\b[^>]*transform="translate\([\d.]+,([\d.]+)\)"[^>]*>(Alpha source|Bravo source|Charlie)</g)].map((m) => Number(m[1]));
      expect(ys).toHaveLength(3);
      ys.sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) expect((ys[i] as number) - (ys[i - 1] as number)).toBeGreaterThanOrEqual(12);
    }
  });
});

describe('error codes and failed texts', () => {
  it('gives the codes that sit together colours that differ, whatever their order', () => {
    expect(ERROR_CODE_COLORS['30005']).not.toBe(ERROR_CODE_COLORS['30006']);
    expect(ERROR_CODE_COLORS['30007']).not.toBe(ERROR_CODE_COLORS['30003']);
    const colors = errorColors(['30007', '30003', '30006', '30005', '21610', '99999']);
    expect(new Set(colors).size).toBe(6);
    expect(errorColors(['30005', '30007'])).toEqual([ERROR_CODE_COLORS['30005'], ERROR_CODE_COLORS['30007']]);
    // a studio's legend keeps each code's colour from the fixed order
    expect(errorLegend(['30007', '30003', '30006'], ['30006']).map((l) => [l.label.slice(0, 5), l.color])).toEqual([['30006', ERROR_CODE_COLORS['30006']]]);
  });

  it('shares one scale across the studios: the highest month of any studio', () => {
    const d = (studio_id: string, month: string, rate: number) => ({ studio_id, month, error_code: '30007', messages: 1, attempts: 1, rate }) as ReportData['deliverability'][number];
    const rows = [d('s1', '2026-08', 0.01), d('s1', '2026-08', 0.02), d('s2', '2026-08', 0.025), d('s2', '2026-09', 0.001)];
    expect(deliveryTop(rows, ['2026-08', '2026-09'])).toBeCloseTo(0.03 * 1.1, 10);
    expect(deliveryTop(rows, ['2026-09'])).toBeCloseTo(0.001 * 1.1, 10);
  });

  it('leaves a month of few texts out of the shared scale, and writes its share on its bar, cut at the top', () => {
    const d = (studio_id: string, month: string, messages: number, attempts: number) =>
      ({ studio_id, month, error_code: '30005', messages, attempts, rate: messages / attempts }) as ReportData['deliverability'][number];
    // 1 text failed of 3 sent in the 3 days of a partial month: 33%, against 2% in whole months
    const rows = [d('s1', '2026-09', 4, 200), d('s2', '2026-09', 2, 250), d('s2', '2026-10', 1, 3)];
    const months = ['2026-09', '2026-10'];
    const top = deliveryTop(rows, months);
    expect(top).toBeCloseTo(0.02 * 1.1, 10);
    const coverage = { start: '2026-09-01', end: '2026-10-03' };
    const figure = deliveryFigure(rows.filter((r) => r.studio_id === 's2'), { id: 'd', studio: 's2', codes: ['30005'], months, reviewMonth: '2026-09', coverage, top });
    expect(texts(figure.svg)).toContain('33.3%');
    expect(figure.svg).toMatch(/clip-path/);
    expect(figure.caption).toContain('(2 texts)');
    const one = deliveryFigure([d('s3', '2026-09', 1, 100)], { id: 'd', studio: 's3', codes: ['30005'], months, reviewMonth: '2026-09', coverage, top });
    expect(one.caption).toContain('(1 text).');
  });
});

describe('the days around a spike', () => {
  it('shades and names the days after the export ends instead of drawing them as days without opt-outs', () => {
    const spike = {
      studio_id: null,
      start: '2026-09-28',
      end: '2026-09-28',
      reached: 980,
      opt_outs: 32,
      expected_opt_outs: 5.8,
      excess_opt_outs: 26.2,
      days: [{ date: '2026-09-28', reached: 980, opt_outs: 32, expected: 5.8, upper_limit: 0.02 }],
      causes: [],
      decomposition: {},
    } as unknown as Spike;
    const series = Array.from({ length: 20 }, (_, i) => {
      const date = new Date(Date.UTC(2026, 8, 14 + i)).toISOString().slice(0, 10);
      return { date, reached: 500, opt_outs: date === '2026-09-28' ? 32 : 5, rate: 0.01 };
    });
    const figure = spikeDaysFigure(spike, series, { id: 'days', coverage: { start: '2026-04-01', end: '2026-10-03' } });
    expect(figure.caption).toContain('Shaded: no data (4 Oct to 12 Oct), outside the export.');
    expect(figure.legend.map((l) => l.label)).toContain('No data (partial month)');
    expect(texts(figure.svg)).toContain('No data');
    const whole = spikeDaysFigure(spike, series, { id: 'days', coverage: { start: '2026-04-01', end: '2026-10-31' } });
    expect(whole.caption).not.toContain('no data');
    expect(texts(whole.svg)).not.toContain('No data');
  });
});
