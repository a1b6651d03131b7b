/**
 * How an inbound reply is read, once for keywords (in DuckDB's models, and alike in JavaScript
 * for the tests) and once for free-text requests (in JavaScript, analysis/freetext.ts):
 * - width: the full-width forms phones type in CJK input modes (`ＳＴＯＰ`, `！`, the ideographic
 *   space) become their ASCII letters, digits, marks and space, which is what Unicode NFKC does
 *   for them (DuckDB has no NFKC; the translation below is the same map, and a test checks it
 *   against String.prototype.normalize('NFKC'));
 * - spaces: any run of white space or Unicode separators (no-break, ideographic) is one space;
 * - keyword: trimmed, upper-cased, Unicode punctuation around it stripped (curly quotes,
 *   guillemets, `。`, `¡`, as well as ASCII marks), so `“STOP”` and `STOP！` are STOP;
 * - free text: lower-cased, accents stripped, curly apostrophes straight.
 */

const range = (from: number, to: number): string => String.fromCharCode(...Array.from({ length: to - from + 1 }, (_, i) => from + i));

/** U+FF01..U+FF5E are ASCII 0x21..0x7E at full width; U+3000 is the ideographic space. */
export const FULL_WIDTH = `${range(0xff01, 0xff5e)}\u3000`;
export const HALF_WIDTH = `${range(0x21, 0x7e)} `;

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Space, Unicode separators; punctuation (Unicode's P classes and ASCII's marks and symbols). */
const SPACE = String.raw`[\s\p{Z}]`;
const AROUND = String.raw`[\s\p{Z}\p{P}!-/:-@\[-\x60{-~]`;

export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'OPT OUT', 'STOP ALL'] as const;
export const RE_OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'] as const;

/**
 * The SQL macros; the models call is_opt_out_keyword(body) and is_re_opt_in_keyword(body). Free
 * text is judged in JavaScript (analysis/freetext.ts, on replyOf) and joined back by body.
 */
export const REPLY_MACROS = `
create or replace temp macro width_of(v) as case
  -- translate() costs 40 times a match: only a reply that has a full-width form pays for it
  when regexp_matches(v, '[\uff01-\uff5e\u3000]') then translate(v, ${sqlString(FULL_WIDTH)}, ${sqlString(HALF_WIDTH)})
  else v end;
create or replace temp macro keyword_of(v) as upper(regexp_replace(regexp_replace(width_of(v),
  '${SPACE}+', ' ', 'g'), '^${AROUND}+|${AROUND}+$', '', 'g'));
create or replace temp macro is_opt_out_keyword(v) as keyword_of(v) in (${OPT_OUT_KEYWORDS.map(sqlString).join(', ')});
create or replace temp macro is_re_opt_in_keyword(v) as keyword_of(v) in (${RE_OPT_IN_KEYWORDS.map(sqlString).join(', ')})`;

const widthMap = new Map([...FULL_WIDTH].map((c, i) => [c, HALF_WIDTH[i] as string]));
const widthOf = (text: string): string => text.replace(/[\uff01-\uff5e\u3000]/g, (c) => widthMap.get(c) ?? c);
const spaces = new RegExp(`${SPACE}+`, 'gu');
const around = new RegExp(`^${AROUND}+|${AROUND}+$`, 'gu');

/** A reply as a keyword: STOP, START, ... (compare with the keyword lists). */
export function keywordOf(text: string): string {
  return widthOf(text).replace(spaces, ' ').replace(around, '').toUpperCase();
}

/** A reply as the free-text rules read it. */
export function replyOf(text: string): string {
  return widthOf(text)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(spaces, ' ')
    .trim();
}

export const isOptOutKeyword = (text: string): boolean => (OPT_OUT_KEYWORDS as readonly string[]).includes(keywordOf(text));
export const isReOptInKeyword = (text: string): boolean => (RE_OPT_IN_KEYWORDS as readonly string[]).includes(keywordOf(text));
