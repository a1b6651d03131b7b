import { readFile } from 'node:fs/promises';
import type { Config } from './config.ts';
import type { Db, Params } from './db.ts';
import { createBusinessCalendar } from './analysis/calendar.ts';
import { writeFreeTextVerdicts } from './analysis/freetext.ts';
import { dropStaged } from './ingest/staging.ts';
import { coveredMonth, monthEnd, reviewPeriod, shiftMonth, type Months } from './period.ts';
import { REPLY_MACROS } from './analysis/replies.ts';
import { GENERATED, keyTypesSql } from './catalog/sql.ts';

/**
 * The ordered list of SQL models (worker/sql/<layer>/<name>.sql). The runner wraps each in
 * `create or replace table <name> as` (or `view`, see isView), passing only the `$parameters` a
 * model uses.
 */
export const INTERMEDIATE_MODELS: readonly string[] = [
  'intermediate/int_studios',
  'intermediate/int_local_offsets',
  'intermediate/int_leads',
  'intermediate/int_leads_by_phone',
  'intermediate/int_messages_identified',
  'intermediate/int_opt_out_events',
  'intermediate/int_opt_outs_attributed',
  'intermediate/int_opt_out_requests',
  'intermediate/int_deactivated_numbers',
  'intermediate/int_message_history_checks',
  'intermediate/int_messages_cohorts',
];

/** Marts depend on the review period, known once the intermediate models have run. */
export const MART_MODELS: readonly string[] = [
  'marts/review_periods',
  'marts/cohort_counts',
  'marts/period_totals',
  'marts/daily_series',
  'marts/daily_trend',
  'marts/deliverability',
  'marts/check_leads',
  'marts/compliance_counts',
  'marts/suppression_list',
  'marts/policy_savings',
  'marts/action_stops',
  'marts/provider_evidence',
  'marts/outbound_days',
  'marts/history_months',
  'marts/opt_out_spells',
  'marts/leads_created',
  'marts/monthly',
  'marts/delivery_outcomes',
  'marts/list_growth',
  'marts/opt_out_routes',
  'marts/uncounted_stops',
  'marts/campaign_results',
];

export const MODELS: readonly string[] = [...INTERMEDIATE_MODELS, ...MART_MODELS];

export function modelName(model: string): string {
  return model.split('/').pop() as string;
}

/** A model's SQL, with the parts the catalog generates (`{{ name }}`) put in. */
export async function modelSql(model: string): Promise<string> {
  return expandGenerated(await readFile(new URL(`./sql/${model}.sql`, import.meta.url), 'utf8'), model);
}

export function expandGenerated(sql: string, model: string): string {
  return sql.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_m, name: string) => {
    const part = GENERATED[name];
    if (!part) throw new Error(`${model}.sql: {{ ${name} }} is not a part the catalog generates`);
    return part();
  });
}

/** The parameters a SQL text refers to, taken from `all`. A missing one is a programming error. */
export function paramsFor(sql: string, all: Params): Params {
  const names = new Set([...sql.matchAll(/\$([a-z_][a-z0-9_]*)/gi)].map((m) => m[1] as string));
  const out: Params = {};
  for (const n of names) {
    if (!(n in all)) throw new Error(`SQL parameter $${n} has no value`);
    out[n] = all[n] as Params[string];
  }
  return out;
}

/** A model whose first line is `-- materialized: view` is a view: cheap expressions, read where used. */
export function isView(sql: string): boolean {
  return sql.startsWith('-- materialized: view');
}

/**
 * A letter or digit by its code point (for whole-word tests): ASCII letters and digits, and the
 * letters of other scripts (from U+00C0, but for x and the division sign, below the punctuation
 * block at U+2000; the CJK blocks; the supplementary planes below the emoji). Give it a column,
 * not an expression: a macro repeats its argument once per use.
 */
const WORD_MACROS = `create or replace temp macro is_word_code(a) as (a between 48 and 57) or (a between 65 and 90) or (a between 97 and 122)
  or (a between 192 and 8191 and a not in (215, 247)) or (a between 12352 and 65023) or (a between 65536 and 126975)`;

/**
 * Macros the models share. lead_no is the 64-bit number for a (studio, lead_key) pair that
 * int_leads, int_messages_identified and int_opt_out_events must compute alike: the joins,
 * windows and distinct counts over millions of rows run on it rather than on two strings. The
 * reply macros read inbound bodies as keywords and as free text (analysis/replies.ts).
 */
export const MACROS = `create or replace temp macro lead_no(studio_id, lead_key) as hash(studio_id, lead_key);
${REPLY_MACROS};
${WORD_MACROS}`;

/**
 * What must exist before a model runs, beyond the models before it: the fact table stores its
 * cohort keys as ENUM types made from the catalog (and, for open dimensions, from the data), so
 * they are made first, after the fact table of a previous run that uses them is dropped.
 */
export const BEFORE: Record<string, (db: Db) => Promise<void>> = {
  'intermediate/int_messages_cohorts': async (db) => {
    const old = await db.query<{ kind: string }>(
      `select 'table' as kind from duckdb_tables() where table_name = 'int_messages_cohorts' and not temporary
       union all select 'view' from duckdb_views() where view_name = 'int_messages_cohorts' and not temporary`,
    );
    for (const { kind } of old) await db.exec(`drop ${kind} int_messages_cohorts`);
    await db.exec(keyTypesSql());
  },
};

/**
 * Runs models in order. In a database file (--db) the models are temporary tables: every run
 * computes them again from the staged rows, so writing them to the file (and compressing them)
 * would only cost time; the file keeps the loaded rows. A model table an earlier version of
 * optout wrote into the file is dropped.
 */
export async function runModels(db: Db, params: Params, models: readonly string[]): Promise<void> {
  await db.exec(MACROS);
  const temp = db.persistent ? 'temp ' : '';
  for (const model of models) {
    const name = modelName(model);
    if (db.persistent) {
      const old = await db.query<{ kind: string }>(
        `select 'table' as kind from duckdb_tables() where table_name = $name and not temporary
         union all select 'view' from duckdb_views() where view_name = $name and not temporary`,
        { name },
      );
      for (const { kind } of old) await db.exec(`drop ${kind} main.${name}`);
    }
    await BEFORE[model]?.(db);
    const sql = await modelSql(model);
    if (isView(sql)) await db.exec(`create or replace ${temp}view ${name} as\n${sql}`);
    else await db.exec(`create or replace ${temp}table ${name} as\n${sql}`, paramsFor(sql, params));
  }
}

/**
 * Step 2 of the pipeline (worker/run.ts): every model, in order. The intermediate models and the
 * fact table first; then the review month, which the marts are computed for.
 */
export async function buildModels(db: Db, config: Config): Promise<Months> {
  await buildFacts(db, config);
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
      // the year of history: the review month and the eleven before it
      history_start: `${shiftMonth(period.month, -11)}-01`,
      history_end: monthEnd(period.month),
    },
    MART_MODELS,
  );
  return { period, previous, coverage };
}

/**
 * The intermediate models, the fact table last: what every mart reads, and all `optout score`
 * needs (it reviews no month).
 */
export async function buildFacts(db: Db, config: Config): Promise<void> {
  await createBusinessCalendar(db);
  await db.unordered(async () => {
    // In memory, the staged messages are freed as soon as int_messages_identified has read them:
    // the memory limit then holds the wide tables that follow without spilling.
    const split = INTERMEDIATE_MODELS.indexOf('intermediate/int_messages_identified') + 1;
    await runModels(db, intermediateParams(config), INTERMEDIATE_MODELS.slice(0, split));
    if (!config.db) await dropStaged(db, 'messages');
    // int_opt_out_requests joins the classifier's verdicts on the distinct inbound replies.
    await writeFreeTextVerdicts(db);
    await runModels(db, intermediateParams(config), INTERMEDIATE_MODELS.slice(split));
  });
}

function intermediateParams(config: Config): Params {
  return { default_timezone: config.timezone, attribution_hours: config.attributionHours, blast_size: config.blastSize };
}
