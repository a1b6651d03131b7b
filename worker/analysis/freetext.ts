/**
 * Free-text opt-out requests: replies that ask to stop without being a keyword ("please stop
 * texting me", "take me off your list", "no más mensajes"). The rules are a short, readable list
 * so an analyst can see why a reply was flagged; the methodology page prints them.
 *
 * A reply is a request when it matches a STRONG phrase (it names the texting or the list), or a
 * WEAK one (a bare "please stop", "remove me", "not interested") and none of the LOOK-ALIKES
 * ("stop by the front desk", "cancel my Thursday booking"); never when its stop is NEGATED
 * ("can't stop smiling").
 *
 * The patterns run both here (tests) and in DuckDB (RE2), so they use only what both engines
 * share: no look-around, no back-references.
 */
import { replyOf } from './replies.ts';

/** A reply as the rules read it: see analysis/replies.ts (the SQL model calls reply_of). */
export const normaliseReply = replyOf;

const TEXTING = "(text|txt|tx|texting|txting|texing|textin|message|messaging|msg|msging|sms|contact|contacting|send(ing)? (me )?(texts?|messages|msgs)|spam(ming)?|hitting me up)";
const TEXTS = '(texts?|txts?|messages?|msgs?|sms|promos?|spam)';

export const STRONG: readonly { label: string; pattern: string }[] = [
  { label: 'stop texting me', pattern: `\\b(stop|stp|stahp|sto|quit|cease)\\s+(all\\s+)?(the\\s+)?${TEXTING}` },
  { label: 'stop sending (me) texts', pattern: `\\bstop\\s+(sending|spamming)\\b` },
  { label: 'take me off the list', pattern: `\\b(take|get|put)\\s+(me|my (number|#|phone( number)?)|this number)\\s+(off|out of)\\s+(of\\s+)?(your|the|this|ur|all|these)?\\s*(list|lists|texts?|messages?|contacts?|sms|text list|texting list|mailing list|contact list|database|system)\\b` },
  { label: 'remove me from your list / texts', pattern: `\\b(remove|delete|rmv|remvoe)\\s+(me|my (number|#|phone( number)?)|this number)\\s+(from|off)\\s+(your|the|this|ur|all|these)?\\s*(list|lists|texts?|messages?|contacts?|sms|text list|mailing list|database|system)` },
  { label: 'remove my number', pattern: '\\b(remove|delete|lose)\\s+(my (number|#|phone( number)?|info)|this number)\\b' },
  { label: 'unsubscribe', pattern: '\\b(unsub\\w*|unsusbscribe|unsuscribe|unsubcribe|unsubscibe|un-?subscribe|unsubscrib\\w*)\\b' },
  { label: 'opt me out', pattern: "\\b(opt(ing)?|opted)[ -]?(me )?out\\b|\\bopt-?out\\b" },
  { label: 'no more texts', pattern: `\\bno\\s+more\\s+(of\\s+(these|your)\\s+)?${TEXTS}` },
  { label: "don't text me", pattern: `\\b(don'?t|do not|dont|pls don'?t|never|stop to)\\s+(ever\\s+)?(${TEXTING})\\s+(me|this number|us)\\b` },
  { label: 'not (want / interested in) texts', pattern: `\\b(don'?t|do not|dont|no longer)\\s+(want|wish|need|like)\\s+(to (receive|get)\\s+)?(any\\s+)?(more\\s+)?(these\\s+|your\\s+)?${TEXTS}` },
  { label: 'no longer want to receive', pattern: `\\b(no longer|don'?t|do not)\\s+want\\s+to\\s+(receive|get|be (texted|contacted|messaged))` },
  { label: 'leave me alone', pattern: '\\bleave me alone\\b' },
  { label: 'lose my number', pattern: '\\b(lose|forget) (my|this) number\\b' },
  { label: 'wrong number', pattern: '\\bwrong (number|person|#)\\b' },
  { label: 'cancel texts / subscription', pattern: `\\bcancel\\s+(the\\s+|my\\s+|all\\s+|these\\s+)?(${TEXTS}|subscription|text alerts|alerts|notifications)\\b` },
  { label: 'Spanish: no más mensajes', pattern: '\\bno\\s+mas\\s+(mensajes|textos|msj|sms)|\\bya no (me )?(manden|envien|escriban|mandes|envies|escribas|quiero (mensajes|textos|recibir))|\\b(dejen|deja|dejar) de (escribirme|enviarme|mandarme|mandar|enviar)|\\bno me (escriban|envien|manden|escribas|envies|mandes) mas|\\b(darme|dame|denme|me doy|quiero darme) de baja|\\b(quitarme|quitenme|sacarme|saquenme|borrarme|borrenme) de (la|su|esta|sus) lista' },
  { label: 'French/Portuguese: arrêter / parar', pattern: "\\b(arretez|arrete|arreter) (de m'?envoyer|les (messages|textos|sms))|\\bpare de (me )?(mandar|enviar)|\\bparem de (me )?(mandar|enviar)" },
  { label: 'who is this, stop', pattern: '\\bhow did you get (my|this) number\\b' },
];

export const WEAK: readonly { label: string; pattern: string }[] = [
  { label: 'please stop', pattern: '^(please|pls|plz|plse|can you|could you|kindly|ok|okay|omg|just|seriously|i said|for the last time|enough)?[ ,.!]*(please |pls |plz )?(stop|stp|stahp|quit|end|cancel|remove me|unsub)( it| this| now| already| please| pls| plz| thanks| thank you| asap| immediately|[ .!?,])*$' },
  { label: 'stop (with words around)', pattern: '^(stop|stp|stahp)( [a-z]+){0,2}[.!?]*$' },
  { label: 'remove me', pattern: '\\b(remove|rmv|remvoe|delete) me\\b' },
  { label: 'no more', pattern: '^no more[.! ]*(please|pls|thanks|thank you)?[.! ]*$' },
  { label: 'Spanish: basta / no más', pattern: '^(ya )?(basta|no mas)( por favor| porfa| gracias)?[.! ]*$|\\bno (me )?(interesa|moleste[ns]?)( mas)?\\b' },
  { label: 'not interested', pattern: "\\b(not|no longer|no) interested\\b" },
  { label: "I'm not a member / never signed up", pattern: "\\b(never signed up|didn'?t sign up|did not sign up|never gave you (my|this) number)\\b" },
];

/** "Can't stop texting my friends about it": a negated stop is never a request. */
export const NEGATED = "\\b(can'?t|cannot|won'?t|couldn'?t|never|don'?t|didn'?t|wouldn'?t|not gonna) stop\\b";

/** Replies that look like requests and are not: excluded when only a WEAK phrase matched. */
export const LOOK_ALIKES: readonly { label: string; pattern: string }[] = [
  { label: 'stop by / stop in / stop at', pattern: "\\bstop(ping)? (by|in|at|over|off|on by|into)\\b" },
  { label: 'stop + a gerund that is not texting', pattern: '\\bstop (smiling|laughing|thinking|coming|going|sweating|talking about|raving)\\b' },
  { label: 'cancel / remove me from a class or booking', pattern: "\\b(cancel|remove me from|take me off|drop|move me from)\\s+([a-z0-9':]+\\s+){0,3}(booking|class|classes|session|spot|reservation|appointment|waitlist|wait list|training|lesson|membership|plan|order|pt|spin|yoga|pilates|hiit|autopay|card)" },
  { label: 'a place or thing called stop', pattern: '\\b(bus|pit|next|last|first|one|non|full) ?-?stop\\b' },
  { label: 'end / quit something else', pattern: "\\b(end|quit) (of|my job|smoking|sugar|the class|class|early)\\b|\\bquit (my|the)\\b|\\bat the end\\b|\\bweek ?end\\b" },
];

function compile(list: readonly { pattern: string }[]): RegExp {
  return new RegExp(list.map((p) => `(?:${p.pattern})`).join('|'));
}

const strong = compile(STRONG);
const weak = compile(WEAK);
const lookAlike = compile(LOOK_ALIKES);
const negated = new RegExp(NEGATED);

/** True when a reply asks to stop in free text (keywords are recognised elsewhere). */
export function isOptOutRequest(text: string): boolean {
  const t = normaliseReply(text);
  if (negated.test(t)) return false;
  return strong.test(t) || (weak.test(t) && !lookAlike.test(t));
}

/** The three alternations as single RE2 patterns, for the SQL model's parameters. */
export const FREE_TEXT_PATTERNS = {
  strong: STRONG.map((p) => `(?:${p.pattern})`).join('|'),
  weak: WEAK.map((p) => `(?:${p.pattern})`).join('|'),
  look_alike: LOOK_ALIKES.map((p) => `(?:${p.pattern})`).join('|'),
  negated: NEGATED,
} as const;
