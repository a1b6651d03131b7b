import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { literal, type Db } from '../db.ts';
import type { IngestResult } from '../ingest/index.ts';
import type { Analysis } from '../analysis/index.ts';
import { CHECKS } from '../catalog/index.ts';
import { DIMENSIONS, type CohortRow, type Dimension, type Totals } from '../analysis/cohorts.ts';
import type { BreachReport, SpikeReport } from '../analysis/spike-report.ts';
import type { ActionRow } from '../analysis/actions.ts';
import type { ComplianceRow, PolicyRow, ProviderEvidenceRow } from '../analysis/compliance.ts';
import type { ChangeRow, MonthlyRow } from '../analysis/history.ts';
import type { CampaignRow, DeliveryRow } from '../analysis/delivery.ts';
import type { ListGrowthRow, RouteRow, UncountedRow } from '../analysis/list.ts';
import type { AdjustedEffects } from '../analysis/risk.ts';
import type { Coverage, CoveredMonth, Months, Period } from '../period.ts';
import { tableFromRows, writeTable, type TableSpec } from './tables.ts';
import { reportJsonSchemaText } from './jsonSchema.ts';

/**
 * Step 4 of the pipeline (worker/run.ts): the bundle. It only assembles and writes: report.json
 * from the analysis, and every table behind it from the marts, into the run's out folder.
 */

export type { Coverage, CoveredMonth, Period };

export const SCHEMA_VERSION = 1;

/** OUT/tables/checks/<check>.csv: the affected leads of each check, for the analyst. */
async function writeCheckTables(db: Db, out: string): Promise<void> {
  const dir = path.join(out, 'tables', 'checks');
  await mkdir(dir, { recursive: true });
  for (const check of CHECKS) {
    await db.exec(
      `copy (select studio_id, lead_id, phone, messages, first_date, last_date from check_leads
        where "check" = '${check}' order by studio_id, last_date desc, phone) to ${literal(path.join(dir, `${check}.csv`))} (format csv, header true)`,
    );
  }
}

/** OUT/tables/rejected_rows.csv: file, line, table, reason and the record's values. */
export async function writeRejectedRows(db: Db, out: string): Promise<void> {
  await writeTable(db, out, TABLE_SPECS.rejected_rows);
}

const TABLE_SPECS = {
  rejected_rows: {
    name: 'rejected_rows',
    description: 'Every input row that was rejected: file, line where the record starts, table, reason, and the row\'s values as JSON. Contains phone numbers and message texts: for the analyst, not for sharing.',
    sql: `select file, line, table_name as "table", reason, record from rejected_rows order by file, line`,
    arrow: false,
  },
  inputs: {
    name: 'inputs',
    description: 'One row per input file: its format, the encoding it was read in, its physical lines (CSV and JSON Lines), and rows read = accepted + rejected + duplicates; updated: the leads rows accepted as a new version of a lead an earlier file loaded (a part of accepted).',
    sql: `select * from report_inputs`,
    arrow: true,
  },
  cohorts: {
    name: 'cohorts',
    description: 'One row per (dimension, key) in the review month: reached messages, attributed opt-outs, rate, 95% Wilson interval, lift, flag, recipients, recipient rate, empirical-Bayes rate, funnel limits, and the previous month\'s numbers.',
    sql: `select * from report_cohorts order by dimension_order, key_order`,
    arrow: true,
  },
  monthly: {
    name: 'monthly',
    description: 'One row per month (the review month and up to eleven before it) and studio (studio_id empty = all studios): reached texts, opt-outs (all, and traced to a text), outbound texts sent and delivered, leads added, leads who opted out, and reachable leads at the month\'s end (known, not opted out, number not deactivated).',
    sql: `select * from monthly order by month, studio_id nulls first`,
    arrow: true,
  },
  delivery: {
    name: 'delivery',
    description: 'One row per month (the review month and up to eleven before it) and studio (studio_id empty = all studios): every outbound text by how it ended. sent = delivered + no_receipt (status sent: reached, no delivery receipt) + undelivered + failed + other (queued or another status); the delivery rate is delivered / sent.',
    sql: `select * from delivery_outcomes order by month, studio_id nulls first`,
    arrow: true,
  },
  list_growth: {
    name: 'list_growth',
    description: 'One row per month and studio (studio_id empty = all studios): the reachable leads at the month\'s start, leads added, leads lost to an opt-out or a deactivated number, leads who came back, and the reachable leads at its end (start + added - lost + came back = end).',
    sql: `select * from list_growth order by month, studio_id nulls first`,
    arrow: true,
  },
  opt_out_routes: {
    name: 'opt_out_routes',
    description: 'The opt-outs of the review month (current) and the month before (previous), per studio (studio_id empty = all studios), by route: keyword (a STOP reply), written (a request to stop in words in the 24 hours before), crm (a row of the opt-outs file, by its method). opt_outs: counted under the first route they arrived by (they sum to the month\'s opt-outs); also: counted under another route, and arrived by this one too.',
    sql: `select * from opt_out_routes order by period, studio_id nulls first, route, method`,
    arrow: true,
  },
  uncounted_stops: {
    name: 'uncounted_stops',
    description: 'Signals to stop that are not opt-outs, per period and studio (studio_id empty = all studios): deactivated (leads whose number a carrier first listed as deactivated in the month) and unrecorded_request (leads who asked to stop in words with no opt-out within 24 hours); each lead once.',
    sql: `select * from uncounted_stops order by period, studio_id nulls first, kind`,
    arrow: true,
  },
  campaigns: {
    name: 'campaigns',
    description: 'One row per campaign with a text in the review month (campaign_id empty = the one-to-one texts), largest first: texts sent and delivered, delivery rate, texts reached, opt-outs attributed to them, the opt-out rate with its 95% Wilson interval, leads reached, its type, its studios (;-separated) and its first and last day.',
    sql: `select * from report_campaigns order by rank`,
    arrow: true,
  },
  trend: {
    name: 'trend',
    description: 'One row per local send date and studio (studio_id empty = all studios), over the review month and the two before it: reached messages and the opt-outs attributed to them.',
    sql: `select * from daily_trend order by date, studio_id nulls first`,
    arrow: true,
  },
  totals: {
    name: 'totals',
    description: 'The headline numbers of the review month (current) and the month before (previous).',
    sql: `select * from period_totals order by period`,
    arrow: true,
  },
  deliverability: {
    name: 'deliverability',
    description: 'Failed and undelivered outbound messages per studio, local month and provider error code (30003 unreachable, 30005 unknown number, 30006 landline, 30007 carrier filtering, 21610 unsubscribed recipient), against all outbound attempts.',
    sql: `select * from deliverability order by studio_id, month, error_code`,
    arrow: true,
  },
  compliance: {
    name: 'compliance',
    description: 'One row per compliance or list-hygiene check and studio (studio_id empty = all studios) in the review month: the messages that break the rule, the distinct leads they went to, and for sends after an opt-out how many came more than 10 business days after it.',
    sql: `select * from compliance_counts order by "check", studio_id nulls first`,
    arrow: true,
  },
  suppress: {
    name: 'suppress',
    description: 'The numbers that must not be messaged now, ready to import into the CRM: opted out (with no re-opt-in since), reported deactivated by a carrier (unless consent came after), or asked to stop in words and never opted out; with the reasons and the earliest date. Contains phone numbers: for the analyst, not for sharing.',
    sql: `select phone, studio_id, lead_id, reasons, since from suppression_list order by studio_id nulls last, phone`,
    arrow: false,
  },
  check_leads: {
    name: 'check_leads',
    description: 'One row per compliance check, studio and affected lead in the review month: the lead id and number, how many messages broke the rule, first and last date. Contains phone numbers: for the analyst, not for sharing.',
    sql: `select "check", studio_id, lead_id, phone, messages, first_date, last_date from check_leads order by "check", studio_id, last_date desc, phone`,
    arrow: false,
  },
  policies: {
    name: 'policies',
    description: 'What each policy would have saved in the review month: the reached messages it would have stopped and the opt-outs attributed to them.',
    sql: `select * from policy_savings order by policy`,
    arrow: true,
  },
  opt_outs: {
    name: 'opt_outs',
    description: 'Every counted opt-out (repeats merged) with its local date and the message it is attributed to. lead_key is "id:<lead_id>" or "phone:<number>": for the analyst, not for sharing.',
    sql: `select studio_id, lead_key, opted_out_at, local_date, source, method, message_id from int_opt_outs_attributed order by opted_out_at, studio_id, lead_key`,
    arrow: false,
  },
} as const satisfies Record<string, TableSpec>;

export interface Report {
  schema_version: number;
  generated_by: string;
  period: Period;
  /** The month before, which the comparisons are with: partial too at the start of the data. */
  previous_period: CoveredMonth;
  coverage: Coverage;
  /** Every studio the export names: its id, its name in studios.csv (null when none) and its time zone. */
  studios: { studio_id: string; name: string | null; timezone: string }[];
  parameters: { timezone: string; region: string; attribution_hours: number; blast_size: number };
  totals: Omit<Totals, 'opted_out_recipients'>;
  previous_totals: Omit<Totals, 'opted_out_recipients'> & { month: string };
  cohorts: Record<Dimension, CohortRow[]>;
  trend: { date: string; studio_id: string | null; reached: number; opt_outs: number; rate: number }[];
  spikes: SpikeReport[];
  threshold_breaches: BreachReport[];
  compliance: ComplianceRow[];
  provider_evidence: ProviderEvidenceRow[];
  policies: PolicyRow[];
  /** The overview's "Do these first" list (analysis/actions.ts). */
  actions: ActionRow[];
  deliverability: { studio_id: string; month: string; error_code: string; messages: number; attempts: number; rate: number }[];
  /** The year of history: per month (the review month and up to eleven before) and studio, and overall. */
  monthly: MonthlyRow[];
  /** The groups whose rate changed since the previous month beyond chance. */
  changes: ChangeRow[];
  /** The delivery rate per month of the year of history and studio, with how the texts ended. */
  delivery: DeliveryRow[];
  /** The review month's and the previous month's opt-outs by the route they first arrived by. */
  opt_out_routes: RouteRow[];
  /** Signals to stop that are not opt-outs: deactivated numbers, requests in words nobody recorded. */
  uncounted_stops: UncountedRow[];
  /** How the list of reachable leads changed each month of the year of history. */
  list_growth: ListGrowthRow[];
  /** The review month's campaigns (and the one-to-one texts), largest first. */
  campaigns: CampaignRow[];
  /** Each risk factor's effect on the odds of an opt-out once the others are taken into account (analysis/risk.ts). */
  adjusted_effects: AdjustedEffects;
  inputs: IngestResult['files'];
  ignored_files: { file: string; why: string }[];
}

function publicTotals(t: Totals): Omit<Totals, 'opted_out_recipients'> {
  const { opted_out_recipients: _o, ...rest } = t;
  return rest;
}

async function writeTablesReadme(out: string, specs: TableSpec[]): Promise<void> {
  const lines = [
    '# tables/',
    '',
    'The tables behind report.json, each as Parquet, CSV and (small ones) Arrow IPC. Counts are',
    'integers, rates are fractions (0.0125 = 1.25%), dates are the studio\'s local dates.',
    '',
    '| table | what |',
    '|---|---|',
    ...specs.map((s) => `| \`${s.name}\` | ${s.description} |`),
    '| `checks/<check>.csv` | The affected leads of one check (as in check_leads). Contains phone numbers: for the analyst, not for sharing. |',
    '',
  ];
  await writeFile(path.join(out, 'tables', 'README.md'), lines.join('\n'));
}

/** What the bundle is made of: the run's settings, what was read, the months and the analysis. */
export interface BundleInput {
  config: Config;
  ingested: IngestResult;
  months: Months;
  analysis: Analysis;
  version: string;
}

/** Writes report.json and every table behind it into `out`. */
export async function writeBundle(db: Db, out: string, input: BundleInput): Promise<Report> {
  const { config, ingested, months, analysis, version } = input;
  const { period, previous, coverage } = months;
  await mkdir(out, { recursive: true });
  await writeRejectedRows(db, out);
  const scratch = path.join(out, 'tables', '.scratch');
  await tableFromRows(db, 'report_inputs', INPUT_COLUMNS, ingested.files as unknown as Record<string, unknown>[], scratch);
  await tableFromRows(db, 'report_cohorts', COHORT_COLUMNS, flattenCohorts(analysis.cohorts), scratch);
  await tableFromRows(db, 'report_campaigns', CAMPAIGN_COLUMNS, analysis.campaigns.map((c, i) => ({ rank: i + 1, ...c, studio_ids: c.studio_ids.join(';') })), scratch);
  await rm(scratch, { recursive: true, force: true });
  const specs = Object.values(TABLE_SPECS);
  for (const spec of specs) if (spec.name !== 'rejected_rows') await writeTable(db, out, spec);
  await writeCheckTables(db, out);
  await writeTablesReadme(out, specs);

  const report: Report = {
    schema_version: SCHEMA_VERSION,
    generated_by: `optout ${version}`,
    period,
    previous_period: previous,
    coverage,
    studios: analysis.studios,
    parameters: { timezone: config.timezone, region: config.region, attribution_hours: config.attributionHours, blast_size: config.blastSize },
    totals: publicTotals(analysis.totals.current),
    previous_totals: { month: previous.month, ...publicTotals(analysis.totals.previous) },
    cohorts: analysis.cohorts,
    trend: analysis.trend,
    spikes: analysis.spikes,
    threshold_breaches: analysis.breaches,
    compliance: analysis.compliance,
    provider_evidence: analysis.provider,
    policies: analysis.policies,
    actions: analysis.actions,
    deliverability: analysis.deliverability,
    monthly: analysis.monthly,
    changes: analysis.changes,
    delivery: analysis.delivery,
    opt_out_routes: analysis.optOutRoutes,
    uncounted_stops: analysis.uncountedStops,
    list_growth: analysis.listGrowth,
    campaigns: analysis.campaigns,
    adjusted_effects: analysis.adjusted,
    inputs: ingested.files,
    ignored_files: ingested.ignored,
  };
  await writeFile(path.join(out, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
  // Its shape, generated from the site's zod schema at run time, so it is never stale.
  await writeFile(path.join(out, 'report.schema.json'), reportJsonSchemaText());
  return report;
}

const INPUT_COLUMNS = {
  file: 'VARCHAR',
  table: 'VARCHAR',
  format: 'VARCHAR',
  adapter: 'VARCHAR',
  encoding: 'VARCHAR',
  lines: 'INTEGER',
  rows: 'INTEGER',
  accepted: 'INTEGER',
  rejected: 'INTEGER',
  duplicates: 'INTEGER',
  updated: 'INTEGER',
} as const;

const COHORT_COLUMNS = {
  dimension: 'VARCHAR',
  key: 'VARCHAR',
  reached: 'INTEGER',
  opt_outs: 'INTEGER',
  rate: 'DOUBLE',
  ci_low: 'DOUBLE',
  ci_high: 'DOUBLE',
  lift: 'DOUBLE',
  flag: 'VARCHAR',
  recipients: 'INTEGER',
  opted_out_recipients: 'INTEGER',
  recipient_rate: 'DOUBLE',
  shrunk_rate: 'DOUBLE',
  funnel_low95: 'DOUBLE',
  funnel_high95: 'DOUBLE',
  funnel_low998: 'DOUBLE',
  funnel_high998: 'DOUBLE',
  previous_reached: 'INTEGER',
  previous_opt_outs: 'INTEGER',
  previous_rate: 'DOUBLE',
  dimension_order: 'INTEGER',
  key_order: 'INTEGER',
} as const;

const CAMPAIGN_COLUMNS = {
  rank: 'INTEGER',
  campaign_id: 'VARCHAR',
  campaign_type: 'VARCHAR',
  studio_ids: 'VARCHAR',
  first_date: 'DATE',
  last_date: 'DATE',
  sent: 'INTEGER',
  delivered: 'INTEGER',
  delivery_rate: 'DOUBLE',
  reached: 'INTEGER',
  opt_outs: 'INTEGER',
  rate: 'DOUBLE',
  ci_low: 'DOUBLE',
  ci_high: 'DOUBLE',
  recipients: 'INTEGER',
} as const;

function flattenCohorts(cohorts: Record<Dimension, CohortRow[]>): Record<string, unknown>[] {
  return DIMENSIONS.flatMap((dimension, d) =>
    cohorts[dimension].map((r, k) => ({
      dimension,
      key: r.key,
      reached: r.reached,
      opt_outs: r.opt_outs,
      rate: r.rate,
      ci_low: r.ci_low,
      ci_high: r.ci_high,
      lift: r.lift,
      flag: r.flag,
      recipients: r.recipients,
      opted_out_recipients: r.opted_out_recipients,
      recipient_rate: r.recipient_rate,
      shrunk_rate: r.shrunk_rate,
      funnel_low95: r.funnel.low95,
      funnel_high95: r.funnel.high95,
      funnel_low998: r.funnel.low998,
      funnel_high998: r.funnel.high998,
      previous_reached: r.previous?.reached ?? null,
      previous_opt_outs: r.previous?.opt_outs ?? null,
      previous_rate: r.previous?.rate ?? null,
      dimension_order: d,
      key_order: k,
    })),
  );
}
