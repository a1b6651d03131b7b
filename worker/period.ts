import type { Config } from './config.ts';
import type { Db } from './db.ts';
import { OptoutError } from './errors.ts';

/**
 * The review month and the months around it (SPEC section 3): which month a run reviews, the one
 * it is compared with, and the dates of each the export covers.
 */

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

export function periodOf(month: string): Month {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { month, start: `${month}-01`, end: `${month}-${String(last).padStart(2, '0')}` };
}

/** A month with the dates of it the export covers. */
export function coveredMonth(month: string, coverage: Coverage): CoveredMonth {
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
      `${config.input ?? config.db}: no message was accepted, so there is no month to review (optout ingest --input ${config.input ?? 'DIR'} --out DIR lists the rejected rows in DIR/tables/rejected_rows.csv)`,
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
      if (!latest) throw new OptoutError(`${config.input ?? config.db}: no text reached a lead, so there is no month to review (${covers})`);
      month = latest;
    }
  }
  return { period: coveredMonth(month, coverage) as Period, coverage };
}

/** The last day of a month, YYYY-MM-DD. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The review month, the month before it (for comparisons) and the dates the export covers. */
export interface Months {
  period: Period;
  previous: CoveredMonth;
  coverage: Coverage;
}
