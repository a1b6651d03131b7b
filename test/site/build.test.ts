import { beforeAll, describe, expect, it } from 'vitest';
import { DIMENSIONS } from '../../worker/catalog/index.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { printDocument } from '../../worker/site/pdf.ts';
import {
  buildFrom,
  digitRuns,
  EDGE_INPUT,
  HOSTILE_INPUT,
  htmlEscaped,
  inputBodies,
  inputNames,
  inputPhones,
  readAll,
  relativeLinks,
  type BuiltSite,
} from './helpers.ts';

/**
 * The report site built from two exports, one after the other in this process: the worked
 * edge-case example, and the same export made hostile (a studio named by its phone number, lead
 * sources and campaigns with HTML, script tags and phone numbers).
 */

const cases: Record<'edge' | 'hostile', { input: string; built?: BuiltSite; files?: Map<string, string> }> = {
  edge: { input: EDGE_INPUT },
  hostile: { input: HOSTILE_INPUT },
};

beforeAll(async () => {
  for (const c of Object.values(cases)) {
    c.built = await buildFrom(c.input, '2026-03');
    c.files = await readAll(c.built.site);
  }
}, 120_000);

const site = (name: keyof typeof cases): { built: BuiltSite; files: Map<string, string>; html: [string, string][] } => {
  const { built, files } = cases[name];
  if (!built || !files) throw new Error(`${name}: the site was not built`);
  return { built, files, html: [...files].filter(([f]) => f.endsWith('.html')) };
};

describe.each(['edge', 'hostile'] as const)('the site built from the %s export', (name) => {
  it('has the overview, the nav pages and a page per studio', () => {
    const { built, files } = site(name);
    for (const page of ['index.html', 'cohorts.html', 'spikes.html', 'compliance.html', 'studios.html', 'deliverability.html', 'data.html', 'methodology.html']) {
      expect(files.has(page), page).toBe(true);
    }
    expect(built.pages).toBeGreaterThanOrEqual(7);
    expect([...files.keys()].filter((f) => f.startsWith('studios/'))).toHaveLength(2);
  });

  it('draws every chart as an <svg role="img"> with a text alternative', () => {
    const { html } = site(name);
    let charts = 0;
    for (const [file, text] of html) {
      for (const [tag] of text.matchAll(/<svg\b[^>]*>/g)) {
        charts++;
        expect(tag, file).toMatch(/\brole="img"/);
        expect(tag, file).toMatch(/\baria-label="[^"]{20,}"/);
      }
    }
    expect(charts).toBeGreaterThanOrEqual(20);
  });

  it('gives every element a different id within its page', () => {
    for (const [file, text] of site(name).html) {
      const ids = [...text.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i), file).toEqual([]);
    }
  });

  it('has no script at all, and no root-relative or broken link', () => {
    const { html, files } = site(name);
    for (const [file, text] of html) {
      expect(text, file).not.toMatch(/<script/i);
      expect(text, file).not.toMatch(/\b(?:href|src)="\/(?!\/)/);
      for (const link of relativeLinks(text)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), link.split('#')[0] as string));
        expect(files.has(target), `${file} -> ${link}`).toBe(true);
      }
    }
  });

  it('shows no phone number, message body or first name from the input, in any file', async () => {
    const { files } = site(name);
    const phones = await inputPhones(cases[name].input);
    const bodies = await inputBodies(cases[name].input);
    const names = await inputNames(cases[name].input);
    expect(phones.length).toBeGreaterThanOrEqual(10);
    expect(bodies.length).toBeGreaterThanOrEqual(10);
    for (const [file, text] of files) {
      const runs = digitRuns(text);
      for (const phone of phones) {
        expect(text.includes(phone) || runs.some((r) => r.includes(phone)), `${file} shows ${phone}`).toBe(false);
      }
      for (const body of bodies) expect(text.includes(body) || text.includes(htmlEscaped(body)), `${file} shows "${body}"`).toBe(false);
      if (file.endsWith('.html')) for (const n of names) expect(new RegExp(`\\b${n}\\b`).test(text), `${file} shows ${n}`).toBe(false);
    }
  });

  it('offers the safe tables only, and never the ones with phone numbers', () => {
    const { files } = site(name);
    const downloads = [...files.keys()].filter((f) => f.startsWith('downloads/'));
    for (const table of ['cohorts', 'trend', 'totals', 'compliance', 'deliverability', 'inputs']) expect(downloads).toContain(`downloads/${table}.csv`);
    expect(downloads.some((f) => /rejected|opt_outs|suppress|check_leads|checks\//.test(f))).toBe(false);
    expect(files.get('data.html')).toContain('downloads/cohorts.csv');
  });
});

describe('studios by their names (edge-case export: pa is Palm Studio, bf is Bay Fit)', () => {
  /** Every text a reader sees or hears: the page's text, its title, the charts' text and labels. */
  const visible = (html: string): string =>
    html
      .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
      .replace(/\b(?:aria-label|title)="([^"]*)"/g, ' $1 ')
      .replace(/<[^>]+>/g, ' ');

  it('heads, titles and links each studio\'s page with its name, and names the file after it', () => {
    const { files } = site('edge');
    expect([...files.keys()].filter((f) => f.startsWith('studios/')).sort()).toEqual(['studios/bay-fit.html', 'studios/palm-studio.html']);
    const page = files.get('studios/palm-studio.html') ?? '';
    expect(page).toContain('<h1>Palm Studio</h1>');
    expect(page).toContain('<title>Palm Studio · Opt-out report, March 2026</title>');
    expect(page).toContain('of the texts of Palm Studio led to an opt-out');
    expect(page).toContain('Opt-out rate by day, Palm Studio');
    expect(files.get('studios.html')).toContain('<a href="studios/palm-studio.html">Palm Studio</a>');
    expect(files.get('cohorts.html')).toContain('<th scope="row">Bay Fit</th>');
    expect(files.get('compliance.html')).toContain('<a href="studios/bay-fit.html">Bay Fit</a>');
  });

  it('never shows a studio by its id, on any page, chart or title', () => {
    for (const [file, text] of site('edge').html) {
      expect(visible(text), file).not.toMatch(/(?<![\w-])(?:pa|bf)(?![\w-])/);
    }
  });
});

describe('the overview of the edge-case export', () => {
  it('opens with "Do these first": the one action that avoids an opt-out, with its number and its evidence', () => {
    // March's opt-outs: pa-7's (no consent on record) is the only one a policy would have avoided
    // (test/models/actions.test.ts works it out); no spike, so no other action
    const index = site('edge').files.get('index.html') ?? '';
    const section = index.slice(index.indexOf('<section aria-labelledby="do-first"'), index.indexOf('</section>', index.indexOf('id="do-first"')));
    const items = [...section.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => (m[1] as string).replace(/\s+/g, ' ').trim());
    expect(items).toEqual([
      'Stop texting leads whose consent is missing or came with an imported list: about 1 fewer opt-out this month. <a href="compliance.html#policies">What each policy saves</a>',
    ]);
    expect(site('edge').files.get('compliance.html')).toContain('id="policies"');
  });
});

describe('a partial review month (the edge-case export covers 28 February to 27 March)', () => {
  it('prints the brief from the overview and the brief page only, the full report from every other page, both with the banner', async () => {
    const { built, html } = site('edge');
    const pagesOf = (doc: string): string[] => [...doc.matchAll(/<section class="print-page" data-page="([^"]+)">/g)].map((m) => m[1] as string);
    const brief = await printDocument(built.site, 'brief');
    expect(pagesOf(brief)).toEqual(['index.html', 'brief.html']);
    expect(brief).toContain('<body class="print-brief">');
    const full = await printDocument(built.site, 'full');
    const pages = pagesOf(full);
    expect(pages[0]).toBe('index.html');
    expect([...pages].sort()).toEqual(html.map(([f]) => f).filter((f) => f !== 'brief.html').sort());
    for (const doc of [brief, full]) expect(doc.match(/class="partial-banner"/g)?.length).toBe(1);
  });

  it('says so in a banner on every page', () => {
    const { html } = site('edge');
    expect(html.length).toBeGreaterThanOrEqual(10);
    for (const [file, text] of html) {
      expect(text.match(/class="partial-banner"/g)?.length, file).toBe(1);
      expect(text, file).toContain('<strong>Partial month.</strong> Data covers 1–27 Mar 2026 only. March 2026 is a partial month in this export: the numbers on every page are for those 27 days, not the whole month.');
    }
  });

  it('marks every month-over-month comparison, on the overview and the studio pages, and leaves them neutral', () => {
    const { files } = site('edge');
    const index = files.get('index.html') ?? '';
    expect(index).toContain('In March (data for 1–27 Mar 2026 only), 12.5% of texts led to an opt-out');
    const changes = [...index.matchAll(/<dd class="kpi-change ([^"]+)">([^<]*)<\/dd>\s*<dd class="kpi-partial">([^<]*)<\/dd>/g)].map((m) => [m[1], m[3]]);
    // the five numbers of the month and the texts delivered
    expect(changes).toHaveLength(6);
    for (const change of changes) expect(change).toEqual(['tone-neutral', 'March partial: 1–27 Mar only; February partial: 28 Feb only']);
    expect(files.get('studios/palm-studio.html')).toContain('<dd class="kpi-partial">March partial: 1–27 Mar only; February partial: 28 Feb only</dd>');
    // the tables' last-month columns
    expect(files.get('cohorts.html')?.match(/<th scope="col" class="num long">Last month \(28 Feb 2026 only\)<\/th>/g)).toHaveLength(DIMENSIONS.length);
    expect(files.get('studios.html')).toContain('Last month (28 Feb 2026 only)');
  });

  it('shades the days with no data in the trend charts and lightens partial months in the deliverability charts', () => {
    const { files } = site('edge');
    const partial = 'Partial months, shaded where there is no data: January 2026 (no data), February 2026 (28 Feb 2026 only), March 2026 (1–27 Mar 2026 only).';
    for (const page of ['index.html', 'studios/palm-studio.html', 'studios/bay-fit.html']) {
      expect(files.get(page), page).toContain(partial);
      expect(files.get(page), page).toContain('No data (partial month)');
    }
    const delivery = files.get('deliverability.html') ?? '';
    expect(delivery).toContain('Lighter bars: a partial month, March 2026 (1–27 Mar 2026 only).');
    expect(delivery).toContain('<th scope="row">Mar 2026 (1–27 Mar only)</th>');
    expect(delivery).toMatch(/fill-opacity="0\.4"/);
  });
});

describe('escaping and masking (hostile export)', () => {
  it('shows HTML and script tags from the data as text', () => {
    const { files } = site('hostile');
    const cohorts = files.get('cohorts.html') ?? '';
    expect(cohorts).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(cohorts).toContain('&lt;img src=x onerror=');
    expect(cohorts).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(cohorts).toContain('&lt;b&gt;Spring&lt;/b&gt; promo');
    expect(cohorts).not.toMatch(/<img|<b>Spring/);
  });

  it('shows a studio name with markup and a number as text, the number masked, in its heading, title, file name and tables', () => {
    const { files, html } = site('hostile');
    const name = 'Palm &lt;i&gt;Studio&lt;/i&gt; (•••) •••-0199';
    expect(files.get('studios/palm-i-studio-i-0199.html')).toContain(`<h1>${name}</h1>`);
    expect(files.get('studios/palm-i-studio-i-0199.html')).toContain(`<title>${name} · Opt-out report, March 2026</title>`);
    expect(files.get('studios.html')).toContain(`<a href="studios/palm-i-studio-i-0199.html">${name}</a>`);
    expect(files.get('cohorts.html')).toContain(`<th scope="row">${name}</th>`);
    expect(files.get('studios/palm-i-studio-i-0199.html')).toContain(`The numbers: opt-out rate by day, ${name}`);
    for (const [file, text] of html) {
      // markup from the data is text everywhere; inside an attribute's quotes a < is text already
      expect(text.replace(/="[^"]*"/g, '=""'), file).not.toContain('<i>');
      expect(text, file).not.toContain('415-555-0199');
    }
  });

  it('names the studio that is a phone number, with no name, by its last 4 digits, on its own page', () => {
    const { files } = site('hostile');
    expect(files.get('studios.html')).toContain('(•••) •••-0000');
    expect(files.has('studios/studio-0000.html')).toBe(true);
    expect(files.get('studios/studio-0000.html')).toContain('<h1>(•••) •••-0000</h1>');
    expect(files.get('cohorts.html')).toContain('Call (•••) •••-0177 &amp; &quot;friends&quot;');
  });

  it('masks the studio in the downloads too, and leaves out the Parquet files it cannot mask', () => {
    const { files } = site('hostile');
    expect(files.get('downloads/trend.csv')).toContain('(•••) •••-0000');
    expect(files.has('downloads/trend.parquet')).toBe(false);
    expect(files.has('downloads/inputs.parquet')).toBe(true);
  });

  it('builds each site from its own report when called twice in one process', () => {
    expect(site('edge').files.get('index.html')).not.toContain('•••-0000');
    expect(site('hostile').files.get('index.html')).toContain('•••-0000');
    expect(existsSync(path.join(site('edge').built.site, 'downloads', 'trend.parquet'))).toBe(true);
  });
});
