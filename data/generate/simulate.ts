import {
  CHATTER,
  CLASS_STARTS,
  CONSENT_KEYWORD,
  LOOK_ALIKES,
  LOOK_ALIKE_ANSWER,
  START_WORDS,
  STOP_REQUESTS,
  STOP_WORDS,
  WRONG_NUMBER,
  answerBody,
  checkInBody,
  className,
  firstContactBody,
  introBody,
  optOutConfirmation,
  reminderBody,
  resubscribeConfirmation,
  staffName,
  weeklyBody,
  weeklyPersonalised,
  welcomeBody,
} from './content.ts';
import { type LeadTable, Method, Segment, Source, onWeeklyList } from './leads.ts';
import { RESERVED_AREA_CODES, phoneOf } from './phones.ts';
import type { Plan } from './plan.ts';
import type { Random } from './random.ts';
import type { Studio } from './studios.ts';
import { type Body, type Bucket, INBOUND, Kind, MessageBatch, type SendOptions, Status, type Tally, WITH_LEAD_ID, newTally } from './events.ts';
import { DAY, HOUR, MINUTE, isoDate, weekday, type Zone } from './time.ts';

/**
 * The day-by-day simulation: every studio's automations, weekly blasts, class reminders and
 * conversations, the leads' replies and opt-outs, and the planted scenarios. Events go into
 * buckets by UTC day; a bucket is handed to the writer as soon as no later step can add to it,
 * so only two or three days of messages are ever in memory.
 */

/** Opt-out propensity by lead source (per reached marketing message, before other factors). */
const SOURCE_RATE = [0.002, 0.0028, 0.003, 0.0045, 0.008, 0.011, 0.0035] as const;
/** How much each kind of message provokes an opt-out, and how often it gets a chatty reply. */
const KIND_RATE = [1, 0.8, 0.25, 0.15, 0.05, 0, 1] as const;
const KIND_CHATTER = [0.005, 0.03, 0.02, 0.35, 0, 0, 0.005] as const;
/** Opt-out multiplier by the 7-day frequency including this message (index 7 = 7 or more). */
const FREQUENCY_RATE = [1, 1, 1.2, 1.6, 2.6, 3.4, 4.2, 5.5] as const;
/** Share of opt-outs that come as a free-text request (staff process them) rather than a keyword. */
const FREE_TEXT_SHARE = 0.07;
const LOOK_ALIKE_RATE = 0.0004;
const RESUBSCRIBE_RATE = 0.05;
/** Carrier errors of ordinary failures: unreachable, unknown number, filtered, landline. */
const ERROR_MIX = [30003, 30003, 30003, 30005, 30005, 30007, 30007, 30007, 30006] as const;
/** Background web-form and front-desk opt-outs a day, per lead on the list. */
const QUIET_OPT_OUT_RATE = 0.00025;

interface StudioTexts {
  welcome: Body;
  intro: Body;
  optedOut: string;
  resubscribed: string;
  removed: string;
}

interface Action {
  t: number;
  lead: number;
  kind: 'welcome' | 'intro' | 'first-contact';
}

/** Something that happens at time t of a studio's day. */
export interface Job {
  t: number;
  run: () => void;
}

/** Adds jobs to a studio's day: where the scenarios are planted. */
export interface DayHook {
  jobs(studio: Studio, day: number): Job[];
}

export interface BucketSink {
  write(utcDay: number, bucket: Bucket): Promise<void>;
}

export class Simulation {
  private readonly buckets = new Map<number, Bucket>();
  /** Per studio: who is on the list now (rebuilt at each weekly blast, new leads appended). */
  readonly pools: number[][];
  private readonly actions: Map<number, Action[]>[];
  private readonly cursor: number[];
  /** Local midnight of the first day and of the day after the last, per studio. */
  private readonly startUtc: number[];
  private readonly endUtc: number[];
  /** Zero of the send-time ring in LeadTable.sends (a day before the run). */
  private readonly epoch: number;
  /** Leads who asked to stop in free text and were ignored: lead -> time of the request. */
  readonly requesters = new Map<number, number>();
  /** Deactivated numbers the studio never processed, now someone else's: lead -> deactivation. */
  readonly reassigned = new Map<number, number>();
  /** Carrier deactivation files: file day -> phone numbers. */
  readonly deactivationFiles = new Map<number, number[]>();
  /** Messages to reassigned numbers after their deactivation, in the review month. */
  readonly reassignedTally = newTally();
  /** When each ignored free-text request came in (kept after the lead's later STOP). */
  readonly requestTimes = new Map<number, number>();
  /** Reached texts to a lead after an ignored request to stop, before any opt-out, in the review month. */
  sendsAfterRequest = 0;
  /** Local midnight after the review month, per studio: the scenario counts stop there. */
  private readonly reviewEndUtc: number[];
  private hook: DayHook = { jobs: () => [] };
  /** Per-studio texts made once: automations render the first name when written. */
  private readonly texts: StudioTexts[];

  constructor(
    readonly rng: Random,
    readonly leads: LeadTable,
    readonly studios: readonly Studio[],
    readonly zones: readonly Zone[],
    readonly plan: Plan,
  ) {
    const cal = plan.calendar;
    this.pools = studios.map(() => []);
    this.actions = studios.map(() => new Map());
    this.cursor = studios.map((s) => leads.studioStart[s.index] as number);
    this.startUtc = zones.map((z) => z.toUtc(cal.firstDay, 0));
    this.endUtc = zones.map((z) => z.toUtc(cal.lastDay + 1, 0));
    this.reviewEndUtc = zones.map((z) => z.toUtc(cal.review.lastDay + 1, 0));
    this.epoch = Math.min(...this.startUtc) - DAY;
    this.texts = studios.map((studio) => ({
      welcome: (lead: number) => welcomeBody(studio, leads.first(lead)),
      intro: (lead: number) => introBody(studio, leads.first(lead)),
      optedOut: optOutConfirmation(studio),
      resubscribed: resubscribeConfirmation(studio),
      removed: `${studio.name}: Done, we've removed your number. Sorry for the bother!`,
    }));
  }

  /** Runs every day and hands each finished UTC-day bucket to `sink`, in order. */
  async run(sink: BucketSink, hook: DayHook): Promise<void> {
    this.hook = hook;
    const cal = this.plan.calendar;
    for (const s of this.studios) this.pools[s.index] = this.listAt(s.index, this.startUtc[s.index] as number);
    for (let day = cal.firstDay; day <= cal.lastDay; day++) {
      if (this.plan.deactivationDays.includes(day)) this.deactivationFile(day);
      for (const studio of this.studios) this.studioDay(studio, day);
      // Events of later local days start at local midnight, after UTC midnight in the
      // Americas: the bucket of this UTC day can get nothing more.
      await this.flushThrough(day, sink);
    }
    await this.flushThrough(Number.POSITIVE_INFINITY, sink);
  }

  private async flushThrough(utcDay: number, sink: BucketSink): Promise<void> {
    const days = [...this.buckets.keys()].filter((d) => d <= utcDay).sort((a, b) => a - b);
    for (const d of days) {
      const bucket = this.buckets.get(d) as Bucket;
      this.buckets.delete(d);
      await sink.write(d, bucket);
    }
  }

  /**
   * A studio's day as jobs (an automation, a campaign, a staff text...) run in the order of
   * their start times, so a lead's reaction to a morning text is known before the afternoon's.
   */
  private studioDay(studio: Studio, day: number): void {
    this.newLeads(studio, day);
    const jobs: Job[] = [...this.actionJobs(studio, day), ...this.reminders(studio, day), ...this.conversations(studio, day), ...this.quietOptOuts(studio, day)];
    if (weekday(day) === studio.blastWeekday) {
      const start = this.localTime(studio.index, day, studio.blastStart);
      jobs.push({ t: start, run: () => this.weeklyBlast(studio, day, start) });
    }
    jobs.push(...this.hook.jobs(studio, day));
    jobs.sort((a, b) => a.t - b.t);
    for (const job of jobs) job.run();
  }

  // ---- time and state -------------------------------------------------------------------

  localTime(s: number, day: number, secOfDay: number): number {
    return (this.zones[s] as Zone).toUtc(day, Math.floor(secOfDay));
  }

  localHour(s: number, t: number): number {
    return Math.floor((this.zones[s] as Zone).localSecOfDay(t) / HOUR);
  }

  /** Subscribed at t: never opted out, opted out only later, or re-opted-in since. */
  subscribedAt(lead: number, t: number): boolean {
    const out = this.leads.optOutAt[lead] as number;
    if (Number.isNaN(out) || out > t) return true;
    const back = this.leads.resubAt[lead] as number;
    return back >= out && back <= t;
  }

  /** Free to start a new opt-out: no opt-out on record, or a re-opt-in already in effect. */
  private freeToOptOut(lead: number, t: number): boolean {
    const out = this.leads.optOutAt[lead] as number;
    if (Number.isNaN(out)) return true;
    const back = this.leads.resubAt[lead] as number;
    return back >= out && back <= t;
  }

  canMessage(lead: number, t: number): boolean {
    return this.subscribedAt(lead, t) && !((this.leads.stopAt[lead] as number) <= t);
  }

  /** Everyone the weekly blast goes to at t. */
  listAt(s: number, t: number): number[] {
    const L = this.leads;
    const out: number[] = [];
    const hi = L.studioEnd[s] as number;
    for (let i = L.studioStart[s] as number; i < hi; i++) {
      if ((L.created[i] as number) <= t && onWeeklyList(L.segment[i] as number) && this.canMessage(i, t)) out.push(i);
    }
    return out;
  }

  /** Reached sends to the lead in (t - 7 days, t]; the message at t is recorded before this is asked. */
  private frequency(lead: number, t: number): number {
    const rel = t - this.epoch;
    let n = 0;
    const base = lead * 8;
    for (let k = 0; k < 8; k++) {
      const sent = this.leads.sends[base + k] as number;
      if (sent <= rel && sent > rel - 7 * DAY) n++;
    }
    return n;
  }

  private recordSend(lead: number, t: number): void {
    const pos = this.leads.sendPos[lead] as number;
    this.leads.sends[lead * 8 + pos] = t - this.epoch;
    this.leads.sendPos[lead] = (pos + 1) & 7;
  }

  lastSend(lead: number): number {
    let last = -Infinity;
    for (let k = 0; k < 8; k++) last = Math.max(last, this.leads.sends[lead * 8 + k] as number);
    return last + this.epoch;
  }

  // ---- events ---------------------------------------------------------------------------

  private bucket(t: number): Bucket {
    const day = Math.floor(t / DAY);
    let b = this.buckets.get(day);
    if (!b) {
      b = { messages: new MessageBatch(), optOuts: [] };
      this.buckets.set(day, b);
    }
    return b;
  }

  private inRun(s: number, t: number): boolean {
    return t >= (this.startUtc[s] as number) && t < (this.endUtc[s] as number);
  }

  inbound(s: number, lead: number, t: number, body: string, withLeadId = this.rng.chance(0.9)): void {
    if (!this.inRun(s, t)) return;
    this.bucket(t).messages.push(t, s, lead, INBOUND | (withLeadId ? WITH_LEAD_ID : 0), Status.Received, 0, '', '', body);
  }

  optOutRow(s: number, lead: number, t: number, method: string): void {
    if (!this.inRun(s, t)) return;
    this.bucket(t).optOuts.push({ t, studio: s, lead, byPhone: this.rng.chance(0.2), method });
  }

  /**
   * An outbound message, its delivery, and the lead's reaction. Callers decide who may be
   * texted; this only refuses times outside the run. Returns whether it was reached.
   */
  outbound(s: number, lead: number, t: number, kind: Kind, campaign: string, ctype: string, body: Body, opts: SendOptions = {}): boolean {
    if (!this.inRun(s, t)) return false;
    const status = this.delivery(lead, t);
    this.bucket(t).messages.push(t, s, lead, WITH_LEAD_ID, status, this.deliveryError, campaign, ctype, body);
    const reached = status === Status.Delivered || status === Status.Sent;
    if (opts.tally) {
      opts.tally.messages++;
      if (reached) {
        opts.tally.reached++;
        opts.tally.leads.add(lead);
      }
    }
    const inReview = t < (this.reviewEndUtc[s] as number);
    if ((this.reassigned.get(lead) ?? Infinity) <= t && inReview) {
      this.reassignedTally.messages++;
      if (reached) {
        this.reassignedTally.reached++;
        this.reassignedTally.leads.add(lead);
      }
    }
    if (!reached) return false;
    if (inReview && kind !== Kind.Confirmation && (this.requestTimes.get(lead) ?? Infinity) < t && this.subscribedAt(lead, t)) this.sendsAfterRequest++;
    this.recordSend(lead, t);
    this.react(s, lead, t, kind, opts);
    return true;
  }

  /** Error code of the last delivery() (0 for none): kept in a field so no tuple is allocated. */
  private deliveryError = 0;

  private delivery(lead: number, t: number): Status {
    const L = this.leads;
    this.deliveryError = 0;
    if (L.landline[lead] === 1) return this.failure(Status.Undelivered, 30006);
    if (L.carrierBlocked[lead] === 1 && !this.subscribedAt(lead, t)) return this.failure(Status.Failed, 21610);
    const { rng } = this;
    const reassigned = (this.reassigned.get(lead) ?? Infinity) <= t;
    const old = L.segment[lead] === Segment.Dormant;
    const failRate = old ? 0.06 : reassigned ? 0.12 : 0.008;
    const u = rng.next();
    if (u < failRate) {
      if (old || reassigned) return this.failure(Status.Undelivered, rng.chance(0.6) ? 30005 : 30003);
      const code = rng.pick(ERROR_MIX);
      return this.failure(code === 30007 && rng.chance(0.3) ? Status.Failed : Status.Undelivered, code);
    }
    return u < failRate + 0.05 ? Status.Sent : Status.Delivered;
  }

  private failure(status: Status, code: number): Status {
    this.deliveryError = code;
    return status;
  }

  /** The lead's propensity to opt out of this message: source, age, frequency, hour, consent. */
  private optOutProbability(s: number, lead: number, t: number, kind: Kind): number {
    const L = this.leads;
    let p = (SOURCE_RATE[L.source[lead] as number] as number) * KIND_RATE[kind];
    const age = (t - (L.created[lead] as number)) / DAY;
    p *= age <= 7 ? 1.3 : age <= 30 ? 1.1 : age <= 365 ? 1 : age <= 547 ? 1.1 : 1.25;
    p *= FREQUENCY_RATE[Math.min(7, this.frequency(lead, t))] as number;
    const hour = this.localHour(s, t);
    if (hour < 8 || hour >= 21) p *= 3.5;
    if (!((L.consent[lead] as number) <= t)) p *= 1.25;
    return p;
  }

  /** Minutes to a few hours, now and then the next day. */
  replyDelay(): number {
    const u = this.rng.next();
    if (u < 0.7) return 30 + Math.floor(3570 * this.rng.next() ** 2);
    if (u < 0.95) return HOUR + this.rng.int(5 * HOUR);
    return 6 * HOUR + this.rng.int(24 * HOUR);
  }

  private react(s: number, lead: number, t: number, kind: Kind, opts: SendOptions): void {
    // Jobs overlap and replies are decided when a text goes out: a lead already texted later
    // than t does not react, or the opt-out could land before a send already made.
    if (kind === Kind.Confirmation || !this.freeToOptOut(lead, t) || this.lastSend(lead) > t) return;
    const { rng } = this;
    const requested = this.requesters.get(lead);
    if (requested !== undefined) {
      // They asked to stop and are still being texted: within a day they wait, then some snap.
      if (t - requested > DAY && rng.chance(opts.requesterP ?? 0.05)) {
        this.keywordOptOut(s, lead, t + this.replyDelay(), opts.tally, true);
        this.requesters.delete(lead);
      }
      return;
    }
    const reassignedAt = this.reassigned.get(lead);
    if (reassignedAt !== undefined && reassignedAt <= t) {
      // The number belongs to someone else now.
      const u = rng.next();
      if (u < 0.08) this.keywordOptOut(s, lead, t + this.replyDelay(), this.reassignedTally);
      else if (u < 0.14) this.inbound(s, lead, t + this.replyDelay(), rng.pick(WRONG_NUMBER), false);
      return;
    }
    const p = opts.p ?? this.optOutProbability(s, lead, t, kind) * (opts.boost ?? 1);
    const u = rng.next();
    if (u < p) {
      this.keywordOptOut(s, lead, t + this.replyDelay(), opts.tally);
    } else if (u < p * (1 + FREE_TEXT_SHARE)) {
      this.processedRequest(s, lead, t + this.replyDelay(), opts.tally);
    } else if (u < p * (1 + FREE_TEXT_SHARE) + KIND_CHATTER[kind]) {
      this.chatter(s, lead, t + this.replyDelay());
    } else if (u < p * (1 + FREE_TEXT_SHARE) + KIND_CHATTER[kind] + LOOK_ALIKE_RATE) {
      this.lookAlike(s, lead, t + this.replyDelay());
    }
  }

  /**
   * STOP from the lead, the provider's confirmation seconds later, and usually the CRM's
   * opt-out row for the same event. Now and then the lead comes back with START weeks later.
   */
  keywordOptOut(s: number, lead: number, t: number, tally?: Tally, angry = false): void {
    if (!this.inRun(s, t)) return;
    const { rng } = this;
    const texts = this.texts[s] as StudioTexts;
    this.inbound(s, lead, t, angry && rng.chance(0.4) ? 'STOP!!!' : rng.pick(STOP_WORDS));
    this.outbound(s, lead, t + 1 + rng.int(4), Kind.Confirmation, '', '', texts.optedOut);
    if (rng.chance(0.85)) this.optOutRow(s, lead, t + 3 + rng.int(38), 'keyword');
    this.leads.optOutAt[lead] = t;
    this.leads.carrierBlocked[lead] = 1;
    if (tally) tally.optOuts++;
    if (rng.chance(RESUBSCRIBE_RATE)) {
      const day = (this.zones[s] as Zone).localDay(t) + 3 + rng.int(58);
      const back = this.localTime(s, day, 9 * HOUR + rng.int(11 * HOUR));
      if (this.inRun(s, back)) {
        this.leads.resubAt[lead] = back;
        this.inbound(s, lead, back, rng.pick(START_WORDS));
        this.outbound(s, lead, back + 1 + rng.int(3), Kind.Confirmation, '', '', texts.resubscribed);
      }
    }
  }

  /** "please stop texting me": staff see it and enter the opt-out in the CRM within hours. */
  private processedRequest(s: number, lead: number, t: number, tally?: Tally): void {
    if (!this.inRun(s, t)) return;
    this.inbound(s, lead, t, this.rng.pick(STOP_REQUESTS));
    const done = t + 10 * MINUTE + this.rng.int(8 * HOUR);
    this.optOutRow(s, lead, done, 'staff');
    this.outbound(s, lead, done + 5 + this.rng.int(115), Kind.Confirmation, '', '', (this.texts[s] as StudioTexts).removed);
    this.leads.optOutAt[lead] = done;
    if (tally) tally.optOuts++;
  }

  private chatter(s: number, lead: number, t: number): void {
    const body = this.rng.pick(CHATTER);
    this.inbound(s, lead, t, body);
    if (body.endsWith('?')) this.staffAnswer(s, lead, t, answerBody(this.studios[s] as Studio, body));
  }

  lookAlike(s: number, lead: number, t: number): void {
    this.inbound(s, lead, t, this.rng.pick(LOOK_ALIKES));
    if (this.rng.chance(0.6)) this.staffAnswer(s, lead, t, LOOK_ALIKE_ANSWER(this.studios[s] as Studio));
  }

  /** Staff answer within the hour and a half, but not into the evening quiet hours. */
  private staffAnswer(s: number, lead: number, asked: number, body: string): void {
    const t = asked + 3 * MINUTE + this.rng.int(87 * MINUTE);
    const hour = this.localHour(s, t);
    if (hour >= 8 && hour < 21 && this.canMessage(lead, t)) this.outbound(s, lead, t, Kind.Answer, '', '', body);
  }

  // ---- daily routines -------------------------------------------------------------------

  private schedule(s: number, action: Action): void {
    const day = (this.zones[s] as Zone).localDay(action.t);
    const map = this.actions[s] as Map<number, Action[]>;
    const list = map.get(day);
    if (list) list.push(action);
    else map.set(day, [action]);
  }

  private actionJobs(studio: Studio, day: number): Job[] {
    const s = studio.index;
    const map = this.actions[s] as Map<number, Action[]>;
    const list = map.get(day);
    if (!list) return [];
    map.delete(day);
    const texts = this.texts[s] as StudioTexts;
    const L = this.leads;
    return list.map((a) => ({
      t: a.t,
      run: () => {
        if (!this.canMessage(a.lead, a.t)) return;
        if (a.kind === 'welcome') {
          if (L.method[a.lead] === Method.Keyword) this.inbound(s, a.lead, a.t - 20 - this.rng.int(100), CONSENT_KEYWORD, true);
          this.outbound(s, a.lead, a.t, Kind.Automation, `${studio.id}-welcome`, 'automation', texts.welcome);
        } else if (a.kind === 'intro') {
          this.outbound(s, a.lead, a.t, Kind.Automation, `${studio.id}-intro-offer`, 'automation', texts.intro);
        } else {
          const staff = staffName(this.rng.int(6));
          this.outbound(s, a.lead, a.t, Kind.Conversation, '', '', firstContactBody(studio, L.first(a.lead), staff, L.source[a.lead] === Source.ClassPass));
        }
      },
    }));
  }

  /**
   * Leads created today join the list. Consent starts the welcome automation within minutes
   * (whatever the hour) and a follow-up two days later; without consent staff text them anyway.
   */
  private newLeads(studio: Studio, day: number): void {
    const s = studio.index;
    const L = this.leads;
    const end = this.localTime(s, day + 1, 0);
    const hi = L.studioEnd[s] as number;
    const pool = this.pools[s] as number[];
    let i = this.cursor[s] as number;
    for (; i < hi && (L.created[i] as number) < end; i++) {
      const segment = L.segment[i] as number;
      if ((L.created[i] as number) < (this.startUtc[s] as number) || segment === Segment.Dormant) continue;
      pool.push(i);
      if (segment !== Segment.New) continue;
      const consent = L.consent[i] as number;
      if (!Number.isNaN(consent) && consent >= (L.created[i] as number) - MINUTE) {
        const welcome = consent + 20 + this.rng.int(280);
        this.schedule(s, { t: welcome, lead: i, kind: 'welcome' });
        const zone = this.zones[s] as Zone;
        this.schedule(s, { t: this.localTime(s, zone.localDay(welcome) + 2, 11 * HOUR + this.rng.int(2 * HOUR)), lead: i, kind: 'intro' });
      } else if (this.rng.chance(0.7)) {
        this.schedule(s, { t: this.firstContactTime(s, L.created[i] as number), lead: i, kind: 'first-contact' });
      }
    }
    this.cursor[s] = i;
  }

  /** Staff text a lead without consent an hour or three after sign-up, or the next morning. */
  private firstContactTime(s: number, created: number): number {
    const t = created + HOUR + this.rng.int(2 * HOUR);
    const hour = this.localHour(s, t);
    if (hour >= 9 && hour < 20) return t;
    const zone = this.zones[s] as Zone;
    const day = zone.localDay(t) + (hour >= 20 ? 1 : 0);
    return this.localTime(s, day, 10 * HOUR + this.rng.int(2 * HOUR));
  }

  /** Sends one campaign to a list, spread over a window the provider's throughput allows. */
  sendCampaign(s: number, recipients: readonly number[], start: number, window: number, kind: Kind, campaign: string, body: Body, opts: SendOptions = {}): void {
    const n = recipients.length;
    for (let k = 0; k < n; k++) {
      const t = start + Math.floor((k * window) / Math.max(1, n));
      this.outbound(s, recipients[k] as number, t, kind, campaign, '', body, opts);
    }
  }

  private weeklyBlast(studio: Studio, day: number, start: number): void {
    const s = studio.index;
    const list = this.listAt(s, start);
    this.pools[s] = list.slice();
    const week = Math.floor((day - this.plan.calendar.firstDay) / 7);
    const personal = weeklyPersonalised(week);
    const body: Body = personal ? (lead) => weeklyBody(studio, week, this.leads.first(lead)) : weeklyBody(studio, week, '');
    const window = Math.min(40 * MINUTE, Math.max(2 * MINUTE, list.length * 2));
    this.sendCampaign(s, list, start, window, Kind.Blast, `${studio.id}-weekly-${isoDate(day)}`, body, { boost: personal ? 0.85 : 1 });
  }

  /** Picks someone on the list who can be texted at t, preferring members; -1 if none found. */
  pickFromPool(s: number, t: number, preferMembers: boolean): number {
    const pool = this.pools[s] as number[];
    if (pool.length === 0) return -1;
    for (let tries = 0; tries < 6; tries++) {
      const lead = pool[this.rng.int(pool.length)] as number;
      if (!this.canMessage(lead, t) || (this.leads.created[lead] as number) > t) continue;
      if (preferMembers && this.leads.segment[lead] !== Segment.Member && this.rng.chance(0.65)) continue;
      return lead;
    }
    return -1;
  }

  /** Class reminders 90 minutes before class, to the few booked: small targeted campaigns. */
  private reminders(studio: Studio, day: number): Job[] {
    const s = studio.index;
    const pool = this.pools[s] as number[];
    const wd = weekday(day);
    const classes = this.rng.poisson(pool.length * 0.0035 * (wd === 0 || wd === 6 ? 0.7 : 1));
    const jobs: Job[] = [];
    for (let c = 0; c < classes; c++) {
      const slot = this.rng.int(CLASS_STARTS.length);
      const starts = CLASS_STARTS[slot] as number;
      const cls = className(studio, slot + wd);
      const sendAt = this.localTime(s, day, starts - 90 * MINUTE);
      const campaign = `${studio.id}-remind-${isoDate(day)}-${String(Math.floor(starts / HOUR)).padStart(2, '0')}${String((starts % HOUR) / MINUTE).padStart(2, '0')}`;
      const body: Body = (lead) => reminderBody(studio, cls, starts, this.leads.first(lead));
      jobs.push({
        t: sendAt,
        run: () => {
          const size = Math.min(this.rng.between(5, 16), Math.ceil(pool.length / 3));
          for (let k = 0; k < size; k++) {
            const t = sendAt + k * 2 + this.rng.int(2);
            const lead = this.pickFromPool(s, t, true);
            if (lead >= 0) this.outbound(s, lead, t, Kind.Reminder, campaign, '', body);
          }
        },
      });
    }
    return jobs;
  }

  /**
   * Staff check-ins from the studio phone. Staff text from memory, so now and then they try a
   * lead who sent STOP: the carrier refuses it (21610) and it never reaches the lead.
   */
  private conversations(studio: Studio, day: number): Job[] {
    const s = studio.index;
    const count = this.rng.poisson((this.pools[s] as number[]).length * 0.003);
    return Array.from({ length: count }, () => {
      const t = this.localTime(s, day, 9.5 * HOUR + this.rng.int(9 * HOUR));
      return {
        t,
        run: () => {
          const pool = this.pools[s] as number[];
          let lead = this.pickFromPool(s, t, false);
          const stale = pool.length > 0 ? (pool[this.rng.int(pool.length)] as number) : -1;
          if (stale >= 0 && this.leads.carrierBlocked[stale] === 1 && !this.subscribedAt(stale, t) && this.rng.chance(0.3)) lead = stale;
          if (lead < 0) return;
          const body = checkInBody(studio, this.leads.first(lead), staffName(this.rng.int(6)), className(studio, this.rng.int(5)));
          this.outbound(s, lead, t, Kind.Conversation, '', '', body);
        },
      };
    });
  }

  /** Opt-outs with no keyword: the web preference page and the front desk. */
  private quietOptOuts(studio: Studio, day: number): Job[] {
    const s = studio.index;
    const count = this.rng.poisson((this.pools[s] as number[]).length * QUIET_OPT_OUT_RATE);
    return Array.from({ length: count }, () => {
      const t = this.localTime(s, day, 8 * HOUR + this.rng.int(13 * HOUR));
      return {
        t,
        run: () => {
          const lead = this.pickFromPool(s, t, false);
          if (lead < 0 || !this.freeToOptOut(lead, t) || this.lastSend(lead) > t) return;
          this.optOutRow(s, lead, t, this.rng.chance(0.6) ? 'web' : 'staff');
          this.leads.optOutAt[lead] = t;
        },
      };
    });
  }

  /**
   * A carrier's daily deactivation file. Studios process it the morning it arrives (no more
   * texts to those numbers), except the planted one, which one studio never processed.
   * Most listed numbers are nobody's lead.
   */
  private deactivationFile(day: number): void {
    const { rng } = this;
    const L = this.leads;
    const phones: number[] = [];
    const planted = this.plan.scenarios.deactivated;
    for (const studio of this.studios) {
      const s = studio.index;
      const midnight = this.localTime(s, day, 0);
      const pool = this.pools[s] as number[];
      const unprocessed = day === planted.fileDay && s === planted.studio;
      const want = unprocessed ? Math.max(12, Math.round(pool.length * 0.03)) : Math.max(1, Math.round(pool.length * 0.004));
      const chosen = new Set<number>();
      for (let tries = 0; chosen.size < want && tries < want * 20 && pool.length > 0; tries++) {
        const lead = pool[rng.int(pool.length)] as number;
        // Only leads with nothing in flight, so a processed file really ends their texts.
        if (chosen.has(lead) || !this.canMessage(lead, midnight) || this.reassigned.has(lead) || L.landline[lead] === 1) continue;
        if (this.lastSend(lead) > midnight - 2 * DAY || !this.freeToOptOut(lead, midnight)) continue;
        chosen.add(lead);
      }
      for (const lead of chosen) {
        phones.push(L.phone[lead] as number);
        if (unprocessed) this.reassigned.set(lead, midnight);
        else L.stopAt[lead] = midnight;
      }
    }
    const strangers = Math.max(15, Math.round(phones.length * 4));
    for (let k = 0; k < strangers; k++) phones.push(phoneOf(rng.pick(RESERVED_AREA_CODES), rng.int(10_000)));
    // Carriers repeat numbers across days; the earliest date is the one that counts.
    const earlier = [...this.deactivationFiles.values()].flat();
    for (let k = 0; k < 2 && earlier.length > 0; k++) phones.push(rng.pick(earlier));
    this.deactivationFiles.set(day, [...new Set(phones)].sort((a, b) => a - b));
  }
}
