import { Db, type Params } from '../../worker/db.ts';
import { BEFORE, MACROS, modelSql, paramsFor } from '../../worker/models.ts';

/**
 * One model run alone on given rows, as a dbt unit test runs a model: each table the model reads
 * is created with the columns it is given (SQL types) and holds the given rows, nothing else; the
 * model's SQL (its catalog parts filled in) runs over them, and its rows come back sorted.
 */
export interface GivenTable {
  columns: Record<string, string>;
  rows: Record<string, string | number | boolean | null>[];
}

export async function runModel(
  model: string,
  given: Record<string, GivenTable>,
  params: Params = {},
  /** Models built first on the given rows, in order: the model's upstream a test does not give. */
  upstream: readonly string[] = [],
): Promise<Record<string, unknown>[]> {
  const db = await Db.open(null);
  try {
    await db.exec(MACROS);
    for (const [name, table] of Object.entries(given)) {
      const columns = Object.entries(table.columns);
      await db.exec(`create table ${name} (${columns.map(([c, type]) => `"${c}" ${type}`).join(', ')})`);
      for (const row of table.rows) {
        for (const key of Object.keys(row)) if (!(key in table.columns)) throw new Error(`${name}: row has "${key}", not a given column`);
        const values: Params = {};
        columns.forEach(([c], i) => {
          values[`c${i}`] = row[c] ?? null;
        });
        await db.exec(`insert into ${name} select ${columns.map(([, type], i) => `$c${i}::${type}`).join(', ')}`, values);
      }
    }
    // what the runner makes before the model (the fact table's key types), from the given tables
    for (const up of upstream) {
      const upSql = await modelSql(up);
      await db.exec(`create table ${up.split('/').pop()} as\n${upSql}`, paramsFor(upSql, params));
    }
    await BEFORE[model]?.(db);
    const sql = await modelSql(model);
    await db.exec(`create table model_output as\n${sql}`, paramsFor(sql, params));
    return await db.query(`select * from model_output order by all`);
  } finally {
    db.close();
  }
}

/** What monthly, delivery_outcomes and list_growth read beside the messages: the days and months with texts. */
export const HISTORY_GRID: readonly string[] = ['marts/outbound_days', 'marts/history_months'];

/** What monthly and list_growth read beside the given tables: the grid, the leads' opt-out spells and their creation counts. */
export const HISTORY_LISTS: readonly string[] = [...HISTORY_GRID, 'marts/opt_out_spells', 'marts/leads_created'];

/** review_periods for a review month and the month before it. */
export const REVIEW_PERIODS: GivenTable = {
  columns: { period: 'varchar', starts_on: 'date', ends_on: 'date' },
  rows: [
    { period: 'current', starts_on: '2026-03-01', ends_on: '2026-03-31' },
    { period: 'previous', starts_on: '2026-02-01', ends_on: '2026-02-28' },
  ],
};
