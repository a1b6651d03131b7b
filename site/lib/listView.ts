import { listGrowthFigure } from '../charts/list.ts';
import type { Figure } from '../charts/render.ts';
import { int, share } from './format.ts';
import type { SiteData } from './load.ts';
import { lastMonthLabel } from './period.ts';
import type { ReportData } from './schema.ts';
import type { TableModel } from './table.ts';

/** How the month's opt-outs arrived, the stops that are no opt-outs, and the list's growth. */

type RouteRow = ReportData['opt_out_routes'][number];

/** A route in words, for a reader who is not a programmer. */
export function routeLabel(route: RouteRow['route'], method: string | null): string {
  if (route === 'keyword') return 'Replied STOP (or another stop word)';
  if (route === 'written') return 'Asked to stop in their own words';
  switch (method) {
    case 'keyword':
      return 'CRM row: a STOP reply';
    case 'web':
      return 'CRM row: web form';
    case 'staff':
      return 'CRM row: entered by staff';
    case 'carrier':
      return 'CRM row: reported by the carrier';
    case 'unknown':
    case null:
      return 'CRM row: method not given';
    default:
      return `CRM row: ${method}`;
  }
}

/** The same in a few words, for a column heading. */
export function routeShort(route: RouteRow['route'], method: string | null): string {
  if (route === 'keyword') return 'STOP reply';
  if (route === 'written') return 'In words';
  return `CRM: ${method === 'keyword' ? 'STOP' : method === 'web' ? 'web form' : method === 'unknown' || method === null ? 'no method' : method}`;
}

const routeKey = (r: Pick<RouteRow, 'route' | 'method'>): string => `${r.route}\u0000${r.method ?? ''}`;
const ORDER: RouteRow['route'][] = ['keyword', 'written', 'crm'];

/** The routes seen in either month, in order: reply, words, then the CRM's methods by opt-outs. */
function routesOf(rows: RouteRow[]): Pick<RouteRow, 'route' | 'method'>[] {
  const seen = new Map<string, { route: RouteRow['route']; method: string | null; n: number }>();
  for (const r of rows) {
    const k = routeKey(r);
    const s = seen.get(k) ?? { route: r.route, method: r.method, n: 0 };
    s.n += r.opt_outs + r.also;
    seen.set(k, s);
  }
  return [...seen.values()].sort((a, b) => ORDER.indexOf(a.route) - ORDER.indexOf(b.route) || b.n - a.n || ((a.method ?? '') < (b.method ?? '') ? -1 : 1));
}

export interface RoutesView {
  table: TableModel;
  /** The stops that are no opt-outs. */
  uncounted: TableModel;
  /** One sentence: "199 of the 222 opt-outs were STOP replies; ..." */
  sentence: string;
  total: number;
}

const UNCOUNTED_TEXT: Record<ReportData['uncounted_stops'][number]['kind'], string> = {
  deactivated: 'Number disconnected (on a carrier\'s deactivation list)',
  unrecorded_request: 'Asked to stop in words, no opt-out recorded',
};

/** The routes of one studio (its id) or of all studios (null), this month against the last. */
export function routesView(report: ReportData, studio: string | null): RoutesView {
  const mine = report.opt_out_routes.filter((r) => r.studio_id === studio);
  const now = mine.filter((r) => r.period === 'current');
  const before = mine.filter((r) => r.period === 'previous');
  const total = now.reduce((s, r) => s + r.opt_outs, 0);
  const get = (rows: RouteRow[], k: Pick<RouteRow, 'route' | 'method'>): RouteRow | undefined => rows.find((r) => routeKey(r) === routeKey(k));
  const routes = routesOf(mine);
  // the largest "also": the route that most often recorded opt-outs counted under another
  const also = [...now].sort((a, b) => b.also - a.also)[0];
  const table: TableModel = {
    ...(also && also.also > 0 ? { note: `Also came this way: opt-outs counted in another row that arrived this way too (${int(also.also)} for "${routeLabel(also.route, also.method)}").` } : {}),
    columns: [
      { label: 'How it arrived' },
      { label: 'Opt-outs', numeric: true },
      { label: 'Share', numeric: true },
      { label: lastMonthLabel(report), numeric: true },
      { label: 'Also came this way', numeric: true },
    ],
    rows: [
      ...routes.map((k) => {
        const n = get(now, k);
        return [routeLabel(k.route, k.method), int(n?.opt_outs ?? 0), total > 0 ? share((n?.opt_outs ?? 0) / total) : '–', int(get(before, k)?.opt_outs ?? 0), int(n?.also ?? 0)];
      }),
      ['All opt-outs', int(total), total > 0 ? '100%' : '–', int(before.reduce((s, r) => s + r.opt_outs, 0)), '–'],
    ],
  };
  const stops = report.uncounted_stops.filter((u) => u.studio_id === studio);
  const uncounted: TableModel = {
    columns: [{ label: 'Not an opt-out' }, { label: 'Leads', numeric: true }, { label: lastMonthLabel(report), numeric: true }],
    rows: (['unrecorded_request', 'deactivated'] as const).map((kind) => [
      UNCOUNTED_TEXT[kind],
      int(stops.find((u) => u.kind === kind && u.period === 'current')?.leads ?? 0),
      int(stops.find((u) => u.kind === kind && u.period === 'previous')?.leads ?? 0),
    ]),
  };
  return { table, uncounted, sentence: routesSentence(now, total), total };
}

/** How the CRM got an opt-out, after a count: "5 by web form". */
const CRM_HOW: Record<string, string> = {
  keyword: 'as a STOP reply',
  web: 'by web form',
  staff: 'by staff',
  carrier: 'from the carrier',
  unknown: 'with no method given',
};

function routesSentence(now: RouteRow[], total: number): string {
  if (total === 0) return 'No one opted out this month.';
  const by = (route: RouteRow['route']): number => now.filter((r) => r.route === route).reduce((s, r) => s + r.opt_outs, 0);
  const reply = by('keyword');
  const words = by('written');
  const crm = by('crm');
  const parts = [
    reply > 0 ? `${int(reply)} replied STOP` : '',
    words > 0 ? `${int(words)} asked in their own words` : '',
    crm > 0 ? `${int(crm)} ${crm === 1 ? 'was' : 'were'} first recorded in the CRM (${now.filter((r) => r.route === 'crm' && r.opt_outs > 0).sort((a, b) => b.opt_outs - a.opt_outs).map((r) => `${int(r.opt_outs)} ${CRM_HOW[r.method ?? 'unknown'] ?? `by ${r.method}`}`).join(', ')})` : '',
  ].filter(Boolean);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0];
  return `Of the ${int(total)} opt-outs, ${list}.`;
}

/** Per studio, the month's opt-outs by route: one column per route seen. */
export function routesByStudio(data: SiteData): TableModel {
  const { report } = data;
  const now = report.opt_out_routes.filter((r) => r.period === 'current');
  const routes = routesOf(now.filter((r) => r.opt_outs > 0));
  const cell = (studio: string | null, k: Pick<RouteRow, 'route' | 'method'>): string => int(now.find((r) => r.studio_id === studio && routeKey(r) === routeKey(k))?.opt_outs ?? 0);
  const total = (studio: string | null): string => int(now.filter((r) => r.studio_id === studio).reduce((s, r) => s + r.opt_outs, 0));
  return {
    columns: [{ label: 'Studio' }, ...routes.map((k) => ({ label: routeShort(k.route, k.method), numeric: true })), { label: 'All', numeric: true }],
    rows: [
      ['All studios', ...routes.map((k) => cell(null, k)), total(null)],
      ...data.studios.map((s) => [s.name, ...routes.map((k) => cell(s.name, k)), total(s.name)]),
    ],
  };
}

/** The list month by month, of one studio or all (null); null when the report has no list (no leads file). */
export function listGrowth(report: ReportData, studio: string | null, who: string): Figure | null {
  const rows = report.list_growth.filter((r) => r.studio_id === studio).sort((a, b) => (a.month < b.month ? -1 : 1));
  // without a leads file there is no list: every month is all zeros
  const empty = rows.every((r) => r.reachable_at_start === 0 && r.reachable_at_end === 0 && r.leads_added === 0 && r.lost_to_opt_outs === 0 && r.lost_to_deactivation === 0);
  if (rows.length === 0 || empty) return null;
  return listGrowthFigure(rows, { id: 'list-growth', who, reviewMonth: report.period.month });
}

/** Per studio, the review month's list: at the start, joined, lost, at the end. */
export function listByStudio(data: SiteData): TableModel {
  const { report } = data;
  const row = (label: string, studio: string | null): string[] => {
    const r = report.list_growth.find((g) => g.studio_id === studio && g.month === report.period.month);
    if (!r) return [label, '–', '–', '–', '–', '–', '–'];
    return [label, int(r.reachable_at_start), int(r.leads_added + r.came_back), int(r.lost_to_opt_outs), int(r.lost_to_deactivation), int(r.reachable_at_end), `${r.net_change > 0 ? '+' : r.net_change < 0 ? '−' : ''}${int(Math.abs(r.net_change))}`];
  };
  return {
    columns: [
      { label: 'Studio' },
      { label: 'At the start', numeric: true },
      { label: 'Joined', numeric: true },
      { label: 'Opted out', numeric: true },
      { label: 'Disconnected', numeric: true },
      { label: 'At the end', numeric: true },
      { label: 'Change', numeric: true, key: true },
    ],
    rows: [row('All studios', null), ...data.studios.map((s) => row(s.name, s.name))],
  };
}
