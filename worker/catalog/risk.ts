/**
 * The opt-out risk model (analysis/risk.ts, `optout score`): its factors, known when a text is
 * sent, and the actions a lead to be texted gets. Most factors are cohort dimensions (their keys
 * and words are the dimension's); the send hour is taken in bands, so a quiet hour with few texts
 * has the company of its neighbours. Pure constants: the site imports them.
 */
import { DIMENSION_CATALOG, groupSubject, keyLabel, type Dimension, type KeyEntry } from './dimensions.ts';

export const RISK_FACTORS = [
  'lead_source',
  'lead_age',
  'consent',
  'engagement',
  'frequency_7d',
  'campaign_type',
  'send_hour_band',
  'studio',
] as const;
export type RiskFactor = (typeof RISK_FACTORS)[number];

/** The send hour bands, local time; `first`..`last` are whole hours. */
export const HOUR_BANDS = [
  { key: '00-07', label: 'Before 08:00', subject: 'Texts sent before 08:00', first: 0, last: 7 },
  { key: '08-11', label: '08:00–11:59', subject: 'Texts sent from 08:00 to 11:59', first: 8, last: 11 },
  { key: '12-16', label: '12:00–16:59', subject: 'Texts sent from 12:00 to 16:59', first: 12, last: 16 },
  { key: '17-20', label: '17:00–20:59', subject: 'Texts sent from 17:00 to 20:59', first: 17, last: 20 },
  { key: '21-23', label: 'From 21:00', subject: 'Texts sent from 21:00', first: 21, last: 23 },
] as const;

interface RiskFactorEntry {
  /** The column of the fact table (int_messages_cohorts) or SQL over it giving the key; never null. */
  sql: string;
  /** The cohort dimension whose keys and words it takes, if any. */
  dimension: Dimension | null;
  /** Its name in a table heading. */
  column: string;
  /** In a sentence: "once lead age, consent, ... are taken into account". */
  noun: string;
  /** A fact about the lead rather than about the text: the factors a score names as its reasons. */
  ofLead: boolean;
}

export const RISK_FACTOR_CATALOG: Record<RiskFactor, RiskFactorEntry> = {
  lead_source: { sql: 'lead_source', dimension: 'lead_source', column: 'Lead source', noun: 'lead source', ofLead: true },
  lead_age: { sql: 'lead_age', dimension: 'lead_age', column: 'Lead age', noun: 'lead age', ofLead: true },
  consent: { sql: 'consent', dimension: 'consent', column: 'Consent', noun: 'consent', ofLead: true },
  engagement: { sql: 'engagement', dimension: 'engagement', column: 'Last in touch', noun: 'time since last contact', ofLead: true },
  frequency_7d: { sql: 'frequency_7d', dimension: 'frequency_7d', column: 'Texts in 7 days', noun: 'texts in the week', ofLead: false },
  campaign_type: { sql: 'campaign_type', dimension: 'campaign_type', column: 'Kind of text', noun: 'kind of text', ofLead: false },
  send_hour_band: {
    sql: `case ${HOUR_BANDS.map((b) => `when local_hour <= ${b.last} then '${b.key}'`).join(' ')} end`,
    dimension: null,
    column: 'Hour sent (local)',
    noun: 'hour sent',
    ofLead: false,
  },
  studio: { sql: 'studio', dimension: 'studio', column: 'Studio', noun: 'studio', ofLead: true },
};

/** The keys of a factor in the catalog's order, when it has a fixed list. */
export function riskFactorKeys(factor: RiskFactor): readonly KeyEntry[] | null {
  if (factor === 'send_hour_band') return HOUR_BANDS;
  const d = RISK_FACTOR_CATALOG[factor].dimension as Dimension;
  const entry = DIMENSION_CATALOG[d];
  return entry.order === 'fixed' ? entry.keys : null;
}

/** A factor's key in plain words (masked by the caller where it may hold a number). */
export function riskKeyLabel(factor: RiskFactor, key: string): string {
  if (factor === 'send_hour_band') return HOUR_BANDS.find((b) => b.key === key)?.label ?? key;
  return keyLabel(RISK_FACTOR_CATALOG[factor].dimension as Dimension, key);
}

/** The subject of a sentence about a factor's key: "Leads from list_import", "Texts sent from 21:00". */
export function riskSubject(factor: RiskFactor, key: string): string {
  if (factor === 'send_hour_band') return HOUR_BANDS.find((b) => b.key === key)?.subject ?? `Texts sent at ${key}`;
  return groupSubject(RISK_FACTOR_CATALOG[factor].dimension as Dimension, key);
}

/**
 * What to do with a lead before texting it (`optout score`), in order of precedence: a lead gets
 * the first whose rule holds.
 */
export const SCORE_ACTIONS = ['do_not_text', 'get_consent_first', 'check_in_first', 'send_with_care', 'send'] as const;
export type ScoreAction = (typeof SCORE_ACTIONS)[number];

export const SCORE_ACTION_CATALOG: Record<ScoreAction, { label: string; rule: string }> = {
  do_not_text: {
    label: 'Do not text',
    rule: 'the export shows that the lead opted out of this studio with no re-opt-in since or asked it to stop in words, or that a carrier listed the number as deactivated',
  },
  get_consent_first: {
    label: 'Get consent first',
    rule: 'no consent on record, or consent that came with an import or by an unknown method',
  },
  check_in_first: {
    label: 'Check in first',
    rule: 'no contact for 18 months (548 days or more since the lead was created, gave consent, engaged or replied)',
  },
  send_with_care: {
    label: 'Send with care',
    rule: "the chance of an opt-out is above twice the studio's rate",
  },
  send: { label: 'Send', rule: 'none of the above' },
};
