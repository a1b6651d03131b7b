import type { Db } from '../db.ts';
import type { Report } from '../report/bundle.ts';
import { shiftMonth, type Months } from '../period.ts';
import { cohortRows, periodTotals, type CohortRow, type Dimension, type Totals } from './cohorts.ts';
import { complianceRows, policyRows, providerEvidence, type ComplianceRow, type PolicyRow, type ProviderEvidenceRow } from './compliance.ts';
import { actionRows, type ActionRow } from './actions.ts';
import { spikeReport, type BreachReport, type SpikeReport } from './spike-report.ts';
import { changes, monthlyRows, type ChangeRow, type MonthlyRow } from './history.ts';
import { campaignRows, deliveryRows, type CampaignRow, type DeliveryRow } from './delivery.ts';
import { listGrowthRows, routeRows, uncountedRows, type ListGrowthRow, type RouteRow, type UncountedRow } from './list.ts';
import { adjustedEffectsOf, type AdjustedEffects } from './risk.ts';

/**
 * Step 3 of the pipeline (worker/run.ts): the statistics over the marts. Each part reads the mart
 * tables the models made and computes what SQL does not: intervals, flags and shrunk rates of
 * the cohorts, the spikes and their causes, the checks' examples, the policies' shares.
 */
export interface Analysis {
  totals: { current: Totals; previous: Totals };
  cohorts: Record<Dimension, CohortRow[]>;
  trend: Report['trend'];
  deliverability: Report['deliverability'];
  compliance: ComplianceRow[];
  policies: PolicyRow[];
  provider: ProviderEvidenceRow[];
  spikes: SpikeReport[];
  breaches: BreachReport[];
  monthly: MonthlyRow[];
  changes: ChangeRow[];
  actions: ActionRow[];
  studios: Report['studios'];
  delivery: DeliveryRow[];
  optOutRoutes: RouteRow[];
  uncountedStops: UncountedRow[];
  listGrowth: ListGrowthRow[];
  campaigns: CampaignRow[];
  adjusted: AdjustedEffects;
}

const isoDate = (d: unknown): string => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));

export async function analyse(db: Db, { period, coverage }: Months): Promise<Analysis> {
  const totals = await periodTotals(db);
  const cohorts = await cohortRows(db, totals.current.rate);
  const trend = (await db.query<Report['trend'][number]>(`select * from daily_trend order by date, studio_id nulls first`)).map((r) => ({
    ...r,
    date: isoDate(r.date),
  }));
  const deliverability = await db.query<Report['deliverability'][number]>(`select * from deliverability order by studio_id, month, error_code`);
  // every studio the export names, with its name from studios.csv (null without one: the site shows the id)
  const studios = await db.query<Report['studios'][number]>(`select studio_id, nullif(trim(name), '') as name, timezone from int_studios order by studio_id`);
  const compliance = await complianceRows(db);
  const policies = await policyRows(db, totals.current.attributed_opt_outs);
  const provider = await providerEvidence(db);
  // spikes are found on each series' whole history and reported when they end in the trend's months
  const { spikes, breaches } = await spikeReport(db, `${shiftMonth(period.month, -2)}-01`, period.end);
  const monthly = await monthlyRows(db, coverage);
  // the overview's "Do these first": the policies and the month's spikes' causes, counted once
  const actions = await actionRows(db, spikes, period);
  // what a deliverability analyst looks for: the delivery rate, how opt-outs arrived, the list, the campaigns
  const delivery = await deliveryRows(db, coverage);
  const optOutRoutes = await routeRows(db);
  const uncountedStops = await uncountedRows(db);
  const listGrowth = await listGrowthRows(db, coverage);
  const campaigns = await campaignRows(db);
  // the risk model on every text up to the review month's end: each factor's effect once the
  // others are taken into account
  const adjusted = await adjustedEffectsOf(db, coverage.start, period.data_end);
  return {
    totals, cohorts, trend, deliverability, compliance, policies, provider, spikes, breaches, monthly, changes: changes(cohorts), actions,
    delivery, optOutRoutes, uncountedStops, listGrowth, campaigns, studios, adjusted,
  };
}
