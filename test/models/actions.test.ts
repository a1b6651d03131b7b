import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { analyse } from '../../worker/analysis/index.ts';
import { buildModels } from '../../worker/models.ts';
import { config, load } from '../helpers/export.ts';
import { runModel, type GivenTable } from '../helpers/model.ts';

/**
 * The overview's "Do these first" list: analysis/rank_actions.sql run alone on given candidates
 * (numbers worked out by hand below), then the whole computation on the worked example of
 * test/fixtures/edge-cases and on the bundled sample.
 */

const candidates = (rows: [string, number, number, number][]): GivenTable => ({
  columns: { action: 'varchar', message_no: 'bigint', opt_outs: 'integer', weight: 'double' },
  rows: rows.map(([action, message_no, opt_outs, weight]) => ({ action, message_no, opt_outs, weight })),
});

const ranked = async (rows: [string, number, number, number][]): Promise<[number, string, number][]> =>
  (await runModel('analysis/rank_actions', { action_candidates: candidates(rows) })).map((r) => [Number(r.rank), r.action as string, Number(r.opt_outs_avoided)]);

describe('rank_actions: greedy, each action net of the ones before it', () => {
  it('takes the largest first, then the largest of what is left, and never counts an opt-out twice', async () => {
    // Messages m1..m5 with 2, 1, 1, 3 and 1 opt-outs (8 in all).
    //   a stops m1, m2: 2 + 1 = 3        b stops m2, m3, m4: 1 + 1 + 3 = 5
    //   c changes m4 (1.5 of its 3) and m5 (0.5 of its 1): 2
    //   d stops m1: 2                    e stops m5: 1              f changes m3 (0.4 of its 1): 0.4
    // Round 1: b (5); m2, m3 and m4 have nothing left. Round 2: a and d both avoid m1's 2 (the tie
    // goes to a); c only 0.5 (m5). Round 3: e avoids m5's 1, more than c's 0.5. Round 4: c, d and
    // f have nothing left: not listed. 5 + 2 + 1 = all 8 opt-outs, each once.
    expect(
      await ranked([
        ['a', 1, 2, 2],
        ['a', 2, 1, 1],
        ['b', 2, 1, 1],
        ['b', 3, 1, 1],
        ['b', 4, 3, 3],
        ['c', 4, 3, 1.5],
        ['c', 5, 1, 0.5],
        ['d', 1, 2, 2],
        ['e', 5, 1, 1],
        ['f', 3, 1, 0.4],
      ]),
    ).toEqual([
      [1, 'b', 5],
      [2, 'a', 2],
      [3, 'e', 1],
    ]);
  });

  it('lets a stop after a change avoid only what the change left, and rounds to whole opt-outs', async () => {
    // m1 has 4 opt-outs, m2 has 2. x changes both, avoiding 3 of m1's and 1.6 of m2's (4.6);
    // z stops m1 (4), y stops m2 (2). Round 1: x (4.6 > 4); round 2: z gets m1's last 1, y m2's
    // last 0.4 (less than half an opt-out: not listed). 4.6 + 1 rounds to 5 + 1.
    expect(
      await ranked([
        ['x', 1, 4, 3],
        ['x', 2, 2, 1.6],
        ['z', 1, 4, 4],
        ['y', 2, 2, 2],
      ]),
    ).toEqual([
      [1, 'x', 5],
      [2, 'z', 1],
    ]);
  });

  it('lists at most five actions, and one message named twice for the same action once', async () => {
    const rows: [string, number, number, number][] = ['p', 'q', 'r', 's', 't', 'u'].map((a, i) => [a, i + 1, 6 - i, 6 - i]);
    // p's message appears twice (two spikes naming it): still 6, not 12
    rows.push(['p', 1, 6, 6]);
    expect(await ranked(rows)).toEqual([
      [1, 'p', 6],
      [2, 'q', 5],
      [3, 'r', 4],
      [4, 's', 3],
      [5, 't', 2],
    ]);
  });
});

describe('the actions of a whole run', () => {
  it('edge cases: only "verified consent" avoids an opt-out in March (pa-7, no consent, opted out after M11)', async () => {
    // March's attributed opt-outs: pa-5 after M03 (verified, 10:00), pa-7 after M11 (no consent
    // on record; 2 texts that week, daytime) and bf-2 after M23 (verified). Only M11 is stopped by
    // a policy (verified consent only); there is no spike, so no other candidate.
    const input = path.join(import.meta.dirname, '..', 'fixtures', 'edge-cases', 'input');
    const { db } = await load(input, { month: '2026-03' });
    try {
      const months = await buildModels(db, config(input, { month: '2026-03' }));
      const analysis = await analyse(db, months);
      expect(analysis.actions).toEqual([
        {
          rank: 1,
          action: 'verified_consent_only',
          title: 'Stop texting leads whose consent is missing or came with an imported list',
          kind: 'stop',
          opt_outs_avoided: 1,
          evidence: { page: 'compliance.html', anchor: 'policies', spike: null },
        },
      ]);
      // the candidates are the policies' messages, message for message
      const stops = await db.query<{ action: string; opt_outs: number }>(`select action, sum(opt_outs)::integer as opt_outs from action_stops group by all order by all`);
      expect(stops).toEqual([{ action: 'verified_consent_only', opt_outs: 1 }]);
    } finally {
      db.close();
    }
  });

  it('the sample: five actions, the first the policy that saves most, the stops never more than all policies together', async () => {
    const input = path.join(import.meta.dirname, '..', '..', 'data', 'sample');
    const { db } = await load(input);
    try {
      const months = await buildModels(db, config(input));
      const analysis = await analyse(db, months);
      expect(analysis.actions.map((a) => [a.rank, a.action, a.opt_outs_avoided])).toEqual([
        [1, 'verified_consent_only', 81],
        [2, 'cap_3_per_week', 62],
        [3, 'check_in_every_18_months', 24],
        [4, 'relevant_content:s2-partner-promo-2026-09-28', 11],
        [5, 'honour_free_text_requests', 9],
      ]);
      const policy = (name: string): number => analysis.policies.find((p) => p.policy === name)?.opt_outs_avoided ?? -1;
      expect(analysis.actions[0]?.opt_outs_avoided).toBe(policy('verified_consent_only'));
      // The policies' actions count each stopped text once, as "all of these together" does.
      const stops = analysis.actions.filter((a) => a.kind === 'stop').reduce((s, a) => s + a.opt_outs_avoided, 0);
      expect(stops).toBeLessThanOrEqual(policy('all_of_the_above'));
      // The content action is the partner promo's, on the spike of 28 September across all studios.
      const content = analysis.actions[3];
      expect(content?.evidence).toEqual({ page: 'spikes.html', anchor: 'cause-irrelevant-content', spike: analysis.spikes.findIndex((s) => s.studio_id === null && s.start === '2026-09-28') });
      // action_stops has the policies' rules: the same opt-outs per policy as policy_savings.
      const perPolicy = await db.query<{ action: string; opt_outs: number }>(`select action, sum(opt_outs)::integer as opt_outs from action_stops group by all`);
      for (const p of analysis.policies.filter((x) => x.policy !== 'all_of_the_above')) {
        expect(perPolicy.find((r) => r.action === p.policy)?.opt_outs ?? 0, p.policy).toBe(p.opt_outs_avoided);
      }
    } finally {
      db.close();
    }
  }, 60_000);
});
