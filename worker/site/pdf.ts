import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The site as one PDF: the overview first, then every page in the order of the nav, each page's
 * sub-pages (spikes, studios) after it. The pages' <main> are put one after the other in a single
 * print document (the site's own print stylesheet: no nav, sections on new pages, charts whole)
 * and printed by a headless Chromium already on the machine. No browser is ever downloaded.
 */

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

/** One HTML document with every page's <main>, styled by the site's inlined stylesheet. */
export async function printDocument(siteDir: string): Promise<string> {
  const pages = await printOrder(siteDir);
  const index = await readFile(path.join(siteDir, 'index.html'), 'utf8');
  const styles = [...index.matchAll(/<style[^>]*>[\s\S]*?<\/style>/g)].map((m) => m[0]).join('\n');
  const title = /<title>([\s\S]*?)<\/title>/.exec(index)?.[1] ?? 'Opt-out report';
  const header = /<header class="site-header">[\s\S]*?<\/header>/.exec(index)?.[0] ?? '';
  const footer = /<footer class="site-footer">[\s\S]*?<\/footer>/.exec(index)?.[0] ?? '';
  const sections: string[] = [];
  for (const page of pages) {
    const html = await readFile(path.join(siteDir, page), 'utf8');
    const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1];
    if (main) sections.push(`<section class="print-page" data-page="${page}">${main}</section>`);
  }
  const breaks = '<style>.print-page + .print-page { break-before: page; } .print-page h1 { margin-top: 0; } .crumbs { display: none; }</style>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${styles}${breaks}</head><body>${header}<main class="wrap">${sections.join('\n')}</main>${footer}</body></html>`;
}

/**
 * Prints the site to `outFile`. Returns false (and writes nothing) when no Chromium is installed.
 * `executablePath` overrides the search.
 */
export async function writePdf(siteDir: string, outFile: string, options: { executablePath?: string } = {}): Promise<boolean> {
  const executablePath = options.executablePath ?? findChromium();
  if (!executablePath || !existsSync(executablePath)) return false;
  const work = await mkdtemp(path.join(tmpdir(), 'optout-pdf-'));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: BROWSER_ARGS });
  try {
    const file = path.join(work, 'print.html');
    await writeFile(file, await printDocument(path.resolve(siteDir)));
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
