/**
 * The known causes of opt-outs (SPEC section 5): one entry each, with the risk factor a spike's
 * excess is allocated to (SQL over int_messages_cohorts), the cohort dimension and keys that show
 * it, and what fixes it. analysis/causes.ts reads the factors; the site reads the words.
 */
import type { Dimension } from './dimensions.ts';

export const CAUSES = [
  'unverified_consent',
  'cold_leads',
  'old_list_blast',
  'excessive_frequency',
  'poor_timing',
  'irrelevant_content',
  'no_personalization',
  'previous_negative_experience',
  'opt_out_handling',
] as const;
export type Cause = (typeof CAUSES)[number];

export interface CauseEntry {
  /** The cause's name in plain words, the same on every page. */
  label: string;
  /**
   * SQL over int_messages_cohorts: true for a message carrying the risk. Null for irrelevant
   * content, which is not a factor but the campaign with the most extra opt-outs in the window.
   */
  factor: string | null;
  /** The cohort dimension that shows the cause, and its keys that are the risk (null: any key). */
  dimension: Dimension;
  keys: readonly string[] | null;
  /** Who the factor's messages went to, for the evidence sentence. */
  who: string;
  /** What fixes it, in plain words. */
  action: string;
}

const QUIET_HOURS = ['00', '01', '02', '03', '04', '05', '06', '07', '21', '22', '23'];

export const CAUSE_CATALOG = {
  unverified_consent: {
    label: 'Consent never verified',
    factor: `consent in ('none', 'unverified')`,
    dimension: 'consent',
    keys: ['none', 'unverified'],
    who: 'leads whose consent was never verified',
    action:
      'Get permission first: stop texting leads whose consent was never captured or came with an imported list until they opt in themselves (a web form or a keyword), and revisit how this source collects consent.',
  },
  cold_leads: {
    label: 'Cold leads (no contact for over a year)',
    factor: `engagement in ('366-547d', '548d+') and not is_blast`,
    dimension: 'engagement',
    keys: ['366-547d', '548d+'],
    who: 'leads with no contact for over a year',
    action:
      'Check in at least every 18 months: send leads you have not heard from one re-permission message ("Reply YES to keep hearing from us") before any campaign, and stop texting those who do not answer.',
  },
  old_list_blast: {
    label: 'A blast to an old list',
    factor: `is_blast and (engagement in ('366-547d', '548d+') or lead_age in ('366-547d', '548d+'))`,
    dimension: 'campaign_type',
    keys: ['blast'],
    who: 'leads on an old list, in a blast',
    action: 'Do not blast old lists: send campaigns only to leads engaged in the last 18 months, re-confirm the rest first, and split large sends.',
  },
  excessive_frequency: {
    label: 'Too many texts',
    factor: `frequency_7d in ('4-6', '7+')`,
    dimension: 'frequency_7d',
    keys: ['4-6', '7+'],
    who: 'leads who had 4 or more texts that week',
    action: 'Cut frequency: cap texts at 3 a week per lead and stop automations stacking on top of weekly campaigns.',
  },
  poor_timing: {
    label: 'Texts at night or early morning',
    factor: 'is_quiet_hours',
    dimension: 'send_hour',
    keys: QUIET_HOURS,
    who: 'leads texted before 08:00 or after 21:00 local time',
    action: "Send in daytime: schedule every campaign between 08:00 and 21:00 in the studio's time zone.",
  },
  irrelevant_content: {
    label: 'Content that did not fit',
    factor: null,
    dimension: 'campaign',
    keys: null,
    who: 'leads in one campaign',
    action:
      'Make content relevant and identify the sender: name the studio in every message, and send partner or off-topic offers only to leads who asked for them.',
  },
  no_personalization: {
    label: 'Impersonal texts',
    factor: 'is_unpersonalised',
    dimension: 'campaign',
    keys: null,
    who: 'leads whose texts did not use their name',
    action: 'Personalise: greet the lead by name and speak to what they signed up for.',
  },
  previous_negative_experience: {
    label: 'Leads who had opted out before',
    factor: 'is_resubscribed_after_opt_out',
    dimension: 'campaign',
    keys: null,
    who: 'leads who had opted out before and come back',
    action: 'Handle returning leads with care: confirm their re-subscription, and keep their messages to what they asked for.',
  },
  opt_out_handling: {
    label: 'Opt-outs not honoured',
    factor: 'is_opt_out_ignored',
    dimension: 'campaign',
    keys: null,
    who: 'leads who had already asked to stop',
    action:
      "Honour opt-outs: treat free-text requests (\"please stop\") as opt-outs within 24 hours, suppress opted-out and deactivated numbers before every send, and process the carriers' daily deactivation file.",
  },
} as const satisfies Record<Cause, CauseEntry>;
