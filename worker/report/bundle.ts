import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { literal, type Db } from '../db.ts';
import { OptoutError } from '../errors.ts';
import type { IngestResult } from '../ingest/index.ts';
import { createBusinessCalendar } from '../analysis/calendar.ts';
import { writeFreeTextVerdicts } from '../analysis/freetext.ts';
import { INTERMEDIATE_MODELS, MART_MODELS, runModels } from '../models.ts';
import { dropStaged } from '../ingest/staging.ts';
import { cohortRows, DIMENSIONS, periodTotals, type CohortRow, type Dimension, type Totals } from './cohorts.ts';
import { spikeReport, type BreachReport, type SpikeReport } from './spikes.ts';
import {
  CHECKS,
  complianceRows,
  policyRows,
  providerEvidence,
  type ComplianceRow,
  type PolicyRow,
  type ProviderEvidenceRow,
} from './compliance.ts';
import { tableFromRows, writeTable, type TableSpec } from './tables.ts';
import { reportJsonSchemaText } from './jsonSchema.ts';

export const SCHEMA_VERSION = 1;

/** A calendar month by its local dates. */
export interface Month {
  month: string;
  start: string;
  end: string;
}

/** The local dates of the first and last message of the export (any direction or status, any studio). */
export interface Coverage {
  start: string;
  end: string;
}

/**
 * A month and the part of it the export covers: `partial` when the data does not cover it from
 * its first to its last local day; `data_start`/`data_end` are the covered dates (null when the
 * export has no day in the month).
 */
export interface CoveredMonth extends Month {
  partial: boolean;
  data_start: string | null;
  data_end: string | null;
}

/** The review period: a month with reached messages, so always some covered dates. */
export interface Period extends CoveredMonth {
  data_start: string;
  data_end: string;
}

function periodOf(month: string): Month {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { month, start: `${month}-01`, end: `${month}-${String(last).padStart(2, '0')}` };
}

/** A month with the dates of it the export covers. */
function coveredMonth(month: string, coverage: Coverage): CoveredMonth {
  const p = periodOf(month);
  const from = p.start > coverage.start ? p.start : coverage.start;
  const to = p.end < coverage.end ? p.end : coverage.end;
  const any = from <= to;
  return { ...p, partial: !any || from !== p.start || to !== p.end, data_start: any ? from : null, data_end: any ? to : null };
}

/**
 * The review period (SPEC section 3): `--month`, or the latest calendar month whose last local day
 * is on or before the local date of the latest message and that has reached messages. When no
 * month qualifies (the data ends before any month with reached messages is over), the latest month
 * with reached messages, which is then partial. A month with no reached message is an error.
 */
export async function reviewPeriod(db: Db, config: Config): Promise<{ period: Period; coverage: Coverage }> {
  // min and max come from the table's statistics, and each month is one EXISTS: a few milliseconds
  // where a group by month over every message took 0.1 s at 1M messages
  const { first, last } = await db.queryOne<{ first: string | null; last: string | null }>(
    `select strftime(min(local_date), '%Y-%m-%d') as first, strftime(max(local_date), '%Y-%m-%d') as last from int_messages_identified`,
  );
  if (!first || !last) {
    // The unfinished report is not kept (the previous one stays): `optout ingest` says why.
    throw new OptoutError(
      `${config.input}: no message was accepted, so there is no month to review (optout ingest --input ${config.input} --out DIR lists the rejected rows in DIR/tables/rejected_rows.csv)`,
    );
  }
  const coverage = { start: first, end: last };
  const covers = `the export covers ${coverage.start} to ${coverage.end}`;
  const hasReached = async (month: string): Promise<boolean> => {
    const p = periodOf(month);
    const row = await db.queryOne<{ reached: boolean }>(
      `select exists (select 1 from int_messages_identified where is_reached and local_date between $start::date and $end::date) as reached`,
      { start: p.start, end: p.end },
    );
    return row.reached;
  };
  let month: string;
  if (config.month) {
    if (!(await hasReached(config.month))) throw new OptoutError(`--month ${config.month}: no texts were sent in this month (${covers})`);
    month = config.month;
  } else {
    // the latest month over by the last day of the data, then back month by month to the first
    const lastMonth = last.slice(0, 7);
    month = periodOf(lastMonth).end <= last ? lastMonth : shiftMonth(lastMonth, -1);
    while (month >= first.slice(0, 7) && !(await hasReached(month))) month = shiftMonth(month, -1);
    if (month < first.slice(0, 7)) {
      // none is: the latest month with reached messages, reviewed as partial
      const { latest } = await db.queryOne<{ latest: string | null }>(
        `select strftime(max(local_date), '%Y-%m') as latest from int_messages_identified where is_reached`,
      );
      if (!latest) throw new OptoutError(`${config.input}: no text reached a lead, so there is no month to review (${covers})`);
      month = latest;
    }
  }
  return { period: coveredMonth(month, coverage) as Period, coverage };
}

function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

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
    description: 'One row per input file: its format, the encoding it was read in, its physical lines (CSV and JSON Lines), and rows read = accepted + rejected + duplicates.',
    sql: `select * from report_inputs`,
    arrow: true,
  },
  cohorts: {
    name: 'cohorts',
    description: 'One row per (dimension, key) in the review month: reached messages, attributed opt-outs, rate, 95% Wilson interval, lift, flag, recipients, recipient rate, empirical-Bayes rate, funnel limits, and the previous month\'s numbers.',
    sql: `select * from report_cohorts order by dimension_order, key_order`,
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
  deliverability: { studio_id: string; month: string; error_code: string; messages: number; attempts: number; rate: number }[];
  inputs: IngestResult['files'];
  ignored_files: { file: string; why: string }[];
}

const isoDate = (d: unknown): string => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));

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

/** Runs the models and writes report.json and every table behind it. */
export async function writeBundle(db: Db, config: Config, ingested: IngestResult, version: string): Promise<Report> {
  await mkdir(config.out, { recursive: true });
  await writeRejectedRows(db, config.out);
  const params = {
    default_timezone: config.timezone,
    attribution_hours: config.attributionHours,
    blast_size: config.blastSize,
  };
  await createBusinessCalendar(db);
  await db.unordered(async () => {
    // In memory, the staged messages are freed as soon as int_messages_identified has read them:
    // the memory limit then holds the wide tables that follow without spilling.
    const split = INTERMEDIATE_MODELS.indexOf('intermediate/int_messages_identified') + 1;
    await runModels(db, params, INTERMEDIATE_MODELS.slice(0, split));
    if (!config.db) await dropStaged(db, 'messages');
    // int_opt_out_requests joins the classifier's verdicts on the distinct inbound replies.
    await writeFreeTextVerdicts(db);
    await runModels(db, params, INTERMEDIATE_MODELS.slice(split));
  });
  const { period, coverage } = await reviewPeriod(db, config);
  const previous = coveredMonth(shiftMonth(period.month, -1), coverage);
  await runModels(
    db,
    {
      period_start: period.start,
      period_end: period.end,
      previous_start: previous.start,
      previous_end: previous.end,
      trend_start: `${shiftMonth(period.month, -2)}-01`,
    },
    MART_MODELS,
  );
  const totals = await periodTotals(db);
  const cohorts = await cohortRows(db, totals.current.rate);
  const trend = (await db.query<Report['trend'][number]>(`select * from daily_trend order by date, studio_id nulls first`)).map((r) => ({
    ...r,
    date: isoDate(r.date),
  }));
  const deliverability = await db.query<Report['deliverability'][number]>(`select * from deliverability order by studio_id, month, error_code`);
  const compliance = await complianceRows(db);
  const policies = await policyRows(db, totals.current.attributed_opt_outs);
  const provider = await providerEvidence(db);
  const { spikes, breaches } = await spikeReport(db, `${shiftMonth(period.month, -2)}-01`, period.end);

  const scratch = path.join(config.out, 'tables', '.scratch');
  await tableFromRows(db, 'report_inputs', INPUT_COLUMNS, ingested.files as unknown as Record<string, unknown>[], scratch);
  await tableFromRows(db, 'report_cohorts', COHORT_COLUMNS, flattenCohorts(cohorts), scratch);
  await rm(scratch, { recursive: true, force: true });
  const specs = Object.values(TABLE_SPECS);
  for (const spec of specs) if (spec.name !== 'rejected_rows') await writeTable(db, config.out, spec);
  await writeCheckTables(db, config.out);
  await writeTablesReadme(config.out, specs);

  const report: Report = {
    schema_version: SCHEMA_VERSION,
    generated_by: `optout ${version}`,
    period,
    previous_period: previous,
    coverage,
    parameters: { timezone: config.timezone, region: config.region, attribution_hours: config.attributionHours, blast_size: config.blastSize },
    totals: publicTotals(totals.current),
    previous_totals: { month: previous.month, ...publicTotals(totals.previous) },
    cohorts,
    trend,
    spikes,
    threshold_breaches: breaches,
    compliance,
    provider_evidence: provider,
    policies,
    deliverability,
    inputs: ingested.files,
    ignored_files: ingested.ignored,
  };
  await writeFile(path.join(config.out, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
  // Its shape, generated from the site's zod schema at run time, so it is never stale.
  await writeFile(path.join(config.out, 'report.schema.json'), reportJsonSchemaText());
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
