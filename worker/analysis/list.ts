import type { Db } from '../db.ts';
import { coveredMonth, type Coverage } from '../period.ts';

/**
 * The list: how the month's opt-outs arrived (opt_out_routes), the signals to stop that are not
 * opt-outs (uncounted_stops), and how the list of reachable leads grew or shrank each month
 * (list_growth). The marts hold the counts; this only reads them in a fixed order.
 */

export type Route = 'keyword' | 'written' | 'crm';

export interface RouteRow {
  period: 'current' | 'previous';
  month: string;
  /** null: all studios. */
  studio_id: string | null;
  route: Route;
  /** The opt-outs file's method, for route crm ('unknown' when missing); null otherwise. */
  method: string | null;
  /** Opt-outs counted under this route: the first it arrived by. */
  opt_outs: number;
  /** Opt-outs counted under another route that also arrived by this one. */
  also: number;
}

export interface UncountedRow {
  period: 'current' | 'previous';
  month: string;
  studio_id: string | null;
  kind: 'deactivated' | 'unrecorded_request';
  leads: number;
}

export interface ListGrowthRow {
  month: string;
  studio_id: string | null;
  partial: boolean;
  reachable_at_start: number;
  leads_added: number;
  lost_to_opt_outs: number;
  lost_to_deactivation: number;
  came_back: number;
  reachable_at_end: number;
  /** reachable_at_end - reachable_at_start. */
  net_change: number;
}

/** The order routes are listed in: the lead's own words first, then the CRM's rows. */
export const ROUTES: readonly Route[] = ['keyword', 'written', 'crm'];

export async function routeRows(db: Db): Promise<RouteRow[]> {
  const rows = await db.query<RouteRow>(`select * from opt_out_routes`);
  const at = (r: RouteRow): number => ROUTES.indexOf(r.route);
  return rows.sort(
    (a, b) =>
      (a.period === b.period ? 0 : a.period === 'current' ? -1 : 1) ||
      (a.studio_id === b.studio_id ? 0 : a.studio_id === null ? -1 : b.studio_id === null ? 1 : a.studio_id < b.studio_id ? -1 : 1) ||
      at(a) - at(b) ||
      ((a.method ?? '') < (b.method ?? '') ? -1 : (a.method ?? '') > (b.method ?? '') ? 1 : 0),
  );
}

export async function uncountedRows(db: Db): Promise<UncountedRow[]> {
  return db.query<UncountedRow>(`select * from uncounted_stops order by period, studio_id nulls first, kind`);
}

export async function listGrowthRows(db: Db, coverage: Coverage): Promise<ListGrowthRow[]> {
  const rows = await db.query<Omit<ListGrowthRow, 'partial'>>(`select * from list_growth order by month, studio_id nulls first`);
  return rows.map(({ month, studio_id, ...counts }) => ({ month, studio_id, partial: coveredMonth(month, coverage).partial, ...counts }));
}
