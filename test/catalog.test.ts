import { describe, expect, it } from 'vitest';
import { Db } from '../worker/db.ts';
import { expandGenerated } from '../worker/models.ts';
import {
  CAUSE_CATALOG,
  CAUSES,
  CHECK_CATALOG,
  CHECKS,
  DIMENSION_CATALOG,
  DIMENSIONS,
  groupSubject,
  keyLabel,
  type DimensionEntry,
} from '../worker/catalog/index.ts';
import { checkRows, cohortCountsByDimension, factorColumns, keySql } from '../worker/catalog/sql.ts';

/**
 * The catalog (worker/catalog/) is the one list of dimensions, checks and causes. These tests
 * hold each entry to what it promises: a fixed dimension's SQL gives only keys it lists, every
 * part of the generated SQL names every entry, and the words are there for every entry.
 */

/** The columns of the fact table's facts a dimension's SQL may read, with a value for one message. */
interface Message {
  is_known_lead: boolean;
  lead_source: string | null;
  lead_age_days: number | null;
  sent_in_7d: number;
  consent: string;
  engagement_days: number | null;
  campaign_type: string | null;
  campaign_id: string | null;
  is_blast: boolean;
  local_hour: number;
  local_date: string;
  personalization: string;
  studio_id: string;
}

const base: Message = {
  is_known_lead: true,
  lead_source: 'web_form',
  lead_age_days: 10,
  sent_in_7d: 1,
  consent: 'verified',
  engagement_days: 10,
  campaign_type: null,
  campaign_id: 'c1',
  is_blast: false,
  local_hour: 10,
  local_date: '2026-03-02',
  personalization: 'yes',
  studio_id: 's1',
};

async function keysOf(db: Db, messages: Message[]): Promise<Record<string, string>[]> {
  const values = messages
    .map(
      (m) => `(${m.is_known_lead}, ${m.lead_source === null ? 'null' : `'${m.lead_source}'`}, ${m.lead_age_days ?? 'null'}, ${m.sent_in_7d},
      '${m.consent}', ${m.engagement_days ?? 'null'}, ${m.campaign_type === null ? 'null' : `'${m.campaign_type}'`},
      ${m.campaign_id === null ? 'null' : `'${m.campaign_id}'`}, ${m.is_blast}, ${m.local_hour}, date '${m.local_date}', '${m.personalization}', '${m.studio_id}')`,
    )
    .join(', ');
  const cols = DIMENSIONS.map((d) => `${keySql(d, 'varchar')} as ${d}`).join(', ');
  return db.query(`select ${cols} from (values ${values}) as m(is_known_lead, lead_source, lead_age_days, sent_in_7d, consent,
    engagement_days, campaign_type, campaign_id, is_blast, local_hour, local_date, personalization, studio_id)`);
}

describe('the dimensions', () => {
  it('give, for a table of messages, the keys of each rule; fixed dimensions only keys they list', async () => {
    const db = await Db.open(null);
    try {
      const cases: [Partial<Message>, Partial<Record<(typeof DIMENSIONS)[number], string>>][] = [
        [{}, { lead_age: '8-30d', frequency_7d: '1', engagement: '0-90d', campaign_type: 'targeted', send_hour: '10', day_of_week: 'mon', campaign: 'c1' }],
        [{ lead_age_days: 7, engagement_days: 90 }, { lead_age: '0-7d', engagement: '0-90d' }],
        [{ lead_age_days: 547, engagement_days: 547 }, { lead_age: '366-547d', engagement: '366-547d' }],
        [{ lead_age_days: 548, engagement_days: 548 }, { lead_age: '548d+', engagement: '548d+' }],
        [{ lead_age_days: -1, engagement_days: null }, { lead_age: 'unknown', engagement: 'unknown' }],
        [{ is_known_lead: false, lead_source: 'web_form' }, { lead_source: 'unknown', lead_age: 'unknown' }],
        [{ sent_in_7d: 3 }, { frequency_7d: '3' }],
        [{ sent_in_7d: 4 }, { frequency_7d: '4-6' }],
        [{ sent_in_7d: 6 }, { frequency_7d: '4-6' }],
        [{ sent_in_7d: 7 }, { frequency_7d: '7+' }],
        [{ sent_in_7d: 40 }, { frequency_7d: '7+' }],
        [{ campaign_id: null }, { campaign_type: 'conversation', campaign: '(none)' }],
        [{ is_blast: true }, { campaign_type: 'blast' }],
        [{ campaign_type: 'automation', is_blast: true }, { campaign_type: 'automation' }],
        [{ local_hour: 0 }, { send_hour: '00' }],
        [{ local_hour: 23 }, { send_hour: '23' }],
        // 2026-03-01 is a Sunday; leap days and year ends are plain dates
        [{ local_date: '2026-03-01' }, { day_of_week: 'sun' }],
        [{ local_date: '2026-03-07' }, { day_of_week: 'sat' }],
        [{ local_date: '2024-02-29' }, { day_of_week: 'thu' }],
        [{ local_date: '2025-12-31' }, { day_of_week: 'wed' }],
        [{ local_date: '2026-01-01' }, { day_of_week: 'thu' }],
        [{ personalization: 'unknown' }, { personalization: 'unknown' }],
      ];
      const rows = await keysOf(db, cases.map(([m]) => ({ ...base, ...m })));
      cases.forEach(([, want], i) => expect(rows[i], JSON.stringify(cases[i])).toMatchObject(want));
      for (const d of DIMENSIONS) {
        const entry: DimensionEntry = DIMENSION_CATALOG[d];
        const listed = entry.keys.map((k) => k.key);
        for (const row of rows) {
          expect(row[d], d).not.toBeNull();
          if (entry.order === 'fixed') expect(listed, `${d} gives "${row[d]}", which its keys do not list`).toContain(row[d]);
        }
      }
    } finally {
      db.close();
    }
  });

  it('have words for every key they list, and a subject for every key', () => {
    for (const d of DIMENSIONS) {
      const entry: DimensionEntry = DIMENSION_CATALOG[d];
      expect(entry.title.length, d).toBeGreaterThan(0);
      expect(entry.about.length, d).toBeGreaterThan(0);
      for (const k of entry.keys) {
        expect(keyLabel(d, k.key)).toBe(k.label);
        expect(groupSubject(d, k.key).length).toBeGreaterThan(0);
      }
    }
    expect(keyLabel('day_of_week', 'sun')).toBe('Sunday');
    expect(keyLabel('studio', 'unknown')).toBe('Unknown');
    expect(keyLabel('campaign', 'spring-2026')).toBe('spring-2026');
    expect(keyLabel('campaign', 's1_spring')).toBe('s1_spring');
  });

  it('write a lead source or a kind of text from the data in words, never as a key with underscores', () => {
    expect(keyLabel('lead_source', 'list_import')).toBe('List import');
    expect(keyLabel('lead_source', 'facebook__lead_ad')).toBe('Facebook lead ad');
    expect(keyLabel('lead_source', 'unknown')).toBe('Unknown');
    expect(groupSubject('lead_source', 'list_import')).toBe('Leads from list import');
    expect(groupSubject('lead_source', 'unknown')).toBe('Leads with no source on record');
    expect(keyLabel('campaign_type', 'drip_campaign')).toBe('Drip campaign');
    expect(groupSubject('campaign_type', 'drip_campaign')).toBe('Drip campaign texts');
    expect(keyLabel('campaign_type', 'blast')).toBe('Blast (500+ leads)');
    expect(new Set(DIMENSIONS.map((d) => DIMENSION_CATALOG[d].anchor)).size).toBe(DIMENSIONS.length);
  });
});

describe('the generated SQL', () => {
  it('counts every dimension and flags every check, by name', () => {
    const perLead = cohortCountsByDimension();
    for (const d of DIMENSIONS) expect(perLead).toContain(`select period, ${d} as key, lead_no`);
    const checks = checkRows();
    for (const c of CHECKS) expect(checks).toContain(`'${c}' as "check"`);
    expect(checks.match(/union all/g)).toHaveLength(CHECKS.length - 1);
  });

  it('puts the catalog into a model, and refuses a part it does not generate', () => {
    expect(expandGenerated('select {{ dimension_columns }} from t', 'm')).toBe(`select ${DIMENSIONS.join(', ')} from t`);
    expect(() => expandGenerated('select {{ no_such_part }}', 'marts/x')).toThrow('marts/x.sql: {{ no_such_part }} is not a part the catalog generates');
  });

  it('reads, for the causes, only cohort keys and flags of the fact table', () => {
    expect(factorColumns()).toEqual(['consent', 'engagement', 'frequency_7d', 'is_blast', 'is_opt_out_ignored', 'is_quiet_hours', 'is_resubscribed_after_opt_out', 'is_unpersonalised', 'lead_age']);
  });
});

describe('the checks and causes', () => {
  it('each have their words, and a cause names keys its dimension can give', () => {
    for (const c of CHECKS) {
      const e = CHECK_CATALOG[c];
      expect([e.title, e.about, e.action, e.anchor].every((t) => t.length > 0), c).toBe(true);
      expect(e.sentence(2, 1)).toMatch(/^2 /);
    }
    for (const c of CAUSES) {
      const e = CAUSE_CATALOG[c];
      const dim: DimensionEntry = DIMENSION_CATALOG[e.dimension];
      expect([e.label, e.who, e.action].every((t) => t.length > 0), c).toBe(true);
      if (e.keys && dim.order === 'fixed') for (const k of e.keys) expect(dim.keys.map((x) => x.key), `${c}: ${k}`).toContain(k);
    }
  });
});
