import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The site as one PDF, printed by a headless Chromium already on the machine (no browser is ever
 * downloaded). Two kinds:
 * - the brief (`--pdf`): the whole overview page, then brief.html (the spikes in one table and the
 *   compliance summary), without the charts' data tables: a few A4 pages for leadership;
 * - the full report (`--pdf full`): the overview first, then every page in the order of the nav,
 *   each page's sub-pages (spikes, studios) after it.
 * The pages' <main> are put one after the other in a single print document, styled by the site's
 * own print stylesheet (no nav, charts whole).
 */

export type PdfKind = 'brief' | 'full';

/** The pages of the brief, in order. */
export const BRIEF_PAGES = ['index.html', 'brief.html'];

export const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];

/** Debian's chromium, else a `chromium` on `searchPath` (the PATH, passed by cli.ts); null when there is none. */
export function findChromium(searchPath = ''): string | null {
  const candidates = ['/usr/bin/chromium', ...searchPath.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'chromium'))];
  return candidates.find((file) => existsSync(file)) ?? null;
}

/** The site's pages in print order: index.html, then the nav's pages, each followed by its folder's pages. */
export async function printOrder(siteDir: string): Promise<string[]> {
  const index = await readFile(path.join(siteDir, 'index.html'), 'utf8');
  const nav = /<nav aria-label="Pages">([\s\S]*?)<\/nav>/.exec(index)?.[1] ?? '';
  const linked = [...nav.matchAll(/href="([^"#?]+\.html)"/g)].map((m) => m[1] as string);
  const order = ['index.html', ...linked.filter((p) => p !== 'index.html')].filter((p, i, all) => all.indexOf(p) === i);
  const out: string[] = [];
  for (const page of order) {
    if (!existsSync(path.join(siteDir, page))) continue;
    out.push(page);
    const folder = path.join(siteDir, page.replace(/\.html$/, ''));
    if (existsSync(folder)) {
      const children = (await readdir(folder)).filter((f) => f.endsWith('.html')).sort();
      out.push(...children.map((f) => `${page.replace(/\.html$/, '')}/${f}`));
    }
  }
  return out;
}

/**
 * What the print document adds to the site's print stylesheet. Both kinds: every page on a new
 * sheet, no breadcrumbs; the studio pages' failed-texts charts are left out, as the
 * deliverability page has them all. The brief: no data tables under the charts, and sections
 * follow each other instead of each starting a sheet, and so do its two pages; a table that does
 * not fit the rest of a sheet goes on over the next one (between rows, its heading repeated),
 * so a long table never leaves a sheet half empty.
 */
const PRINT_CSS = {
  full: `.print-page + .print-page { break-before: page; } .print-page h1 { margin-top: 0; } .crumbs { display: none; }
.print-page[data-page^="studios/"] #deliverability, .print-page[data-page^="studios/"] #delivery { display: none; }`,
  brief: `.print-page + .print-page { margin-top: 28px; } .print-page h1 { margin-top: 0; } .crumbs { display: none; }
.print-brief h2 { break-before: auto; margin-top: 18px; } .print-brief .chart-data, .print-brief .data-link { display: none; }
.print-brief .chart { margin: 10px 0 14px; } .print-brief caption, .print-brief thead { break-after: avoid; } .print-brief .chart-svg svg { max-height: 80mm; }
.print-brief table { font-size: 13px; }`,
} as const;

/** One HTML document with the <main> of the pages of `kind`, styled by the site's inlined stylesheet. */
export async function printDocument(siteDir: string, kind: PdfKind = 'full'): Promise<string> {
  const pages = kind === 'brief' ? BRIEF_PAGES.filter((p) => existsSync(path.join(siteDir, p))) : await printOrder(siteDir);
  const index = await readFile(path.join(siteDir, 'index.html'), 'utf8');
  const styles = [...index.matchAll(/<style[^>]*>[\s\S]*?<\/style>/g)].map((m) => m[0]).join('\n');
  const title = /<title>([\s\S]*?)<\/title>/.exec(index)?.[1] ?? 'Opt-out report';
  const header = /<header class="site-header">[\s\S]*?<\/header>/.exec(index)?.[0] ?? '';
  const footer = /<footer class="site-footer">[\s\S]*?<\/footer>/.exec(index)?.[0] ?? '';
  // a partial review month is said on the first sheet too
  const banner = /<div class="partial-banner"[\s\S]*?<\/div>/.exec(index)?.[0] ?? '';
  const sections: string[] = [];
  for (const page of pages) {
    const html = await readFile(path.join(siteDir, page), 'utf8');
    const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1];
    if (main) sections.push(`<section class="print-page" data-page="${page}">${main}</section>`);
  }
  const extra = `<style>${PRINT_CSS[kind]}</style>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${styles}${extra}</head><body class="print-${kind}">${header}${banner}<main class="wrap">${sections.join('\n')}</main>${footer}</body></html>`;
}

/**
 * Prints the site to `outFile`: every page (`kind` 'full', the default here) or the brief. Returns
 * false (and writes nothing) when no Chromium is installed. `executablePath` overrides the search.
 */
export async function writePdf(siteDir: string, outFile: string, options: { executablePath?: string; kind?: PdfKind } = {}): Promise<boolean> {
  const executablePath = options.executablePath ?? findChromium();
  if (!executablePath || !existsSync(executablePath)) return false;
  const work = await mkdtemp(path.join(tmpdir(), 'optout-pdf-'));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: BROWSER_ARGS });
  try {
    const file = path.join(work, 'print.html');
    await writeFile(file, await printDocument(path.resolve(siteDir), options.kind ?? 'full'));
    const page = await browser.newPage();
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({
      path: path.resolve(outFile),
      format: 'A4',
      printBackground: true,
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: '<div style="font: 9px system-ui, sans-serif; color: #555; width: 100%; text-align: center;"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
    });
    return true;
  } finally {
    await browser.close();
    await rm(work, { recursive: true, force: true });
  }
}
