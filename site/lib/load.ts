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
  /**
   * The studio as every page shows it: its name from report.json's studios (its id when it has
   * none, the name and the id when two studios share the name), masked. The masked report names
   * the studio by it too (every studio_id and studio key), so it is also the key to its rows.
   */
  name: string;
  slug: string;
}

export interface SpikeRef {
  spike: Spike;
  slug: string;
  /** "All studios" or the studio's name: "Palm Yoga". */
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

/** A file name from a shown name: `palm-yoga`, `2026-09-09-all`, `cafe-zen` for "Café Zen"; `prefix` goes before one that starts with a digit. */
function slugify(text: string, prefix = ''): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
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

/** A name compared with another: case and runs of spaces do not make two names different. */
const sameName = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Each studio id of the report and the name pages show it by (methodology: "Studios by their
 * names"): its name in studios.csv (report.json's studios), masked like any text from the data,
 * since a studio may be named by a phone number; its id when it has no name (a Twilio-only
 * export); the name and the id, "Bay Fit (bf2)", when two studios share the name or a name is
 * another studio's id. Two shown names that are still the same (two numbers ending in the same
 * 4 digits) are told apart by a count: "(•••) •••-0000 (2)".
 */
export function studioNames(report: ReportData): Map<string, string> {
  const named = new Map(report.studios.map((s) => [s.studio_id, s.name?.trim() ? s.name.trim().replace(/\s+/g, ' ') : null]));
  const ids = [
    ...new Set([
      ...report.studios.map((s) => s.studio_id),
      ...report.cohorts.studio.map((r) => r.key),
      ...report.trend.flatMap((r) => (r.studio_id === null ? [] : [r.studio_id])),
      ...report.spikes.flatMap((s) => (s.studio_id === null ? [] : [s.studio_id])),
      ...report.threshold_breaches.map((b) => b.studio_id),
      ...report.compliance.flatMap((c) => c.studios.map((s) => s.studio_id)),
      ...report.deliverability.map((d) => d.studio_id),
      ...report.monthly.flatMap((m) => (m.studio_id === null ? [] : [m.studio_id])),
    ]),
  ].sort();
  const base = new Map(ids.map((id) => [id, safe(named.get(id) ?? id)]));
  const holders = new Map<string, number>();
  for (const shown of base.values()) holders.set(sameName(shown), (holders.get(sameName(shown)) ?? 0) + 1);
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const id of ids) {
    const shown = base.get(id) as string;
    const shared = (holders.get(sameName(shown)) ?? 0) > 1 && named.get(id) != null;
    const name = shared ? `${shown} (${safe(id)})` : shown;
    let unique = name;
    for (let n = 2; used.has(sameName(unique)); n++) unique = `${name} (${n})`;
    used.add(sameName(unique));
    names.set(id, unique);
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

/** Every string of the report through the mask; studio ids (and studio keys) become the studios' shown names. */
export function maskReport(report: ReportData): ReportData {
  const names = studioNames(report);
  const studio = (id: string): string => names.get(id) ?? safe(id);
  const masked = maskDeep(report, studio, null) as ReportData;
  masked.cohorts.studio = report.cohorts.studio.map((r, i) => ({ ...(masked.cohorts.studio[i] ?? r), key: studio(r.key) }));
  masked.changes = masked.changes.map((c, i) => (c.dimension === 'studio' ? { ...c, key: studio(report.changes[i]?.key ?? c.key) } : c));
  masked.spikes.forEach((s, i) => {
    const rawSpike = report.spikes[i];
    const rawRows = rawSpike?.decomposition.studio;
    if (rawRows && s.decomposition.studio) s.decomposition.studio = s.decomposition.studio.map((r, j) => ({ ...r, key: studio(rawRows[j]?.key ?? r.key) }));
    s.causes = s.causes.map((c, j) => (c.dimension === 'studio' ? { ...c, key: studio(rawSpike?.causes[j]?.key ?? c.key) } : c));
  });
  // a campaign's studios are studio ids too: shown by the studios' names
  masked.campaigns = masked.campaigns.map((c, i) => ({ ...c, studio_ids: (report.campaigns[i]?.studio_ids ?? c.studio_ids).map(studio) }));
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
  // the studios with a page: those with texts, spikes or rule checks, by their shown name
  const shown = [...new Set([...report.cohorts.studio.map((r) => r.key), ...report.trend.flatMap((r) => (r.studio_id === null ? [] : [r.studio_id]))])]
    .concat(report.compliance.flatMap((c) => c.studios.map((s) => s.studio_id)), report.spikes.flatMap((s) => (s.studio_id === null ? [] : [s.studio_id])))
    .filter((name, i, all) => all.indexOf(name) === i)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : 1));
  // The page's file is named after the studio: studios/palm-yoga.html; one named by its number gets `studio-0000`.
  const studioSlugs = uniqueSlugs(shown, (i) => `studio-${i + 1}`, 'studio');
  const studios = shown.map((name, i) => ({ name, slug: studioSlugs[i] as string }));
  const slugOf = new Map(studios.map((s) => [s.name, s.slug]));
  const spikeSlugs = uniqueSlugs(
    report.spikes.map((s) => `${s.start}-${s.studio_id === null ? 'all' : (slugOf.get(s.studio_id) ?? 'studio')}`),
    (i) => `spike-${i + 1}`,
  );
  const spikes = report.spikes.map((spike, i) => ({
    spike,
    slug: spikeSlugs[i] as string,
    where: spike.studio_id ?? 'All studios',
  }));
  const rejectedFile = path.join(dir, 'tables', 'rejected_rows.csv');
  const rejected = existsSync(rejectedFile) ? rejectedSummary(readFileSync(rejectedFile, 'utf8')) : null;
  return { report, studios, spikes, rejected, downloads: planDownloads(dir) };
}

