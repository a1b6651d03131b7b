import {
  STOP_REQUESTS,
  challengeBody,
  flashSaleBody,
  importWelcomeBody,
  openHouseBody,
  partnerPromoBody,
  reengageBody,
  scheduleBody,
  winbackBody,
} from './content.ts';
import { Method, Segment } from './leads.ts';
import { type Body, Kind, type Tally, newTally } from './events.ts';
import type { DayHook, Job, Simulation } from './simulate.ts';
import type { Studio } from './studios.ts';
import { HOUR, MINUTE, businessDaysBetween, isoDate, type Zone } from './time.ts';

/**
 * The planted scenarios (data/README.md has the table): one burst per known cause of opt-outs,
 * plus the compliance cases, each in its studio on its days of the review month. Each one
 * records what it did, so the summary and the README can state the numbers.
 */

export interface PlantedScenario {
  /** The SPEC cause it should be explained by, or the compliance check it feeds. */
  name: string;
  studio: string;
  /** Local dates. */
  dates: string[];
  campaigns: string[];
  /** Messages sent, reached, distinct leads reached, and keyword or free-text opt-outs they drew. */
  messages: number;
  reached: number;
  recipients: number;
  optOuts: number;
  /** Scenario-specific counts, named. */
  details: Record<string, number>;
}

export class Scenarios implements DayHook {
  private readonly tallies = new Map<string, Tally>();
  private readonly campaigns = new Map<string, string[]>();
  private readonly details = new Map<string, Record<string, number>>();
  /** The leads who get the daily challenge: the list on its first day. */
  private challengers: number[] = [];

  constructor(private readonly sim: Simulation) {}

  jobs(studio: Studio, day: number): Job[] {
    const P = this.sim.plan.scenarios;
    const s = studio.index;
    const jobs: Job[] = [];
    const at = (hour: number, run: (start: number) => void): void => {
      const start = this.sim.localTime(s, day, hour * HOUR);
      jobs.push({ t: start, run: () => run(start) });
    };
    if (s === P.optOutHandling.studio) {
      if (day === P.optOutHandling.requestDay) at(11, (t) => this.ignoredRequests(studio, day, t));
      if (day === P.optOutHandling.followUpDay) at(10.5, (t) => this.openHouse(studio, day, t));
      const dom = day - this.sim.plan.calendar.review.firstDay + 1;
      if (dom >= 3 && dom <= 27 && dom % 3 === 0) jobs.push(...this.lookAlikes(studio, day));
    }
    if (s === P.unverifiedConsent.studio && day === P.unverifiedConsent.campaignDay) at(11, (t) => this.importCampaign(studio, day, t));
    if (s === P.excessiveFrequency.studio && day >= P.excessiveFrequency.firstDay && day <= P.excessiveFrequency.lastDay) at(12.25, (t) => this.challenge(studio, day, t));
    if (s === P.sendsAfterOptOut.studio && day === P.sendsAfterOptOut.day) at(14, (t) => this.reengage(studio, day, t));
    if (s === P.oldListBlast.studio && day === P.oldListBlast.day) at(12, (t) => this.winback(studio, day, t));
    if (s === P.poorTiming.studio && day === P.poorTiming.day) at(22.5, (t) => this.flashSale(studio, day, t));
    if (s === P.irrelevantContent.studio && day === P.irrelevantContent.day) at(13, (t) => this.partnerPromo(studio, day, t));
    return jobs;
  }

  private tally(name: string, campaign: string): Tally {
    let t = this.tallies.get(name);
    if (!t) {
      t = newTally();
      this.tallies.set(name, t);
      this.campaigns.set(name, []);
      this.details.set(name, {});
    }
    (this.campaigns.get(name) as string[]).push(campaign);
    return t;
  }

  private detail(name: string, key: string, add: number): void {
    const d = this.details.get(name) ?? {};
    d[key] = (d[key] ?? 0) + add;
    this.details.set(name, d);
  }

  /** The bought list, imported the day before, gets a hard-sell text at 11:00. */
  private importCampaign(studio: Studio, day: number, start: number): void {
    const sim = this.sim;
    const L = sim.leads;
    const recipients: number[] = [];
    for (let i = L.studioStart[studio.index] as number; i < (L.studioEnd[studio.index] as number); i++) {
      if (L.segment[i] === Segment.Imported && sim.canMessage(i, start)) recipients.push(i);
    }
    const campaign = `${studio.id}-import-welcome-${isoDate(day)}`;
    const tally = this.tally('unverified_consent', campaign);
    this.detail('unverified_consent', 'imported_leads', recipients.length);
    this.detail('unverified_consent', 'imported_without_consent', recipients.filter((i) => L.method[i] === Method.None).length);
    const body: Body = (lead) => importWelcomeBody(studio, L.first(lead));
    for (let k = 0; k < recipients.length; k++) {
      const lead = recipients[k] as number;
      const p = L.method[lead] === Method.None ? 0.13 : 0.1;
      sim.outbound(studio.index, lead, start + Math.floor((k * 20 * MINUTE) / recipients.length), Kind.Campaign, campaign, '', body, { p, tally });
    }
  }

  /** A daily "7-day challenge" text to the whole list for six days, on top of everything else. */
  private challenge(studio: Studio, day: number, start: number): void {
    const sim = this.sim;
    const P = sim.plan.scenarios.excessiveFrequency;
    if (day === P.firstDay) this.challengers = sim.listAt(studio.index, start);
    const n = day - P.firstDay + 1;
    const campaign = `${studio.id}-challenge-${isoDate(day)}`;
    const tally = this.tally('excessive_frequency', campaign);
    const recipients = this.challengers.filter((lead) => sim.canMessage(lead, start));
    sim.sendCampaign(studio.index, recipients, start, 15 * MINUTE, Kind.Campaign, campaign, (lead: number) => challengeBody(studio, n, sim.leads.first(lead)), { boost: 2, tally });
  }

  /**
   * A CRM sync re-adds everyone who ever opted out, and a re-engagement text goes to them.
   * Keyword opt-outs are blocked by the carrier (21610); web and front-desk ones are delivered.
   * A few answer with an angry STOP (a repeat opt-out, not a new one).
   */
  private reengage(studio: Studio, day: number, start: number): void {
    const sim = this.sim;
    const L = sim.leads;
    const s = studio.index;
    const zone = sim.zones[s] as Zone;
    const recipients: number[] = [];
    for (let i = L.studioStart[s] as number; i < (L.studioEnd[s] as number); i++) {
      // Opted out now, number not deactivated, nothing in flight (such as a coming re-opt-in).
      if (!sim.subscribedAt(i, start) && !((L.stopAt[i] as number) <= start) && sim.lastSend(i) < start) recipients.push(i);
    }
    const campaign = `${studio.id}-reengage-${isoDate(day)}`;
    const tally = this.tally('sent_after_opt_out', campaign);
    let late = 0;
    const body: Body = (lead) => reengageBody(studio, L.first(lead));
    for (let k = 0; k < recipients.length; k++) {
      const lead = recipients[k] as number;
      const t = start + Math.floor((k * 10 * MINUTE) / recipients.length);
      const optedOut = L.optOutAt[lead] as number;
      if (!sim.outbound(s, lead, t, Kind.Campaign, campaign, '', body, { p: 0, tally })) continue;
      if (businessDaysBetween(zone.localDay(optedOut), zone.localDay(t)) > 10) late++;
      if (sim.rng.chance(0.12)) sim.keywordOptOut(s, lead, t + sim.replyDelay(), undefined, true);
    }
    this.detail('sent_after_opt_out', 'reached_more_than_10_business_days_after', late);
    this.detail('sent_after_opt_out', 'blocked_21610', tally.messages - tally.reached);
  }

  /** The old list, untouched for 18+ months, gets a win-back blast. */
  private winback(studio: Studio, day: number, start: number): void {
    const sim = this.sim;
    const L = sim.leads;
    const recipients: number[] = [];
    for (let i = L.studioStart[studio.index] as number; i < (L.studioEnd[studio.index] as number); i++) {
      if (L.segment[i] === Segment.Dormant && sim.canMessage(i, start)) recipients.push(i);
    }
    const campaign = `${studio.id}-winback-${isoDate(day)}`;
    const tally = this.tally('old_list_blast', campaign);
    sim.sendCampaign(studio.index, recipients, start, 30 * MINUTE, Kind.Campaign, campaign, winbackBody(studio), { p: 0.04, tally });
  }

  /** A flash sale scheduled in the wrong time zone: it goes out 22:30-23:30 local. */
  private flashSale(studio: Studio, day: number, start: number): void {
    const sim = this.sim;
    const campaign = `${studio.id}-flash-sale-${isoDate(day)}`;
    const tally = this.tally('poor_timing', campaign);
    const body = flashSaleBody(studio);
    sim.sendCampaign(studio.index, sim.listAt(studio.index, start), start, HOUR - 1, Kind.Campaign, campaign, body, { boost: 2, tally });
  }

  /** A partner's car-wash promotion to the whole list; it never names the studio. */
  private partnerPromo(studio: Studio, day: number, start: number): void {
    const sim = this.sim;
    const campaign = `${studio.id}-partner-promo-${isoDate(day)}`;
    const tally = this.tally('irrelevant_content', campaign);
    const body = partnerPromoBody();
    sim.sendCampaign(studio.index, sim.listAt(studio.index, start), start, 20 * MINUTE, Kind.Campaign, campaign, body, { boost: 8, tally });
  }

  /**
   * A schedule announcement; some leads answer in free text asking to stop. Nobody processes
   * it: no opt-out event, and they keep getting texts.
   */
  private ignoredRequests(studio: Studio, day: number, start: number): void {
    const sim = this.sim;
    const s = studio.index;
    const list = sim.listAt(s, start);
    const wanted = Math.max(20, Math.round(list.length * 0.05));
    const askers = new Set(sim.rng.shuffle(list.filter((lead) => !sim.reassigned.has(lead))).slice(0, wanted));
    const campaign = `${studio.id}-schedule-${isoDate(day)}`;
    const tally = this.tally('opt_out_handling', campaign);
    const body = scheduleBody(studio);
    for (let k = 0; k < list.length; k++) {
      const lead = list[k] as number;
      const t = start + Math.floor((k * 20 * MINUTE) / list.length);
      const asks = askers.has(lead);
      // Registered before sending, so the lead's reaction to this very text is the request.
      const at = t + 2 * MINUTE + sim.rng.int(3 * HOUR);
      if (asks) sim.requesters.set(lead, at);
      const reached = sim.outbound(s, lead, t, Kind.Campaign, campaign, '', body, { tally });
      if (!asks) continue;
      if (!reached) {
        sim.requesters.delete(lead);
        continue;
      }
      sim.inbound(s, lead, at, sim.rng.pick(STOP_REQUESTS), true);
      sim.requestTimes.set(lead, at);
    }
    this.detail('opt_out_handling', 'ignored_requests', sim.requestTimes.size);
  }

  /** The follow-up campaign: most who asked to stop nine days ago now send STOP. */
  private openHouse(studio: Studio, day: number, start: number): void {
    const sim = this.sim;
    const campaign = `${studio.id}-open-house-${isoDate(day)}`;
    const tally = this.tally('opt_out_handling', campaign);
    const before = tally.optOuts;
    const still = sim.requesters.size;
    const body = openHouseBody(studio);
    sim.sendCampaign(studio.index, sim.listAt(studio.index, start), start, 20 * MINUTE, Kind.Campaign, campaign, body, { requesterP: 0.8, tally });
    this.detail('opt_out_handling', 'requesters_still_subscribed_at_follow_up', still);
    this.detail('opt_out_handling', 'follow_up_opt_outs', tally.optOuts - before);
  }

  /** Replies that look like opt-out requests and are not, spread over the month. */
  private lookAlikes(studio: Studio, day: number): Job[] {
    const sim = this.sim;
    const n = Math.ceil(Math.max(8, sim.requestTimes.size / 2) / 9);
    return Array.from({ length: n }, () => {
      const t = sim.localTime(studio.index, day, 12 * HOUR + sim.rng.int(7 * HOUR));
      return {
        t,
        run: () => {
          const lead = sim.pickFromPool(studio.index, t, true);
          if (lead < 0) return;
          sim.lookAlike(studio.index, lead, t);
          this.detail('opt_out_handling', 'look_alike_replies', 1);
        },
      };
    });
  }

  /** What each scenario did, in plan order, for the summary and the README. */
  report(): PlantedScenario[] {
    const sim = this.sim;
    const P = sim.plan.scenarios;
    const id = (s: number): string => (sim.studios[s] as Studio).id;
    const range = (a: number, b: number): string[] => Array.from({ length: b - a + 1 }, (_, k) => isoDate(a + k));
    const entries: [string, number, string[]][] = [
      ['unverified_consent', P.unverifiedConsent.studio, [isoDate(P.unverifiedConsent.importDay), isoDate(P.unverifiedConsent.campaignDay)]],
      ['old_list_blast', P.oldListBlast.studio, [isoDate(P.oldListBlast.day)]],
      ['excessive_frequency', P.excessiveFrequency.studio, range(P.excessiveFrequency.firstDay, P.excessiveFrequency.lastDay)],
      ['poor_timing', P.poorTiming.studio, [isoDate(P.poorTiming.day)]],
      ['irrelevant_content', P.irrelevantContent.studio, [isoDate(P.irrelevantContent.day)]],
      ['opt_out_handling', P.optOutHandling.studio, [isoDate(P.optOutHandling.requestDay), isoDate(P.optOutHandling.followUpDay)]],
      ['sent_after_opt_out', P.sendsAfterOptOut.studio, [isoDate(P.sendsAfterOptOut.day)]],
    ];
    const out = entries.map(([name, s, dates]): PlantedScenario => {
      const t = this.tallies.get(name) ?? newTally();
      const details = { ...this.details.get(name) };
      if (name === 'opt_out_handling') details.reached_sends_after_request = sim.sendsAfterRequest;
      return {
        name,
        studio: id(s),
        dates,
        campaigns: this.campaigns.get(name) ?? [],
        messages: t.messages,
        reached: t.reached,
        recipients: t.leads.size,
        optOuts: t.optOuts,
        details,
      };
    });
    const r = sim.reassignedTally;
    out.push({
      name: 'sent_to_deactivated',
      studio: id(P.deactivated.studio),
      dates: [isoDate(P.deactivated.fileDay)],
      campaigns: [],
      messages: r.messages,
      reached: r.reached,
      recipients: r.leads.size,
      optOuts: r.optOuts,
      details: { listed_numbers_of_studio: sim.reassigned.size },
    });
    return out;
  }
}

