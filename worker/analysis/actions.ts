import { literal, type Db } from '../db.ts';
import { causeAnchor, CHANGE_ACTIONS, STOP_ACTIONS, type Cause, type StopAction } from '../catalog/index.ts';
import { factorSql } from '../catalog/sql.ts';
import { modelSql, paramsFor } from '../models.ts';
import type { Period } from '../period.ts';
import type { SpikeReport } from './spike-report.ts';

/**
 * The overview's "Do these first" list: at most five actions, each with the opt-outs of the review
 * month it would have avoided, counted once.
 *
 * The candidates are, per message of the month that drew an opt-out (SQL over the fact table):
 * - the policies (marts/action_stops.sql): a policy stops the message, so all its opt-outs go;
 * - the fixes of the review month's spikes' causes that change texts rather than stop them
 *   (catalog/actions.ts: content that did not fit, impersonal texts, returning leads): on the
 *   spike's texts carrying the cause, the cause's extra opt-outs, spread evenly over the opt-outs
 *   of those texts (the rest would have come at the usual rate anyway).
 * analysis/rank_actions.sql then takes the action avoiding most, then the one avoiding most of
 * what is left, and so on: a second action gets only what the first did not already avoid.
 */

export interface ActionRow {
  rank: number;
  /** The action's key: a policy (`cap_3_per_week`), `personalise`, `returning_leads`, or `relevant_content:<campaign>`. */
  action: string;
  /** What to do, in plain words. */
  title: string;
  /** stop: the action stops texts (a policy); change: it changes them (a spike's cause). */
  kind: 'stop' | 'change';
  /** Opt-outs of the month it would have avoided, net of the actions ranked before it, whole. */
  opt_outs_avoided: number;
  /**
   * Where the numbers behind it are: a page of the site and an anchor on it. With `spike` set,
   * the page is that spike's own page (report.json `spikes[spike]`), the anchor its cause.
   */
  evidence: { page: string; anchor: string; spike: number | null };
}

export const MAX_ACTIONS = 5;

interface Window {
  spike: number;
  action: string;
  cause: Cause;
  campaign: string;
  excess: number;
  studio: string | null;
  dates: string[];
}

export async function actionRows(db: Db, spikes: SpikeReport[], period: Pick<Period, 'start' | 'end'>): Promise<ActionRow[]> {
  const windows: Window[] = [];
  const titles = new Map<string, string>();
  /** Per change action, the spike whose cause carried most extra opt-outs: its evidence. */
  const evidence = new Map<string, { spike: number; cause: Cause; excess: number }>();
  spikes.forEach((s, i) => {
    if (s.end < period.start || s.start > period.end) return;
    for (const c of s.causes) {
      const change = CHANGE_ACTIONS[c.cause];
      if (!change || c.excess_opt_outs <= 0) continue;
      const campaign = c.cause === 'irrelevant_content' ? c.key : '';
      const key = change.key(campaign);
      titles.set(key, change.title(campaign));
      windows.push({ spike: i, action: key, cause: c.cause, campaign, excess: c.excess_opt_outs, studio: s.studio_id, dates: s.days.map((d) => d.date) });
      const best = evidence.get(key);
      if (!best || c.excess_opt_outs > best.excess) evidence.set(key, { spike: i, cause: c.cause, excess: c.excess_opt_outs });
    }
  });

  await db.exec(`create or replace temp table action_windows (spike_no integer, action varchar, cause varchar, campaign_key varchar, excess double, studio_id varchar, local_date date)`);
  const values = windows.flatMap((w) =>
    w.dates.map((d) => `(${w.spike}, ${literal(w.action)}, ${literal(w.cause)}, ${literal(w.campaign)}, ${w.excess}, ${w.studio === null ? 'null' : literal(w.studio)}, ${literal(d)}::date)`),
  );
  if (values.length > 0) await db.exec(`insert into action_windows values ${values.join(', ')}`);
  const causes = [...new Set(windows.map((w) => w.cause))];
  const matches = causes
    .map((cause) => `when '${cause}' then ${cause === 'irrelevant_content' ? 'm.campaign::varchar = w.campaign_key' : `coalesce(${factorSql(cause)}, false)`}`)
    .join(' ');
  const candidates = `create or replace temp table action_candidates as
    select action, message_no, opt_outs, opt_outs::double as weight from action_stops
    ${
      matches
        ? `union all
    select action, message_no, opt_outs, weight from (
      -- the spike's texts carrying the cause (every studio's for a spike of all studios), the
      -- cause's extra opt-outs spread evenly over their opt-outs
      select w.action, m.message_no, m.local_date, m.count_opt_outs as opt_outs,
        m.count_opt_outs * least(1.0, w.excess / nullif(sum(m.count_opt_outs) over (partition by w.spike_no, w.action), 0)) as weight
      from int_messages_cohorts m
      join (
        select w.*, s.studio_id as window_studio from action_windows w
        join int_studios s on w.studio_id is null or s.studio_id = w.studio_id
      ) w on m.studio_id = w.window_studio and m.local_date = w.local_date
      where case w.cause ${matches} else false end
    )
    where local_date between $period_start::date and $period_end::date and opt_outs > 0 and weight > 0`
        : ''
    }`;
  await db.exec(candidates, paramsFor(candidates, { period_start: period.start, period_end: period.end }));
  const sql = await modelSql('analysis/rank_actions');
  const ranked = await db.query<{ rank: number; action: string; opt_outs_avoided: number }>(sql, paramsFor(sql, {}));
  await db.exec('drop table action_candidates; drop table action_windows');
  return ranked.map((r): ActionRow => {
    const stop = r.action in STOP_ACTIONS;
    const where = evidence.get(r.action);
    return {
      rank: Number(r.rank),
      action: r.action,
      title: stop ? STOP_ACTIONS[r.action as StopAction] : (titles.get(r.action) ?? r.action),
      kind: stop ? 'stop' : 'change',
      opt_outs_avoided: Number(r.opt_outs_avoided),
      evidence: stop || !where ? { page: 'compliance.html', anchor: 'policies', spike: null } : { page: 'spikes.html', anchor: causeAnchor(where.cause), spike: where.spike },
    };
  });
}
