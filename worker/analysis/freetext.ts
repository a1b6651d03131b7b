/**
 * Free-text opt-out requests: replies that ask to stop without being a keyword ("please stop
 * texting me", "take me off your list", "no más mensajes").
 *
 * Two layers. The rules below are readable phrases: STRONG ones name the texting or the list,
 * WEAK ones are a bare "please stop" or "remove me", CUES make a request likelier without being
 * one ("who is this?", "too many texts"), LOOK-ALIKES name something else (a class, a booking,
 * "stop by"), and a NEGATED stop ("can't stop smiling") is not one. Rules alone miss new ways of
 * asking, so a logistic regression (analysis/logistic.ts) weighs every rule that matched together
 * with the reply's words, word pairs and 3- to 5-letter pieces, trained on labelled replies
 * (`npm run train:freetext`, weights in freetext-model.json). Its verdict is the verdict; the
 * rule that matched is the reason an analyst sees.
 *
 * The models see the same verdicts: writeFreeTextVerdicts judges each distinct inbound
 * non-keyword body once, in JavaScript, into a table the SQL model joins.
 */
import type { Db } from '../db.ts';
import { FREE_TEXT_MODEL } from '../config.ts';
import { contributions, probability, trainLogistic, type LabelledFeatures, type LogisticModel } from './logistic.ts';
import { replyOf } from './replies.ts';
import trainedModel from './freetext-model.json' with { type: 'json' };

/** A reply as the rules read it: see analysis/replies.ts. */
export const normaliseReply = replyOf;

const TEXTING = "(text|txt|tx|texting|txting|texing|textin|message|messaging|msg|msging|sms|contact|contacting|send(ing)? (me )?(texts?|messages|msgs)|spam(ming)?|hitting me up|reach(ing)? out( to me)?)";
const TEXTS = '(texts?|txts?|messages?|msgs?|sms|promos?|spam|reminders?|notifications?|alerts?|deals)';
/** The short words that may close a request: "stop it now please", "remove me asap". */
const TAIL = "( it| this| that| them| these| now| already| please| pls| plz| thanks| thank you| thx| ty| asap| immediately| right now| for real| seriously| man| dude| lol| bye| svp| por favor| k)*";
/** A clause starts the reply or follows a mark; it ends the reply or comes before a mark. */
const START = "(^|[.!?,;:]+ |\\b(but|so|and|now|just) )";
const END = '[.!?,]*($|[.!?,]+ )';
const LIST = '(list|lists|texts?|messages?|contacts?|sms|text list|texting list|mailing list|contact list|database|system|thing|this)\\b';
const OBJECT = '(me|my (number|#|phone( number)?|contact( info)?|info)|this number|this phone|it)';

export const STRONG: readonly { label: string; pattern: string }[] = [
  { label: 'stop texting me', pattern: `\\b(stop|stp|stahp|sto|stpo|quit|cease|halt|refrain from|discontinue)\\s+(all\\s+)?(the\\s+)?${TEXTING}|\\bdon'?t bother (texting|messaging|contacting)\\b` },
  { label: 'stop the texts', pattern: `\\b(stop|stp|quit|end|cease|halt|discontinue)\\s+(it\\s+)?((with|w|w/)\\s+)?(all\\s+)?(the\\s+|these\\s+|your\\s+|ur\\s+|those\\s+)?([a-z'"]+\\s+){0,3}${TEXTS}\\b` },
  { label: 'stop sending (me) texts', pattern: `\\b(stop|quit|cease)\\s+(sending|sendin|spamming|bugging|bothering|harassing|pestering|blowing up|calling|emailing)\\b|\\b(cut it out|knock it off)\\s+(with|w|w/)\\s+(the\\s+|these\\s+|your\\s+)?${TEXTS}` },
  { label: 'stop receiving texts', pattern: `\\b(stop|quit)\\s+(receiving|getting)\\s+(these|them|this|your|the|any|texts?|messages)|\\b(get|make|want|need) (these|them|this|it|the texts|these texts|the messages|these messages) (to )?stop\\b|\\b(these|the|your) (texts|messages) (to )?stop\\b|\\bto (make )?(stop|end) (these|them|the texts|the messages|getting|receiving)\\b` },
  { label: 'take me off the list', pattern: `\\b(take|get|put|want)\\s+${OBJECT}?\\s*(off|out of)\\s+(of\\s+)?(your|the|this|ur|all|these|every|any)?\\s*${LIST}|${START}(please |pls )?off (the|your|this|ur) (list|texts)\\b|\\bcount me out\\b` },
  { label: 'take me off', pattern: `${START}(please |pls |plz |just |kindly )?(take|get) (me|this number|my number|it) (off|out)${TAIL}${END}` },
  { label: 'remove me from your list / texts', pattern: `\\b(be|get) (removed|taken off|taken out)\\b|\\b(remove|delete|rmv|remvoe|erase)\\s+(${OBJECT}\\s+)?(from|off)\\s+(your|the|this|ur|all|these|every|any)?\\s*${LIST}` },
  { label: 'remove my number', pattern: '\\b(remove|delete|erase|lose|forget)\\s+(my|this|the) (number|#|phone( number)?|info|information|contact( info)?|details)\\b|\\bremove (this|the) number\\b' },
  { label: 'unsubscribe me', pattern: `${START}(please |pls |plz |ok |nope |just |kindly |i want to |i'd like to |how do i |how can i |i'?m |i am |im )?(unsub\\w*|unsusbscribe|unsuscri\\w*|unsubcribe|unsubscibe|unsubsribe|unscribe|un[- ]?subscribe)( me| this number)?( from (these|this|texts?|messages|text messages|everything|all|the texts|sms|your list|all lists|these texts))?${TAIL}${END}|\\bunsub\\w* (me )?from (all |the |these |your )?(texts?|text messages|messages|sms|marketing|promotions)\\b` },
  { label: 'opt me out', pattern: "\\bopt(ing)?[ -]?me out\\b|^0pt[ -]?out\\b|(^|[.!?] )i opt[ -]?out[.!]*$|\\bopt(ing)?[ -]out of (all |the |your )?(texts?|sms|messages|text messages|these|this|everything)\\b|(^|[.!?,] )(i'?d like to |i want to |please |pls |how do i |how can i )?opt(ing)?[ -]?out( please| pls| thanks)*[.!?]*$" },
  { label: 'no more texts', pattern: `\\bno\\s+more\\s+(of\\s+(these|your|the)\\s+)?([a-z]+\\s+){0,2}${TEXTS}|^(please )?no (texts?|txts?|msgs?|messages)( please| pls| plz| thanks)*[.!]*$|\\bno more of (this|these|that|it)\\b` },
  { label: "don't text me", pattern: `\\b(don'?t|do not|dont|dnt|pls don'?t|please don'?t|never)\\s+(ever\\s+)?(${TEXTING})\\s+(me|this number|us|this phone|it|again|anymore)\\b` },
  { label: "don't send me texts", pattern: `\\b(can|could) (you|u|y'?all|yall) not( ${TEXTING}( me)?)?[.!?]*$|\\b(don'?t|do not|dont|never)\\s+send\\s+(me\\s+)?(any\\s+)?(more\\s+)?(these|them|${TEXTS})\\b` },
  { label: 'not (want / interested in) texts', pattern: `\\b(don'?t|do not|dont|doesn'?t|does not|no longer)\\s+(want|wish|need|like)\\s+(to (receive|get)\\s+)?(any\\s+)?(more\\s+)?(these\\s+|your\\s+|the\\s+)?([a-z]+\\s+){0,2}${TEXTS}|\\b(don'?t|do not|dont) want (these|them|this|it|that)( anymore| any more| no more)\\b` },
  { label: 'no longer want to receive', pattern: `\\b(no longer|don'?t|do not|rather not|prefer not to|not to)\\s+((want|wish|like)\\s+to\\s+)?(receive|get|be (texted|contacted|messaged))\\b|\\bexclude me\\b|\\b(i'?d|i would) (rather|prefer) not\\b|\\b(don'?t|do not|dont) want to hear from\\b` },
  { label: 'leave me alone / go away', pattern: `\\bleave me (alone|be|out of (this|it|these|your \\w+))\\b|\\b(cease and )?desist\\b|${START}(please |pls |just )?go away${TAIL}${END}` },
  { label: 'lose my number', pattern: "\\b(lose|forget) (my|this) number\\b|\\bforget (you )?(ever )?had (my|this) number\\b|\\bdon'?t use this number\\b" },
  { label: 'wrong number', pattern: "\\bwrong (number|person|guy|girl|contact|phone)\\b|\\bwrong (#|digits|info\\b|information|contact info)|\\bnot (the person|the one|who) you('re| are)? (looking for|want|need|mean|think)|\\bthat'?s not me\\b|\\bmy name (isn'?t|is not)\\b|\\b(mixed|mixing|mix) (me )?up with|\\bconfus\\w* (me )?with (someone|somebody)|\\bsomeone else'?s? (number|phone)\\b|\\b(there'?s )?no [a-z]+ (here|at this number)\\b|\\bnot (my|his|her|their) number\\b|\\b(had|used to have|just got) this number\\b|\\bthis number (doesn'?t|does not|no longer) belong|\\b(doesn'?t|does not|don'?t|no longer) (have|own|use) this number\\b|\\bno (one|body) (by|named|with) that name\\b|\\bthis (is not|isn'?t) [a-z]+'?s (phone|number|cell)\\b|\\bequivoc\\w* de numero|\\bnumero (equivocado|errado|incorrecto)|\\bequivocaron de numero|\\bmauvais numero" },
  { label: 'call or email, not texts', pattern: `\\b(call|email|e-mail)( me)?,? (don'?t|do not|not) (text|txt)\\b|\\b(email|e-mail) (only|me instead)\\b[^?]*\\b(no|stop|don'?t) (texts?|texting)\\b|\\b(no|stop) (texts?|texting)\\b[^?]*\\b(email|e-mail) (only|me instead|instead)` },
  { label: 'cancel texts / subscription', pattern: `\\bcancelar (la |mi )?suscripcion\\b|\\bcancel\\s+(the\\s+|my\\s+|all\\s+|these\\s+)?(${TEXTS}|subscription|text alerts)\\b` },
  { label: 'do not call / text list', pattern: '\\b(texts?|messages) (are )?not wanted\\b|\\bno solicit\\w*|\\bdo not (call|contact|text|disturb|txt|message)( registry| list)\\b|\\bdnc\\b' },
  { label: 'end all contact', pattern: '\\b(no|want no) further (contact|messages|texts|communications?)\\b|\\b(end|stop|cease|halt|no more)\\s+(all\\s+)?(communications?|contact|correspondence)\\b' },
  { label: 'enough with the texts', pattern: `\\b(i'?m|im|i am) good on (the |these |your )?${TEXTS}|\\b(enough|enuf|done|chill|relax|ease up)( already)?( with| w| w/| of)?( the| these| your| all the| all these)?( [a-z]+)? ${TEXTS}\\b` },
  { label: 'I never agreed to texts', pattern: "\\b(revoke|revoking|withdraw|withdrawing)\\b[^.!?]*\\bconsent\\b|\\b(never|didn'?t|did not|do not|don'?t)\\s+(opt(ed)? in|consent(ed)?|agree(d)? to|give (you )?permission|gave (you )?permission|sign(ed)? up|signed up)\\b|\\bnever gave you (my|this) number\\b" },
  { label: 'reported / blocked', pattern: "\\b(fcc|ftc|tcpa|bbb)\\b|\\breport(ed|ing)? (you|this( number)?|it|u)\\b|\\b(been|be|was|is) reported\\b|\\breported as spam\\b|\\breport(ed|ing)? (this |you |it |these texts )?to (the |my )?(fcc|ftc|attorney|carrier|authorities|police)|\\breporting (these|your) (texts|messages)\\b|\\bnumber blocked\\b|\\bblock(ed|ing)? (you|this( number)?|your number|u)\\b|^(blocked|blocking)\\b|\\b(i'?m|im|i am|i'?ll|i will) block(ing)?( you| this| u)?[.!]*$" },
  { label: 'why do you keep texting me', pattern: "\\b(why|y) (are|r|do|does|is|d|am)? ?(you|u|y'?all|yall|you guys|this number|this place|i) (still|keep|keeps) (keep )?(texting|messaging|txting|contacting|sending|getting (these|texts|messages))|\\b(why|y) (are|r|is) (you|u|y'?all|yall|you guys|this number|this place) (texting|messaging|txting|contacting) (me|this number)[.!?]*($|[.!?]+ )|\\b(you|u|yall|y'?all|you guys) (keep|kept|still|continue to) (texting|messaging|txting|sending|contacting)|\\bi (keep|still) (getting|receiving) (these|texts|messages|your)|\\bstill (getting|receiving) (these|texts|messages|your)" },
  { label: 'I already asked', pattern: "\\b(asked|told|said|requested)( you)?( to)?( be)? (stop|removed|remove|taken off|unsubscribe|opt out)|\\bi said stop\\b|\\b(part of|understand|get) (the word )?stop\\b|\\b(replied|texted|sent|said|typed) (stop|unsubscribe)\\b|\\bhow many times\\b|\\b(times|twice) (now|already)\\b|\\btime i'?ve asked\\b" },
  { label: 'stop or I report you', pattern: "\\bstop(,)? or (i'?ll|i'?m|i will|else)\\b|\\bone more (text|message)\\b" },
  { label: 'Spanish: no más mensajes', pattern: '\\bno\\s+mas\\s+(mensajes|textos|msj|sms)|\\bya no (me )?(manden|envien|escriban|mandes|envies|escribas|quiero (mensajes|textos|recibir))|\\bno quiero (recibir )?(mas )?(mensajes|textos)|\\b(dejen|deja|dejar|paren|para) de (escribirme|enviarme|mandarme|mandar|enviar|molestarme|molestar)|\\bno me (escriban|envien|manden|escribas|envies|mandes|contacten|contactes)\\b|\\b(darme|dame|denme|me doy|quiero darme|de) de baja|\\bde baja\\b|\\b(quitarme|quitenme|sacarme|saquenme|sacame|borrarme|borrenme) de (la|su|tu|esta|sus) lista(s)?( de (mensajes|textos|contactos))?( por favor)?[.!]*$|\\b(quiten|borren|quitar|borrar|eliminen|eliminar) (mi|este) numero|\\bbasta de (mensajes|textos)|\\b(desuscrib|desinscri|descadastr)\\w*|\\bno quiero que me (escriban|manden|envien|contacten)|\\btir(a|e|em) (meu numero|meu nome)|\\b(salir|salirme|sacarme) de (la|su|esta|sus) lista\\b|\\bno (me )?vuelvan a (escribir|mandar|enviar|contactar)|\\bsair (da|dessa|desta) lista\\b' },
  { label: 'French/Portuguese: arrêter / parar', pattern: "\\b(arretez|arrete|arreter) (de m'?envoyer|les (messages|textos|sms))|\\bne m'?(envo(yez|ie)|ecrivez|contactez|textez) plus\\b|\\b(retirer|retirez|supprimer|supprimez|effacer|effacez) (mon numero|moi)\\b|\\bne veux plus (recevoir|de)|\\b(retirez|enlevez)-?moi\\b|\\bpare de (me )?(mandar|enviar)|\\bparem de (me )?(mandar|enviar)|\\bnao (me )?(mande|mandem|envie|enviem) mais|\\bnao quero (mais |receber )*(mensagens|mensagem|sms)|\\bme (remova|tire|tira|retire|remove) (da|dessa|desta) lista|\\bdesabonne|\\bne plus m'?envoyer" },
  { label: 'who is this, stop', pattern: "\\bhow (did|d) (you|u) get (my|this) (number\\b|#)|\\bwhy (do|does) (you|u|y'?all|this \\w+) have (my|this) (number|#)|\\b(don'?t remember|never|didn'?t) (giving|give|gave) (you )?(my|this) (number|#)|\\bwhere did you get (my|this) number\\b" },
];

export const WEAK: readonly { label: string; pattern: string }[] = [
  { label: 'please stop', pattern: `${START}(ok(ay)? |please |pls |plz |just |so |now |kindly |seriously |i said |omg |ugh |nah |no |nope |ok enough |wtf |ffs |bro |dude |yo |lol |lmao |geez |jeez |hey |hi |hello |alright |fine |again |guys |can you |can y'?all |can yall |can u |could you |would you |will you )*[ ,]*(please |pls |plz |just )?(sto+p+|stp|stahp|quit|end|cease|halt|discontinue|enough|remove|rmv|delete|remove me|delete me|unsub|take me off|opt me out|cut it out|knock it off|quit it|cease and desist|arretez|arrete|alto|basta|pare|parem|i want out)${TAIL}${END}` },
  { label: 'stop (with words around)', pattern: '^(sto+p+|stp|stahp)( [a-z]+){0,2}[^a-z0-9]*$|^[^a-z0-9]*\u{1f6d1}[^a-z0-9]*$' },
  { label: 'remove me', pattern: '\\b(remove|rmv|remvoe|delete|erase) me\\b|\\b(take|get) me off\\b' },
  { label: 'no more', pattern: '^(please |pls |plz |ok |just )?no more[.! ]*(please|pls|plz|thanks|thank you)?[.! ]*$' },
  { label: 'Spanish/French/Portuguese: basta, alto, baja, arrêtez, pare', pattern: '^(ya )?(basta|no mas|alto|baja|pare|parar|parem|paren|arretez|arrete|stop)( por favor| porfa| gracias| svp| s\'il vous plait| ya)?[.! ]*$|\\bno (me )?(interesa|moleste[ns]?)( mas)?\\b' },
  { label: 'not interested', pattern: "\\b(not|no longer|no) (interested|intrested|intersted|interesed|interestd|intereted)\\b|\\bno interest\\b|\\bpas interesse|\\bno tengo interes|\\bnao tenho interesse" },
  { label: "I'm not a member / never signed up", pattern: "\\b(never signed up|didn'?t sign up|did not sign up|never been (a member|to|there|inside)|never (visited|set foot|gone to|went to)|no longer a (member|client|customer)|not a (member|client|customer)|no soy (cliente|miembro|socio))\\b" },
];

/**
 * Cues: words that make a request likelier without being one alone ("who is this?", "too many
 * texts"). They flag nothing by themselves; the classifier weighs them with the other rules.
 */
export const CUES: readonly { label: string; pattern: string }[] = [
  { label: 'unsubscribe (anywhere)', pattern: '\\b(unsub\\w*|unsusbscribe|unsuscribe|unsubcribe|unsubscibe|unsubsribe|un-?subscribe)\\b' },
  { label: 'opt out (anywhere)', pattern: '\\bopt(ing|ed)?[ -]?(me )?out\\b' },
  { label: 'who is this', pattern: "\\bwho (is|tf is|the hell is|are|r|dis) (this|you|u)\\b|\\bwho dis\\b|\\b(idk|don'?t know|no idea) who (this|you|u)\\b|\\bi don'?t know you\\b" },
  { label: 'too many texts', pattern: `\\b(too many|so many|way too many|\\d+|two|three|four|five|another) ([a-z]+ )?(texts|messages|msgs|txts)\\b|\\b(texts?|messages) (in one day|a day|every day|this week|today)\\b` },
  { label: 'the texts are spam / annoying', pattern: '\\b(spam|spamming|annoying|creepy|unwanted|unsolicited|harass\\w*|illegal|lawyer|attorney|sue)\\b' },
  { label: "I'm out / done", pattern: "\\b(i'?m|im|i am) (out|done)[.!]*$|\\bi quit[.!]*$" },
  { label: "I'm not <name>", pattern: "\\b(i'?m|im|i am|this is|this isn'?t|no soy) not? [a-z]+[.!,]|^not [a-z]+[.!,]" },
  { label: 'asks for another channel', pattern: '\\b(email|e-mail|call) (me )?(instead|only)\\b|\\bonly (email|e-mail)\\b' },
  { label: 'someone else had this phone', pattern: '\\b(passed away|passed|died|deceased|company phone|work phone|my (son|daughter|mom|dad|kid) gave you)\\b' },
];

/** "Can't stop texting my friends about it": a negated stop is never a request. */
export const NEGATED = "\\b(can'?t|cannot|won'?t|couldn'?t|never|don'?t|didn'?t|wouldn'?t|not gonna) stop\\b|\\b(don'?t|do not|please don'?t) (take me off|remove me|unsubscribe me)\\b|\\b(not|never) (unsubscrib\\w*|opting out)\\b";

/** Replies that look like requests and are not (a class, a booking, asking for texts again). */
export const LOOK_ALIKES: readonly { label: string; pattern: string }[] = [
  { label: 'stop by / stop in / stop at', pattern: "\\bstop(ping|ped)? (by|in|at|over|off|on by|into)\\b" },
  { label: 'stop + a gerund that is not texting', pattern: '\\bstop (smiling|laughing|thinking|coming|going|sweating|talking about|raving|making|tempting|holding|charging|my|the clock|everything)\\b' },
  { label: 'cancel / remove me from a class or booking', pattern: "\\b(cancel|remove me from|take me off|drop|move me from|pull me)\\s+([a-z0-9':]+\\s+){0,3}(booking|class|classes|session|spot|reservation|appointment|waitlist|wait list|training|lesson|membership|plan|order|pt|spin|yoga|pilates|hiit|autopay|card|roster)" },
  { label: 'names a class, a booking or the membership', pattern: "\\b(booking|class|classes|session|spot|reservation|appointment|waitlist|wait list|roster|lesson|membership|plan|contract|autopay|auto ?-?renew\\w*|card|account|spin|yoga|pilates|hiit|barre|bootcamp|cycle|boxing|flow|workshop|challenge|leaderboard|towel|trial|intro|guest|package|clase|reserva|membresia|aula)\\b" },
  { label: 'names a time or a day', pattern: "\\b\\d{1,2}(:\\d\\d)? ?(am|pm)\\b|\\b\\d{1,2}:\\d\\d\\b|\\bthe \\d{1,2}\\b|\\b(mon|tues|wednes|thurs|fri|satur|sun)day|\\b(tonight|tomorrow|tmrw|tmr|today)\\b" },
  { label: 'asks to be texted (again)', pattern: "\\b(back on|add me back|opt me back|back in|resubscribe|re-?subscribe|by accident|accidentally|by mistake|didn'?t mean|keep (sending|texting|em|'em|them|me on)|start texting|add me to|sign me up|text me (the|when|a|instead|back|about|anytime)|texts? again)\\b" },
  { label: 'fewer texts or another channel', pattern: '\\b(fewer|less often|less frequent|once a week|app|push|email|e-mail|newsletter)\\b' },
  { label: 'interested in something else', pattern: "\\binterested in (the|a|an|personal|that|this)\\b|\\binterested in (?!being )[a-z]+ing\\b" },
  { label: 'a place or thing called stop', pattern: '\\b(bus|pit|next|last|first|one|non|full|train) ?-?stop\\b' },
  { label: 'end / quit something else', pattern: "\\b(end|quit) (of|my job|smoking|sugar|the class|class|early|drinking)\\b|\\bquit (my|the)\\b|\\bat the end\\b|\\bweek ?end\\b" },
];

type Rule = { label: string; re: RegExp };
const compile = (list: readonly { label: string; pattern: string }[]): Rule[] => list.map((p) => ({ label: p.label, re: new RegExp(p.pattern) }));
const RULES = { strong: compile(STRONG), weak: compile(WEAK), cue: compile(CUES), lookAlike: compile(LOOK_ALIKES) };
const negated = new RegExp(NEGATED);

/** The rules a normalised reply matches, by kind. */
export interface RuleMatches {
  strong: string[];
  weak: string[];
  cue: string[];
  lookAlike: string[];
  negated: boolean;
}

export function ruleMatches(reply: string): RuleMatches {
  const hits = (rules: Rule[]): string[] => rules.filter((r) => r.re.test(reply)).map((r) => r.label);
  return { strong: hits(RULES.strong), weak: hits(RULES.weak), cue: hits(RULES.cue), lookAlike: hits(RULES.lookAlike), negated: negated.test(reply) };
}

/** The rules' own verdict: a STRONG phrase, or a WEAK one with no LOOK-ALIKE, and no NEGATED stop. */
export function rulesSay(m: RuleMatches): boolean {
  return !m.negated && (m.strong.length > 0 || (m.weak.length > 0 && m.lookAlike.length === 0));
}

/**
 * What the classifier reads of a reply: every rule that matched (`rule:<kind>:<label>`,
 * `rules:strong` when any STRONG one did, `rules:request` when the rules alone would flag it),
 * its words (`w:`), word pairs with the start and end of the reply (`b:`), and its 3- to 5-letter
 * pieces across word edges (`c:`).
 * Apostrophes are dropped ("don't" is "dont"), so typed and curly ones read alike.
 */
export function replyFeatures(text: string): string[] {
  return readReply(text).features;
}

function readReply(text: string): { matches: RuleMatches; features: string[] } {
  const reply = normaliseReply(text);
  const m = ruleMatches(reply);
  const out = new Set<string>();
  for (const kind of ['strong', 'weak', 'cue', 'lookAlike'] as const) for (const label of m[kind]) out.add(`rule:${kind}:${label}`);
  if (m.negated) out.add('rule:negated');
  if (m.strong.length > 0) out.add('rules:strong');
  if (rulesSay(m)) out.add('rules:request');
  const words = reply.replaceAll("'", '').split(/[^\p{L}\p{N}#]+/u).filter(Boolean);
  for (const w of words) out.add(`w:${w}`);
  const bounded = ['^', ...words, '$'];
  for (let i = 0; i + 1 < bounded.length; i++) out.add(`b:${bounded[i]} ${bounded[i + 1]}`);
  const padded = ` ${words.join(' ')} `;
  for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= padded.length; i++) out.add(`c:${padded.slice(i, i + n)}`);
  return { matches: m, features: [...out] };
}

/** The trained model as freetext-model.json holds it. */
export interface FreeTextModel extends LogisticModel {
  /** A reply is a request when the model's probability is at least this. */
  threshold: number;
  /** What it was trained on: files and row counts, for the methodology page and the staleness test. */
  trained_on: { file: string; rows: number; requests: number }[];
}

export const MODEL = trainedModel as FreeTextModel;

/** Trains the classifier on labelled replies (deterministic: see analysis/logistic.ts). */
export function trainFreeTextModel(rows: readonly { text: string; label: boolean }[], trainedOn: FreeTextModel['trained_on']): FreeTextModel {
  const labelled: LabelledFeatures[] = rows.map((r) => ({ features: replyFeatures(r.text), label: r.label }));
  const { threshold, ...options } = FREE_TEXT_MODEL;
  return { threshold, trained_on: trainedOn, ...trainLogistic(labelled, options) };
}

export interface Verdict {
  request: boolean;
  probability: number;
  /** Why: the rule that matched ("stop texting me"), else the words the classifier leaned on most (requests only). */
  reason: string;
}

const readable = (feature: string): string | null => (feature.startsWith('w:') || feature.startsWith('b:') ? feature.slice(2).replaceAll('^', '').replaceAll('$', '').trim() : null);

export function judgeReply(text: string, model: FreeTextModel = MODEL): Verdict {
  const { matches: m, features } = readReply(text);
  const p = probability(model, features);
  const request = p >= model.threshold;
  const rule = m.negated ? undefined : (m.strong[0] ?? m.weak[0]);
  let reason: string;
  if (rule !== undefined) reason = rule;
  else if (!request) reason = '';
  else {
    const words = contributions(model, features)
      .filter(([f, c]) => c > 0 && readable(f))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([f]) => `"${readable(f)}"`);
    reason = `classifier: ${[...new Set(words)].slice(0, 3).join(', ')}`;
  }
  return { request, probability: p, reason };
}

/** True when a reply asks to stop in free text (keywords are recognised elsewhere). */
export function isOptOutRequest(text: string): boolean {
  return judgeReply(text).request;
}

/**
 * free_text_verdicts: each distinct inbound body that is not a keyword and that the classifier
 * judges a request, with the reason. int_opt_out_requests joins it on the body, so the SQL model
 * flags exactly the replies isOptOutRequest flags, and each body is judged once however often it
 * was sent.
 */
export async function writeFreeTextVerdicts(db: Db): Promise<{ judged: number; requests: number }> {
  const bodies = await db.query<{ body: string }>(
    `select distinct body from int_messages_identified
     where direction = 'inbound' and body is not null and not is_opt_out_keyword and not is_re_opt_in_keyword`,
  );
  await db.exec(`create or replace table free_text_verdicts (body varchar, reason varchar)`);
  const appender = await db.appender('free_text_verdicts');
  let requests = 0;
  for (const { body } of bodies) {
    const v = judgeReply(body);
    if (!v.request) continue;
    appender.appendVarchar(body);
    appender.appendVarchar(v.reason);
    appender.endRow();
    requests++;
  }
  appender.closeSync();
  return { judged: bodies.length, requests };
}
