import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { OptoutError } from '../errors.ts';
import { loadSiteData } from '../../site/lib/load.ts';
import type { Download } from '../../site/lib/downloads.ts';
import { PROJECT_ROOT, siteConfig } from './config.ts';
import { relativizeHtml } from './relative.ts';
import { removeLeftoverStaging, stagingFolder } from './staging.ts';

/**
 * Builds the report site from `reportDir/report.json` into `outDir` with Astro's build() API:
 * 1. reads and checks the report (zod) so a broken contract fails before Astro starts;
 * 2. runs Astro on `site/`; the pages learn where the report is from a virtual module
 *    (`virtual:optout/report`, served by a Vite plugin), never from the environment;
 * 3. makes every root-relative link relative, so the site works from disk or under any path;
 * 4. writes the safe downloads (masked CSV, Parquet when nothing needed masking).
 */

export interface BuildSiteOptions {
  reportDir: string;
  outDir: string;
  quiet?: boolean;
}

async function htmlFiles(dir: string, under = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, under), { withFileTypes: true })) {
    const rel = under ? `${under}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await htmlFiles(dir, rel)));
    else if (entry.name.endsWith('.html')) out.push(rel);
  }
  return out.sort();
}

async function writeDownloads(outDir: string, downloads: Download[]): Promise<void> {
  const dir = path.join(outDir, 'downloads');
  await mkdir(dir, { recursive: true });
  for (const d of downloads) {
    await writeFile(path.join(dir, d.csv.name), d.csv.text);
    if (d.parquet) await copyFile(d.parquet.source, path.join(dir, d.parquet.name));
  }
}

/**
 * Astro renders the pages from a server bundle written beside its output when that is inside the
 * working directory (else under ./.astro), and the bundle imports Astro's runtime from
 * node_modules: so Astro builds into a fresh folder under the project's node_modules/.cache, with
 * the project as working directory, and the pages are copied to outDir afterwards. Each build
 * has its own folder: builds running at the same time, or one after another in one process,
 * never share files or modules.
 */
async function inFolder<T>(dir: string, work: () => Promise<T>): Promise<T> {
  // A worker thread cannot change directory; Astro then uses ./.astro under the working directory.
  if (!isMainThread) return work();
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await work();
  } finally {
    process.chdir(previous);
  }
}

/** Removes a folder that is empty; one that is not (another build is running) or is gone stays as it is. */
async function removeIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw e;
  }
}

/** outDir is replaced by every build: it must be missing, empty, or an earlier build (with its index.html). */
async function checkReplaceable(outDir: string): Promise<void> {
  if (!existsSync(outDir)) return;
  const entries = await readdir(outDir);
  if (entries.length > 0 && !entries.includes('index.html')) {
    throw new OptoutError(`${outDir}: not empty and not an earlier site (no index.html); the site is not written over it`);
  }
}

export async function buildSite(options: BuildSiteOptions): Promise<{ pages: number; seconds: number }> {
  const started = performance.now();
  const reportDir = path.resolve(options.reportDir);
  const outDir = path.resolve(options.outDir);
  if (reportDir === outDir || reportDir.startsWith(`${outDir}${path.sep}`)) {
    throw new OptoutError(`${outDir}: the site folder cannot hold the report (it is emptied before every build)`);
  }
  await checkReplaceable(outDir);
  let downloads: Download[];
  try {
    downloads = loadSiteData(reportDir).downloads;
  } catch (e) {
    throw new OptoutError(`site: ${(e as Error).message}`);
  }

  // Builds killed part way left their staging folders behind: removed before this one starts.
  await removeLeftoverStaging();
  const staging = stagingFolder();
  const buildId = path.basename(staging);
  const built = path.join(staging, 'site');
  // Astro would otherwise send anonymous usage data from this machine.
  process.env.ASTRO_TELEMETRY_DISABLED = '1';
  const { build } = await import('astro');
  try {
    await inFolder(PROJECT_ROOT, () =>
      build({
        ...siteConfig({ reportDir, buildId, outDir: built, cacheDir: path.join(staging, 'cache') }),
        configFile: false,
        logLevel: options.quiet ? 'silent' : 'warn',
      }),
    );
    const pages = await htmlFiles(built);
    for (const page of pages) {
      const file = path.join(built, page);
      const html = relativizeHtml(await readFile(file, 'utf8'), page);
      if (/<script/i.test(html)) throw new OptoutError(`site: ${page} has a <script>; the report site must have no JavaScript`);
      await writeFile(file, html);
    }
    await writeDownloads(built, downloads);
    await rm(outDir, { recursive: true, force: true });
    await cp(built, outDir, { recursive: true });
    return { pages: pages.length, seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await removeIfEmpty(path.dirname(staging));
  }
}
