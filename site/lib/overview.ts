import { change, day, dayRange, expected, int, month, pct, plural, points, share, times } from './format.ts';
import { CAUSE_TEXT, CHECK_ANCHOR, CHECK_TEXT, DIMENSION_TEXT, groupSubject } from './labels.ts';
import { href, spikeHref, studioHref } from './paths.ts';
import { comparisonNote, coveredDays } from './period.ts';
import { optOutSends } from './complianceView.ts';
import type { SiteData, SpikeRef } from './load.ts';
import { DIMENSIONS, type CohortRow, type Dimension, type ReportData } from './schema.ts';

/** The overview's story: the headline, the KPIs and the findings, each linked to its detail. */

export interface Kpi {
  label: string;
  value: string;
  /** What the number is, in a few words. */
  note: string;
  /**
   * Against the month before: "+78% vs August". With a partial month on either side, `partial`
   * says which ("October partial: 1–3 Oct only") and the tone is neutral: a part of a month
   * is neither better nor worse than a whole one. The arrow is up for bad and down for good,
   * unless `direction` says which way the number moved (a rate where up is good).
   */
  change: { text: string; tone: 'bad' | 'good' | 'neutral'; partial?: string; direction?: 'up' | 'down' } | null;
}

/** Marks a comparison made with a partial month. */
export function markPartial(change: Kpi['change'], partial: string | null): Kpi['change'] {
  return change && partial ? { ...change, tone: 'neutral', partial } : change;
}

type Totals = Pick<ReportData['totals'], 'reached' | 'recipients' | 'opt_outs' | 'attributed_opt_outs' | 'rate' | 'recipient_rate'>;

function countChange(now: number, before: number, prevName: string, upIsBad: boolean): Kpi['change'] {
  const c = change(now, before);
  if (c === null) return before === 0 && now > 0 ? { text: `none in ${prevName}`, tone: 'neutral' } : null;
  const tone = now === before || !upIsBad ? 'neutral' : now > before ? 'bad' : 'good';
  return { text: `${c} vs ${prevName} (${int(before)})`, tone };
}

function rateChange(now: number, before: number, prevName: string): Kpi['change'] {
  const tone = now > before ? 'bad' : now < before ? 'good' : 'neutral';
  return { text: `${points(now - before)} vs ${prevName} (${pct(before)})`, tone };
}

/**
 * The five numbers of a month (the whole export's, or a studio's); `partial` marks every
 * comparison when the month or the one before is partial (see comparisonNote).
 */
export function kpis(now: Totals, before: Totals | null, prevMonth: string, partial: string | null = null, hours = 72): Kpi[] {
  const prev = month(prevMonth, false);
  const items: Kpi[] = [
    {
      label: 'Opt-out rate',
      value: pct(now.rate),
      // "traced": an opt-out within the attribution window after a text counts for that text
      note: `${int(now.attributed_opt_outs)} opt-outs traced to ${int(now.reached)} texts (each within ${hours} hours of a text)`,
      change: before ? rateChange(now.rate, before.rate, prev) : null,
    },
    {
      label: 'Opt-outs',
      value: int(now.opt_outs),
      note: 'leads who opted out this month, by the day they did',
      change: before ? countChange(now.opt_outs, before.opt_outs, prev, true) : null,
    },
    {
      label: 'Texts reached',
      value: int(now.reached),
      note: 'sent or delivered',
      change: before ? countChange(now.reached, before.reached, prev, false) : null,
    },
    {
      label: 'Leads texted',
      value: int(now.recipients),
      note: 'distinct leads reached',
      change: before ? countChange(now.recipients, before.recipients, prev, false) : null,
    },
    {
      label: 'Leads who opted out',
      value: pct(now.recipient_rate),
      note: 'of the leads texted',
      change: before ? rateChange(now.recipient_rate, before.recipient_rate, prev) : null,
    },
  ];
  return items.map((k) => ({ ...k, change: markPartial(k.change, partial) }));
}

/** What a comparison with a partial month is between (the headline says the month itself is partial). */
function comparisonCare(report: Pick<ReportData, 'period' | 'previous_period'>, name: string, prev: string): string {
  const current = report.period.partial;
  const before = report.previous_period.partial;
  if (!current && !before) return '';
  if (!before) return ` Compare with care: part of ${name} against the whole of ${prev}.`;
  const days = coveredDays(report.previous_period);
  const what = days ? `${prev} has data for ${days} only` : `${prev} has no data`;
  return current ? ` Compare with care: both months are partial (${what}).` : ` Compare with care: ${what}.`;
}

/** One sentence for a leader: the month's rate against the month before. */
export function headline(report: ReportData): string {
  const now = report.totals.rate;
  const before = report.previous_totals.rate;
  const name = month(report.period.month, false);
  const prev = month(report.previous_totals.month, false);
  const days = report.period.partial ? coveredDays(report.period) : null;
  const head = `In ${name}${days ? ` (data for ${days} only)` : ''}, ${pct(now)} of texts led to an opt-out`;
  if (report.totals.reached === 0) return `No texts reached leads in ${month(report.period.month)}.`;
  if (before === 0 || report.previous_totals.reached === 0) return `${head} (${int(report.totals.attributed_opt_outs)} of ${int(report.totals.reached)}); ${prev} had no opt-outs to compare with.`;
  const ratio = now / before;
  const care = comparisonCare(report, name, prev);
  if (ratio >= 1.1) return `${head}: ${times(ratio)} the rate of ${prev} (${pct(before)}).${care}`;
  if (ratio <= 0.9) return `${head}, down from ${pct(before)} in ${prev}.${care}`;
  return `${head}, about the same as ${prev} (${pct(before)}).${care}`;
}

/**
 * How many spikes there are, in words that say which: "4 spikes across all studios (10 counting
 * each studio's own)". Spikes of all studios and of single studios overlap (one bad day of a
 * studio is often a day of all studios too), so the two counts are told apart.
 */
export function spikeCount(spikes: SpikeRef[]): string {
  const listed = distinctSpikes(spikes);
  const all = listed.filter((s) => s.spike.studio_id === null).length;
  const own = listed.length - all;
  if (all === 0) return `${plural(own, 'spike')} in single studios`;
  if (own === 0) return `${plural(all, 'spike')} across all studios`;
  return `${plural(all, 'spike')} across all studios (${int(listed.length)} counting each studio's own)`;
}

/**
 * The spikes to list and count, without a studio's spike that is an all-studios spike again: the
 * same days, texts and opt-outs, because all of those days' texts were that studio's (every spike
 * of an export of one studio). The studio's page still links its own.
 */
export function distinctSpikes(spikes: SpikeRef[]): SpikeRef[] {
  const all = spikes.filter((s) => s.spike.studio_id === null).map((s) => s.spike);
  return spikes.filter(({ spike: s }) => s.studio_id === null || !all.some((a) => a.start === s.start && a.end === s.end && a.reached === s.reached && a.opt_outs === s.opt_outs));
}

/** The spikes of the review month (the spikes page also lists those of the two months before). */
export function monthSpikes(data: SiteData): SpikeRef[] {
  const { start, end } = data.report.period;
  return data.spikes.filter((s) => s.spike.end >= start && s.spike.start <= end);
}

/**
 * A second sentence: the largest spike and its cause; and, when the report has no "Do these
 * first" list, the policy that would have saved most.
 */
export function storyline(data: SiteData): string | null {
  const parts: string[] = [];
  const inMonth = monthSpikes(data);
  const top = topSpikes(inMonth)[0];
  const cause = top?.spike.causes[0];
  if (top) {
    const what = cause ? ` came mostly from ${CAUSE_TEXT[cause.cause].toLowerCase()}` : ' had no single cause';
    const single = inMonth.length === 1;
    const when = `${dayRange(top.spike.start, top.spike.end)}${top.spike.studio_id === null ? '' : `, ${top.where}`}`;
    // a studio's name as written; "all studios" in lower case inside the sentence
    const where = top.spike.studio_id === null ? 'all studios' : top.where;
    parts.push(single ? `The one spike (${where}, ${dayRange(top.spike.start, top.spike.end)})${what}.` : `Of ${spikeCount(inMonth)}, the largest (${when})${what}.`);
  }
  const policy = (data.report.policies ?? []).filter((p) => p.policy !== 'all_of_the_above').sort((a, b) => b.opt_outs_avoided - a.opt_outs_avoided)[0];
  const attributed = data.report.totals.attributed_opt_outs;
  if (!data.report.actions && policy && policy.opt_outs_avoided > 0 && attributed > 0) {
    parts.push(`One policy would have avoided ${share(policy.opt_outs_avoided / attributed)} of the month's opt-outs: ${policy.description.charAt(0).toLowerCase()}${policy.description.slice(1)}.`);
  }
  return parts.length > 0 ? parts.join(' ') : null;
}

export interface ActionItem {
  rank: number;
  /** "Send each lead at most 3 texts a week: about 62 fewer opt-outs this month." */
  text: string;
  avoided: number;
  href: string;
  link: string;
}

/**
 * The overview's "Do these first": report.json's actions, in their rank, each with the opt-outs it
 * would have avoided (net of the ones above it) and a link to the numbers behind it.
 */
export function actionItems(data: SiteData): ActionItem[] {
  return (data.report.actions ?? [])
    .filter((a) => a.opt_outs_avoided > 0)
    .sort((a, b) => a.rank - b.rank)
    .slice(0, 5)
    .map((a) => {
      const spike = a.evidence.spike !== null ? data.spikes[a.evidence.spike] : undefined;
      const target = spike ? `${spikeHref(spike.slug)}#${a.evidence.anchor}` : href(`${a.evidence.page}#${a.evidence.anchor}`);
      return {
        rank: a.rank,
        text: `${a.title}: about ${plural(a.opt_outs_avoided, 'fewer opt-out', 'fewer opt-outs')} this month.`,
        avoided: a.opt_outs_avoided,
        href: target,
        link: spike ? `The spike of ${dayRange(spike.spike.start, spike.spike.end)}` : 'What each policy saves',
      };
    });
}

export interface Finding {
  text: string;
  href: string;
  link: string;
}

export interface FindingGroup {
  title: string;
  items: Finding[];
  /** The link to the rest of a list cut short; `print`, when set, says on paper what is left out. */
  more: { text: string; href: string; print?: string } | null;
  empty: string;
}

function spikeSentence(s: SpikeRef): string {
  const sp = s.spike;
  const cause = sp.causes[0];
  const head = `${s.where}, ${dayRange(sp.start, sp.end)}: ${int(sp.opt_outs)} opt-outs where ${expected(sp.expected_opt_outs)}`;
  if (!cause) return `${head}; no single cause stood out.`;
  return `${head}. Main cause: ${CAUSE_TEXT[cause.cause].toLowerCase()} (${share(cause.share)} of the extra opt-outs).`;
}

interface Flagged {
  dimension: Dimension;
  row: CohortRow;
  excess: number;
}

/** Groups clearly above the month's rate, across every breakdown, by opt-outs beyond that rate. */
export function highGroups(report: ReportData): Flagged[] {
  return DIMENSIONS.flatMap((dimension) =>
    report.cohorts[dimension].filter((r) => r.flag === 'high').map((row) => ({ dimension, row, excess: row.opt_outs - row.reached * report.totals.rate })),
  )
    .sort((a, b) => b.excess - a.excess)
    // The same texts seen through several breakdowns (a blast, its campaign, its cold leads) are listed once.
    .filter((g, i, all) => !all.slice(0, i).some((h) => h.row.reached === g.row.reached && h.row.opt_outs === g.row.opt_outs));
}

/**
 * Spikes for the overview, largest excess first, all studios before single studios; a studio's
 * spike is left out when it falls within one already listed (its page is linked from there).
 */
export function topSpikes(spikes: SpikeRef[]): SpikeRef[] {
  const ranked = [...spikes].sort((a, b) => Number(a.spike.studio_id !== null) - Number(b.spike.studio_id !== null) || b.spike.excess_opt_outs - a.spike.excess_opt_outs);
  const listed: SpikeRef[] = [];
  for (const s of ranked) {
    const overlaps = listed.some((l) => s.spike.start <= l.spike.end && s.spike.end >= l.spike.start);
    if (!overlaps) listed.push(s);
  }
  return listed.sort((a, b) => b.spike.excess_opt_outs - a.spike.excess_opt_outs);
}

/**
 * The alert levels a studio crossed, each named with the rate it is about: the 7-day rate for
 * 1.3%, the rate of a single day for 5% ("the 7-day rate was above 1.3% on 14 days, and a single
 * day's rate was at or above 5% on 1 day").
 */
export function breachSentence(weekly: number, daily: number): string {
  const parts = [
    weekly > 0 ? `the 7-day opt-out rate was above 1.3% on ${plural(weekly, 'day')}` : '',
    daily > 0 ? `a single day's opt-out rate was at or above 5% on ${plural(daily, 'day')}` : '',
  ].filter(Boolean);
  return parts.join(', and ');
}

/**
 * The overview's findings: spikes, groups, compliance and alert levels. Each list is cut to a few
 * (`limits`), the rest a link away, so the overview (and the printed brief) stays short with any
 * number of studios; the alert levels list the studios that crossed them on the most days first.
 */
export function findings(data: SiteData, limits = { spikes: 3, groups: 5, alerts: 5 }): FindingGroup[] {
  const { report } = data;
  const spikes = topSpikes(monthSpikes(data));
  const inMonthSpikes = monthSpikes(data).length;
  const groups = highGroups(report);
  const checks = report.compliance.filter((c) => c.messages > 0 || (c.check === 'sent_after_opt_out' && optOutSends(report) !== null)).sort((a, b) => b.messages - a.messages);
  const inMonth = report.threshold_breaches.filter((b) => b.date >= report.period.start && b.date <= report.period.end);
  const byStudio = new Map<string, typeof inMonth>();
  for (const b of inMonth) byStudio.set(b.studio_id, [...(byStudio.get(b.studio_id) ?? []), b]);
  // the studios over an alert level, the 5% daily level first, then the most days over 1.3%
  const alerts = [...byStudio]
    .map(([studio, list]) => ({
      studio,
      weekly: list.filter((b) => b.rule === 'rolling_7d_above_1.3pct').length,
      daily: list.filter((b) => b.rule === 'day_at_or_above_5pct').length,
    }))
    .sort((a, b) => b.daily - a.daily || b.weekly - a.weekly);
  const slug = new Map(data.studios.map((s) => [s.name, s.slug]));
  const monthName = month(report.period.month, false);

  return [
    {
      title: 'Spikes in opt-outs',
      items: spikes.slice(0, limits.spikes).map((s) => ({ text: spikeSentence(s), href: spikeHref(s.slug), link: 'See the spike' })),
      more: distinctSpikes(data.spikes).length > Math.min(limits.spikes, spikes.length) ? { text: `All spikes: ${spikeCount(data.spikes)}${data.spikes.length > inMonthSpikes ? `, since ${day(report.trend[0]?.date ?? report.period.start)}` : ''}`, href: href('spikes.html') } : null,
      empty: 'No day had clearly more opt-outs than usual.',
    },
    {
      title: 'Groups that opted out more',
      items: groups.slice(0, limits.groups).map((g) => ({
        text: `${groupSubject(g.dimension, g.row.key)}: ${pct(g.row.rate)} opt-out rate${g.row.lift !== null ? `, ${times(g.row.lift)} the month's ${pct(report.totals.rate)}` : ''} (${plural(g.row.reached, 'text')}).`,
        href: href(`cohorts.html#${DIMENSION_TEXT[g.dimension].anchor}`),
        link: DIMENSION_TEXT[g.dimension].title,
      })),
      more: groups.length > limits.groups ? { text: 'Every breakdown, every group', href: href('cohorts.html') } : null,
      empty: "No group opted out clearly more than the month's rate.",
    },
    {
      title: 'Compliance problems',
      items: checks.map((c) => {
        const late = c.late_messages ?? 0;
        const sends = c.check === 'sent_after_opt_out' ? optOutSends(report) : null;
        const text = sends
          ? `${sends}${late > 0 ? ` ${int(late)} of the ${plural(c.messages, 'text')} that got through came more than 10 business days after the opt-out.` : ''}`
          : `${CHECK_TEXT[c.check].sentence(c.messages, c.leads)}.`;
        return { text, href: href(`compliance.html#${CHECK_ANCHOR[c.check]}`), link: 'What to do' };
      }),
      more: null,
      empty: report.period.partial ? `Every compliance check passed on the days the data covers (${coveredDays(report.period)}).` : 'Every compliance check passed.',
    },
    {
      title: 'Alert levels crossed',
      items: alerts.slice(0, limits.alerts).map(({ studio, weekly, daily }) => ({
        text: `${studio} in ${monthName}: ${breachSentence(weekly, daily)}.`,
        href: studioHref(slug.get(studio) ?? ''),
        link: "The studio's page",
      })),
      more:
        alerts.length > limits.alerts
          ? {
              text: `All ${alerts.length} studios that crossed an alert level, by their alert days`,
              href: href('studios.html'),
              print: `And ${plural(alerts.length - limits.alerts, 'more studio')}: the report's Studios page gives every studio's alert days.`,
            }
          : null,
      empty: `No studio crossed the 1.3% weekly or 5% daily alert level in ${monthName}.`,
    },
  ];
}
