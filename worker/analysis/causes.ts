import type { Db } from '../db.ts';
import { CAUSE_CATALOG, CAUSES, DIMENSIONS, keyWords, type Cause, type Dimension } from '../catalog/index.ts';
import { factorColumns, factorSql, FACTOR_CAUSES } from '../catalog/sql.ts';
import { day, int, pct } from '../catalog/format.ts';
import { allocateExcess, type Cell } from './attribution.ts';

export { CAUSES, type Cause };
import type { Spike } from './spikes.ts';

/**
 * Why a spike happened. The spike's excess (its opt-outs minus what its baseline rate predicts)
 * is split two ways:
 *
 * 1. Along every cohort dimension, Kitagawa's decomposition: for each cohort k with window share
 *    w, rate r and baseline share w', rate r', its part of the excess is
 *      N * (w - w') * (r + r') / 2     (mix: more messages went to this cohort)
 *    + N * (r - r') * (w + w') / 2     (rate: this cohort opted out more than it used to)
 *    and the parts add up to the excess exactly. The site draws these.
 * 2. Along the RISK FACTORS a known cause points to (unverified consent, cold leads, a blast to
 *    an old list, high frequency, quiet hours, no personalisation, a lead who opted out before,
 *    an opt-out that was ignored), and the campaign with the most extra opt-outs (IRRELEVANT
 *    CONTENT: what a single campaign carries that no targeting factor explains), the excess is
 *    allocated once, each extra opt-out to one cause at most, by one Poisson regression over the
 *    window's and the baseline's messages (analysis/attribution.ts has the model and the rule).
 *
 * Baseline rates are smoothed toward the baseline's overall rate by one pseudo opt-out, so a
 * factor never seen before the spike is compared with the overall rate, not with zero.
 */


/** What fixes each cause (the catalog's words). */
export const ACTIONS: Record<Cause, string> = Object.fromEntries(CAUSES.map((c) => [c, CAUSE_CATALOG[c].action])) as Record<Cause, string>;

/** The columns of int_messages_cohorts the risk factors read (catalog/causes.ts). */
const FACTOR_COLUMNS = factorColumns();
/** Those that are not already cohort keys. */
const FLAG_COLUMNS = FACTOR_COLUMNS.filter((c) => !(DIMENSIONS as readonly string[]).includes(c));

/**
 * A cause is listed when it carries at least this share of the excess and its messages drew this
 * many opt-outs; a spike with at least `alwaysOneAbove` extra opt-outs names its most likely
 * cause even when none reaches the share.
 */
export const CAUSE_THRESHOLDS = { minShare: 0.1, minOptOuts: 3, alwaysOneAbove: 10 } as const;

export interface CauseRow {
  cause: Cause;
  dimension: Dimension;
  key: string;
  excess_opt_outs: number;
  share: number;
  evidence: string;
  action: string;
}

export interface DecompositionRow {
  key: string;
  reached: number;
  opt_outs: number;
  baseline_reached: number;
  baseline_opt_outs: number;
  mix: number;
  rate: number;
  total: number;
}

export interface Explanation {
  causes: CauseRow[];
  /** Per dimension, the cohorts carrying the most excess (mix + rate), largest first. */
  decomposition: Record<Dimension, DecompositionRow[]>;
}

interface Counts {
  n: number;
  x: number;
}


/** Kitagawa's split of the excess along one dimension. */
export function kitagawa(
  window: Map<string, Counts>,
  baseline: Map<string, Counts>,
  baselineRate: number,
): DecompositionRow[] {
  const N = [...window.values()].reduce((s, c) => s + c.n, 0);
  const Nb = [...baseline.values()].reduce((s, c) => s + c.n, 0);
  if (N === 0) return [];
  const k = baselineRate > 0 ? 1 / baselineRate : 0;
  const keys = new Set([...window.keys(), ...baseline.keys()]);
  const rows: DecompositionRow[] = [];
  for (const key of keys) {
    const w = window.get(key) ?? { n: 0, x: 0 };
    const b = baseline.get(key) ?? { n: 0, x: 0 };
    const ws = w.n / N;
    const bs = Nb > 0 ? b.n / Nb : 0;
    const r = w.n > 0 ? w.x / w.n : 0;
    const rb = (b.x + k * baselineRate) / (b.n + k || 1);
    const mix = (N * (ws - bs) * (r + rb)) / 2;
    const rate = (N * (r - rb) * (ws + bs)) / 2;
    rows.push({ key, reached: w.n, opt_outs: w.x, baseline_reached: b.n, baseline_opt_outs: b.x, mix, rate, total: mix + rate });
  }
  // ties broken by key, so the output does not depend on the order SQL returned the rows in
  return rows.sort((a, b) => b.total - a.total || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The cohorts carrying most excess either way; the rest folded into one "(other)" row. */
export function topRows(rows: DecompositionRow[], keep = 8): DecompositionRow[] {
  if (rows.length <= keep) return rows;
  const byWeight = [...rows].sort((a, b) => Math.abs(b.total) - Math.abs(a.total) || (a.key < b.key ? -1 : 1));
  const kept = new Set(byWeight.slice(0, keep - 1));
  const rest = rows.filter((r) => !kept.has(r));
  const other = rest.reduce(
    (o, r) => ({
      ...o,
      reached: o.reached + r.reached,
      opt_outs: o.opt_outs + r.opt_outs,
      baseline_reached: o.baseline_reached + r.baseline_reached,
      baseline_opt_outs: o.baseline_opt_outs + r.baseline_opt_outs,
      mix: o.mix + r.mix,
      rate: o.rate + r.rate,
      total: o.total + r.total,
    }),
    { key: `(${rest.length} others)`, reached: 0, opt_outs: 0, baseline_reached: 0, baseline_opt_outs: 0, mix: 0, rate: 0, total: 0 },
  );
  return [...rows.filter((r) => kept.has(r)), other];
}

interface SpikeDays {
  studioId: string | null;
  window: string[];
  baseline: string[];
}

/**
 * Loads the spike's window and baseline days into a temp table the queries join on, one row per
 * studio and date (an overall spike lists every studio), so the join is a plain equi-join.
 */
async function loadDays(db: Db, spikes: SpikeDays[]): Promise<void> {
  const studios = (await db.query<{ studio_id: string }>(`select studio_id from int_studios order by studio_id`)).map((r) => r.studio_id);
  await db.exec(`create or replace temp table spike_days (spike_no integer, part varchar, studio_id varchar, local_date date)`);
  const appender = await db.appender('spike_days');
  spikes.forEach((s, i) => {
    for (const [part, dates] of [
      ['window', s.window],
      ['baseline', s.baseline],
    ] as const) {
      for (const studio of s.studioId === null ? studios : [s.studioId]) {
        for (const d of dates) {
          appender.appendInteger(i);
          appender.appendVarchar(part);
          appender.appendVarchar(studio);
          appender.appendVarchar(d);
          appender.endRow();
        }
      }
    }
  });
  appender.closeSync();
}

const JOIN_DAYS = `join spike_days d on d.local_date = m.local_date and d.studio_id = m.studio_id`;

/** Explains every spike of a list (all of one run, in one pass over the messages). */
export async function explainSpikes(db: Db, spikes: (Spike & { studio_id: string | null })[]): Promise<Explanation[]> {
  if (spikes.length === 0) return [];
  await loadDays(db, spikes.map((s) => ({ studioId: s.studio_id, window: s.days.map((d) => d.date), baseline: s.baseline_dates })));
  // Each (studio, day) any spike needs is summarised once: per cohort, and per risk factor.
  // A spike's window and baseline are then sums of those days (spikes overlap, days do not).
  const factorNames = FACTOR_CAUSES;
  // One read of the spike days: messages sharing every cohort key and every risk factor are
  // counted together (an overall spike's baseline is eight weeks of every studio, most of the
  // messages), and both summaries below are sums over these combinations.
  await db.exec(`create or replace temp table spike_day_combos as
    select studio_id, local_date, ${DIMENSIONS.join(', ')}, ${FLAG_COLUMNS.join(', ')},
      count(*) as n, sum(count_opt_outs) as x
    from int_messages_cohorts m
    semi join (select distinct studio_id, local_date from spike_days) d using (studio_id, local_date)
    group by all`);
  const cohortRows = await db.query<{ spike_no: number; part: string; dimension: Dimension; key: string; n: number; x: number }>(`
    with per_day as (
      -- per studio, day and dimension; the key (an ENUM of the fact table) as text on these few rows
      ${DIMENSIONS.map((d) => `select studio_id, local_date, '${d}' as dimension, ${d}::varchar as key, sum(n) as n, sum(x) as x
        from spike_day_combos group by studio_id, local_date, ${d}`).join('\n      union all ')}
    )
    select d.spike_no, d.part, p.dimension, p.key, sum(p.n)::integer as n, sum(p.x)::integer as x
    from per_day p join spike_days d using (studio_id, local_date)
    group by all`);
  // Distinct leads, campaigns and import batches: only the windows' own messages.
  await db.exec(`create or replace temp table spike_window_messages as
    select d.spike_no, m.lead_no, m.count_opt_outs, m.is_missing_sender_id, m.lead_created_on,
      ${[...new Set(['campaign', 'lead_source', ...FACTOR_COLUMNS])].map((c) => `m.${c}`).join(', ')}
    from int_messages_cohorts m join spike_days d using (studio_id, local_date) where d.part = 'window'`);
  const leads = await db.query<Record<string, number> & { spike_no: number }>(`
    select spike_no, ${factorNames.map((f) => `count(distinct lead_no) filter (where ${factorSql(f)})::integer as "leads_${f}"`).join(', ')}
    from spike_window_messages group by spike_no`);
  const campaignRows = await db.query<{ spike_no: number; campaign: string; n: number; x: number; missing_sender: number }>(`
    select spike_no, campaign::varchar as campaign, count(*)::integer as n, sum(count_opt_outs)::integer as x,
      count(*) filter (where is_missing_sender_id)::integer as missing_sender
    from spike_window_messages
    group by all`);
  const batchRows = await db.query<{ spike_no: number; lead_source: string; created_on: string; leads: number; x: number }>(`
    select spike_no, coalesce(lead_source::varchar, 'unknown') as lead_source, strftime(lead_created_on, '%Y-%m-%d') as created_on,
      count(distinct lead_no)::integer as leads, sum(count_opt_outs)::integer as x
    from spike_window_messages
    where ${factorSql('unverified_consent')} and lead_created_on is not null
    group by all
    order by leads desc`);
  await db.exec('drop table spike_window_messages');

  // The campaign with the most extra opt-outs in each window, then the cells the allocation is
  // fitted on: per spike, part, combination of risk factors and (in the window) whether the
  // messages belong to that campaign.
  const rankedCampaigns = spikes.map((spike, i) =>
    campaignRows
      .filter((c) => c.spike_no === i)
      .map((c) => ({ ...c, excess: c.x - c.n * spike.baseline_rate }))
      .sort((a, b) => b.excess - a.excess || (a.campaign < b.campaign ? -1 : 1)),
  );
  const tops = rankedCampaigns.map((list) => list.find((c) => c.campaign !== '(none)')?.campaign ?? null);
  await db.exec(`create or replace temp table spike_top (spike_no integer, campaign varchar)`);
  const topAppender = await db.appender('spike_top');
  tops.forEach((campaign, i) => {
    if (campaign === null) return;
    topAppender.appendInteger(i);
    topAppender.appendVarchar(campaign);
    topAppender.endRow();
  });
  topAppender.closeSync();
  const cellRows = await db.query<Record<string, boolean | number | string> & { spike_no: number; part: string; top: boolean; n: number; x: number }>(`
    select d.spike_no, d.part, ${factorNames.map((f, j) => `coalesce(${factorSql(f)}, false) as "f${j}"`).join(', ')},
      coalesce(c.campaign::varchar = t.campaign, false) and d.part = 'window' as top,
      sum(c.n)::integer as n, sum(c.x)::integer as x
    from spike_day_combos c
    join spike_days d using (studio_id, local_date)
    left join spike_top t on t.spike_no = d.spike_no
    group by all
    -- in a fixed order: the fit sums floating-point numbers, and the report must not change
    order by all`);
  await db.exec('drop table spike_day_combos; drop table spike_top');

  return spikes.map((spike, i) => {
    const baselineRate = spike.baseline_rate;
    const counts = (part: string, dimension: Dimension): Map<string, Counts> =>
      new Map(cohortRows.filter((r) => r.spike_no === i && r.part === part && r.dimension === dimension).map((r) => [r.key, { n: r.n, x: r.x }]));
    const decomposition = Object.fromEntries(
      DIMENSIONS.map((d) => [d, topRows(kitagawa(counts('window', d), counts('baseline', d), baselineRate))]),
    ) as Record<Dimension, DecompositionRow[]>;
    const excess = spike.opt_outs - spike.expected_opt_outs;

    const cells: Cell[] = cellRows
      .filter((r) => r.spike_no === i)
      .map((r) => ({ window: r.part === 'window', factors: factorNames.map((_f, j) => r[`f${j}`] === true), topCampaign: r.top, n: r.n, x: r.x }));
    /** A factor's messages and opt-outs in one part, and in the window its distinct leads. */
    const factor = (f: string, part: string): Counts & { leads: number } => {
      const j = factorNames.indexOf(f as (typeof FACTOR_CAUSES)[number]);
      const mine = cells.filter((c) => c.window === (part === 'window') && c.factors[j]);
      const leadCount = part === 'window' ? (leads.find((x) => x.spike_no === i)?.[`leads_${f}`] ?? 0) : 0;
      return { n: mine.reduce((s, c) => s + c.n, 0), x: mine.reduce((s, c) => s + c.x, 0), leads: leadCount };
    };
    // Missing personalisation only explains what neither the audience nor the campaign does.
    const allocation = allocateExcess(cells, excess, baselineRate, factorNames.indexOf('no_personalization'));
    const scores = new Map<Cause, number>(factorNames.map((f, j) => [f, allocation.factors[j]?.total ?? 0]));
    const campaigns = rankedCampaigns[i] ?? [];
    const top = campaigns.find((c) => c.campaign === tops[i]);
    scores.set('irrelevant_content', top ? allocation.campaign : 0);

    const denominator = Math.max(excess, 1e-9);
    const rows: CauseRow[] = [];
    const optOutsOf = (cause: Cause): number => (cause === 'irrelevant_content' ? (top?.x ?? 0) : factor(cause, 'window').x);
    const listed = (cause: Cause): boolean => {
      const score = scores.get(cause) ?? 0;
      return score > 0 && score / denominator >= CAUSE_THRESHOLDS.minShare && optOutsOf(cause) >= CAUSE_THRESHOLDS.minOptOuts;
    };
    // A spike with clear excess always names its most likely cause, even a weak one.
    const best = [...CAUSES].sort((a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0))[0] as Cause;
    const forced = excess >= CAUSE_THRESHOLDS.alwaysOneAbove && !CAUSES.some(listed) && (scores.get(best) ?? 0) > 0 ? best : null;
    for (const cause of CAUSES) {
      const score = scores.get(cause) ?? 0;
      const share = score / denominator;
      if (!listed(cause) && cause !== forced) continue;
      const dimension: Dimension = CAUSE_CATALOG[cause].dimension;
      const allowed: readonly string[] | null = CAUSE_CATALOG[cause].keys;
      const carrying = decomposition[dimension].find((r) => !allowed || allowed.includes(r.key));
      const key = cause === 'irrelevant_content' && top ? top.campaign : (carrying?.key ?? '');
      rows.push({ cause, dimension, key, excess_opt_outs: score, share, evidence: '', action: ACTIONS[cause] });
    }
    rows.sort((a, b) => b.excess_opt_outs - a.excess_opt_outs);
    for (const row of rows) {
      row.evidence = evidenceFor(row, {
        excess,
        baselineRate,
        factor: row.cause === 'irrelevant_content' ? null : factor(row.cause, 'window'),
        baselineFactor: row.cause === 'irrelevant_content' ? null : factor(row.cause, 'baseline'),
        campaign: row.cause === 'irrelevant_content' ? top : campaigns.find((c) => c.campaign === row.key),
        batch: batchRows.find((b) => b.spike_no === i),
      });
    }
    return { causes: rows, decomposition };
  });
}

interface EvidenceContext {
  excess: number;
  baselineRate: number;
  factor: (Counts & { leads: number }) | null;
  baselineFactor: (Counts & { leads: number }) | null;
  campaign: { campaign: string; n: number; x: number; missing_sender: number } | undefined;
  batch: { lead_source: string; created_on: string; leads: number } | undefined;
}

/** One plain sentence with the numbers behind a cause. */
function evidenceFor(row: CauseRow, c: EvidenceContext): string {
  const head = `${int(row.excess_opt_outs)} of the ${int(c.excess)} extra opt-outs`;
  if (row.cause === 'irrelevant_content' && c.campaign) {
    const sender = c.campaign.missing_sender > c.campaign.n / 2 ? '; its messages did not name the studio' : '';
    return `${head} came from campaign "${c.campaign.campaign}": ${int(c.campaign.x)} opt-outs from ${int(c.campaign.n)} texts (${pct(c.campaign.x / c.campaign.n)}, against ${pct(c.baselineRate)} normally), more than its audience or timing explain${sender}.`;
  }
  const f = c.factor as Counts & { leads: number };
  const b = c.baselineFactor as Counts & { leads: number };
  const who = CAUSE_CATALOG[row.cause].who;
  const before = b.n > 0 ? `${pct(b.x / b.n)} before` : 'no such texts before';
  let tail = '';
  if (row.cause === 'unverified_consent' && c.batch && c.batch.leads >= Math.max(20, f.leads * 0.3)) {
    // in the words of the pages: "on 8 Sep 2026, from the source "list import""
    tail = `; ${int(c.batch.leads)} of those leads came in together on ${day(c.batch.created_on)}, from the source "${keyWords(c.batch.lead_source)}"`;
  }
  return `${head} came from ${int(f.n)} texts to ${int(f.leads)} ${who}: ${int(f.x)} opted out (${pct(f.n > 0 ? f.x / f.n : 0)}, against ${before})${tail}.`;
}
