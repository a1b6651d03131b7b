import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../worker/db.ts';
import { cohortsOf, inbound, lead, out, pipeline } from '../helpers/pipeline.ts';
import { cohortTable } from '../../site/lib/cohortView.ts';
import type { CohortRow } from '../../site/lib/schema.ts';

let db: Db | undefined;
afterEach(() => db?.close());

const pick = (c: Record<string, Record<string, string | number>>, field: string) =>
  Object.fromEntries(Object.entries(c).map(([id, row]) => [id, row[field]]));

describe('cohorts evaluated at send time (SPEC section 3)', () => {
  it('personalization: the first name as a whole word, in any case; unknown without a first name', async () => {
    const cases: [string, string | undefined, string][] = [
      ['Hi Ana, see you soon', 'Ana', 'yes'],
      ['hi ana', 'Ana', 'yes'],
      ['HI ANA!', 'ana', 'yes'],
      ['Ana', 'Ana', 'yes'],
      ['Our Annual sale', 'Ann', 'no'],
      ['Annual sale for you, Ann', 'Ann', 'yes'],
      ['Joanna, welcome', 'Ann', 'no'],
      ['Hey Ann2 and Ann', 'Ann', 'yes'],
      ['Hey Ann2', 'Ann', 'no'],
      ['Welcome, Mary Ann!', 'Mary Ann', 'yes'],
      ['Welcome, Mary Anne!', 'Mary Ann', 'no'],
      ['Bonjour Jean-Luc.', 'Jean-Luc', 'yes'],
      ['Hola José: clase hoy', 'josé', 'yes'],
      ['Hola JOSÉ', 'José', 'yes'],
      ['Hola Josémaria', 'José', 'no'],
      ['Hola Josémaria y José', 'José', 'yes'],
      ['(Eli) see you', 'Eli', 'yes'],
      ['“Zoë” – class at 6', 'Zoë', 'yes'],
      ['Hi Łukasz', 'Łukasz', 'yes'],
      ['Palm Yoga: spring promo', 'Eli', 'no'],
      ['Palm Yoga: spring promo', undefined, 'unknown'],
    ];
    ({ db } = await pipeline({
      leads: cases.map(([, name], i) => lead(`l${i + 1}`, name === undefined ? {} : { first_name: name })),
      messages: cases.map(([body], i) => out(`m${i + 1}`, '2026-03-02T18:00:00Z', { lead_id: `l${i + 1}`, body })),
    }));
    const got = pick(await cohortsOf(db), 'personalization');
    expect(cases.map(([body, name], i) => [body, name, got[`m${i + 1}`]])).toEqual(cases);
  });

  it('counts frequency over (t - 7 days, t]: a message exactly 7 days earlier is out', async () => {
    ({ db } = await pipeline({
      leads: [lead('l1')],
      messages: [
        out('m1', '2026-03-02T18:00:00Z'),
        out('m2', '2026-03-02T18:00:01Z'),
        out('m3', '2026-03-09T18:00:00Z'), // m1 is exactly 7 days earlier: out; m2 is in
        out('m4', '2026-03-09T18:00:00Z', { status: 'failed' }), // not reached: never counted
        out('m5', '2026-03-10T10:00:00Z'),
        out('m6', '2026-03-10T11:00:00Z'),
        out('m7', '2026-03-10T12:00:00Z'),
        out('m8', '2026-03-10T13:00:00Z'),
        out('m9', '2026-03-10T14:00:00Z'),
        out('m10', '2026-03-10T15:00:00Z'),
      ],
    }));
    expect(pick(await cohortsOf(db), 'frequency_7d')).toEqual({
      m1: '1', m2: '2', m3: '2',
      // (03-03T10:00, 03-10T10:00] holds m3 and m5 only
      m5: '2', m6: '3', m7: '4-6', m8: '4-6', m9: '4-6', m10: '7+',
    });
  });

  it('buckets lead age by whole days since creation, each boundary on the right side', async () => {
    const created = '2025-01-01T12:00:00Z';
    const at = (days: number, secs = 0) => new Date(Date.parse(created) + days * 86400e3 + secs * 1e3).toISOString();
    ({ db } = await pipeline(
      {
        leads: [lead('l1', { created_at: created, consent_at: created })],
        messages: [
          out('d7', at(7, 86399)), out('d8', at(8)), out('d30', at(30)), out('d31', at(31)), out('d90', at(90)), out('d91', at(91)),
          out('d180', at(180)), out('d181', at(181)), out('d365', at(365)), out('d366', at(366)), out('d547', at(547, 86399)), out('d548', at(548)),
          out('neg', '2025-01-01T11:59:59Z'),
        ],
      },
      { month: '2026-07' },
    ));
    expect(pick(await cohortsOf(db), 'lead_age')).toEqual({
      d7: '0-7d', d8: '8-30d', d30: '8-30d', d31: '31-90d', d90: '31-90d', d91: '91-180d', d180: '91-180d',
      d181: '181-365d', d365: '181-365d', d366: '366-547d', d547: '366-547d', d548: '548d+', neg: 'unknown',
    });
  });

  it('reads consent as of the send: none before consent_at, unverified for imports, verified after', async () => {
    ({ db } = await pipeline({
      leads: [
        lead('l1', { consent_at: '2026-03-05T00:00:00Z', consent_method: 'paper_waiver' }),
        lead('l2', { consent_method: 'import' }),
        lead('l3', { consent_method: '' }),
        lead('l4', { consent_at: '' }),
      ],
      messages: [
        out('before', '2026-03-04T23:59:59Z', { lead_id: 'l1' }),
        out('at', '2026-03-05T00:00:00Z', { lead_id: 'l1' }),
        out('imported', '2026-03-05T00:00:00Z', { lead_id: 'l2' }),
        out('no_method', '2026-03-05T00:00:00Z', { lead_id: 'l3' }),
        out('never', '2026-03-05T00:00:00Z', { lead_id: 'l4' }),
        out('stranger', '2026-03-05T00:00:00Z', { lead_id: '', phone: '4155550188' }),
        out('ghost', '2026-03-05T00:00:00Z', { lead_id: 'nobody' }),
      ],
    }));
    const c = await cohortsOf(db);
    expect(pick(c, 'consent')).toEqual({ before: 'none', at: 'verified', imported: 'unverified', no_method: 'unverified', never: 'none', stranger: 'unknown', ghost: 'unknown' });
    expect(pick(c, 'lead_source')).toMatchObject({ stranger: 'unknown', ghost: 'unknown', at: 'web_form' });
  });

  it('measures engagement from the latest contact before the send, ignoring later ones and outbound messages', async () => {
    ({ db } = await pipeline({
      leads: [
        lead('l1', { created_at: '2024-01-01T00:00:00Z', consent_at: '2024-01-01T00:00:00Z', last_engaged_at: '2026-03-20T00:00:00Z' }),
        lead('l2', { created_at: '2024-01-01T00:00:00Z', consent_at: '2024-01-01T00:00:00Z' }),
      ],
      messages: [
        out('old', '2026-03-02T00:00:00Z', { lead_id: 'l1' }),
        inbound('reply', '2026-03-03T00:00:00Z', 'see you there', { lead_id: 'l2' }),
        out('after_reply', '2026-03-04T00:00:00Z', { lead_id: 'l2' }),
        out('engaged', '2026-03-21T00:00:00Z', { lead_id: 'l1' }),
        out('stranger', '2026-03-21T00:00:00Z', { lead_id: '', phone: '4155550188' }),
      ],
    }));
    expect(pick(await cohortsOf(db), 'engagement')).toEqual({ old: '548d+', after_reply: '0-90d', engaged: '0-90d', stranger: 'unknown' });
  });

  it('derives campaign types, and send hours and months in the studio\'s local time across daylight saving', async () => {
    ({ db } = await pipeline(
      {
        leads: [lead('l1'), lead('l2'), lead('l3')],
        messages: [
          out('pre_dst', '2026-03-07T19:00:00Z', { campaign_id: 'big' }),
          out('post_dst', '2026-03-09T19:00:00Z', { campaign_id: 'big', lead_id: 'l2' }),
          out('big3', '2026-03-09T19:00:00Z', { campaign_id: 'big', lead_id: 'l3' }),
          out('small', '2026-03-09T19:00:00Z', { campaign_id: 'small' }),
          out('auto', '2026-03-09T19:00:00Z', { campaign_id: 'small', campaign_type: ' Automation ', lead_id: 'l2' }),
          out('chat', '2026-03-09T19:00:00Z', { campaign_id: '' }),
          out('feb', '2026-03-01T07:30:00Z', { campaign_id: '' }),
        ],
      },
      { blastSize: 3 },
    ));
    const c = await cohortsOf(db);
    expect(pick(c, 'campaign_type')).toEqual({ pre_dst: 'blast', post_dst: 'blast', big3: 'blast', small: 'targeted', auto: 'automation', chat: 'conversation', feb: 'conversation' });
    expect(pick(c, 'send_hour')).toMatchObject({ pre_dst: '11', post_dst: '12', feb: '23' });
    expect(pick(c, 'local_date')).toMatchObject({ feb: '2026-02-28', pre_dst: '2026-03-07' });
    expect(pick(c, 'campaign')).toMatchObject({ chat: '(none)', small: 'small' });
  });
});

describe('cohort intervals and flags at the ends (SPEC section 3)', () => {
  it('starts the interval of a group with no opt-out at exactly 0 and never flags it above a month of rate 0', async () => {
    const result = await pipeline({
      leads: [lead('l1'), lead('l2'), lead('l3')],
      messages: [out('m1', '2026-03-02T18:00:00Z'), out('m2', '2026-03-03T18:00:00Z', { lead_id: 'l2' }), out('m3', '2026-03-04T18:00:00Z', { lead_id: 'l3', campaign_id: 'c2' })],
    });
    db = result.db;
    const { report } = result;
    expect(report.totals.rate).toBe(0);
    const rows = Object.values(report.cohorts).flat();
    // every group, of 1 to 3 texts, has 0 opt-outs: its interval starts at 0 and it is not flagged
    expect(rows.length).toBeGreaterThanOrEqual(9);
    for (const r of rows) expect({ key: r.key, ci_low: r.ci_low, flag: r.flag }).toEqual({ key: r.key, ci_low: 0, flag: null });
    expect(report.cohorts.studio).toMatchObject([{ key: 's1', reached: 3, opt_outs: 0, ci_low: 0 }]);
    // and the site shows that 0 as it shows the rate: 0%
    const [row] = cohortTable('studio', report.cohorts.studio as CohortRow[]).rows;
    expect(row?.slice(3, 5)).toEqual(['0%', '0% – 56.1%']);
  });
});
