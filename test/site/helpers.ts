import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { normalizeConfig } from '../../worker/config.ts';
import { run } from '../../worker/run.ts';
import { buildSite } from '../../worker/site/build.ts';
import { csvRecords } from '../../site/lib/csv.ts';

/** Inputs of the site tests, and what the built site must never contain. */

export const EDGE_INPUT = path.resolve(import.meta.dirname, '..', 'fixtures', 'edge-cases', 'input');
export const HOSTILE_INPUT = path.resolve(import.meta.dirname, '..', 'fixtures', 'site', 'hostile');
export const CHROMIUM = '/usr/bin/chromium';

export interface BuiltSite {
  input: string;
  out: string;
  site: string;
  pages: number;
  seconds: number;
}

/** Runs the worker on an export (no site), then buildSite on its report. */
export async function buildFrom(input: string, month: string): Promise<BuiltSite> {
  const out = await mkdtemp(path.join(tmpdir(), 'optout-site-test-'));
  await run(normalizeConfig({ input, out, month, site: false }), { progress: () => undefined });
  const site = path.join(out, 'site');
  const { pages, seconds } = await buildSite({ reportDir: out, outDir: site, quiet: true });
  return { input, out, site, pages, seconds };
}

/** Every file under a folder, as paths relative to it. */
export async function filesUnder(dir: string, under = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, under), { withFileTypes: true })) {
    const rel = under ? `${under}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

export async function readAll(dir: string): Promise<Map<string, string>> {
  const files = await filesUnder(dir);
  // Text as UTF-8; Parquet (binary) byte for byte, so digits still show.
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(path.join(dir, f), f.endsWith('.parquet') ? 'latin1' : 'utf8')] as const)));
}

const DIGITS = (s: string): string => s.replace(/\D/g, '');
const ISO = /\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?/g;
const PHONE_RUN = /\+?\(?\d[\d\s().-]{7,}\d/g;

async function inputRecords(input: string): Promise<{ file: string; records: Record<string, string>[] }[]> {
  const out: { file: string; records: Record<string, string>[] }[] = [];
  for (const file of await readdir(input)) {
    const text = await readFile(path.join(input, file), 'utf8');
    if (file.endsWith('.csv')) out.push({ file, records: csvRecords(text) });
    else if (file.endsWith('.jsonl')) {
      out.push({
        file,
        records: text
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => Object.fromEntries(Object.entries(JSON.parse(l) as Record<string, unknown>).map(([k, v]) => [k, String(v ?? '')]))),
      });
    }
  }
  return out;
}

/**
 * The last 10 digits of every phone number in an export: lead, message, opt-out and deactivated
 * numbers, studio ids and numbers that are phone numbers, and any number written in free text.
 */
export async function inputPhones(input: string): Promise<string[]> {
  const phones = new Set<string>();
  for (const { records } of await inputRecords(input)) {
    for (const record of records) {
      for (const value of Object.values(record)) {
        for (const run of value.replace(ISO, ' ').match(PHONE_RUN) ?? []) {
          const digits = DIGITS(run);
          if (digits.length >= 10) phones.add(digits.slice(-10));
        }
      }
    }
  }
  return [...phones];
}

/** Message bodies of an export worth looking for (12 characters or more, trimmed). */
export async function inputBodies(input: string): Promise<string[]> {
  const bodies = new Set<string>();
  for (const { file, records } of await inputRecords(input)) {
    if (!file.startsWith('messages')) continue;
    for (const r of records) if ((r.body ?? '').trim().length >= 12) bodies.add((r.body ?? '').trim());
  }
  return [...bodies];
}

/** First names of the leads. */
export async function inputNames(input: string): Promise<string[]> {
  const names = new Set<string>();
  for (const { file, records } of await inputRecords(input)) {
    if (file.startsWith('leads')) for (const r of records) if (r.first_name) names.add(r.first_name);
  }
  return [...names];
}

/** Every phone-like run of digits in a text (any usual notation), as digits. */
export function digitRuns(text: string): string[] {
  return (text.match(/\+?\(?\d[\d\s().-]*\d/g) ?? []).map(DIGITS);
}

export const htmlEscaped = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

/** Relative links of a page: href values that are not external, anchors or data. */
export function relativeLinks(html: string): string[] {
  return [...html.matchAll(/\bhref="([^"]*)"/g)].map((m) => m[1] as string).filter((h) => !/^(?:[a-z]+:|#|\/\/)/i.test(h) && h !== '');
}

export const hasChromium = (): boolean => existsSync(CHROMIUM);
