import { FIRST_NAMES } from './content.ts';
import { PHONE_STYLE_WEIGHTS, PhoneAllocator, formatPhone } from './phones.ts';
import type { Plan, StudioSize } from './plan.ts';
import type { Random } from './random.ts';
import { csvField, type TextSink } from './sink.ts';
import type { Studio } from './studios.ts';
import { DAY, HOUR, MINUTE, isoUtc, type Zone } from './time.ts';

/** Lead sources as the CRM names them, indexed by the numbers stored in LeadTable.source. */
const SOURCES = ['web_form', 'walk_in', 'referral', 'facebook_lead_ad', 'classpass', 'list_import', 'staff_entry'] as const;
export const Source = { WebForm: 0, WalkIn: 1, Referral: 2, LeadAd: 3, ClassPass: 4, ListImport: 5, StaffEntry: 6 } as const;

const METHODS = ['', 'web_form', 'paper_waiver', 'staff_entry', 'lead_ad_form', 'import', 'keyword'] as const;
export const Method = { None: 0, WebForm: 1, PaperWaiver: 2, StaffEntry: 3, LeadAd: 4, Import: 5, Keyword: 6 } as const;

/**
 * Where a lead stands: members visit, recent and new leads are on the weekly list, dormant
 * leads (no contact for over 18 months) are not, imported ones come from the bought list.
 */
export const Segment = { Member: 0, Recent: 1, New: 2, Dormant: 3, Imported: 4 } as const;

/** Whether a segment gets the weekly blast. */
export function onWeeklyList(segment: number): boolean {
  return segment !== Segment.Dormant;
}

const SOURCE_MIX_NEW = [30, 14, 10, 20, 16, 0, 7];
const SOURCE_MIX_MEMBERS = [28, 30, 15, 8, 7, 4, 8];
const SOURCE_MIX_RECENT = [30, 16, 10, 18, 14, 5, 7];
const SOURCE_MIX_DORMANT = [20, 30, 10, 5, 5, 20, 10];

/** Local hour weights for when leads of each source are created (0-23). */
const ONLINE_HOURS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 4, 4, 5, 5, 4, 4, 5, 6, 7, 8, 8, 7, 5, 3];
const DESK_HOURS = [0, 0, 0, 0, 0, 0, 2, 5, 6, 6, 5, 4, 5, 4, 3, 3, 5, 7, 8, 6, 3, 0, 0, 0];

/**
 * All leads, column-wise in typed arrays: a 10M-message run has about half a million of them.
 * A studio's leads are contiguous and ordered by created_at; `local` is the number in the
 * lead_id. The last block of columns is simulation state.
 */
export class LeadTable {
  readonly size: number;
  readonly studio: Uint8Array;
  readonly local: Uint32Array;
  readonly source: Uint8Array;
  readonly segment: Uint8Array;
  readonly method: Uint8Array;
  readonly style: Uint8Array;
  readonly landline: Uint8Array;
  /** Index into FIRST_NAMES, -1 when the CRM has no first name. */
  readonly firstName: Int16Array;
  /** Epoch seconds; NaN when empty. */
  readonly created: Float64Array;
  readonly consent: Float64Array;
  readonly engaged: Float64Array;
  readonly phone: Int32Array;
  /** First and one-past-last row of each studio. */
  readonly studioStart: number[] = [];
  readonly studioEnd: number[] = [];

  // Simulation state.
  /** Latest opt-out (NaN: never), and a re-opt-in (START) after it (NaN: none). */
  readonly optOutAt: Float64Array;
  readonly resubAt: Float64Array;
  /** The latest opt-out was a keyword, so the carrier blocks further sends (error 21610). */
  readonly carrierBlocked: Uint8Array;
  /** The studio processed a deactivation file listing the number: no sends from then on. */
  readonly stopAt: Float64Array;
  /** The last 8 reached sends, in seconds since the run's epoch, for the 7-day frequency. */
  readonly sends: Int32Array;
  readonly sendPos: Uint8Array;

  constructor(size: number) {
    this.size = size;
    this.studio = new Uint8Array(size);
    this.local = new Uint32Array(size);
    this.source = new Uint8Array(size);
    this.segment = new Uint8Array(size);
    this.method = new Uint8Array(size);
    this.style = new Uint8Array(size);
    this.landline = new Uint8Array(size);
    this.firstName = new Int16Array(size);
    this.created = new Float64Array(size);
    this.consent = new Float64Array(size).fill(Number.NaN);
    this.engaged = new Float64Array(size).fill(Number.NaN);
    this.phone = new Int32Array(size);
    this.optOutAt = new Float64Array(size).fill(Number.NaN);
    this.resubAt = new Float64Array(size).fill(Number.NaN);
    this.carrierBlocked = new Uint8Array(size);
    this.stopAt = new Float64Array(size).fill(Number.NaN);
    this.sends = new Int32Array(size * 8).fill(-0x7fffffff);
    this.sendPos = new Uint8Array(size);
  }

  /** The lead_id: studio id and a number, e.g. `s1-00042`. */
  id(i: number, studioId: string): string {
    const n = (this.local[i] as number) + 1;
    return `${studioId}-${n < 100_000 ? String(100_000 + n).slice(1) : n}`;
  }

  first(i: number): string {
    const k = this.firstName[i] as number;
    return k < 0 ? '' : (FIRST_NAMES[k] as string);
  }

  /** Reorders rows [lo, hi) of the attribute columns by `order` (indexes relative to lo). */
  permute(lo: number, order: ArrayLike<number>): void {
    const columns = [this.source, this.segment, this.method, this.landline, this.firstName, this.created, this.consent, this.engaged];
    const tmp = new Float64Array(order.length);
    for (const col of columns) {
      for (let i = 0; i < order.length; i++) tmp[i] = col[lo + (order[i] as number)] as number;
      for (let i = 0; i < order.length; i++) col[lo + i] = tmp[i] as number;
    }
  }
}

interface LeadContext {
  rng: Random;
  zone: Zone;
  /** Epoch seconds: start of the run, start of the review month, end of the run. */
  runStart: number;
  reviewStart: number;
  runEnd: number;
}

/** A local time on a day: hour drawn from weights, minute and second uniform. */
function localAt(ctx: LeadContext, day: number, hourWeights: readonly number[]): number {
  const hour = ctx.rng.weighted(hourWeights);
  return ctx.zone.toUtc(day, hour * HOUR + ctx.rng.int(HOUR));
}

function createdHours(source: number): readonly number[] {
  return source === Source.WebForm || source === Source.LeadAd || source === Source.ClassPass ? ONLINE_HOURS : DESK_HOURS;
}

/**
 * Consent as each source captures it: web forms and lead ads at sign-up, paper waivers at the
 * desk, referrals only if they fill in the form later, ClassPass bookings usually never (some
 * text JOIN later), imports carry the list's word for it.
 */
function setConsent(t: LeadTable, i: number, ctx: LeadContext): void {
  const { rng } = ctx;
  const c = t.created[i] as number;
  let at = Number.NaN;
  let method: number = Method.None;
  switch (t.source[i]) {
    case Source.WebForm:
      at = c + rng.int(30);
      method = Method.WebForm;
      break;
    case Source.WalkIn:
      if (rng.chance(0.88)) {
        at = c + 60 + rng.int(15 * MINUTE);
        method = Method.PaperWaiver;
      }
      break;
    case Source.Referral:
      if (rng.chance(0.55)) {
        at = c + HOUR + rng.int(5 * DAY);
        method = Method.WebForm;
      }
      break;
    case Source.LeadAd:
      at = c + rng.int(6);
      method = Method.LeadAd;
      break;
    case Source.ClassPass:
      if (rng.chance(0.22)) {
        at = c + DAY + rng.int(20 * DAY);
        method = Method.Keyword;
      }
      break;
    case Source.ListImport: {
      const u = rng.next();
      if (u < 0.7) at = c;
      else if (u < 0.8) at = c - (100 + rng.int(800)) * DAY;
      if (u < 0.8) method = Method.Import;
      break;
    }
    default:
      if (rng.chance(0.8)) {
        at = c + rng.int(2 * MINUTE);
        method = Method.StaffEntry;
      }
  }
  // A consent the export could not know yet (after its last day) is not in it.
  if (at >= ctx.runEnd) {
    at = Number.NaN;
    method = Method.None;
  }
  t.consent[i] = at;
  t.method[i] = method;
}

function setCommon(t: LeadTable, i: number, ctx: LeadContext, segment: number, source: number, created: number): void {
  t.segment[i] = segment;
  t.source[i] = source;
  t.created[i] = created;
  t.firstName[i] = ctx.rng.chance(segment === Segment.Imported ? 0.85 : 0.93) ? ctx.rng.int(FIRST_NAMES.length) : -1;
  t.landline[i] = ctx.rng.chance(0.003) ? 1 : 0;
  setConsent(t, i, ctx);
}

/**
 * Fills one studio's rows: old members, recent leads, the dormant old list, new leads day by
 * day, and (in one studio) the bought list imported in the review month. Then sorts them by
 * created_at and gives out lead numbers and phone numbers.
 */
function fillStudio(t: LeadTable, lo: number, studio: Studio, size: StudioSize, plan: Plan, ctx: LeadContext): void {
  const { rng } = ctx;
  const cal = plan.calendar;
  let i = lo;
  const runStartDay = cal.firstDay;

  for (let k = 0; k < size.members; k++, i++) {
    const source = rng.weighted(SOURCE_MIX_MEMBERS);
    setCommon(t, i, ctx, Segment.Member, source, localAt(ctx, runStartDay - 60 - rng.int(940), DESK_HOURS));
    // Members visit: their last visit falls in the months before the review month.
    const from = Math.max((t.created[i] as number) + DAY, ctx.runStart - 60 * DAY);
    const to = ctx.reviewStart - 3 * DAY;
    t.engaged[i] = from < to ? from + rng.int(to - from) : from;
  }
  for (let k = 0; k < size.recent; k++, i++) {
    const source = rng.weighted(SOURCE_MIX_RECENT);
    setCommon(t, i, ctx, Segment.Recent, source, localAt(ctx, runStartDay - 1 - rng.int(365), createdHours(source)));
    if (rng.chance(0.45)) t.engaged[i] = (t.created[i] as number) + rng.int(30 * DAY);
  }
  // Dormant leads: created 20-36 months before the run, last contact over 18 months before the review month.
  const staleBefore = ctx.reviewStart - 560 * DAY;
  for (let k = 0; k < size.dormant; k++, i++) {
    const source = rng.weighted(SOURCE_MIX_DORMANT);
    setCommon(t, i, ctx, Segment.Dormant, source, localAt(ctx, runStartDay - 600 - rng.int(500), DESK_HOURS));
    if (rng.chance(0.5)) {
      const visit = Math.min((t.created[i] as number) + rng.int(120 * DAY), staleBefore);
      if (visit > (t.created[i] as number)) t.engaged[i] = visit;
    }
  }
  for (let d = 0; d < size.newPerDay.length; d++) {
    for (let k = 0; k < (size.newPerDay[d] as number); k++, i++) {
      const source = rng.weighted(SOURCE_MIX_NEW);
      setCommon(t, i, ctx, Segment.New, source, localAt(ctx, runStartDay + d, createdHours(source)));
      if (rng.chance(0.35)) {
        const visit = (t.created[i] as number) + HOUR * 12 + rng.int(40 * DAY);
        if (visit < ctx.runEnd) t.engaged[i] = visit;
      }
    }
  }
  // The bought list: one bulk import, a few rows a second, at 10:12 local.
  const importStart = ctx.zone.toUtc(plan.scenarios.unverifiedConsent.importDay, 10 * HOUR + 12 * MINUTE);
  for (let k = 0; k < size.imported; k++, i++) {
    setCommon(t, i, ctx, Segment.Imported, Source.ListImport, importStart + Math.floor(k / 4));
    // The list's vendor said "opted in": an import consent, sometimes dated years back, or none.
    const u = rng.next();
    t.consent[i] = u < 0.5 ? (t.created[i] as number) : u < 0.65 ? (t.created[i] as number) - (200 + rng.int(1200)) * DAY : Number.NaN;
    t.method[i] = u < 0.65 ? Method.Import : Method.None;
  }
  const hi = i;

  const order = Array.from({ length: hi - lo }, (_, k) => k);
  order.sort((a, b) => (t.created[lo + a] as number) - (t.created[lo + b] as number) || a - b);
  t.permute(lo, order);

  const phones = new PhoneAllocator(studio.areaCodes, hi - lo, rng.int(1_000_000), studio.id);
  for (let k = lo; k < hi; k++) {
    t.studio[k] = studio.index;
    t.local[k] = k - lo;
    t.phone[k] = phones.at(k - lo);
    t.style[k] = rng.weighted(PHONE_STYLE_WEIGHTS);
  }
  t.studioStart.push(lo);
  t.studioEnd.push(hi);
}

export function buildLeads(studios: readonly Studio[], zones: readonly Zone[], plan: Plan, rng: Random, runStart: number, runEnd: number): LeadTable {
  const total = plan.sizes.reduce((n, s) => n + s.total, 0);
  const table = new LeadTable(total);
  const reviewStartDay = plan.calendar.review.firstDay;
  let lo = 0;
  for (const studio of studios) {
    const zone = zones[studio.index] as Zone;
    const ctx: LeadContext = { rng, zone, runStart, reviewStart: zone.toUtc(reviewStartDay, 0), runEnd };
    const size = plan.sizes[studio.index] as StudioSize;
    fillStudio(table, lo, studio, size, plan, ctx);
    lo += size.total;
  }
  return table;
}

export const LEADS_HEADER = 'lead_id,studio_id,phone,source,created_at,consent_at,consent_method,last_engaged_at,first_name';

function iso(sec: number): string {
  return Number.isNaN(sec) ? '' : isoUtc(sec);
}

/** A few CRMs capitalise the source; SPEC compares it lower-cased, so these stay one cohort. */
function sourceLabel(t: LeadTable, i: number): string {
  const source = SOURCES[t.source[i] as number] as string;
  return (t.local[i] as number) % 37 === 5 && source !== 'list_import' ? source.replace(/(^|_)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase()) : source;
}

function leadRow(t: LeadTable, i: number, studio: Studio): string {
  return [
    t.id(i, studio.id),
    studio.id,
    formatPhone(t.phone[i] as number, t.style[i] as number),
    sourceLabel(t, i),
    isoUtc(t.created[i] as number),
    iso(t.consent[i] as number),
    METHODS[t.method[i] as number] as string,
    iso(t.engaged[i] as number),
    csvField(t.first(i)),
  ].join(',');
}

/**
 * The planted bad lead rows (SPEC section 1, "Bad input"): an invalid phone and an unparseable
 * created_at. They take the next free numbers of the first studio, so no real lead shares them.
 */
function badLeadRows(t: LeadTable, studio: Studio): string[] {
  const next = (t.studioEnd[studio.index] as number) - (t.studioStart[studio.index] as number);
  const id = (k: number): string => `${studio.id}-${String(next + k).padStart(5, '0')}`;
  return [
    `${id(1)},${studio.id},555-12,walk_in,2026-02-14T17:05:00Z,2026-02-14T17:06:00Z,paper_waiver,,Kai`,
    `${id(2)},${studio.id},(213) 555-0188,web_form,2026-13-05T10:00:00Z,2026-13-05T10:00:10Z,web_form,,Lou`,
  ];
}

export async function writeLeads(sink: TextSink, t: LeadTable, studios: readonly Studio[]): Promise<void> {
  for (const studio of studios) {
    const lo = t.studioStart[studio.index] as number;
    const hi = t.studioEnd[studio.index] as number;
    for (let i = lo; i < hi; i++) {
      sink.row(leadRow(t, i, studio));
      if ((i & 1023) === 0) await sink.maybeFlush();
    }
    if (studio.index === 0) for (const row of badLeadRows(t, studio)) sink.row(row);
  }
}
