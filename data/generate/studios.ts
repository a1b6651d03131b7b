import { EXTRA_AREA_CODES, e164, phoneOf } from './phones.ts';

/** Studio kinds decide class names and offers in message bodies. */
export type StudioKind = 'yoga' | 'gym' | 'pilates' | 'cycling' | 'barre' | 'boxing';

interface Profile {
  name: string;
  kind: StudioKind;
  timezone: string;
  site: string;
  areaCodes: readonly number[];
}

/** One realistic studio per US zone mix; the first three are the default sample. */
const PROFILES: readonly Profile[] = [
  { name: 'Palm Yoga', kind: 'yoga', timezone: 'America/Los_Angeles', site: 'palmyoga.co', areaCodes: [213, 310, 323, 424, 818, 626, 562, 661] },
  { name: 'Iron Works Gym', kind: 'gym', timezone: 'America/Chicago', site: 'ironworks.fit', areaCodes: [312, 773, 872, 630, 847, 708, 224, 331] },
  { name: 'Lotus Pilates', kind: 'pilates', timezone: 'America/New_York', site: 'lotuspilates.com', areaCodes: [212, 646, 718, 917, 347, 929, 516, 914] },
  { name: 'Summit Cycle', kind: 'cycling', timezone: 'America/Denver', site: 'summitcycle.co', areaCodes: [303, 720, 970, 719] },
  { name: 'Harbor Barre', kind: 'barre', timezone: 'America/New_York', site: 'harborbarre.com', areaCodes: [617, 857, 781, 339, 508] },
  { name: 'Desert Flow Yoga', kind: 'yoga', timezone: 'America/Phoenix', site: 'desertflow.yoga', areaCodes: [602, 480, 623, 520] },
  { name: 'Northside Boxing', kind: 'boxing', timezone: 'America/Chicago', site: 'northsideboxing.com', areaCodes: [414, 262, 612, 651] },
  { name: 'Bayview Fitness', kind: 'gym', timezone: 'America/Los_Angeles', site: 'bayviewfit.com', areaCodes: [415, 628, 510, 650, 408] },
  { name: 'Cedar Pilates', kind: 'pilates', timezone: 'America/Los_Angeles', site: 'cedarpilates.com', areaCodes: [206, 425, 253, 360] },
  { name: 'Peachtree CrossFit', kind: 'gym', timezone: 'America/New_York', site: 'peachtreecf.com', areaCodes: [404, 470, 678, 770] },
  { name: 'Sunrise Barre', kind: 'barre', timezone: 'America/New_York', site: 'sunrisebarre.com', areaCodes: [305, 786, 954, 561] },
  { name: 'Lone Star Spin', kind: 'cycling', timezone: 'America/Chicago', site: 'lonestarspin.com', areaCodes: [512, 737, 214, 469, 972] },
];

/**
 * Studios past the twelfth are further locations of the same brands (up to 108 studios, so the
 * benchmark can build a 100-studio site); the first three names keep exports of up to 36 studios unchanged.
 */
const LOCATIONS: readonly string[] = ['', ' Eastside', ' Midtown', ' Westside', ' Downtown', ' Uptown', ' Riverside', ' Northgate', ' Lakeside'];

export const MAX_STUDIOS = PROFILES.length * LOCATIONS.length;

export interface Studio {
  index: number;
  id: string;
  name: string;
  kind: StudioKind;
  timezone: string;
  site: string;
  /** The studio's own sending number (E.164), written to studios.csv. */
  number: string;
  /** Area codes its leads' numbers come from: home codes, then its share of the extras. */
  areaCodes: number[];
  /** Day of the week of the weekly blast (0 = Sunday) and its local start time in seconds. */
  blastWeekday: number;
  blastStart: number;
  /** Relative list size: studios differ in size. */
  weight: number;
}

const BLAST_WEEKDAYS = [1, 2, 4, 3, 5] as const;
const BLAST_STARTS = [10 * 3600, 12 * 3600, 17.5 * 3600, 9.5 * 3600, 16 * 3600] as const;
const WEIGHTS = [1.0, 1.0, 0.85, 1.1, 0.9, 1.0, 0.8] as const;

export function makeStudios(count: number): Studio[] {
  const studios: Studio[] = [];
  for (let i = 0; i < count; i++) {
    const profile = PROFILES[i % PROFILES.length] as Profile;
    const location = Math.floor(i / PROFILES.length);
    // A second location shares its brand's zone but not its area codes (numbers stay unique).
    const home = location === 0 ? [...profile.areaCodes] : [];
    const extras = EXTRA_AREA_CODES.filter((_, j) => j % count === i);
    const areaCodes = [...home, ...extras];
    studios.push({
      index: i,
      id: `s${i + 1}`,
      name: `${profile.name}${LOCATIONS[location] ?? ''}`,
      kind: profile.kind,
      timezone: profile.timezone,
      site: profile.site,
      number: e164(phoneOf(areaCodes[0] as number, 100 + location)),
      areaCodes,
      blastWeekday: BLAST_WEEKDAYS[i % BLAST_WEEKDAYS.length] as number,
      blastStart: BLAST_STARTS[i % BLAST_STARTS.length] as number,
      weight: WEIGHTS[i % WEIGHTS.length] as number,
    });
  }
  return studios;
}
