import path from 'node:path';
import { poissonUpperTail } from '../analysis/poisson.ts';
import { literal, type Db } from '../db.ts';
import { OptoutError } from '../errors.ts';
import { modelSql, paramsFor } from '../models.ts';
import { periodOf } from '../period.ts';
import { RISK_FACTORS } from '../catalog/index.ts';
import { fitRiskModel, predict, riskCells, type RiskCell, type RiskModel } from '../analysis/risk.ts';
import { auc, brierScores, type PredictedGroup } from '../analysis/metrics.ts';

/**
 * `optout score --backtest YYYY-MM`: the risk model fitted on the reached texts of the local dates
 * before the month, then asked for each reached text of the month (with the text's own factors)
 * the chance of an opt-out. Written to backtest.csv (message_id, predicted, opted_out), and
 * judged: the AUC, the Brier score and its skill against predicting the month's overall rate for
 * every text, and the calibration by decile of the predictions (predicted against observed
 * opt-outs). The month's texts are predicted per cell (texts with the same factors), and each
 * text's prediction is its cell's, joined back in DuckDB.
 */
export interface Decile {
  decile: number;
  messages: number;
  /** The predicted opt-outs of the decile's texts (the sum of their chances). */
  predicted: number;
  observed: number;
  min_predicted: number;
  max_predicted: number;
}

export interface BacktestResult {
  month: string;
  fitted_on: { start: string; end: string; reached: number; opted_out: number };
  messages: number;
  opted_out: number;
  predicted: number;
  auc: number | null;
  brier: number;
  /** The Brier score of predicting the month's overall rate for every text. */
  brier_reference: number;
  /** 1 - brier / brier_reference. */
  brier_skill: number | null;
  deciles: Decile[];
  /**
   * The month's opt-outs against the total predicted, as Poisson counts: 'as_predicted' unless
   * the observed count is beyond chance (a tail under 1 in 1,000) above ('more') or below ('fewer').
   * A month with trouble of a new kind (a bought list, a win-back blast) is 'more': nothing before
   * it showed that risk.
   */
  total: { verdict: 'as_predicted' | 'more' | 'fewer'; tail: number };
  fit_seconds: number;
}

/** How far from chance a backtest's total is: below this tail, the month is not as predicted. */
export const TOTAL_TAIL = 0.001;

/** The month's observed opt-outs against the predicted total (a Poisson count). */
export function totalVerdict(observed: number, predicted: number): BacktestResult['total'] {
  const above = poissonUpperTail(observed, predicted);
  const below = observed <= 0 ? Math.exp(-predicted) : 1 - poissonUpperTail(observed + 1, predicted);
  if (observed > predicted && above < TOTAL_TAIL) return { verdict: 'more', tail: above };
  if (observed < predicted && below < TOTAL_TAIL) return { verdict: 'fewer', tail: below };
  return { verdict: 'as_predicted', tail: Math.min(1, 2 * Math.min(above, below)) };
}

const dayBefore = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) - 86400e3).toISOString().slice(0, 10);

export async function backtest(db: Db, month: string, out: string): Promise<BacktestResult> {
  const { start, end } = periodOf(month);
  const span = await db.queryOne<{ first: string | null; last: string | null; in_month: number }>(
    `select strftime(min(local_date), '%Y-%m-%d') as first, strftime(max(local_date), '%Y-%m-%d') as last,
       count(*) filter (where local_date between $start::date and $end::date)::integer as in_month
     from int_messages_cohorts`,
    { start, end },
  );
  const covers = span.first ? `the export's reached texts cover ${span.first} to ${span.last}` : 'the export has no reached text';
  if (span.in_month === 0) throw new OptoutError(`--backtest ${month}: no reached text in that month (${covers})`);
  if (!span.first || span.first >= start) throw new OptoutError(`--backtest ${month}: no reached text before that month to fit the model on (${covers})`);

  const started = performance.now();
  const fitEnd = dayBefore(start);
  const model = fitRiskModel(await riskCells(db, span.first, fitEnd));
  const fitSeconds = (performance.now() - started) / 1000;

  const messagesSql = await modelSql('analysis/risk_messages');
  await db.exec(`create or replace temp table backtest_messages as ${messagesSql}`, paramsFor(messagesSql, { start, end }));
  const keys = RISK_FACTORS.join(', ');
  const cells = await db.query<RiskCell>(
    `select ${keys}, count(*)::integer as reached, count(*) filter (where is_opted_out)::integer as opted_out
     from backtest_messages group by all order by all`,
  );
  const groups = await writeCellPredictions(db, model, cells);
  await db.exec(`create or replace temp table backtest_scored as
    select m.message_no, c.predicted, m.is_opted_out
    from backtest_messages m join backtest_cells c using (${keys})`);
  await db.exec(`copy (
      select i.message_id, s.predicted, s.is_opted_out::integer as opted_out
      from backtest_scored s join int_messages_identified i using (message_no)
      order by i.sent_at, i.message_id
    ) to ${literal(path.join(out, 'backtest.csv'))} (format csv, header true)`);
  const deciles = await db.query<Decile>(`
    select decile::integer as decile, count(*)::integer as messages, sum(predicted)::double as predicted,
      count(*) filter (where is_opted_out)::integer as observed,
      min(predicted)::double as min_predicted, max(predicted)::double as max_predicted
    from (select *, ntile(10) over (order by predicted, message_no) as decile from backtest_scored)
    group by decile order by decile`);
  await db.exec('drop table backtest_scored; drop table backtest_cells; drop table backtest_messages');

  const scores = brierScores(groups);
  const observed = groups.reduce((s, g) => s + g.y, 0);
  const predicted = groups.reduce((s, g) => s + g.n * g.predicted, 0);
  return {
    month,
    fitted_on: { start: span.first, end: fitEnd, reached: model.reached, opted_out: model.opted_out },
    messages: groups.reduce((s, g) => s + g.n, 0),
    opted_out: observed,
    predicted,
    auc: auc(groups),
    brier: scores.brier,
    brier_reference: scores.reference,
    brier_skill: scores.skill,
    deciles,
    total: totalVerdict(observed, predicted),
    fit_seconds: fitSeconds,
  };
}

/** Each cell's predicted chance, as a table to join the month's texts with (backtest_cells). */
async function writeCellPredictions(db: Db, model: RiskModel, cells: RiskCell[]): Promise<PredictedGroup[]> {
  await db.exec(`create or replace temp table backtest_cells (${RISK_FACTORS.map((f) => `${f} varchar`).join(', ')}, predicted double)`);
  const appender = await db.appender('backtest_cells');
  const groups: PredictedGroup[] = [];
  for (const c of cells) {
    const predicted = predict(model, c);
    for (const f of RISK_FACTORS) appender.appendVarchar(c[f]);
    appender.appendDouble(predicted);
    appender.endRow();
    groups.push({ predicted, n: c.reached, y: c.opted_out });
  }
  appender.closeSync();
  return groups;
}
