import type { Cause, Check, Dimension } from './schema.ts';
import { plural } from './format.ts';

/** Plain words for the report's codes: headings, groups, causes, checks. */

export interface DimensionText {
  /** Section heading: "Opt-outs by lead source". */
  title: string;
  /** Column heading of the group: "Lead source". */
  column: string;
  /** Page anchor. */
  anchor: string;
  /** What the groups are, in one sentence. */
  about: string;
}

export const DIMENSION_TEXT: Record<Dimension, DimensionText> = {
  lead_source: {
    title: 'Opt-outs by lead source',
    column: 'Lead source',
    anchor: 'lead-source',
    about: 'Where the lead came from, as the CRM names it.',
  },
  lead_age: {
    title: 'Opt-outs by lead age',
    column: 'Lead age',
    anchor: 'lead-age',
    about: 'Days between the lead being added to the CRM and the text.',
  },
  frequency_7d: {
    title: 'Opt-outs by texts in the last 7 days',
    column: 'Texts to the lead in 7 days',
    anchor: 'frequency',
    about: 'How many texts the studio had sent the lead in the 7 days up to and including this one.',
  },
  consent: {
    title: 'Opt-outs by consent on record',
    column: 'Consent',
    anchor: 'consent',
    about: 'Whether the lead had given consent when the text went out, and how it was captured.',
  },
  engagement: {
    title: 'Opt-outs by time since the lead was last in touch',
    column: 'Last in touch',
    anchor: 'engagement',
    about: 'Days since the lead last signed up, gave consent, visited, booked, bought or replied.',
  },
  campaign_type: {
    title: 'Opt-outs by kind of text',
    column: 'Kind of text',
    anchor: 'campaign-type',
    about: 'Blasts, targeted campaigns, automations and one-to-one conversations.',
  },
  send_hour: {
    title: 'Opt-outs by hour sent',
    column: 'Hour sent (local)',
    anchor: 'send-hour',
    about: "The hour the text went out, in the studio's time zone.",
  },
  studio: {
    title: 'Opt-outs by studio',
    column: 'Studio',
    anchor: 'studio',
    about: 'Each studio in the export.',
  },
  campaign: {
    title: 'Opt-outs by campaign',
    column: 'Campaign',
    anchor: 'campaign',
    about: 'Each campaign; "(none)" is one-to-one texts outside any campaign.',
  },
};

const CONSENT: Record<string, string> = {
  verified: 'Verified',
  unverified: 'Unverified (imported or unknown method)',
  none: 'None on record',
  unknown: 'Unknown lead',
};

const CAMPAIGN_TYPE: Record<string, string> = {
  blast: 'Blast (500+ leads)',
  targeted: 'Targeted campaign',
  conversation: 'One-to-one conversation',
  automation: 'Automation',
};

function days(key: string): string {
  const m = /^(\d+)-(\d+)d$/.exec(key);
  if (m) return `${m[1]}–${m[2]} days`;
  const plus = /^(\d+)d\+$/.exec(key);
  if (plus) return `${plus[1]}+ days`;
  return key;
}

/** A group's name in plain words. The key is already masked. */
export function keyLabel(dimension: Dimension, key: string): string {
  if (key === 'unknown') return dimension === 'consent' ? CONSENT.unknown ?? key : 'Unknown';
  switch (dimension) {
    case 'lead_age':
    case 'engagement':
      return days(key);
    case 'frequency_7d':
      return key === '1' ? '1 text' : key === '7+' ? '7 or more texts' : `${key.replace('-', '–')} texts`;
    case 'consent':
      return CONSENT[key] ?? key;
    case 'campaign_type':
      return CAMPAIGN_TYPE[key] ?? key;
    case 'send_hour':
      return /^\d{2}$/.test(key) ? `${key}:00` : key;
    case 'campaign':
      return key === '(none)' ? 'No campaign (one-to-one)' : key;
    default:
      return key;
  }
}

/** The subject of a finding sentence: "Leads from list_import", "Texts sent at 22:00". */
export function groupSubject(dimension: Dimension, key: string): string {
  const label = keyLabel(dimension, key);
  switch (dimension) {
    case 'lead_source':
      return `Leads from ${label}`;
    case 'lead_age':
      return `Leads ${label} old`;
    case 'frequency_7d':
      return `Leads who got ${label} in a week`;
    case 'consent':
      return key === 'none' ? 'Leads with no consent on record' : key === 'unknown' ? 'Unknown leads' : `Leads with ${key} consent`;
    case 'engagement':
      return `Leads last in touch ${label} before`;
    case 'campaign_type':
      return `${label} texts`.replace('texts texts', 'texts');
    case 'send_hour':
      return `Texts sent at ${label}`;
    case 'studio':
      return `Studio ${label}`;
    case 'campaign':
      return `Campaign ${label}`;
  }
}

export const CAUSE_TEXT: Record<Cause, string> = {
  unverified_consent: 'Consent never verified',
  cold_leads: 'Cold leads (no contact for over a year)',
  old_list_blast: 'A blast to an old list',
  excessive_frequency: 'Too many texts',
  poor_timing: 'Texts at night or early morning',
  irrelevant_content: 'Content that did not fit',
  no_personalization: 'Impersonal texts',
  previous_negative_experience: 'Leads who had opted out before',
  opt_out_handling: 'Opt-outs not honoured',
};

export interface CheckText {
  title: string;
  /** What the check counts, in a sentence. */
  about: string;
  /** A finding sentence for non-zero counts. */
  sentence: (messages: number, leads: number) => string;
}

export const CHECK_TEXT: Record<Check, CheckText> = {
  sent_after_opt_out: {
    title: 'Texts sent after the lead opted out',
    about: 'Texts to a lead after its opt-out with no re-opt-in in between (the confirmation within 5 minutes is exempt).',
    sentence: (m, l) => `${plural(m, 'text')} went to ${plural(l, 'lead')} after they had opted out`,
  },
  unprocessed_opt_out_request: {
    title: 'Requests to stop, written in words, that nobody processed',
    about: 'Replies such as "take me off your list" that are not a keyword, with no opt-out within 24 hours.',
    sentence: (m, l) => `${plural(m, 'request')} to stop, written in words by ${plural(l, 'lead')}, ${m === 1 ? 'was' : 'were'} never processed`,
  },
  sent_to_deactivated: {
    title: 'Texts to numbers a carrier reported as disconnected',
    about: "Texts to a number on or after the date it appeared in a carrier's deactivation file (unless consent came later).",
    sentence: (m, l) => `${plural(m, 'text')} went to ${plural(l, 'number')} a carrier had reported disconnected`,
  },
  sent_without_consent: {
    title: 'Texts to leads with no consent on record',
    about: 'Texts to leads with no consent captured at the time of sending.',
    sentence: (m, l) => `${plural(m, 'text')} went to ${plural(l, 'lead')} with no consent on record`,
  },
  check_in_overdue: {
    title: 'Texts to leads not heard from in 18 months',
    about: 'Texts to leads with no sign-up, consent, visit, purchase or reply in the last 548 days.',
    sentence: (m, l) => `${plural(m, 'text')} went to ${plural(l, 'lead')} not heard from in 18 months`,
  },
  quiet_hours: {
    title: 'Texts sent before 08:00 or after 21:00',
    about: "Texts sent before 08:00 or from 21:00 in the studio's time zone.",
    sentence: (m, l) => `${plural(m, 'text')} reached ${plural(l, 'lead')} before 08:00 or after 21:00 local time`,
  },
  missing_sender_id: {
    title: 'Texts that do not say who is texting',
    about: "Texts whose body does not contain the studio's name.",
    sentence: (m, l) => `${plural(m, 'text')} to ${plural(l, 'lead')} did not name the studio`,
  },
};

export const CHECK_ANCHOR: Record<Check, string> = {
  sent_after_opt_out: 'after-opt-out',
  unprocessed_opt_out_request: 'stop-requests',
  sent_to_deactivated: 'deactivated',
  sent_without_consent: 'no-consent',
  check_in_overdue: 'check-in',
  quiet_hours: 'quiet-hours',
  missing_sender_id: 'sender-id',
};

export const BREACH_TEXT: Record<'rolling_7d_above_1.3pct' | 'day_at_or_above_5pct', string> = {
  'rolling_7d_above_1.3pct': '7-day rate above 1.3%',
  day_at_or_above_5pct: 'Day at or above 5%',
};

const ERROR_CODES: Record<string, string> = {
  '30003': 'Unreachable',
  '30005': 'Unknown number',
  '30006': 'Landline',
  '30007': 'Carrier filtering',
  '21610': 'Recipient unsubscribed',
};

/** A provider error code in words: "30007 carrier filtering". */
export function errorLabel(code: string): string {
  if (code === '' || code === 'none' || code === 'null') return 'No code';
  const meaning = ERROR_CODES[code];
  return meaning ? `${code} ${meaning.toLowerCase()}` : `${code} other`;
}
