import { UsageError } from '../../worker/errors.ts';

/**
 * Fictional phone numbers: real US area codes with the 555 exchange (NXX-555-XXXX), which
 * libphonenumber accepts as valid US numbers. A number is kept as one integer,
 * area code * 10000 + line, and formatted only when written.
 */

/** Area codes shared out among studios once their home codes are used up. */
export const EXTRA_AREA_CODES: readonly number[] = [
  201, 202, 203, 205, 207, 208, 209, 210, 215, 216, 217, 218, 219, 225, 228, 229, 231, 234, 239, 240, 248,
  251, 252, 254, 256, 260, 267, 269, 270, 272, 276, 281, 301, 302, 304, 307, 308, 309, 313, 314, 315, 316,
  317, 318, 319, 320, 321, 325, 330, 334, 336, 337, 351, 352, 361, 386, 401, 406, 407, 409, 410, 412, 413,
  417, 419, 423, 430, 432, 434, 435, 440, 443, 478, 479, 484, 502, 503, 504, 507, 509, 513, 515, 517, 518,
  530, 540, 541, 551, 559, 563, 567, 570, 571, 573, 574, 575, 580, 585, 586, 601, 603, 606, 607, 608, 609,
  610, 614, 615, 616, 618, 619, 620, 631, 636, 641, 660, 662, 702, 703, 704, 706, 707, 712, 713, 715, 716,
  717, 724, 727, 731, 732, 734, 740, 754, 757, 760, 763, 765, 772, 774, 775, 785, 802, 803, 804, 805, 806,
  810, 812, 813, 814, 815, 816, 817, 828, 830, 831, 832, 843, 845, 848, 850, 856, 858, 859, 860, 862, 863,
  864, 865, 870, 901, 903, 904, 906, 908, 909, 910, 912, 913, 915, 916, 918, 919, 920, 925, 928, 931, 936,
  937, 940, 941, 949, 951, 952, 956, 971, 973, 978, 979, 980, 985, 989,
];

/**
 * Area codes no lead ever gets: carrier deactivation files list mostly numbers that are nobody's
 * customer, and those must not hit a lead by accident.
 */
export const RESERVED_AREA_CODES: readonly number[] = [402, 405, 501, 505, 605, 701, 801, 907];

/** Lead numbers use lines 0200-9999; 555-01XX is kept for the studios' own sending numbers. */
const FIRST_LEAD_LINE = 200;
const LINES_PER_CODE = 10_000 - FIRST_LEAD_LINE;

export function phoneOf(areaCode: number, line: number): number {
  return areaCode * 10_000 + line;
}

/** `4155550142` */
export function nationalDigits(phone: number): string {
  const area = Math.floor(phone / 10_000);
  return `${area}555${String(phone % 10_000).padStart(4, '0')}`;
}

/** `+14155550142` */
export function e164(phone: number): string {
  return `+1${nationalDigits(phone)}`;
}

/** How people type numbers into a CRM; the weights say how often each notation appears. */
export const PHONE_STYLE_WEIGHTS: readonly number[] = [35, 12, 25, 14, 10, 4];

export function formatPhone(phone: number, style: number): string {
  const digits = nationalDigits(phone);
  const area = digits.slice(0, 3);
  const line = digits.slice(6);
  switch (style) {
    case 0:
      return `(${area}) 555-${line}`;
    case 1:
      return `${area}.555.${line}`;
    case 2:
      return `+1${digits}`;
    case 3:
      return digits;
    case 4:
      return `${area}-555-${line}`;
    default:
      return `1 ${area} 555 ${line}`;
  }
}

/**
 * Hands out distinct numbers to a studio's leads: lead i gets slot (a*i + b) mod N of the
 * studio's first n area codes, a bijection when a is prime to N, so numbers never repeat and
 * no set of used numbers is needed. Only as many area codes as the lead count needs are used,
 * home codes first, so small studios look local.
 */
export class PhoneAllocator {
  private readonly codes: readonly number[];
  private readonly slots: number;
  private readonly offset: number;
  private static readonly MULTIPLIER = 7919; // prime, and N = n * 9800 = n * 2^3 * 5^2 * 7^2

  constructor(areaCodes: readonly number[], leads: number, offset: number, studioId: string) {
    const needed = Math.max(Math.min(areaCodes.length, 3), Math.ceil((leads * 1.25) / LINES_PER_CODE));
    if (needed > areaCodes.length) {
      throw new UsageError(
        `--messages: studio ${studioId} would have ${leads} leads, more than its ${areaCodes.length} area codes of 555 numbers hold; use fewer messages or more studios`,
      );
    }
    this.codes = areaCodes.slice(0, needed);
    this.slots = needed * LINES_PER_CODE;
    if (this.slots % PhoneAllocator.MULTIPLIER === 0) throw new Error('PhoneAllocator: multiplier divides the slot count');
    this.offset = offset % this.slots;
  }

  at(i: number): number {
    const k = (PhoneAllocator.MULTIPLIER * i + this.offset) % this.slots;
    return phoneOf(this.codes[Math.floor(k / LINES_PER_CODE)] as number, FIRST_LEAD_LINE + (k % LINES_PER_CODE));
  }
}
