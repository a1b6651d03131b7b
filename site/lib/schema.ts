import { z } from 'zod';
import { CAUSES, CHECKS, DIMENSIONS, RISK_FACTORS, type Cause, type Check, type Dimension, type RiskFactor } from '../../worker/catalog/index.ts';

export { CAUSES, CHECKS, DIMENSIONS, RISK_FACTORS, type Cause, type Check, type Dimension, type RiskFactor };

/**
 * report.json as the site reads it (written by worker/report/bundle.ts). A report that does not
 * match fails the build with the path of the first bad field. Extra fields are allowed (and
 * dropped). Each compliance row's title and action are required (the site shows the report's
 * action); examples, policies and provider evidence are optional, so the site renders them only
 * when they are there. docs/report.schema.json is generated from this schema
 * (worker/report/jsonSchema.ts, `npm run schema`); the .describe() texts are its descriptions.
 */




const count = z.number().int().nonnegative().describe('a count: a whole number, 0 or more');
const fraction = z.number().min(0).max(1).describe('a fraction from 0 to 1 (0.0125 = 1.25%)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').describe("a studio's local date, YYYY-MM-DD");
const yearMonth = z.string().regex(/^\d{4}-\d{2}$/, 'expected a month YYYY-MM');

/**
 * A month and the part of it the export covers: partial when the data does not cover it from its
 * first to its last local day; data_start/data_end are the covered local dates.
 */
const coveredMonth = z
  .object({
    month: yearMonth,
    start: isoDate,
    end: isoDate,
    partial: z.boolean(),
    data_start: isoDate.nullable(),
    data_end: isoDate.nullable(),
  })
  .describe('a calendar month and the local dates of it the export covers; partial when it does not cover the month from its first to its last day');
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
  lift: z.number().nonnegative().nullable().describe("the cohort's rate / the month's rate; null when the month's rate is 0"),
  flag: z
    .enum(['high', 'low'])
    .nullable()
    .describe("high: the interval's low end is above the month's rate; low: its high end is below it; else null"),
  recipients: count,
  recipient_rate: fraction,
  shrunk_rate: fraction.describe('the empirical-Bayes rate: pulled toward the dimension\'s rate when the cohort is small'),
  funnel: z.object({ low95: fraction, high95: fraction, low998: fraction, high998: fraction }),
  previous: z.object({ reached: count, opt_outs: count, rate: fraction }).nullable().describe("the previous month's numbers of the same key; null when it reached nobody then"),
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
  examples: z
    .array(z.object({ studio_id: z.string(), date: z.string(), phone: z.string() }))
    .optional()
    .describe('a few affected sends, the number masked to its last four digits'),
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

const actionRow = z.object({
  rank: z.number().int().positive().describe('1 for the action to do first'),
  action: z.string().describe("the action's key: a policy (cap_3_per_week, ...), personalise, returning_leads, or relevant_content:<campaign>"),
  title: z.string().describe('what to do, in plain words'),
  kind: z.enum(['stop', 'change']).optional().describe('stop: the action stops texts (a policy); change: it changes them (the fix of a spike\'s cause)'),
  opt_outs_avoided: count.describe("the month's opt-outs it would have avoided, net of the actions ranked before it"),
  evidence: z
    .object({ page: z.string(), anchor: z.string(), spike: z.number().int().nonnegative().nullable() })
    .describe("where the numbers behind it are: a page of the site and an anchor on it; with spike set, that spike's own page (its index in spikes)"),
});
export type ActionRow = z.infer<typeof actionRow>;

const adjustedLevel = z.object({
  key: z.string(),
  reached: count,
  opted_out: count.describe('reached texts followed by an attributed opt-out'),
  rate: fraction,
  rate_ratio: z.number().nonnegative().nullable().describe("the rate over the reference's, unadjusted; null when the reference had no opt-out"),
  odds_ratio: z.number().positive().describe("the odds of an opt-out against the reference's once the other factors are taken into account (1 for the reference)"),
  ci_low: z.number().nonnegative().nullable().describe('95% interval of the odds ratio; null for the reference'),
  ci_high: z.number().nonnegative().nullable(),
});
export type AdjustedLevel = z.infer<typeof adjustedLevel>;

const adjustedEffects = z
  .object({
    fitted_on: z
      .object({ start: isoDate, end: isoDate, reached: count, opted_out: count })
      .describe('the reached texts the model was fitted on: every local date from the first of the export to the last of the review month'),
    penalty: z.number().nonnegative().describe('the ridge penalty on each log odds ratio (1 / the variance of its normal prior)'),
    converged: z.boolean(),
    factors: z.array(
      z.object({
        factor: z.enum(RISK_FACTORS),
        reference: z.string().describe("the key the others are compared with: the factor's most texted"),
        levels: z.array(adjustedLevel),
      }),
    ),
  })
  .describe('a logistic regression of an opt-out on the factors known when a text is sent: each key\'s odds ratio against its factor\'s reference, adjusted for the other factors, beside the unadjusted rate ratio');
export type AdjustedEffectsData = z.infer<typeof adjustedEffects>;

export const reportSchema = z.object({
  schema_version: z.literal(1).describe('the version of this shape; it changes only when a reader would have to change'),
  generated_by: z.string().optional(),
  /** The review month: it has reached messages, so the data always covers some of it. */
  period: coveredMonth.extend({ data_start: isoDate, data_end: isoDate }),
  /** The month before, which every comparison is with; partial or empty at the start of the data. */
  previous_period: coveredMonth,
  /** The local dates of the export's first and last message (any direction or status, any studio). */
  coverage: z.object({ start: isoDate, end: isoDate }),
  studios: z
    .array(z.object({ studio_id: z.string(), name: z.string().nullable().describe("the studio's name in studios.csv; null when the export has none"), timezone: z.string() }))
    .default([])
    .describe('every studio the export names, by studio_id: its name (the site shows a studio by it; by its id when it has none) and the IANA time zone of its local dates'),
  parameters: z
    .object({ timezone: z.string(), region: z.string(), attribution_hours: z.number(), blast_size: z.number() })
    .optional()
    .describe('the options of the run: default time zone, phone region, attribution window in hours, blast size'),
  totals: totals.describe(
    "the review month: reached messages, distinct leads reached, opt-outs by their own local date, opt-outs attributed to the month's messages, and the rates",
  ),
  previous_totals: totals.extend({ month: z.string() }).describe('the same numbers for the month before'),
  cohorts: z
    .object(Object.fromEntries(DIMENSIONS.map((d) => [d, z.array(cohortRow)])) as Record<Dimension, z.ZodArray<typeof cohortRow>>)
    .describe("per dimension, one row per key among the review month's reached messages"),
  trend: z
    .array(z.object({ date: isoDate, studio_id: z.string().nullable(), reached: count, opt_outs: count, rate: fraction }))
    .describe('per local send date, the review month and the two before it, per studio and overall (studio_id null)'),
  spikes: z.array(spike).describe('runs of days with far more opt-outs than the studio usually has, with their ranked causes'),
  threshold_breaches: z.array(
    z.object({
      studio_id: z.string(),
      rule: z.enum(['rolling_7d_above_1.3pct', 'day_at_or_above_5pct']),
      date: isoDate,
      reached: count,
      opt_outs: count,
      rate: fraction,
    }),
  ).describe('dates above an alert level: a 7-day rate above 1.3%, or a day at or above 5%'),
  compliance: z.array(complianceRow).describe('one row per compliance or list-hygiene check, over the review month'),
  policies: z.array(policyRow).optional().describe('what each policy would have saved in the review month'),
  actions: z
    .array(actionRow)
    .optional()
    .describe("the overview's \"Do these first\" list: at most five actions, ranked greedily (largest first, each net of the ones before it)"),
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
    .optional()
    .describe('provider errors that are evidence of a problem: 21610 (texted an unsubscribed number), 30007 (carrier filtering)'),
  deliverability: z.array(
    z.object({
      studio_id: z.string(),
      month: z.string(),
      error_code: z.union([z.string(), z.number()]).nullable().transform((c) => (c === null ? '' : String(c))),
      messages: count,
      attempts: count,
      rate: fraction,
    }),
  ).describe("failed and undelivered outbound messages per studio, local month and provider error code ('' or null: no code)"),
  monthly: z
    .array(
      z.object({
        month: z.string().describe('YYYY-MM, the studio\'s local calendar month'),
        studio_id: z.string().nullable().describe('null: all studios'),
        partial: z.boolean().describe('the data covers only part of the month'),
        reached: count,
        opt_outs: count.describe('every new opt-out of the month, traced to a text or not'),
        attributed_opt_outs: count.describe('opt-outs traced to a text of the month: the rate\'s numerator'),
        rate: fraction,
        ci_low: fraction,
        ci_high: fraction,
        sent: count.describe('outbound texts attempted'),
        delivered: count.describe('outbound texts the carrier reported delivered'),
        delivery_rate: fraction.nullable().describe('delivered / sent; null when nothing was sent'),
        leads_added: count.describe('leads created in the month'),
        leads_opted_out: count.describe('distinct leads with a new opt-out in the month'),
        reachable_leads: count.describe("known leads at the month's end: not opted out, number not deactivated"),
      }),
    )
    .default([])
    .describe('the year of history: one row per month (the review month and up to eleven before it that have texts) and studio, and per month for all studios'),
  changes: z
    .array(
      z.object({
        dimension: z.enum(DIMENSIONS),
        key: z.string(),
        previous: z.object({ reached: count, opt_outs: count, rate: fraction }),
        current: z.object({ reached: count, opt_outs: count, rate: fraction }),
        change: z.number().describe('current rate - previous rate, a fraction'),
        direction: z.enum(['up', 'down']),
        z: z.number(),
        p_value: fraction,
        p_adjusted: fraction.describe("Holm's correction for the number of groups tested"),
      }),
    )
    .default([])
    .describe("the groups whose rate changed between the previous month and the review month beyond chance (two-proportion z-test, Holm's correction), the largest change first"),
  delivery: z
    .array(
      z.object({
        month: yearMonth.describe("the studio's local calendar month"),
        studio_id: z.string().nullable().describe('null: all studios'),
        partial: z.boolean().describe('the data covers only part of the month'),
        sent: count.describe('every outbound text of the month, whatever its status: the delivery rate\'s denominator'),
        delivered: count.describe('status delivered: the carrier confirmed delivery'),
        no_receipt: count.describe('status sent: reached, but no delivery receipt came back'),
        undelivered: count.describe('status undelivered'),
        failed: count.describe('status failed'),
        other: count.describe('still queued when the export was taken, or a status the contract does not name'),
        delivery_rate: fraction.nullable().describe('delivered / sent; null when nothing was sent'),
        ci_low: fraction.nullable().describe("the delivery rate's 95% Wilson interval; null when nothing was sent"),
        ci_high: fraction.nullable(),
      }),
    )
    .default([])
    .describe('the delivery rate per month (the months of monthly) and studio, and per month for all studios: sent = delivered + no_receipt + undelivered + failed + other'),
  opt_out_routes: z
    .array(
      z.object({
        period: z.enum(['current', 'previous']).describe('current: the review month; previous: the month before'),
        month: yearMonth,
        studio_id: z.string().nullable().describe('null: all studios'),
        route: z.enum(['keyword', 'written', 'crm']).describe('keyword: a STOP reply in the messages; written: a request to stop in words in the 24 hours before the opt-out; crm: a row of the opt-outs file'),
        method: z.string().nullable().describe("the opt-outs file's method for route crm ('unknown' when missing); null for the other routes"),
        opt_outs: count.describe('opt-outs counted under this route, the first they arrived by: over the routes they sum to the month\'s opt-outs'),
        also: count.describe('opt-outs counted under another route that arrived by this one too'),
      }),
    )
    .default([])
    .describe("the opt-outs of the month (by their own local date, as totals.opt_outs) by the route they arrived by, each counted once under its first"),
  uncounted_stops: z
    .array(
      z.object({
        period: z.enum(['current', 'previous']),
        month: yearMonth,
        studio_id: z.string().nullable().describe('null: all studios'),
        kind: z.enum(['deactivated', 'unrecorded_request']).describe("deactivated: a carrier first listed the lead's number as deactivated in the month; unrecorded_request: the lead asked to stop in words and no opt-out followed within 24 hours"),
        leads: count.describe('distinct leads'),
      }),
    )
    .default([])
    .describe('signals to stop that are not opt-outs, so are in no opt-out count'),
  list_growth: z
    .array(
      z.object({
        month: yearMonth,
        studio_id: z.string().nullable().describe('null: all studios'),
        partial: z.boolean(),
        reachable_at_start: count.describe("reachable leads when the month began (as monthly's reachable_leads, at the start)"),
        leads_added: count.describe('leads created in the month'),
        lost_to_opt_outs: count.describe('leads reachable at the start or added, opted out at the end'),
        lost_to_deactivation: count.describe('leads reachable at the start or added, not opted out but with a deactivated number at the end'),
        came_back: count.describe('leads not reachable at the start, reachable at the end (opted in again, or consented after a deactivation)'),
        reachable_at_end: count.describe("reachable leads at the month's end: monthly's reachable_leads"),
        net_change: z.number().int().describe('reachable_at_end - reachable_at_start = leads_added - lost_to_opt_outs - lost_to_deactivation + came_back'),
      }),
    )
    .default([])
    .describe('how the list of reachable leads changed each month of the year of history, per studio and for all studios'),
  campaigns: z
    .array(
      z.object({
        campaign_id: z.string().nullable().describe('null: the one-to-one texts, sent without a campaign'),
        campaign_type: z.string().nullable().describe('the campaign type of its reached texts; null when none was reached'),
        studio_ids: z.array(z.string()),
        first_date: isoDate,
        last_date: isoDate,
        sent: count,
        delivered: count,
        delivery_rate: fraction,
        reached: count,
        opt_outs: count.describe('opt-outs attributed to its reached texts'),
        rate: fraction,
        ci_low: fraction,
        ci_high: fraction,
        recipients: count,
      }),
    )
    .default([])
    .describe("the review month's campaigns, largest first (by texts sent); over the rows, sent and delivered sum to the month's"),
  adjusted_effects: adjustedEffects.optional(),
  inputs: z.array(
    z.object({
      file: z.string(),
      table: z.string(),
      format: z.string().optional(),
      adapter: z.string().optional(),
      /** The text encoding the file was read in (utf8, utf16le, utf16be, windows-1252). */
      encoding: z.string().optional(),
      /** Physical lines in the file: the header, blank lines and every record's lines (null for Parquet). */
      lines: count.nullable().optional(),
      rows: count,
      accepted: count,
      rejected: count,
      duplicates: count,
      /** Leads rows accepted as a new version of a lead an earlier file loaded (a part of accepted). */
      updated: count.optional(),
    }),
  ).describe('one row per input file: rows = accepted + rejected + duplicates; updated (a part of accepted) counts leads rows that update a lead an earlier file loaded'),
  ignored_files: z
    .array(z.object({ file: z.string(), why: z.string() }))
    .default([])
    .describe('files of the input folder that were not read, and why'),
});

/** The parts report.json repeats: docs/report.schema.json names each once, in its definitions. */
export const reportParts = {
  count,
  fraction,
  date: isoDate,
  cohort_row: cohortRow,
  decomposition_row: decompositionRow,
  studio_count: studioCount,
};

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
