import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { BROWSER_ARGS, writePdf } from '../../worker/site/pdf.ts';
import { generate } from '../../data/generate/index.ts';
import { csvRecords } from '../../site/lib/csv.ts';
import { buildFrom, CHROMIUM, filesUnder, hasChromium, HOSTILE_INPUT, htmlEscaped, type BuiltSite } from './helpers.ts';

/**
 * The built site opened from disk in Debian's chromium: every page reachable from the overview
 * by its links, with no console error, no failed request and no link to a missing page or
 * anchor. Skipped, saying why, when /usr/bin/chromium is not installed.
 */

const chromiumMissing = !hasChromium();
if (chromiumMissing) console.warn(`test/site/browser.test.ts: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`);

/** One browser for the whole file. */
let browser: Browser;

beforeAll(async () => {
  if (chromiumMissing) return;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** The number of pages of a PDF: its /Type /Page objects (not /Pages). */
const pdfPages = (bytes: Buffer): number => (bytes.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;

describe.skipIf(chromiumMissing)('the site in a browser (file://, chromium)', () => {
  let built: BuiltSite;

  beforeAll(async () => {
    built = await buildFrom(HOSTILE_INPUT, '2026-03');
  }, 120_000);

  it('reaches every page from the overview, with no error, failed request or broken link', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()} on ${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? ''})`));

    const root = pathToFileURL(built.site).href;
    const start = pathToFileURL(path.join(built.site, 'index.html')).href;
    const queue = [start];
    const seen = new Set<string>(queue);
    const anchors: { from: string; to: string; id: string }[] = [];
    while (queue.length > 0) {
      const url = queue.shift() as string;
      const response = await page.goto(url);
      expect(response?.ok() ?? true, url).toBe(true);
      expect(await page.title(), url).not.toBe('');
      const links = await page.$$eval('a[href]', (as) => as.map((a) => (a as unknown as { href: string }).href));
      for (const link of links) {
        const [target = '', id] = link.split('#');
        expect(target.startsWith(root), `${url} links outside the site: ${link}`).toBe(true);
        if (id) anchors.push({ from: url, to: target, id: decodeURIComponent(id) });
        if (target.endsWith('.html') && !seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
    // Every anchor exists on its page.
    for (const to of new Set(anchors.map((a) => a.to))) {
      await page.goto(to);
      const ids = new Set(await page.$$eval('[id]', (els) => els.map((e) => (e as unknown as { id: string }).id)));
      for (const a of anchors.filter((x) => x.to === to)) expect(ids.has(a.id), `${a.from} -> #${a.id} on ${to}`).toBe(true);
    }
    expect(problems).toEqual([]);
    expect(seen.size).toBe(built.pages);

    await page.goto(start);
    const shot = path.join(built.out, 'overview.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.info(`overview screenshot: ${shot}`);
    await page.close();
  });

  it('fits a phone screen without sideways scrolling of the page', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    for (const file of ['index.html', 'cohorts.html', 'compliance.html']) {
      await page.goto(pathToFileURL(path.join(built.site, file)).href);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow, file).toBeLessThanOrEqual(1);
    }
    await page.close();
  });

  it('prints the whole site to one PDF', async () => {
    const pdf = path.join(built.out, 'report.pdf');
    expect(await writePdf(built.site, pdf, { executablePath: CHROMIUM })).toBe(true);
    const bytes = await readFile(pdf);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    // every page but the brief's own (brief.html is printed by --pdf, the brief)
    expect(pdfPages(bytes)).toBeGreaterThanOrEqual(built.pages - 1);
  }, 60_000);

  it('reports false, writing nothing, when there is no chromium', async () => {
    expect(await writePdf(built.site, path.join(built.out, 'none.pdf'), { executablePath: '/nonexistent/chromium' })).toBe(false);
  });
});

const SAMPLE_INPUT = path.resolve(import.meta.dirname, '..', '..', 'data', 'sample');

/**
 * What a reader would see as cut, overlapping or unreadable on a page at the window's width, found
 * in the page: a chart wider than the screen, a chart's text outside it or drawn smaller than 9 px
 * (a chart for wide screens shrunk onto a phone), a table's caption cut at the edge of its box, a
 * table that scrolls sideways on a desktop (from 1080 px every table fits whole: beside its chart
 * or under it), and a page wider than the screen. Run in the page: the DOM types are not in this
 * project's compile settings.
 */
const LAYOUT_CHECK = `(() => {
  const vw = window.innerWidth;
  const problems = [];
  const svgs = [...document.querySelectorAll('svg')].filter((s) => s.getBoundingClientRect().width > 0);
  for (const [i, svg] of svgs.entries()) {
    const box = svg.getBoundingClientRect();
    if (box.width > vw || box.left < 0 || box.right > vw + 0.5) problems.push('svg ' + i + ' is ' + Math.round(box.width) + ' px wide, at ' + Math.round(box.left) + '-' + Math.round(box.right));
    const drawn = svg.viewBox.baseVal && svg.viewBox.baseVal.width > 0 ? svg.viewBox.baseVal.width : box.width;
    let smallest = Infinity;
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBoundingClientRect();
      if (b.width === 0) continue;
      if (b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1 || b.bottom > box.bottom + 1) problems.push('text "' + t.textContent + '" outside svg ' + i);
      smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * box.width / drawn);
    }
    if (svg.closest('figure') && smallest < 9) problems.push('text of svg ' + i + ' (' + svg.closest('figure').id + ') shown at ' + smallest.toFixed(1) + ' px');
  }
  // a table's caption is read in its box, not cut at the screen's edge while the table scrolls sideways
  for (const c of document.querySelectorAll('.table-wrap caption:not(.visually-hidden)')) {
    const wrap = c.closest('.table-wrap').getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(c);
    const b = range.getBoundingClientRect();
    if (b.width > 0 && b.right > wrap.right + 1) problems.push('caption "' + c.textContent.trim().slice(0, 60) + '" cut at the edge of its table');
  }
  if (vw >= 1080) {
    for (const w of document.querySelectorAll('.table-wrap')) {
      if (w.getBoundingClientRect().width > 0 && w.scrollWidth > w.clientWidth + 1) problems.push('table "' + (w.getAttribute('aria-label') || '').slice(0, 60) + '" is ' + w.scrollWidth + ' px wide in a ' + w.clientWidth + ' px box');
    }
  }
  const sw = document.scrollingElement.scrollWidth;
  if (sw > vw) problems.push('the page is ' + sw + ' px wide');
  return { problems, charts: svgs.length };
})()`;

/** LAYOUT_CHECK on every page of a site at `width` px: the problems, each named by page, and the charts looked at. */
async function layoutProblems(site: string, pages: string[], width: number): Promise<{ found: string[]; charts: number }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const found: string[] = [];
  let charts = 0;
  for (const file of pages) {
    await page.goto(pathToFileURL(path.join(site, file)).href);
    const r = (await page.evaluate(LAYOUT_CHECK)) as { problems: string[]; charts: number };
    charts += r.charts;
    found.push(...r.problems.map((p) => `${file} at ${width} px: ${p}`));
  }
  await page.close();
  return { found, charts };
}

/**
 * The bundled sample's site on a phone (390 px) and a desktop (1280 px): no page scrolls sideways,
 * no chart is wider than the screen, no text of a chart runs outside it; and its printed brief.
 */
describe.skipIf(chromiumMissing)("the sample's site on a phone and a desktop, and its brief", () => {
  let built: BuiltSite;
  let pages: string[];

  beforeAll(async () => {
    built = await buildFrom(SAMPLE_INPUT, '2026-09');
    pages = (await filesUnder(built.site)).filter((f) => f.endsWith('.html'));
  }, 180_000);

  it.each([390, 1280])('fits %i px: no sideways scroll, no chart wider than the screen, no chart text cut or too small, no table or caption cut', async (width) => {
    const { found, charts } = await layoutProblems(built.site, pages, width);
    expect(found).toEqual([]);
    // every page and chart of the sample was looked at: 22 pages, 85 charts shown (1 overview,
    // 22 breakdowns, 1 compliance, 3 deliverability, 1 studios, 5 on each of 10 spikes, 2 on each of
    // 3 studios, 1 brief); the other variant of each chart is hidden at that width
    expect(pages.length).toBeGreaterThanOrEqual(22);
    expect(charts).toBeGreaterThanOrEqual(85);
  }, 120_000);

  it('keeps the rate of a wide table in view on a phone', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(pathToFileURL(path.join(built.site, 'cohorts.html')).href);
    const r = (await page.evaluate(`(() => {
      const table = document.querySelector('#lead-source-table') ?? document.querySelectorAll('.table-wrap table')[0];
      const wrap = table.closest('.table-wrap');
      const rate = table.querySelector('thead th.key');
      return { label: rate.textContent.trim(), right: rate.getBoundingClientRect().right, wrapRight: wrap.getBoundingClientRect().right, scrolls: wrap.scrollWidth > wrap.clientWidth };
    })()`)) as { label: string; right: number; wrapRight: number; scrolls: boolean };
    await page.close();
    expect(r.label).toBe('Rate');
    expect(r.scrolls).toBe(true);
    expect(r.right).toBeLessThanOrEqual(r.wrapRight + 1);
  });

  it('prints the brief in at most 6 A4 pages, and the full report in many more', async () => {
    const brief = path.join(built.out, 'brief.pdf');
    expect(await writePdf(built.site, brief, { executablePath: CHROMIUM, kind: 'brief' })).toBe(true);
    const briefPages = pdfPages(await readFile(brief));
    expect(briefPages).toBeGreaterThanOrEqual(2);
    expect(briefPages).toBeLessThanOrEqual(6);
    const full = path.join(built.out, 'full.pdf');
    expect(await writePdf(built.site, full, { executablePath: CHROMIUM, kind: 'full' })).toBe(true);
    expect(pdfPages(await readFile(full))).toBeGreaterThan(40);
  }, 120_000);

  it('lists the 50 largest campaigns on screen and prints the 20 largest, each saying how many smaller ones it leaves out', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(path.join(built.site, 'campaigns.html')).href);
    const shown = `(() => ({
      rows: [...document.querySelectorAll('#campaigns-table tbody tr')].filter((r) => r.getBoundingClientRect().height > 0).length,
      notes: [...document.querySelectorAll('.table-note')].filter((n) => n.getBoundingClientRect().height > 0).map((n) => n.textContent.trim()),
    }))()`;
    const screen = (await page.evaluate(shown)) as { rows: number; notes: string[] };
    await page.emulateMedia({ media: 'print' });
    const print = (await page.evaluate(shown)) as { rows: number; notes: string[] };
    await page.close();
    // the sample's 144 campaigns and its one-to-one texts (13th by size)
    expect(screen).toEqual({ rows: 50, notes: ['The 50 largest, and 95 smaller campaigns: every campaign is in downloads/campaigns.csv on the Data page.'] });
    expect(print).toEqual({ rows: 20, notes: ['The 20 largest, and 125 smaller campaigns: every campaign is in downloads/campaigns.csv on the Data page.'] });
  });
});

/**
 * The studios of an export of another shape than the sample, by position: names of 40+
 * characters, accents, an emoji, ampersands, markup, a comma, two studios of one name, one with
 * none; time zones on three continents (the others keep the generator's).
 */
const OTHER_STUDIOS: { name: string; timezone?: string }[] = [
  { name: 'The Extraordinarily Long Named Hot Yoga & Wellness Collective of Greater Los Angeles' },
  { name: 'Iron Works Gym' },
  { name: 'Iron Works Gym' },
  { name: "Café Zürich Pilates & Barre — Côte d'Azur Édition", timezone: 'Australia/Sydney' },
  { name: '🔥 Harbor Barre 💪 & Spin 🚴', timezone: 'Asia/Kolkata' },
  { name: '' },
  { name: 'Northside Boxing And Mixed Martial Arts Training Center Downtown' },
  { name: 'Bayview Fitness, Yoga, Pilates, Barre and Mindful Movement Studio' },
  { name: 'Cedar Pilates <b>&amp;</b> Co', timezone: 'Europe/London' },
  { name: 'Peachtree CrossFit', timezone: 'Pacific/Auckland' },
  { name: 'Sunrise Barre' },
  { name: 'Lone Star Spin' },
];

const csvField = (v: string): string => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/**
 * A generated export of another shape than the sample (12 studios named as above, 2025, about
 * 17,000 messages), read as its readers would on a phone and a desktop, and printed.
 */
describe.skipIf(chromiumMissing)('an export of 12 studios with long, accented, shared and missing names, in other time zones and another year', () => {
  let built: BuiltSite;
  let pages: string[];
  /** Each studio as the site shows it: its name, "name (id)" when two share it, the id without a name. */
  let shown: string[];

  beforeAll(async () => {
    const input = await mkdtemp(path.join(tmpdir(), 'optout-shape-'));
    const { reviewMonth } = await generate({ out: input, studios: 12, messages: 12_000, seed: 11, start: '2025-03' });
    const file = path.join(input, 'studios.csv');
    const studios = csvRecords(await readFile(file, 'utf8'));
    const rows: Record<string, string>[] = studios.map((r, i) => ({ ...r, name: OTHER_STUDIOS[i]?.name ?? r.name ?? '', timezone: OTHER_STUDIOS[i]?.timezone ?? r.timezone ?? '' }));
    const columns = Object.keys(studios[0] ?? {});
    await writeFile(file, [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c] ?? '')).join(','))].join('\n') + '\n');
    shown = rows.map((r) => (!r.name ? (r.studio_id ?? '') : rows.filter((x) => x.name === r.name).length > 1 ? `${r.name} (${r.studio_id ?? ''})` : r.name));
    built = await buildFrom(input, reviewMonth);
    pages = (await filesUnder(built.site)).filter((f) => f.endsWith('.html'));
  }, 180_000);

  it.each([390, 1280])('fits %i px: no sideways scroll, no chart wider than the screen, no chart text cut or too small, no table or caption cut', async (width) => {
    const { found, charts } = await layoutProblems(built.site, pages, width);
    expect(found).toEqual([]);
    expect(charts).toBeGreaterThan(50);
  }, 120_000);

  it('names every studio as the export does, and keeps the overview short: the actions with their numbers, at most 5 studios over an alert level', async () => {
    const studios = await readFile(path.join(built.site, 'studios.html'), 'utf8');
    for (const name of shown) expect(studios, name).toContain(`>${htmlEscaped(name)}</a>`);
    const index = await readFile(path.join(built.site, 'index.html'), 'utf8');
    const actions = index.slice(index.indexOf('id="do-first"'), index.indexOf('</ol>', index.indexOf('id="do-first"')));
    expect(actions).toContain('Do these first');
    expect(actions.match(/about \d+ fewer opt-outs? this month/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    const at = index.indexOf('<h3>Alert levels crossed</h3>');
    const alerts = index.slice(at, index.indexOf('</section>', at));
    expect(alerts.match(/<li>/g)?.length).toBe(5);
    expect(alerts).toContain('All 6 studios that crossed an alert level');
  });

  it('prints the brief in at most 6 A4 pages', async () => {
    const brief = path.join(built.out, 'brief.pdf');
    expect(await writePdf(built.site, brief, { executablePath: CHROMIUM, kind: 'brief' })).toBe(true);
    expect(pdfPages(await readFile(brief))).toBeLessThanOrEqual(6);
  }, 60_000);
});
