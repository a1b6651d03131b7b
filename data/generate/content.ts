import type { Studio, StudioKind } from './studios.ts';

/**
 * The words in the data: names, class names, message bodies and the replies leads send. Bodies
 * mostly start with the studio's name (as sender identification requires); some are
 * personalised with the lead's first name.
 */

export const FIRST_NAMES: readonly string[] = [
  'Ana', 'Ben', 'Carla', 'Dev', 'Elena', 'Femi', 'Grace', 'Hiro', 'Isla', 'Jamal', 'Kara', 'Luis', 'Maya', 'Noah', 'Olivia',
  'Priya', 'Quinn', 'Rosa', 'Sam', 'Tara', 'Uma', 'Victor', 'Wen', 'Ximena', 'Yusuf', 'Zoe', 'Aaliyah', 'Brandon', 'Chloe',
  'Diego', 'Emma', 'Fatima', 'Gabe', 'Hannah', 'Ivan', 'Jasmine', 'Kevin', 'Leah', 'Marcus', 'Nina', 'Omar', 'Paige', 'Rafael',
  'Sofia', 'Tyler', 'Valeria', 'Will', 'Yara', 'Alex', 'Bianca', 'Connor', 'Daniela', 'Ethan', 'Fiona', 'Gus', 'Heather',
  'Imani', 'Jordan', 'Kim', 'Lauren', 'Mateo', 'Nadia', 'Owen', 'Pablo', 'Rachel', 'Sean', 'Tanya', 'Vanessa', 'Wyatt',
  'Zara', 'Adrian', 'Brooke', 'Camila', 'Derek', 'Erin', 'Felix', 'Gina', 'Hector', 'Ines', 'Jenna', 'Kyle', 'Lena',
  'Megan', 'Nate', 'Oscar', 'Penny', 'Ruby', 'Seth', 'Tessa', 'Vince', 'Wendy', 'Amir', 'Beth', 'Cody', 'Dana', 'Eli',
  'Farah', 'Gia', 'Hugo', 'Jade', 'Kofi', 'Lily', 'Mia', 'Nico', 'Paula', 'Ravi', 'Sara', 'Theo', 'Vera', 'Ada', 'Chris',
  'Mei', 'Jon', 'Aisha', 'Brian', 'Lucia', 'Troy', 'Keisha', 'Mark', 'Elif', 'Raj', 'Joy', 'Andre', 'Hana', 'Liam',
];

const STAFF: readonly string[] = ['Jess', 'Carlos', 'Priya', 'Tasha', 'Leo', 'Morgan'];

const CLASSES: Record<StudioKind, readonly string[]> = {
  yoga: ['Vinyasa Flow', 'Sunrise Flow', 'Yin Yoga', 'Hot Power', 'Restorative'],
  gym: ['HIIT Circuit', 'Strength 101', 'Bootcamp', 'Kettlebell Club', 'Open Gym Intro'],
  pilates: ['Reformer Basics', 'Reformer Flow', 'Mat Pilates', 'Tower Power', 'Jumpboard Cardio'],
  cycling: ['Rhythm Ride', 'Climb 45', 'Power Sprint', 'Beginner Ride', 'Endurance 60'],
  barre: ['Barre Burn', 'Barre Sculpt', 'Barre Cardio', 'Barre Stretch', 'Barre Basics'],
  boxing: ['Boxing Basics', 'Heavy Bag HIIT', 'Footwork Lab', 'Sparring Prep', 'Cardio Boxing'],
};

/** Class start times (local, seconds after midnight); reminders go out 90 minutes before. */
export const CLASS_STARTS: readonly number[] = [9.5 * 3600, 12 * 3600, 17.5 * 3600, 18.5 * 3600, 19.5 * 3600];

export function className(studio: Studio, i: number): string {
  const list = CLASSES[studio.kind];
  return list[i % list.length] as string;
}

function clockLabel(secOfDay: number): string {
  const h = Math.floor(secOfDay / 3600);
  const m = Math.floor((secOfDay % 3600) / 60);
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${h12}${m === 0 ? '' : `:${String(m).padStart(2, '0')}`}${h < 12 ? 'am' : 'pm'}`;
}

export function staffName(i: number): string {
  return STAFF[i % STAFF.length] as string;
}

function hi(first: string): string {
  return first === '' ? 'Hi there' : `Hi ${first}`;
}

/**
 * Weekly newsletter texts, rotated by week. `{F}` marks the personalised ones; one has commas
 * and quotes so CSV quoting is exercised on ordinary rows.
 */
const WEEKLY: readonly ((s: Studio, c: string, f: string) => string)[] = [
  (s, c) => `${s.name}: New ${c} times this week, Tue & Thu 6pm. Book: ${s.site}/book`,
  (s, _c, f) => `${s.name}: ${hi(f)}! Bring a friend free this Saturday. ${s.site}/friend`,
  (s, c) => `${s.name}: "${c}" is back, Mon, Wed and Fri at 7am. See you there!`,
  (s) => `${s.name}: 20% off 10-class packs until Sunday. ${s.site}/packs`,
  (s, c, f) => `${s.name}: ${hi(f)}, ${c} has a few spots left this week. ${s.site}/book`,
  (s) => `${s.name}: Our new schedule is live. Check it out: ${s.site}/schedule`,
  (s, c) => `${s.name}: Workshop Sat 2pm: ${c} deep dive. Spots are limited: ${s.site}/ws`,
  (s, _c, f) => `${s.name}: ${hi(f)}! members get early access to our next 30-day challenge. ${s.site}/join`,
];

export function weeklyBody(studio: Studio, week: number, first: string): string {
  const template = WEEKLY[week % WEEKLY.length] as (s: Studio, c: string, f: string) => string;
  return template(studio, className(studio, week), first);
}

/** Whether the week's template uses the first name (the rest go out unpersonalised). */
export function weeklyPersonalised(week: number): boolean {
  const i = week % WEEKLY.length;
  return i === 1 || i === 4 || i === 7;
}

export function welcomeBody(studio: Studio, first: string): string {
  return `${studio.name}: ${hi(first)}, welcome! Your first class is on us: ${studio.site}/free Reply STOP to opt out.`;
}

export function introBody(studio: Studio, first: string): string {
  return `${studio.name}: ${hi(first)}, did you get to book your free class yet? Reply with any questions!`;
}

export function reminderBody(studio: Studio, cls: string, secOfDay: number, first: string): string {
  return `${studio.name}: ${hi(first)}, reminder: ${cls} today at ${clockLabel(secOfDay)}. Reply C to cancel.`;
}

export function firstContactBody(studio: Studio, first: string, staff: string, viaClassPass: boolean): string {
  return viaClassPass
    ? `${hi(first)}, it's ${staff} at ${studio.name}. Thanks for booking through ClassPass! Any questions before class?`
    : `${hi(first)}, ${staff} from ${studio.name} here. Want me to hold you a spot this week?`;
}

export function checkInBody(studio: Studio, first: string, staff: string, cls: string): string {
  return `${hi(first)}, it's ${staff} at ${studio.name}. How was ${cls}? Want a spot for next week?`;
}

export function answerBody(studio: Studio, question: string): string {
  if (question.includes('parking')) return `${studio.name}: Yes, free parking behind the studio!`;
  if (question.includes('friend')) return `${studio.name}: Of course, first visit is free for friends.`;
  if (question.includes('mat')) return `${studio.name}: We have mats and towels, no need to bring anything.`;
  if (question.includes('pack') || question.includes('much')) return `${studio.name}: A 10-class pack is $150. Want me to set one up?`;
  return `${studio.name}: Class starts on time, doors open 15 min before. See you soon!`;
}

export function optOutConfirmation(studio: Studio): string {
  return `${studio.name}: You're unsubscribed. Reply START to resubscribe.`;
}

export function resubscribeConfirmation(studio: Studio): string {
  return `${studio.name}: You're resubscribed. Reply STOP to opt out.`;
}

export function importWelcomeBody(studio: Studio, first: string): string {
  return `${studio.name}: ${hi(first)}! You're on our VIP list: 3 classes for $39 this week only. ${studio.site}/vip`;
}

export function winbackBody(studio: Studio): string {
  return `${studio.name}: It's been a while! Come back for a free class this month: ${studio.site}/back`;
}

export function challengeBody(studio: Studio, day: number, first: string): string {
  return `${studio.name}: ${hi(first)}, 7-day challenge day ${day}! Today's workout is up: ${studio.site}/c${day}`;
}

export function flashSaleBody(studio: Studio): string {
  return `${studio.name}: FLASH SALE ends at midnight! 40% off unlimited: ${studio.site}/flash`;
}

/** A partner's promotion sent to the studio's list: unrelated, and it never names the studio. */
export function partnerPromoBody(): string {
  return 'Sparkle Auto Spa: 50% off a full interior detail this weekend! Show this text at 1200 Main St.';
}

export function scheduleBody(studio: Studio): string {
  return `${studio.name}: Our new season schedule is here, with 6 new classes: ${studio.site}/schedule`;
}

export function openHouseBody(studio: Studio): string {
  return `${studio.name}: Open house this Saturday 10am-2pm, free classes and smoothies! ${studio.site}/open`;
}

export function reengageBody(studio: Studio, first: string): string {
  return `${studio.name}: ${hi(first)}, we miss you! Here's 25% off your next month: ${studio.site}/miss`;
}

/** Opt-out keywords as people type them (SPEC section 2 normalises them to the keyword). */
export const STOP_WORDS: readonly string[] = [
  'STOP', 'STOP', 'STOP', 'STOP', 'Stop', 'Stop', 'stop', 'stop', 'Stop.', 'STOP!', ' stop ', 'UNSUBSCRIBE',
  'Unsubscribe', 'cancel', 'CANCEL', 'QUIT', 'End', 'STOPALL', 'stop all', 'Opt out', 'OPTOUT',
];

export const START_WORDS: readonly string[] = ['START', 'Start', 'start', 'UNSTOP'];

/** Replies from leads that need no answer or get one from staff (questions end in '?'). */
export const CHATTER: readonly string[] = [
  'thanks!', 'Thank you', 'see you tomorrow', 'what time is the class?', 'Is there parking?', 'Sounds good',
  'ok', 'Can I bring a friend?', 'Do I need my own mat?', 'running 5 min late', 'Great class today!',
  'how much is a class pack?', 'See you Saturday 🙌', 'Perfect, thanks', 'Got it 👍', 'Gracias!',
];

/** Free-text requests to stop: not keywords, so only a person (or a good detector) sees them. */
export const STOP_REQUESTS: readonly string[] = [
  'please stop texting me', 'take me off your list', 'no more texts pls', 'unsubscribe me please',
  'no mas mensajes por favor', 'Please remove my number', 'stop sending me these', 'I dont want these texts anymore',
];

/** Replies that look like opt-outs to a naive matcher but are not. */
export const LOOK_ALIKES: readonly string[] = [
  'cancel my thursday booking', "can't stop smiling after that class", 'stop by the front desk?',
  'Can you cancel my 6pm? Something came up', "Don't stop the Sunday classes please!", 'Is the 7am cancelled tomorrow?',
];

export const LOOK_ALIKE_ANSWER = (studio: Studio): string => `${studio.name}: All set, thanks for letting us know!`;

/** What the new owner of a recycled number says (nothing a stop-request detector should take for one). */
export const WRONG_NUMBER: readonly string[] = ['who is this?', 'New phone, who is this?'];

export const CONSENT_KEYWORD = 'JOIN';
