import { z } from 'zod';
import { CAUSES, CHECKS, DIMENSIONS, type Cause, type Check, type Dimension } from '../../worker/report/names.ts';

export { CAUSES, CHECKS, DIMENSIONS, type Cause, type Check, type Dimension };

/**
 * report.json as the site reads it (SPEC section 5 and worker/report/bundle.ts). A report that
 * does not match fails the build with the path of the first bad field. Extra fields are allowed
 * (and dropped). Each compliance row's title and action are required (the site shows the
 * report's action); examples, policies and provider evidence are optional, so the site renders
 * them only when they are there.
 */




const count = z.number().int().nonnegative();
const fraction = z.number().min(0).max(1);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const yearMonth = z.string().regex(/^\d{4}-\d{2}$/, 'expected a month YYYY-MM');

/**
 * A month and the part of it the export covers: partial when the data does not cover it from its
 * first to its last local day; data_start/data_end are the covered local dates.
 */
const coveredMonth = z.object({
  month: yearMonth,
  start: isoDate,
  end: isoDate,
  partial: z.boolean(),
  data_start: isoDate.nullable(),
  data_end: isoDate.nullable(),
});
export type CoveredMonth = z.infer<typeof coveredMonth>;

const totals = z.object({
  reached: count,
  recipients: count,
  opt_outs: count,
  attributed_opt_outs: count,
  rate: fraction,
  recipient_rate: fraction,
});

const cohortRow = z.object({
  key: z.string(),
  reached: count,
  opt_outs: count,
  rate: fraction,
  ci_low: fraction,
  ci_high: fraction,
  lift: z.number().nonnegative().nullable(),
  flag: z.enum(['high', 'low']).nullable(),
  recipients: count,
  recipient_rate: fraction,
  shrunk_rate: fraction,
  funnel: z.object({ low95: fraction, high95: fraction, low998: fraction, high998: fraction }),
  previous: z.object({ reached: count, opt_outs: count, rate: fraction }).nullable(),
});
export type CohortRow = z.infer<typeof cohortRow>;

const causeRow = z.object({
  cause: z.enum(CAUSES),
  dimension: z.enum(DIMENSIONS),
  key: z.string(),
  excess_opt_outs: z.number(),
  share: z.number(),
  evidence: z.string(),
  action: z.string(),
});
export type CauseRow = z.infer<typeof causeRow>;

const decompositionRow = z.object({
  key: z.string(),
  reached: count,
  opt_outs: count,
  baseline_reached: count,
  baseline_opt_outs: count,
  mix: z.number(),
  rate: z.number(),
  total: z.number(),
});
export type DecompositionRow = z.infer<typeof decompositionRow>;

const spike = z.object({
  studio_id: z.string().nullable(),
  start: isoDate,
  end: isoDate,
  reached: count,
  opt_outs: count,
  expected_opt_outs: z.number().nonnegative(),
  excess_opt_outs: z.number(),
  baseline_rate: fraction,
  causes: z.array(causeRow),
  days: z.array(z.object({ date: isoDate, reached: count, opt_outs: count, expected: z.number(), upper_limit: z.number() })),
  decomposition: z.object(Object.fromEntries(DIMENSIONS.map((d) => [d, z.array(decompositionRow)])) as Record<Dimension, z.ZodArray<typeof decompositionRow>>).partial(),
});
export type Spike = z.infer<typeof spike>;

const studioCount = z.object({ studio_id: z.string(), messages: count, leads: count });

const complianceRow = z.object({
  check: z.enum(CHECKS),
  messages: count,
  leads: count,
  late_messages: count.optional(),
  studios: z.array(studioCount),
  title: z.string(),
  action: z.string(),
  /** Masked by the worker; the site masks them again. */
  examples: z.array(z.object({ studio_id: z.string(), date: z.string(), phone: z.string() })).optional(),
});
export type ComplianceRow = z.infer<typeof complianceRow>;

const policyRow = z.object({
  policy: z.string(),
  description: z.string(),
  messages_avoided: count,
  opt_outs_avoided: count,
  share_of_opt_outs: z.number().optional(),
});
export type PolicyRow = z.infer<typeof policyRow>;

export const reportSchema = z.object({
  schema_version: z.literal(1),
  generated_by: z.string().optional(),
  /** The review month: it has reached messages, so the data always covers some of it. */
  period: coveredMonth.extend({ data_start: isoDate, data_end: isoDate }),
  /** The month before, which every comparison is with; partial or empty at the start of the data. */
  previous_period: coveredMonth,
  /** The local dates of the export's first and last message (any direction or status, any studio). */
  coverage: z.object({ start: isoDate, end: isoDate }),
  parameters: z
    .object({ timezone: z.string(), region: z.string(), attribution_hours: z.number(), blast_size: z.number() })
    .optional(),
  totals,
  previous_totals: totals.extend({ month: z.string() }),
  cohorts: z.object(Object.fromEntries(DIMENSIONS.map((d) => [d, z.array(cohortRow)])) as Record<Dimension, z.ZodArray<typeof cohortRow>>),
  trend: z.array(z.object({ date: isoDate, studio_id: z.string().nullable(), reached: count, opt_outs: count, rate: fraction })),
  spikes: z.array(spike),
  threshold_breaches: z.array(
    z.object({
      studio_id: z.string(),
      rule: z.enum(['rolling_7d_above_1.3pct', 'day_at_or_above_5pct']),
      date: isoDate,
      reached: count,
      opt_outs: count,
      rate: fraction,
    }),
  ),
  compliance: z.array(complianceRow),
  policies: z.array(policyRow).optional(),
  /** Provider errors that are evidence of a problem (21610, 30007), when the report has them. */
  provider_evidence: z
    .array(
      z.object({
        error_code: z.union([z.string(), z.number()]).transform(String),
        meaning: z.string(),
        messages: count,
        leads: count,
        studios: z.array(studioCount),
      }),
    )
    .optional(),
  deliverability: z.array(
    z.object({
      studio_id: z.string(),
      month: z.string(),
      error_code: z.union([z.string(), z.number()]).nullable().transform((c) => (c === null ? '' : String(c))),
      messages: count,
      attempts: count,
      rate: fraction,
    }),
  ),
  inputs: z.array(
    z.object({
      file: z.string(),
      table: z.string(),
      format: z.string().optional(),
      adapter: z.string().optional(),
      rows: count,
      accepted: count,
      rejected: count,
      duplicates: count,
    }),
  ),
  ignored_files: z.array(z.object({ file: z.string(), why: z.string() })).default([]),
});

export type ReportData = z.infer<typeof reportSchema>;
export type ReportInput = z.input<typeof reportSchema>;

/** Parses report.json text; a broken contract throws one readable line naming the field. */
export function parseReport(text: string, where: string): ReportData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON: ${(e as Error).message}`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue ? issue.path.join('.') || '(top)' : '(top)';
    throw new Error(`${where}: does not match the report contract at ${at}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
