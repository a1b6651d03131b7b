/**
 * The compliance and list-hygiene checks (SPEC section 4): one entry each, with the SQL that flags
 * a message, the words the report and the site use, and what fixes it. The per-check SQL of
 * check_leads is generated from here (worker/catalog/sql.ts). Pure constants (the site imports them).
 */
import { plural } from './format.ts';

export const CHECKS = [
  'sent_after_opt_out',
  'unprocessed_opt_out_request',
  'sent_to_deactivated',
  'sent_without_consent',
  'check_in_overdue',
  'quiet_hours',
  'missing_sender_id',
] as const;
export type Check = (typeof CHECKS)[number];

export interface CheckEntry {
  /**
   * Which rows the check reads: `messages` are the reached messages (int_messages_cohorts, with the
   * cohort keys as columns), `requests` the inbound requests to stop in words (int_opt_out_requests).
   */
  from: 'messages' | 'requests';
  /** SQL over those rows: true for a row that breaks the rule. */
  flag: string;
  /** SQL for "came late" (sends after an opt-out: more than 10 business days after it), else null. */
  late: string | null;
  /** Heading, in plain words. */
  title: string;
  /** What the check counts, in a sentence. */
  about: string;
  /** What fixes it. */
  action: string;
  /** Anchor on the compliance page. */
  anchor: string;
  /** A finding sentence for non-zero counts. */
  sentence: (messages: number, leads: number) => string;
}

export const CHECK_CATALOG = {
  sent_after_opt_out: {
    from: 'messages',
    flag: 'is_sent_after_opt_out',
    late: 'business_days_after_opt_out > 10',
    title: 'Texts sent after the lead opted out',
    about: 'Texts to a lead after its opt-out with no re-opt-in in between (the confirmation within 5 minutes is exempt).',
    action:
      'Suppress opted-out numbers before every send (import tables/suppress.csv into the CRM), and find which tool keeps texting them. The law allows at most 10 business days to honour an opt-out.',
    anchor: 'after-opt-out',
    sentence: (m, l) => `${plural(m, 'text')} went to ${plural(l, 'lead')} after they had opted out`,
  },
  unprocessed_opt_out_request: {
    from: 'requests',
    flag: 'not is_processed',
    late: null,
    title: 'Requests to stop, written in words, that nobody processed',
    about: 'Replies such as "take me off your list" that are not a keyword, with no opt-out within 24 hours.',
    action:
      'Treat "please stop", "take me off your list" and the like as opt-outs within 24 hours: opt the lead out in the CRM and reply with a confirmation.',
    anchor: 'stop-requests',
    sentence: (m, l) => `${plural(m, 'request')} to stop, written in words by ${plural(l, 'lead')}, ${m === 1 ? 'was' : 'were'} never processed`,
  },
  sent_to_deactivated: {
    from: 'messages',
    flag: 'is_sent_to_deactivated',
    late: null,
    title: 'Texts to numbers a carrier reported as disconnected',
    about: "Texts to a number on or after the date it appeared in a carrier's deactivation file (unless the lead consented after that date and before the text).",
    action: "Process the carriers' daily deactivation file: remove those numbers before the next send; a new owner of the number never agreed to your texts.",
    anchor: 'deactivated',
    sentence: (m, l) => `${plural(m, 'text')} went to ${plural(l, 'number')} a carrier had reported disconnected`,
  },
  sent_without_consent: {
    from: 'messages',
    flag: `consent = 'none'`,
    late: null,
    title: 'Texts to leads with no consent on record',
    about: 'Texts to leads with no consent captured at the time of sending.',
    action: 'Get permission first: do not text a lead until consent is captured (web form, keyword or signed waiver), and record when and how.',
    anchor: 'no-consent',
    sentence: (m, l) => `${plural(m, 'text')} went to ${plural(l, 'lead')} with no consent on record`,
  },
  check_in_overdue: {
    from: 'messages',
    flag: `engagement = '548d+'`,
    late: null,
    title: 'Texts to leads not heard from in 18 months',
    about: 'Texts to leads with no sign-up, consent, visit, purchase or reply in the last 548 days.',
    action: 'Check in at least every 18 months: ask silent leads to confirm ("Reply YES to keep hearing from us") before any campaign.',
    anchor: 'check-in',
    sentence: (m, l) => `${plural(m, 'text')} went to ${plural(l, 'lead')} not heard from in 18 months`,
  },
  quiet_hours: {
    from: 'messages',
    flag: 'is_quiet_hours',
    late: null,
    title: 'Texts sent before 08:00 or after 21:00',
    about: "Texts sent before 08:00 or from 21:00 in the studio's time zone.",
    action: "Schedule campaigns and automations between 08:00 and 21:00 in the studio's time zone.",
    anchor: 'quiet-hours',
    sentence: (m, l) => `${plural(m, 'text')} reached ${plural(l, 'lead')} before 08:00 or after 21:00 local time`,
  },
  missing_sender_id: {
    from: 'messages',
    flag: 'is_missing_sender_id',
    late: null,
    title: 'Texts that do not say who is texting',
    about: "Texts whose body does not contain the studio's name.",
    action: 'Identify the sender: start every message with the studio name.',
    anchor: 'sender-id',
    sentence: (m, l) => `${plural(m, 'text')} to ${plural(l, 'lead')} did not name the studio`,
  },
} as const satisfies Record<Check, CheckEntry>;
