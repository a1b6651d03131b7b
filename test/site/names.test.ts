import { beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { studioNames } from '../../site/lib/load.ts';
import type { ReportData } from '../../site/lib/schema.ts';
import { buildFrom, EDGE_INPUT, readAll } from './helpers.ts';

/**
 * Studios by their names (methodology: "Names and words on the pages"): the name studios.csv
 * gives, through the phone mask; the id when there is no name; the name and the id when two
 * studios share the name.
 */

/** A report that names these studios and nothing else. */
function reportOf(studios: { studio_id: string; name: string | null }[], more: string[] = []): ReportData {
  return {
    studios: studios.map((s) => ({ ...s, timezone: 'America/New_York' })),
    cohorts: { studio: more.map((key) => ({ key })) },
    trend: [],
    spikes: [],
    threshold_breaches: [],
    compliance: [],
    deliverability: [],
    monthly: [],
  } as unknown as ReportData;
}

const shown = (report: ReportData): Record<string, string> => Object.fromEntries(studioNames(report));

describe('the name a studio is shown by', () => {
  it('is its name in studios.csv', () => {
    expect(shown(reportOf([{ studio_id: 's1', name: 'Palm Yoga' }, { studio_id: 's2', name: ' Iron Works Gym ' }]))).toEqual({ s1: 'Palm Yoga', s2: 'Iron Works Gym' });
  });

  it('is its id when it has no name, or when report.json lists no studios (a Twilio-only export, an older report)', () => {
    expect(shown(reportOf([{ studio_id: 's1', name: null }, { studio_id: 's2', name: '  ' }]))).toEqual({ s1: 's1', s2: 's2' });
    expect(shown(reportOf([], ['+12125550000', 'north']))).toEqual({ '+12125550000': '(•••) •••-0000', north: 'north' });
  });

  it('adds the id when two studios share a name, in any case or spacing, and only then', () => {
    expect(
      shown(
        reportOf([
          { studio_id: 'bf1', name: 'Bay Fit' },
          { studio_id: 'bf2', name: 'bay  fit' },
          { studio_id: 'pa', name: 'Palm Studio' },
        ]),
      ),
    ).toEqual({ bf1: 'Bay Fit (bf1)', bf2: 'bay fit (bf2)', pa: 'Palm Studio' });
  });

  it("adds the id to a name that is another studio's id, which keeps its id", () => {
    expect(shown(reportOf([{ studio_id: 's1', name: 's2' }, { studio_id: 's2', name: null }]))).toEqual({ s1: 's2 (s1)', s2: 's2' });
  });

  it('masks a name or an id that holds a phone number, and tells two that end in the same digits apart', () => {
    expect(shown(reportOf([{ studio_id: 'a', name: 'Call 415-555-0199' }]))).toEqual({ a: 'Call (•••) •••-0199' });
    expect(shown(reportOf([], ['+12125550000', '+13125550000']))).toEqual({ '+12125550000': '(•••) •••-0000', '+13125550000': '(•••) •••-0000 (2)' });
  });
});

describe('two studios that share a name, on the built site', () => {
  let files: Map<string, string>;

  beforeAll(async () => {
    // the edge-case export with both studios named "Bay Fit"
    const input = await mkdtemp(path.join(tmpdir(), 'optout-shared-name-'));
    await cp(EDGE_INPUT, input, { recursive: true });
    await writeFile(path.join(input, 'studios.csv'), 'studio_id,name,timezone\npa,Bay Fit,America/Los_Angeles\nbf,Bay Fit,America/New_York\n');
    files = await readAll((await buildFrom(input, '2026-03')).site);
  }, 120_000);

  it('shows each by the name and its id, on the studios page, its own page and its file name', () => {
    expect([...files.keys()].filter((f) => f.startsWith('studios/')).sort()).toEqual(['studios/bay-fit-bf.html', 'studios/bay-fit-pa.html']);
    expect(files.get('studios/bay-fit-pa.html')).toContain('<h1>Bay Fit (pa)</h1>');
    expect(files.get('studios/bay-fit-bf.html')).toContain('<title>Bay Fit (bf) · Opt-out report, March 2026</title>');
    const studios = files.get('studios.html') ?? '';
    expect(studios).toContain('<a href="studios/bay-fit-bf.html">Bay Fit (bf)</a>');
    expect(studios).toContain('<a href="studios/bay-fit-pa.html">Bay Fit (pa)</a>');
    // never the bare name, which would not say which
    expect(studios).not.toMatch(/>Bay Fit</);
  });
});
