/**
 * The names report.json is built on (SPEC sections 3 to 5), in the order the report lists them.
 * Pure constants: the worker and the site (site/lib/schema.ts) both import them.
 */

/** The nine cohort dimensions of SPEC section 3. */
export const DIMENSIONS = [
  'lead_source',
  'lead_age',
  'frequency_7d',
  'consent',
  'engagement',
  'campaign_type',
  'send_hour',
  'studio',
  'campaign',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The checks of SPEC section 4. */
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

/** The causes of SPEC section 5. */
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
