/**
 * The SQL the catalog generates. A model file names a generated part as `{{ name }}` (as dbt's
 * macros do), and worker/models.ts puts the text in before the model runs; the rest of each model
 * stays a visible SQL file.
 */
import { CAUSE_CATALOG, CAUSES, type Cause, type CauseEntry } from './causes.ts';
import { CHECK_CATALOG, CHECKS, type CheckEntry } from './checks.ts';
import { DIMENSION_CATALOG, DIMENSIONS, type DimensionEntry } from './dimensions.ts';
import { RISK_FACTOR_CATALOG, RISK_FACTORS } from './risk.ts';

const dimension = (name: (typeof DIMENSIONS)[number]): DimensionEntry => DIMENSION_CATALOG[name];

/**
 * The cohort keys of a reached message, as columns named after their dimension, each stored as
 * its ENUM (for the select list of int_messages_cohorts, over its `facts` step).
 */
export function cohortKeyColumns(): string {
  return DIMENSIONS.map((d) => `cast(${keySql(d, `e_${d}`)} as e_${d}) as ${d}`).join(',\n        ');
}

/** A dimension's key SQL with its typed literals (`::KEY`) of the given type. */
export function keySql(d: (typeof DIMENSIONS)[number], type: string): string {
  return dimension(d).sql.replaceAll('::KEY', `::${type}`);
}

/** The fact columns a key column replaces (a key named like a stored value, such as consent). */
export function replacedColumns(): string[] {
  return DIMENSIONS.filter((d) => new RegExp(`\\b${d}\\b`).test(dimension(d).sql));
}

/**
 * The ENUM type of each dimension's keys: a fixed dimension's keys in the catalog's order; an open
 * one's from its domain query. The fact table, which uses them, must be dropped first.
 */
export function keyTypesSql(): string {
  return DIMENSIONS.map((d) => {
    const e = dimension(d);
    const values = e.order === 'fixed' ? e.keys.map((k) => `'${k.key.replaceAll("'", "''")}'`).join(', ') : `select * from (${e.domain}) order by all`;
    return `drop type if exists e_${d};\ncreate type e_${d} as enum (${values});`;
  }).join('\n');
}

/**
 * cohort_counts, per dimension: messages and opt-outs first per lead and then per key, the key
 * turned back into its text only at the end (a few rows). One dimension at a time: a small hash
 * table each and no distinct counts.
 */
export function cohortCountsByDimension(): string {
  return DIMENSIONS.map(
    (d) => `select period, '${d}' as dimension, key::varchar as key,
        sum(reached)::integer as reached, sum(opt_outs)::integer as opt_outs,
        count(*)::integer as recipients, count(*) filter (where opt_outs > 0)::integer as opted_out_recipients,
    from (
        select period, ${d} as key, lead_no, count(*) as reached, sum(count_opt_outs) as opt_outs
        from in_period group by period, ${d}, lead_no
    )
    group by period, key`,
  ).join('\n    union all\n    ');
}

/** check_leads: one row per message (or request) that breaks a check, with whether it came late. */
export function checkRows(): string {
  return CHECKS.map((name) => {
    const c: CheckEntry = CHECK_CATALOG[name];
    const from = c.from === 'messages' ? 'checks' : 'requests';
    return `select '${name}' as "check", studio_id, lead_no, local_date, ${c.late ?? 'null::boolean'} as is_late from ${from} where ${c.flag}`;
  }).join('\n    union all\n    ');
}

/** The causes with a risk factor, in catalog order. */
export const FACTOR_CAUSES = CAUSES.filter((c) => CAUSE_CATALOG[c].factor !== null) as Exclude<Cause, 'irrelevant_content'>[];

export function factorSql(cause: Cause): string {
  const f = (CAUSE_CATALOG[cause] as CauseEntry).factor;
  if (f === null) throw new Error(`cause ${cause} has no risk factor`);
  return f;
}

/** The columns of int_messages_cohorts the risk factors read: cohort keys and is_... flags. */
export function factorColumns(): string[] {
  const words = new Set(FACTOR_CAUSES.flatMap((c) => factorSql(c).match(/\b[a-z_][a-z0-9_]*\b/g) ?? []));
  return [...words].filter((w) => w.startsWith('is_') || (DIMENSIONS as readonly string[]).includes(w)).sort();
}

/** The risk model's factors of a reached message, as columns named after them (over int_messages_cohorts). */
export function riskFactorColumns(): string {
  return RISK_FACTORS.map((f) => {
    const sql = RISK_FACTOR_CATALOG[f].sql;
    return sql === f ? f : `${sql} as ${f}`;
  }).join(',\n        ');
}

/** The risk factors as text (a key stored as an ENUM is grouped as one, turned into text after). */
export function riskFactorKeys(): string {
  return RISK_FACTORS.map((f) => `${f}::varchar as ${f}`).join(',\n        ');
}

/** Every generated part a model may name. */
export const GENERATED: Record<string, () => string> = {
  cohort_key_columns: cohortKeyColumns,
  replaced_columns: () => replacedColumns().join(', '),
  cohort_counts_by_dimension: cohortCountsByDimension,
  dimension_columns: () => DIMENSIONS.join(', '),
  check_rows: checkRows,
  risk_factor_columns: riskFactorColumns,
  risk_factor_names: () => RISK_FACTORS.join(', '),
  risk_factor_keys: riskFactorKeys,
  send_hour_band: () => RISK_FACTOR_CATALOG.send_hour_band.sql,
  // a lead's age and last-contact keys from is_known_lead, lead_age_days and engagement_days, as the fact table's
  score_day_keys: () => `${keySql('lead_age', 'varchar')} as lead_age,\n        ${keySql('engagement', 'varchar')} as engagement`,
};
