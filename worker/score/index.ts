import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScoreConfig } from '../config.ts';
import type { Db } from '../db.ts';
import { ingest, type IngestResult } from '../ingest/index.ts';
import { buildFacts, modelSql, paramsFor, runModels } from '../models.ts';
import { openDb, type RunEffects } from '../run.ts';
import { stageOut } from '../output.ts';
import { VERSION } from '../version.ts';
import { RISK_FACTOR_CATALOG, RISK_FACTORS, SCORE_ACTIONS, type RiskFactor, type ScoreAction } from '../catalog/index.ts';
import { contributions, fitRiskModel, predict, riskCells, type RiskKeys, type RiskModel } from '../analysis/risk.ts';
import { scoreAction } from './actions.ts';
import { backtest, type BacktestResult } from './backtest.ts';
import { leadsInput, loadLeadsFile, type LeadsFile } from './leads.ts';
import { scoresPage } from './page.ts';

/**
 * `optout score`: before new leads are added or texted, each one's chance that a first text gets
 * an opt-out, the facts about it that raise that chance most, and what to do first
 * (score/actions.ts); and, with --backtest, how well the same model predicted a month it had not
 * seen (score/backtest.ts). The export is loaded and modelled as by `optout run` up to the fact
 * table (no month is reviewed); the model is analysis/risk.ts's. Everything is written into a
 * folder beside --out and swapped in whole, as a report is (output.ts).
 */

export interface ScoredLead {
  record_no: number;
  studio_id: string;
  lead_id: string;
  phone: string;
  keys: RiskKeys;
  lead_age_days: number;
  engagement_days: number | null;
  studio_rate: number;
  is_known_studio: boolean;
  do_not_text: string | null;
  chance: number;
  action: ScoreAction;
  why: string;
  /** The (at most two) facts about the lead that raise its chance most above a typical text, with the odds multiplier. */
  factors: { factor: RiskFactor; key: string; times: number }[];
}

export interface ScoreSummary {
  leads: number;
  by_action: Record<ScoreAction, number>;
  /** The opt-outs expected if every lead got its first text, and if only those marked send did. */
  expected_all: number;
  expected_send: number;
}

export interface ScoreResult {
  ingested: IngestResult;
  fitted_on: { start: string; end: string; reached: number; opted_out: number; cells: number };
  fit_seconds: number;
  leads: {
    file: string;
    as_of: string;
    summary: ScoreSummary;
    rows: number;
    rejected: number;
    duplicates: number;
    /** The rows not scored, with their line and reason. */
    rejected_rows: { line: number | null; reason: string }[];
  } | null;
  backtest: BacktestResult | null;
  seconds: number;
}

/** The facts about a lead a score names as its reasons (not the assumptions about the text). */
const LEAD_FACTORS = RISK_FACTORS.filter((f) => RISK_FACTOR_CATALOG[f].ofLead);

interface LeadRow extends RiskKeys {
  record_no: number;
  studio_id: string;
  lead_id: string;
  phone: string;
  lead_age_days: number;
  engagement_days: number | null;
  studio_rate: number | null;
  is_known_studio: boolean;
  do_not_text: string | null;
}

export function scoreLeads(model: RiskModel, rows: readonly LeadRow[]): ScoredLead[] {
  return rows.map((r) => {
    const keys = Object.fromEntries(RISK_FACTORS.map((f) => [f, r[f]])) as RiskKeys;
    const chance = predict(model, keys);
    const studioRate = r.studio_rate ?? 0;
    const { action, why } = scoreAction({ doNotText: r.do_not_text, consent: keys.consent, engagementDays: r.engagement_days, chance, studioRate });
    const factors = contributions(model, keys, LEAD_FACTORS)
      .filter((c) => c.effect > 1e-9)
      .slice(0, 2)
      .map((c) => ({ factor: c.factor, key: c.key, times: Math.exp(c.effect) }));
    return {
      record_no: r.record_no,
      studio_id: r.studio_id,
      lead_id: r.lead_id,
      phone: r.phone,
      keys,
      lead_age_days: r.lead_age_days,
      engagement_days: r.engagement_days,
      studio_rate: studioRate,
      is_known_studio: r.is_known_studio,
      do_not_text: r.do_not_text,
      chance,
      action,
      why,
      factors,
    };
  });
}

export function summarise(leads: readonly ScoredLead[]): ScoreSummary {
  const by_action = Object.fromEntries(SCORE_ACTIONS.map((a) => [a, 0])) as Record<ScoreAction, number>;
  let all = 0;
  let send = 0;
  for (const l of leads) {
    by_action[l.action] += 1;
    all += l.chance;
    if (l.action === 'send') send += l.chance;
  }
  return { leads: leads.length, by_action, expected_all: all, expected_send: send };
}

const csvCell = (v: string | number | boolean | null): string => {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

const SCORE_COLUMNS = [
  'studio_id', 'lead_id', 'phone', 'action', 'why', 'chance', 'studio_rate',
  'factor_1', 'factor_1_times', 'factor_2', 'factor_2_times',
  ...RISK_FACTORS.filter((f) => f !== 'studio'),
  'lead_age_days', 'engagement_days',
] as const;

/** scores.csv: one row per lead, in the leads file's order. Holds full numbers: for the CRM, not for sharing. */
export function scoresCsv(leads: readonly ScoredLead[]): string {
  const lines = [SCORE_COLUMNS.join(',')];
  for (const l of leads) {
    const f = (i: number): [string | null, string | null] => {
      const x = l.factors[i];
      return x ? [`${x.factor}:${x.key}`, x.times.toFixed(2)] : [null, null];
    };
    const [f1, t1] = f(0);
    const [f2, t2] = f(1);
    const values: (string | number | null)[] = [
      l.studio_id, l.lead_id, l.phone, l.action, l.why, Number(l.chance.toPrecision(6)), Number(l.studio_rate.toPrecision(6)),
      f1, t1, f2, t2,
      ...RISK_FACTORS.filter((x) => x !== 'studio').map((x) => l.keys[x]),
      l.lead_age_days, l.engagement_days,
    ];
    lines.push(values.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

async function coverageOf(db: Db): Promise<{ first: string; last: string; latest: string | null }> {
  return db.queryOne(`select strftime(min(local_date), '%Y-%m-%d') as first, strftime(max(local_date), '%Y-%m-%d') as last,
      (select strftime(max(sent_at), '%Y-%m-%dT%H:%M:%S.%gZ') from int_messages_identified) as latest
    from int_messages_cohorts`);
}

export async function score(config: ScoreConfig, effects: RunEffects): Promise<ScoreResult> {
  const started = performance.now();
  const out = await stageOut(
    config.out,
    [
      { flag: '--input', path: config.input },
      { flag: '--db', path: config.db },
      { flag: '--leads', path: config.leads },
    ],
    'scores',
  );
  try {
    // the leads file is checked before the export is read
    const leadsFile = config.leads ? await leadsInput(config.leads) : null;
    const db = await openDb(config);
    let result: ScoreResult;
    try {
      const ingested = await ingest(db, config, effects);
      effects.progress('computing the tables');
      await buildFacts(db, config);
      const coverage = await coverageOf(db);
      let leads: ScoreResult['leads'] = null;
      let fittedOn: ScoreResult['fitted_on'] = { start: coverage.first, end: coverage.last, reached: 0, opted_out: 0, cells: 0 };
      let fitSeconds = 0;
      if (leadsFile) {
        effects.progress('scoring the leads');
        const fitStarted = performance.now();
        const cells = await riskCells(db, coverage.first, coverage.last);
        const model = fitRiskModel(cells);
        fitSeconds = (performance.now() - fitStarted) / 1000;
        fittedOn = { start: coverage.first, end: coverage.last, reached: model.reached, opted_out: model.opted_out, cells: cells.length };
        const scratch = await mkdtemp(path.join(out.dir, '.leads-'));
        try {
          const file = await loadLeadsFile(db, config, leadsFile, scratch, effects);
          const asOf = config.asOf ?? (await defaultAsOf(db, coverage.latest));
          const scored = await scoreFile(db, config, model, asOf);
          const summary = summarise(scored);
          await writeFile(path.join(out.dir, 'scores.csv'), scoresCsv(scored));
          await writeRejectedLeads(out.dir, file);
          await writeFile(
            path.join(out.dir, 'scores.html'),
            scoresPage({
              file: file.stats.file,
              summary,
              leads: scored,
              rejected: file.rejected,
              duplicates: file.stats.duplicates,
              asOf,
              fittedOn,
              generatedBy: `optout ${VERSION}`,
            }),
          );
          leads = {
            file: file.stats.file,
            as_of: asOf,
            summary,
            rows: file.stats.rows,
            rejected: file.stats.rejected,
            duplicates: file.stats.duplicates,
            rejected_rows: file.rejected.map(({ line, reason }) => ({ line, reason })),
          };
        } finally {
          await rm(scratch, { recursive: true, force: true });
        }
      }
      let tested: BacktestResult | null = null;
      if (config.backtest) {
        effects.progress(`backtesting ${config.backtest}`);
        tested = await backtest(db, config.backtest, out.dir);
        await writeFile(path.join(out.dir, 'backtest.json'), `${JSON.stringify(tested, null, 1)}\n`);
      }
      result = { ingested, fitted_on: fittedOn, fit_seconds: fitSeconds, leads, backtest: tested, seconds: 0 };
    } finally {
      db.close();
    }
    await out.commit();
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    await out.discard();
  }
}

/**
 * The scoring time when --as-of gives none: the latest time the data knows, of the export's
 * messages and the leads file's timestamps, so no lead of the file is dated after its first text.
 */
async function defaultAsOf(db: Db, latestMessage: string | null): Promise<string> {
  const { latest } = await db.queryOne<{ latest: string | null }>(
    `select strftime(max(greatest(created_at, consent_at, last_engaged_at)), '%Y-%m-%dT%H:%M:%S.%gZ') as latest from score_leads`,
  );
  const times = [latestMessage, latest].filter((t): t is string => t !== null).sort();
  return times[times.length - 1] ?? new Date(0).toISOString();
}

/** The loaded leads (score_leads) with their factors for a first text at `asOf`, scored. */
async function scoreFile(db: Db, config: ScoreConfig, model: RiskModel, asOf: string): Promise<ScoredLead[]> {
  await runModels(db, {}, ['marts/suppression_list']);
  const sql = await modelSql('analysis/score_leads');
  const rows = await db.query<LeadRow>(sql, paramsFor(sql, { as_of: asOf, default_timezone: config.timezone }));
  return scoreLeads(model, rows);
}

/** rejected_leads.csv: the leads file's rows that were not scored, with line and reason (and values: not for sharing). */
async function writeRejectedLeads(dir: string, file: LeadsFile): Promise<void> {
  const lines = ['file,line,reason,record', ...file.rejected.map((r) => [file.stats.file, r.line, r.reason, r.record].map(csvCell).join(','))];
  await writeFile(path.join(dir, 'rejected_leads.csv'), `${lines.join('\n')}\n`);
}
