import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../worker/db.ts';
import { isOptOutRequest } from '../../worker/analysis/freetext.ts';
import { FULL_WIDTH, HALF_WIDTH, isOptOutKeyword, isReOptInKeyword, keywordOf, replyOf } from '../../worker/analysis/replies.ts';
import { MACROS } from '../../worker/models.ts';

/** Replies read as keywords and as free text, with a phone's smart punctuation and full-width forms (issue 13). */
let db: Db;
beforeAll(async () => {
  db = await Db.open(null);
  await db.exec(MACROS);
});
afterAll(() => db.close());

// [reply, is an opt-out keyword, is a re-opt-in keyword]
const REPLIES: [string, boolean, boolean][] = [
  ['STOP', true, false],
  ['\u201cSTOP\u201d', true, false], // curly double quotes
  ['\u2018stop\u2019', true, false], // curly single quotes
  ['\u00abStop\u00bb', true, false], // guillemets
  ['\u300cSTOP\u300d', true, false], // CJK corner brackets
  ['STOP\uff01', true, false], // full-width exclamation mark
  ['STOP\u3002', true, false], // ideographic full stop
  ['\uff33\uff34\uff2f\uff30', true, false], // full-width letters
  ['\u00a1STOP!', true, false],
  ['  stop.  ', true, false],
  ['Stop\u00a0all', true, false], // a no-break space between the words
  ['stop\u3000all', true, false], // an ideographic space
  ['Opt-Out', false, false], // a hyphen inside is not around: OPT-OUT is not OPT OUT
  ['\u2014unsubscribe\u2014', true, false], // em dashes
  ['\u201cStart\u201d', false, true],
  ['\uff39\uff25\uff33\uff01', false, true],
  ['STOP \ud83d\uded1', false, false], // an emoji is not punctuation: not the keyword (the free-text rules judge it)
  ['STOPP', false, false],
  ['stop texting me', false, false],
  ['', false, false],
];

describe('keywords', () => {
  it.each(REPLIES)('reads %j', async (reply, optOut, reOptIn) => {
    expect([isOptOutKeyword(reply), isReOptInKeyword(reply)]).toEqual([optOut, reOptIn]);
    const sql = await db.queryOne<{ keyword: string; opt_out: boolean; re_opt_in: boolean }>(
      `select keyword_of($r) as keyword, is_opt_out_keyword($r) as opt_out, is_re_opt_in_keyword($r) as re_opt_in`,
      { r: reply },
    );
    expect(sql).toEqual({ keyword: keywordOf(reply), opt_out: optOut, re_opt_in: reOptIn });
  });

  it('narrows every full-width form as Unicode NFKC does', () => {
    expect([...FULL_WIDTH].map((c) => c.normalize('NFKC')).join('')).toBe(HALF_WIDTH);
  });
});

describe('free text sees the same normalised reply', () => {
  // [as a phone types it, as plain ASCII]
  const PAIRS: [string, string][] = [
    ['please\u3000stop\u00a0texting me', 'please stop texting me'],
    ['\uff30\uff4c\uff45\uff41\uff53\uff45 stop texting me\uff01', 'Please stop texting me!'],
    ['take me off your list\u3002', 'take me off your list\u3002'],
    ['don\u2019t\u00a0text me again', "don't text me again"],
    ['can\u2019t stop smiling after class', "can't stop smiling after class"],
  ];
  it.each(PAIRS)('%j', (typed, plain) => {
    expect(replyOf(typed)).toBe(replyOf(plain));
    expect(isOptOutRequest(typed)).toBe(isOptOutRequest(plain));
  });
  it('judges the requests among them as requests', () => {
    expect(PAIRS.map(([typed]) => isOptOutRequest(typed))).toEqual([true, true, true, true, false]);
  });
});
