/**
 * The cohort dimensions (SPEC section 3, plus day of week and personalisation): one entry each,
 * read by the worker (the SQL of every key, the order keys are listed in) and by the site (the
 * words). Adding a dimension is one entry here; the cohort SQL, report.json, its schema and the
 * cohorts page follow from it. Pure constants: no Node, no DuckDB, so the site can import them.
 */

/** A key a dimension can take, with its name in plain words. */
export interface KeyEntry {
  key: string;
  label: string;
}

interface DimensionWords {
  /** Section heading: "Opt-outs by lead source". */
  title: string;
  /** Column heading of the group: "Lead source". */
  column: string;
  /** One group in a sentence: "No lead source differs clearly from the month's rate". */
  noun: string;
  /** Page anchor on the cohorts page. */
  anchor: string;
  /** What the groups are, in one sentence (the cohorts page and the methodology page). */
  about: string;
  /** The subject of a finding sentence, from the key's label: "Leads from list_import". */
  subject: (label: string, key: string) => string;
}

/**
 * A key that comes from the data (a lead source, a campaign type the file names) in words: its
 * underscores as spaces, "list_import" -> "list import". Keys are lower-cased already.
 */
export function keyWords(key: string): string {
  return key.replace(/_+/g, ' ').replace(/\s+/g, ' ').trim() || key;
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

interface DimensionRule {
  /**
   * SQL for the message's key, over the columns the fact table is computed from (the `facts`
   * step of worker/sql/intermediate/int_messages_cohorts.sql); it never gives null. The fact
   * table stores each key as a small number (an ENUM type named e_<dimension>), labels at the
   * end. `::KEY` after a literal makes it of that type where the SQL is run: a key made of typed
   * literals costs nothing per row, one made as text is looked up in the type row by row.
   */
  sql: string;
  /** The keys in order with their names (`by_reached`: the known ones only). */
  keys: readonly KeyEntry[];
}

/**
 * `fixed`: `keys` are every key the SQL can give, and the report lists them in that order (a
 * test runs the SQL and fails on a key not listed; the ENUM type is made of them, so a key not
 * listed stops the run rather than being counted as nothing).
 */
interface FixedDimension extends DimensionRule, DimensionWords {
  order: 'fixed';
}

/**
 * `by_reached`: keys come from the data and are listed by reached messages. `domain` is SQL over
 * the intermediate tables giving every value the key can take (a superset is fine), for its ENUM.
 */
interface OpenDimension extends DimensionRule, DimensionWords {
  order: 'by_reached';
  domain: string;
}

export type DimensionEntry = FixedDimension | OpenDimension;

const UNKNOWN: KeyEntry = { key: 'unknown', label: 'Unknown' };

function dayBands(bands: readonly string[]): KeyEntry[] {
  return bands.map((key) => {
    const range = /^(\d+)-(\d+)d$/.exec(key);
    const plus = /^(\d+)d\+$/.exec(key);
    return { key, label: range ? `${range[1]}–${range[2]} days` : plus ? `${plus[1]}+ days` : key };
  });
}

/** Whole days from $from to the send, on epoch microseconds (calendar functions cost 500x). */
const LEAD_AGE_BANDS = ['0-7d', '8-30d', '31-90d', '91-180d', '181-365d', '366-547d', '548d+'] as const;
const ENGAGEMENT_BANDS = ['0-90d', '91-365d', '366-547d', '548d+'] as const;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The dimensions in the order report.json and the site list them. */
export const DIMENSIONS = [
  'lead_source',
  'lead_age',
  'frequency_7d',
  'consent',
  'engagement',
  'campaign_type',
  'send_hour',
  'day_of_week',
  'personalization',
  'studio',
  'campaign',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_CATALOG = {
  lead_source: {
    // lead_source is of the key's type already: the fact table casts it once per lead
    sql: `case when is_known_lead then lead_source else 'unknown'::KEY end`,
    order: 'by_reached',
    domain: `select lead_source from int_leads where lead_source is not null union select 'unknown'`,
    keys: [UNKNOWN],
    title: 'Opt-outs by lead source',
    column: 'Lead source',
    noun: 'lead source',
    anchor: 'lead-source',
    about: 'Where the lead came from, as the CRM names it.',
    subject: (_label, key) => (key === 'unknown' ? 'Leads with no source on record' : `Leads from ${keyWords(key)}`),
  },
  lead_age: {
    sql: `case
        when not is_known_lead or lead_age_days < 0 then 'unknown'::KEY
        when lead_age_days <= 7 then '0-7d'::KEY
        when lead_age_days <= 30 then '8-30d'::KEY
        when lead_age_days <= 90 then '31-90d'::KEY
        when lead_age_days <= 180 then '91-180d'::KEY
        when lead_age_days <= 365 then '181-365d'::KEY
        when lead_age_days <= 547 then '366-547d'::KEY
        else '548d+'::KEY
    end`,
    order: 'fixed',
    keys: [...dayBands(LEAD_AGE_BANDS), UNKNOWN],
    title: 'Opt-outs by lead age',
    column: 'Lead age',
    noun: 'lead age group',
    anchor: 'lead-age',
    about: 'Days between the lead being added to the CRM and the text.',
    subject: (label) => `Leads ${label} old`,
  },
  frequency_7d: {
    sql: `case when sent_in_7d >= 7 then '7+'::KEY when sent_in_7d >= 4 then '4-6'::KEY
        when sent_in_7d = 3 then '3'::KEY when sent_in_7d = 2 then '2'::KEY else '1'::KEY end`,
    order: 'fixed',
    keys: [
      { key: '1', label: '1 text' },
      { key: '2', label: '2 texts' },
      { key: '3', label: '3 texts' },
      { key: '4-6', label: '4–6 texts' },
      { key: '7+', label: '7 or more texts' },
    ],
    title: 'Opt-outs by texts in the last 7 days',
    column: 'Texts to the lead in 7 days',
    noun: 'frequency group',
    anchor: 'frequency',
    about: 'How many texts the studio had sent the lead in the 7 days up to and including this one.',
    subject: (label) => `Leads who got ${label} in a week`,
  },
  consent: {
    // computed as its key in the fact table's facts (the checks and causes read it too)
    sql: `consent`,
    order: 'fixed',
    keys: [
      { key: 'verified', label: 'Verified' },
      { key: 'unverified', label: 'Unverified (imported or unknown method)' },
      { key: 'none', label: 'None on record' },
      { key: 'unknown', label: 'Unknown lead' },
    ],
    title: 'Opt-outs by consent on record',
    column: 'Consent',
    noun: 'consent group',
    anchor: 'consent',
    about: 'Whether the lead had given consent when the text went out, and how it was captured.',
    subject: (_label, key) =>
      key === 'none' ? 'Leads with no consent on record' : key === 'unknown' ? 'Unknown leads' : `Leads with ${key} consent`,
  },
  engagement: {
    sql: `case
        when engagement_days is null then 'unknown'::KEY
        when engagement_days <= 90 then '0-90d'::KEY
        when engagement_days <= 365 then '91-365d'::KEY
        when engagement_days <= 547 then '366-547d'::KEY
        else '548d+'::KEY
    end`,
    order: 'fixed',
    keys: [...dayBands(ENGAGEMENT_BANDS), UNKNOWN],
    title: 'Opt-outs by time since the lead was last in touch',
    column: 'Last in touch',
    noun: 'group by last contact',
    anchor: 'engagement',
    about: 'Days since the lead last signed up, gave consent, visited, booked, bought or replied.',
    subject: (label) => `Leads last in touch ${label} before`,
  },
  campaign_type: {
    sql: `case
        when campaign_type is not null then campaign_type::KEY
        when campaign_id is null then 'conversation'::KEY
        when is_blast then 'blast'::KEY
        else 'targeted'
    end`,
    order: 'by_reached',
    domain: `select campaign_type from int_messages_identified where campaign_type is not null
        union select unnest(['blast', 'targeted', 'conversation'])`,
    keys: [
      { key: 'blast', label: 'Blast (500+ leads)' },
      { key: 'targeted', label: 'Targeted campaign' },
      { key: 'conversation', label: 'One-to-one conversation' },
      { key: 'automation', label: 'Automation' },
      UNKNOWN,
    ],
    title: 'Opt-outs by kind of text',
    column: 'Kind of text',
    noun: 'kind of text',
    anchor: 'campaign-type',
    about: 'Blasts, targeted campaigns, automations and one-to-one conversations.',
    subject: (label) => `${label} texts`.replace('texts texts', 'texts'),
  },
  send_hour: {
    sql: `case local_hour ${Array.from({ length: 24 }, (_, h) => `when ${h} then '${String(h).padStart(2, '0')}'::KEY`).join(' ')} end`,
    order: 'fixed',
    keys: Array.from({ length: 24 }, (_, h) => {
      const key = String(h).padStart(2, '0');
      return { key, label: `${key}:00` };
    }),
    title: 'Opt-outs by hour sent',
    column: 'Hour sent (local)',
    noun: 'hour',
    anchor: 'send-hour',
    about: "The hour the text went out, in the studio's time zone.",
    subject: (label) => `Texts sent at ${label}`,
  },
  day_of_week: {
    // isodow of a DATE is plain arithmetic (no time zone calendar): 1 = Monday .. 7 = Sunday
    sql: `case isodow(local_date) ${WEEKDAYS.map((d, i) => `when ${i + 1} then '${d}'::KEY`).join(' ')} end`,
    order: 'fixed',
    keys: WEEKDAYS.map((key, i) => ({ key, label: WEEKDAY_NAMES[i] as string })),
    title: 'Opt-outs by day of the week',
    column: 'Day sent (local)',
    noun: 'day of the week',
    anchor: 'day-of-week',
    about: "The day of the week the text went out, in the studio's time zone.",
    subject: (label) => `Texts sent on a ${label}`,
  },
  personalization: {
    // stored as its key by int_messages_identified: the body is read once, there
    sql: `personalization`,
    order: 'fixed',
    keys: [
      { key: 'yes', label: 'Uses the name' },
      { key: 'no', label: 'Does not use the name' },
      { key: 'unknown', label: 'Unknown (no name on record)' },
    ],
    title: "Opt-outs by whether the text used the lead's name",
    column: "Lead's first name in the text",
    noun: 'group',
    anchor: 'personalization',
    about: "Whether the text greets the lead by the first name the CRM has for them (as a whole word, in any case).",
    subject: (_label, key) =>
      key === 'yes' ? "Texts that used the lead's name" : key === 'no' ? "Texts that did not use the lead's name" : 'Texts to leads with no first name on record',
  },
  studio: {
    sql: `studio_id`,
    order: 'by_reached',
    domain: `select distinct studio_id from int_messages_identified`,
    keys: [],
    title: 'Opt-outs by studio',
    column: 'Studio',
    noun: 'studio',
    anchor: 'studio',
    about: 'Each studio in the export, by its name.',
    // the label is the studio's name as the site shows it (site/lib/load.ts): "Palm Yoga"
    subject: (label) => label,
  },
  campaign: {
    // campaign_id is of the key's type already: the fact table casts it once per campaign
    sql: `coalesce(campaign_id, '(none)'::KEY)`,
    order: 'by_reached',
    domain: `select distinct campaign_id from int_messages_identified where campaign_id is not null union select '(none)'`,
    keys: [{ key: '(none)', label: 'No campaign (one-to-one)' }],
    title: 'Opt-outs by campaign',
    column: 'Campaign',
    noun: 'campaign',
    anchor: 'campaign',
    about: 'Each campaign; "(none)" is one-to-one texts outside any campaign.',
    subject: (label) => `Campaign ${label}`,
  },
} as const satisfies Record<Dimension, DimensionEntry>;

/** The dimensions whose keys from the data are words (lead sources, campaign types), not ids (studios, campaigns). */
const WORDED: readonly Dimension[] = ['lead_source', 'campaign_type'];

/**
 * A key's name in plain words (the key is already masked by the caller where it may hold a
 * number): the catalog's name for a known key; a lead source or campaign type the data names in
 * words, "List import"; a studio or a campaign as it is.
 */
export function keyLabel(dimension: Dimension, key: string): string {
  const entry: DimensionEntry = DIMENSION_CATALOG[dimension];
  const known = entry.keys.find((k) => k.key === key)?.label ?? (key === 'unknown' ? UNKNOWN.label : null);
  if (known !== null) return known;
  return WORDED.includes(dimension) ? capitalised(keyWords(key)) : key;
}

/** The subject of a finding sentence: "Leads from list import", "Texts sent at 22:00". */
export function groupSubject(dimension: Dimension, key: string): string {
  const entry: DimensionEntry = DIMENSION_CATALOG[dimension];
  return entry.subject(keyLabel(dimension, key), key);
}
