import type { Random } from './random.ts';
import type { Studio } from './studios.ts';
import { addMonths, civil, dayOf, isoMonth, weekday } from './time.ts';

/**
 * The calendar of a run and everything decided before the first message: how many leads each
 * studio has, and where and when each planted scenario happens. Sizes scale with the message
 * count so the scenarios stay visible from a 20k-message test to a 10M-message benchmark.
 */

export interface Calendar {
  /** Day number of the first local day with traffic (the 1st of the start month). */
  firstDay: number;
  /** Day number of the last local day with traffic: the 3rd of the month after the review month. */
  lastDay: number;
  /** The review month: the last full month, where every scenario is planted. */
  review: { year: number; month: number; label: string; firstDay: number; lastDay: number };
}

export function makeCalendar(startYear: number, startMonth: number, months: number): Calendar {
  const review = addMonths(startYear, startMonth, months - 1);
  const after = addMonths(startYear, startMonth, months);
  const afterFirst = dayOf(after.year, after.month, 1);
  return {
    firstDay: dayOf(startYear, startMonth, 1),
    // Two or three days into the next month make the review month the last complete one
    // (SPEC section 3: the last calendar month that ends before the latest local date).
    lastDay: afterFirst + 2,
    review: {
      year: review.year,
      month: review.month,
      label: isoMonth(review.year, review.month),
      firstDay: dayOf(review.year, review.month, 1),
      lastDay: afterFirst - 1,
    },
  };
}

/** Day of the review month -> day number. */
function reviewDay(cal: Calendar, dayOfMonth: number): number {
  return cal.review.firstDay + dayOfMonth - 1;
}

/**
 * Where and when each scenario is planted. Scenarios go to three studio "slots" (studio 1, 2
 * and 3, folded onto fewer studios when there are fewer) on distinct days of the review month,
 * so even a one-studio run has one clear burst per cause.
 */
export interface ScenarioPlan {
  /** Free-text stop requests after a schedule campaign (day 2), ignored; a follow-up campaign (day 11) gets the angry STOPs. */
  optOutHandling: { studio: number; requestDay: number; followUpDay: number };
  /** A bought list imported on day 8, texted on day 9. */
  unverifiedConsent: { studio: number; importDay: number; campaignDay: number };
  /** A daily challenge, days 14-19, on top of the weekly blast. */
  excessiveFrequency: { studio: number; firstDay: number; lastDay: number };
  /** A re-engagement batch on day 16 that includes leads who opted out before. */
  sendsAfterOptOut: { studio: number; day: number };
  /** A win-back blast on day 23 to leads untouched for over 18 months. */
  oldListBlast: { studio: number; day: number };
  /** A flash sale on day 24 sent 22:30-23:30 local. */
  poorTiming: { studio: number; day: number };
  /** A partner's car-wash promotion on day 28, not naming the studio. */
  irrelevantContent: { studio: number; day: number };
  /** The carrier file of day 4, never processed by this studio, which keeps texting the numbers. */
  deactivated: { studio: number; fileDay: number };
}

/** Leads per studio, decided up front so the lead table can be allocated once. */
export interface StudioSize {
  /** The weekly list at the start: members plus recent leads. */
  base: number;
  members: number;
  recent: number;
  dormant: number;
  imported: number;
  /** New leads created on each local day of the run (index 0 = firstDay). */
  newPerDay: Int32Array;
  total: number;
}

export interface Plan {
  calendar: Calendar;
  scenarios: ScenarioPlan;
  sizes: StudioSize[];
  /** Dates (day numbers) of the carrier deactivation files. */
  deactivationDays: number[];
}

/** New leads a day, as a share of the starting list. */
const NEW_LEAD_RATE = 0.0045;
const NEW_LEADS_BY_WEEKDAY = [0.6, 1.25, 1.15, 1.1, 1.05, 1.0, 0.85] as const;
/** Messages one lead of the starting list brings over a week, everything included (calibrated). */
const MESSAGES_PER_BASE_LEAD_WEEK = 1.34;
/** Net daily growth of the list, as a share of its start: new leads minus opt-outs and hygiene. */
const NET_GROWTH = 0.0029;
/** The win-back blast needs >= 500 reached recipients to count as a blast (SPEC section 3). */
const MIN_OLD_LIST = 650;
/** The old list of the win-back studio and the bought list, as shares of the studio's start list. */
const OLD_LIST_SHARE = 0.9;
const IMPORT_SHARE = 0.35;
/** Enough bought leads for a visible burst in a small run. */
const MIN_IMPORT = 100;

/**
 * The starting list (all studios) that makes about `messages` messages: ordinary traffic per
 * lead of the list, plus the scenarios' sends in the review month, counted in whole lists of
 * their studio (the bought list's campaign and the flash sale: about 2; the partner promo: 1;
 * the schedule, the open house and six challenge days: 8), plus the old list, which has a
 * fixed floor.
 */
function startingList(messages: number, studios: readonly Studio[], scenarios: ScenarioPlan, cal: Calendar): number {
  const days = cal.lastDay - cal.firstDay + 1;
  const ordinary = MESSAGES_PER_BASE_LEAD_WEEK * (days / 7) * (1 + (NET_GROWTH * days) / 2);
  const atReview = 1 + NET_GROWTH * (cal.review.firstDay - cal.firstDay + 14);
  const weights = studios.reduce((sum, s) => sum + s.weight, 0);
  const share = (s: number): number => (studios[s] as Studio).weight / weights;
  const a = share(scenarios.unverifiedConsent.studio);
  const b = share(scenarios.oldListBlast.studio);
  const c = share(scenarios.excessiveFrequency.studio);
  const perLead = ordinary + a * (IMPORT_SHARE + 2 * atReview) + b * atReview + c * 8 * atReview;
  const base = messages / (perLead + b * OLD_LIST_SHARE);
  return OLD_LIST_SHARE * base * b >= MIN_OLD_LIST ? base : Math.max(0, messages - MIN_OLD_LIST) / perLead;
}

export function makePlan(studios: readonly Studio[], calendar: Calendar, messages: number, rng: Random): Plan {
  const slot = (k: number): number => k % studios.length;
  const day = (d: number): number => reviewDay(calendar, d);
  const scenarios: ScenarioPlan = {
    optOutHandling: { studio: slot(2), requestDay: day(2), followUpDay: day(11) },
    unverifiedConsent: { studio: slot(0), importDay: day(8), campaignDay: day(9) },
    excessiveFrequency: { studio: slot(2), firstDay: day(14), lastDay: day(19) },
    sendsAfterOptOut: { studio: slot(0), day: day(16) },
    oldListBlast: { studio: slot(1), day: day(23) },
    poorTiming: { studio: slot(0), day: day(24) },
    irrelevantContent: { studio: slot(1), day: day(28) },
    deactivated: { studio: slot(1), fileDay: day(4) },
  };

  const days = calendar.lastDay - calendar.firstDay + 1;
  const totalWeight = studios.reduce((sum, s) => sum + s.weight, 0);
  const baseTotal = startingList(messages, studios, scenarios, calendar);

  const sizes = studios.map((studio): StudioSize => {
    const base = Math.max(30, Math.round((baseTotal * studio.weight) / totalWeight));
    const members = Math.round(base * 0.45);
    const recent = base - members;
    const dormant = studio.index === scenarios.oldListBlast.studio ? Math.max(MIN_OLD_LIST, Math.round(base * OLD_LIST_SHARE)) : Math.round(base * 0.3);
    const imported = studio.index === scenarios.unverifiedConsent.studio ? Math.max(MIN_IMPORT, Math.round(base * IMPORT_SHARE)) : 0;
    const newPerDay = new Int32Array(days);
    let fresh = 0;
    for (let i = 0; i < days; i++) {
      const n = rng.poisson(NEW_LEAD_RATE * base * (NEW_LEADS_BY_WEEKDAY[weekday(calendar.firstDay + i)] as number));
      newPerDay[i] = n;
      fresh += n;
    }
    return { base, members, recent, dormant, imported, newPerDay, total: members + recent + dormant + imported + fresh };
  });

  return { calendar, scenarios, sizes, deactivationDays: deactivationDays(calendar, scenarios) };
}

/** One carrier file a month; the review month's is the planted one (day 4). */
function deactivationDays(cal: Calendar, scenarios: ScenarioPlan): number[] {
  const start = civil(cal.firstDay);
  const out: number[] = [];
  for (let m = 0; ; m++) {
    const month = addMonths(start.year, start.month, m);
    const firstDay = dayOf(month.year, month.month, 1);
    if (firstDay >= cal.review.firstDay) break;
    out.push(firstDay + 4 + ((m * 9) % 20));
  }
  out.push(scenarios.deactivated.fileDay);
  return out;
}
