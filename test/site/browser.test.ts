import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { BROWSER_ARGS, writePdf } from '../../worker/site/pdf.ts';
import { buildFrom, CHROMIUM, hasChromium, HOSTILE_INPUT, type BuiltSite } from './helpers.ts';

/**
 * The built site opened from disk in Debian's chromium: every page reachable from the overview
 * by its links, with no console error, no failed request and no link to a missing page or
 * anchor. Skipped, saying why, when /usr/bin/chromium is not installed.
 */

const chromiumMissing = !hasChromium();
if (chromiumMissing) console.warn(`test/site/browser.test.ts: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`);

describe.skipIf(chromiumMissing)('the site in a browser (file://, chromium)', () => {
  let built: BuiltSite;
  let browser: Browser;

  beforeAll(async () => {
    built = await buildFrom(HOSTILE_INPUT, '2026-03');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

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
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(pdf);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect((bytes.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(built.pages);
  }, 60_000);

  it('reports false, writing nothing, when there is no chromium', async () => {
    expect(await writePdf(built.site, path.join(built.out, 'none.pdf'), { executablePath: '/nonexistent/chromium' })).toBe(false);
  });
});
