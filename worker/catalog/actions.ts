/**
 * The actions of the overview's "Do these first" list (analysis/actions.ts ranks them), one entry
 * each, with its title in plain words. An action either STOPS texts (one of the policies of
 * policy_savings: every opt-out of a stopped text is avoided) or CHANGES them (what a spike's
 * cause asks for, on the spike's texts: only the opt-outs above the usual rate are avoided).
 */
import type { Cause } from './causes.ts';

export const STOP_ACTIONS = {
  verified_consent_only: 'Stop texting leads whose consent is missing or came with an imported list',
  check_in_every_18_months: 'Stop texting leads silent for 18 months until they answer a check-in',
  cap_3_per_week: 'Send each lead at most 3 texts a week',
  daytime_only: 'Text only between 08:00 and 21:00 local time',
  honour_free_text_requests: 'Opt out every lead who asks to stop in words ("please stop")',
} as const;
export type StopAction = keyof typeof STOP_ACTIONS;

/**
 * The causes whose fix changes texts rather than stopping them, with the action's key and title.
 * The other causes' fixes are policies (consent, check-ins, a weekly cap, daytime sends, honouring
 * requests), so a spike with one of those causes adds nothing the policy does not already count.
 * Content that did not fit is one campaign's: its key and title name the campaign.
 */
export const CHANGE_ACTIONS: Partial<Record<Cause, { key: (campaign: string) => string; title: (campaign: string) => string }>> = {
  irrelevant_content: {
    key: (campaign) => `relevant_content:${campaign}`,
    title: (campaign) => `Name the studio in campaigns like "${campaign}" and send such offers only to leads who asked for them`,
  },
  no_personalization: {
    key: () => 'personalise',
    title: () => 'Greet leads by name in campaign texts',
  },
  previous_negative_experience: {
    key: () => 'returning_leads',
    title: () => 'Confirm that returning leads want texts before texting them again',
  },
};

/** The anchor of a cause on its spike's page: `cause-irrelevant-content`. */
export const causeAnchor = (cause: Cause): string => `cause-${cause.replaceAll('_', '-')}`;
