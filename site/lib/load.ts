import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { csvRecords } from './csv.ts';
import { planDownloads, type Download } from './downloads.ts';
import { safe } from './mask.ts';
import { parseReport, type ReportData, type Spike } from './schema.ts';

/**
 * The site's one view of the data: report.json, validated, with every string from the data
 * already passed through the phone mask (so no page can forget), plus the studio and spike
 * pages' names and the rejected-rows summary. Read by the pages (lib/report.ts) and by buildSite, which checks the report before Astro starts.
 */

export interface StudioRef {
  /** Masked id, as shown. */
  id: string;
  slug: string;
}

export interface SpikeRef {
  spike: Spike;
  slug: string;
  /** "All studios" or "Studio s1". */
  where: string;
}

export interface RejectedSummary {
  file: string;
  table: string;
  /** The reason without the offending value: "sent_at is not a timestamp". */
  reason: string;
  rows: number;
}

export interface SiteData {
  report: ReportData;
  studios: StudioRef[];
  spikes: SpikeRef[];
  rejected: RejectedSummary[] | null;
  downloads: Download[];
}

/** A file name from a shown name: `s1`, `2026-09-09-all`; `prefix` goes before one that starts with a digit. */
function slugify(text: string, prefix = ''): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return prefix && /^\d/.test(slug) ? `${prefix}-${slug}` : slug;
}

function uniqueSlugs(names: string[], fallback: (i: number) => string, prefix = ''): string[] {
  const seen = new Set<string>();
  return names.map((name, i) => {
    let slug = slugify(name, prefix) || fallback(i);
    for (let n = 2; seen.has(slug); n++) slug = `${slugify(name, prefix) || fallback(i)}-${n}`;
    seen.add(slug);
    return slug;
  });
}

/** Studio ids as shown: masked, and told apart when two numbers share their last 4 digits. */
function studioNames(report: ReportData): Map<string, string> {
  const raw = new Set<string>([
    ...report.cohorts.studio.map((r) => r.key),
    ...report.trend.flatMap((r) => (r.studio_id === null ? [] : [r.studio_id])),
    ...report.spikes.flatMap((s) => (s.studio_id === null ? [] : [s.studio_id])),
    ...report.threshold_breaches.map((b) => b.studio_id),
    ...report.compliance.flatMap((c) => c.studios.map((s) => s.studio_id)),
    ...report.deliverability.map((d) => d.studio_id),
  ]);
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const id of [...raw].sort()) {
    let name = safe(id);
    for (let n = 2; used.has(name); n++) name = `${safe(id)} (${n})`;
    used.add(name);
    names.set(id, name);
  }
  return names;
}

function maskDeep(value: unknown, studio: (id: string) => string, field: string | null): unknown {
  if (typeof value === 'string') return field === 'studio_id' ? studio(value) : safe(value);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, studio, field));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, studio, k)]));
  }
  return value;
}

/** Every string of the report through the mask; studio ids (and studio keys) through the studio names. */
export function maskReport(report: ReportData): ReportData {
  const names = studioNames(report);
  const studio = (id: string): string => names.get(id) ?? safe(id);
  const masked = maskDeep(report, studio, null) as ReportData;
  masked.cohorts.studio = report.cohorts.studio.map((r, i) => ({ ...(masked.cohorts.studio[i] ?? r), key: studio(r.key) }));
  masked.spikes.forEach((s, i) => {
    const rawSpike = report.spikes[i];
    const rawRows = rawSpike?.decomposition.studio;
    if (rawRows && s.decomposition.studio) s.decomposition.studio = s.decomposition.studio.map((r, j) => ({ ...r, key: studio(rawRows[j]?.key ?? r.key) }));
    s.causes = s.causes.map((c, j) => (c.dimension === 'studio' ? { ...c, key: studio(rawSpike?.causes[j]?.key ?? c.key) } : c));
  });
  // the risk model's studio keys, named as everywhere else
  const rawStudios = report.adjusted_effects?.factors.find((f) => f.factor === 'studio');
  const maskedStudios = masked.adjusted_effects?.factors.find((f) => f.factor === 'studio');
  if (rawStudios && maskedStudios) {
    maskedStudios.reference = studio(rawStudios.reference);
    maskedStudios.levels = maskedStudios.levels.map((l, i) => ({ ...l, key: studio(rawStudios.levels[i]?.key ?? l.key) }));
  }
  return masked;
}

/** The rejected rows per file and kind of reason, without any value from the rows. */
export function rejectedSummary(csvText: string): RejectedSummary[] {
  const groups = new Map<string, RejectedSummary>();
  for (const r of csvRecords(csvText)) {
    const file = safe(r.file ?? '');
    const table = safe(r.table ?? '');
    // "sent_at is not a timestamp: "yesterday"" -> "sent_at is not a timestamp"; quoted values go.
    const reason = safe((r.reason ?? '').split(':')[0]?.replace(/"[^"]*"/g, '…').trim() ?? '');
    const key = `${file}\u0000${table}\u0000${reason}`;
    const g = groups.get(key) ?? { file, table, reason, rows: 0 };
    g.rows++;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : b.rows - a.rows));
}

/** Builds the site's data from a report folder. */
export function loadSiteData(dir: string): SiteData {
  const file = path.join(dir, 'report.json');
  if (!existsSync(file)) throw new Error(`${file}: not found (run optout run first)`);
  const report = maskReport(parseReport(readFileSync(file, 'utf8'), file));
  const studioIds = [...new Set([...report.cohorts.studio.map((r) => r.key), ...report.trend.flatMap((r) => (r.studio_id === null ? [] : [r.studio_id]))])]
    .concat(report.compliance.flatMap((c) => c.studios.map((s) => s.studio_id)), report.spikes.flatMap((s) => (s.studio_id === null ? [] : [s.studio_id])))
    .filter((id, i, all) => all.indexOf(id) === i)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  // A studio named by its number gets `studio-0000`.
  const studioSlugs = uniqueSlugs(studioIds, (i) => `studio-${i + 1}`, 'studio');
  const studios = studioIds.map((id, i) => ({ id, slug: studioSlugs[i] as string }));
  const slugOf = new Map(studios.map((s) => [s.id, s.slug]));
  const spikeSlugs = uniqueSlugs(
    report.spikes.map((s) => `${s.start}-${s.studio_id === null ? 'all' : (slugOf.get(s.studio_id) ?? 'studio')}`),
    (i) => `spike-${i + 1}`,
  );
  const spikes = report.spikes.map((spike, i) => ({
    spike,
    slug: spikeSlugs[i] as string,
    where: spike.studio_id === null ? 'All studios' : `Studio ${spike.studio_id}`,
  }));
  const rejectedFile = path.join(dir, 'tables', 'rejected_rows.csv');
  const rejected = existsSync(rejectedFile) ? rejectedSummary(readFileSync(rejectedFile, 'utf8')) : null;
  return { report, studios, spikes, rejected, downloads: planDownloads(dir) };
}

