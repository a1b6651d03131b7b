import {
  CAUSE_CATALOG,
  CAUSES,
  CHECK_CATALOG,
  CHECKS,
  DIMENSION_CATALOG,
  DIMENSIONS,
  groupSubject,
  keyLabel,
  type Cause,
  type Check,
  type CheckEntry,
  type Dimension,
} from '../../worker/catalog/index.ts';

/**
 * Plain words for the report's codes: headings, groups, causes, checks. The words live in the
 * catalog (worker/catalog/), one entry per dimension, check and cause, shared with the worker;
 * these are the site's views of them.
 */

export { groupSubject, keyLabel };

export interface DimensionText {
  /** Section heading: "Opt-outs by lead source". */
  title: string;
  /** Column heading of the group: "Lead source". */
  column: string;
  /** One group in a sentence: "lead source". */
  noun: string;
  /** Page anchor. */
  anchor: string;
  /** What the groups are, in one sentence. */
  about: string;
}

export const DIMENSION_TEXT = Object.fromEntries(
  DIMENSIONS.map((d) => {
    const { title, column, noun, anchor, about } = DIMENSION_CATALOG[d];
    return [d, { title, column, noun, anchor, about }];
  }),
) as Record<Dimension, DimensionText>;

export const CAUSE_TEXT = Object.fromEntries(CAUSES.map((c) => [c, CAUSE_CATALOG[c].label])) as Record<Cause, string>;

export type CheckText = Pick<CheckEntry, 'title' | 'about' | 'sentence'>;

export const CHECK_TEXT: Record<Check, CheckText> = CHECK_CATALOG;

export const CHECK_ANCHOR = Object.fromEntries(CHECKS.map((c) => [c, CHECK_CATALOG[c].anchor])) as Record<Check, string>;

export const BREACH_TEXT: Record<'rolling_7d_above_1.3pct' | 'day_at_or_above_5pct', string> = {
  'rolling_7d_above_1.3pct': '7-day rate above 1.3%',
  day_at_or_above_5pct: "The day's own rate at or above 5%",
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
