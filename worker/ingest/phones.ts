import type { CountryCode } from 'libphonenumber-js';
import { phonelib } from '../phonelib.ts';

export interface NormalisedPhone {
  /** E.164 (`+14155550101`) when the number is valid for the region, else null. */
  e164: string | null;
}

/**
 * What people put between the digits of a number: JavaScript's white space (`\s`), brackets,
 * dots, dashes and slashes. One list, so that the key is the same in SQL (RE2, whose `\s` is
 * ASCII only) and in JavaScript.
 */
const SEPARATORS: readonly number[] = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680,
  ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
  ...[...'().-/'].map((c) => c.codePointAt(0) as number),
];
const hex = (c: number): string => c.toString(16).toUpperCase();
const SEPARATORS_JS = new RegExp(`[${SEPARATORS.map((c) => `\\u{${hex(c)}}`).join('')}]`, 'gu');

/**
 * The key a raw phone string is normalised under: the string without the separators people put
 * in numbers (spaces, dots, dashes, brackets, slashes). `(415) 555-0101` and `415.555.0101`
 * share a key, so libphonenumber runs once per number, not once per notation or row.
 */
export function phoneKey(raw: string): string {
  return raw.replace(SEPARATORS_JS, '');
}

/** phoneKey in SQL, over a varchar expression. */
export function phoneKeySql(expr: string): string {
  return `regexp_replace(${expr}, '[${SEPARATORS.map((c) => `\\x{${hex(c)}}`).join('')}]', '', 'g')`;
}

/** A key that is a ten-digit NANP number, with or without its country code 1. */
const NANP_KEY = /^(?:\+?1)?(\d{10})$/;

/** The ten national digits of a NANP-shaped key in SQL, else null (the same pattern as NANP_KEY). */
export function nanpNationalSql(keyExpr: string): string {
  return `nullif(regexp_extract(${keyExpr}, '${NANP_KEY.source}', 1), '')`;
}

const NANP_REGIONS = new Set(['US', 'CA', 'AG', 'AI', 'AS', 'BB', 'BM', 'BS', 'DM', 'DO', 'GD', 'GU', 'JM', 'KN', 'KY', 'LC', 'MP', 'MS', 'PR', 'SX', 'TC', 'TT', 'VC', 'VG', 'VI']);

/**
 * Normalises phone keys with libphonenumber-js (`isValid` decides, SPEC section 1).
 * libphonenumber costs ~30 us a number; a year of a franchise's traffic has hundreds of thousands
 * of distinct numbers. In the North American Numbering Plan validity is decided by the area
 * code and exchange (the first six digits; the metadata's patterns end in `[2-9]\d{6}`), so for
 * ten-digit NANP numbers the verdict is cached per six-digit prefix, computed by libphonenumber
 * on the first number seen with that prefix. test/ingest/phones.test.ts checks the shortcut
 * against libphonenumber on random numbers.
 */
export class PhoneNormaliser {
  private readonly prefixVerdict = new Map<string, boolean>();
  private readonly byKey = new Map<string, string | null>();
  private readonly nanp: boolean;
  parsed = 0;

  constructor(private readonly region: CountryCode) {
    this.nanp = NANP_REGIONS.has(region) && phonelib.getCountryCallingCode(region) === '1';
  }

  /** True when ten-digit numbers are judged by their six-digit prefix (see nanpValid). */
  get judgesByPrefix(): boolean {
    return this.nanp;
  }

  /**
   * Whether a ten-digit NANP number is valid, judged once per six-digit prefix: by libphonenumber
   * on the first number seen with that prefix.
   */
  nanpValid(national: string): boolean {
    const prefix = national.slice(0, 6);
    let ok = this.prefixVerdict.get(prefix);
    if (ok === undefined) {
      ok = this.slow(`+1${national}`) === `+1${national}`;
      this.prefixVerdict.set(prefix, ok);
    }
    return ok;
  }

  normalise(key: string): string | null {
    if (this.nanp) {
      const m = NANP_KEY.exec(key);
      if (m) {
        const national = m[1] as string;
        return this.nanpValid(national) ? `+1${national}` : null;
      }
    }
    let e164 = this.byKey.get(key);
    if (e164 === undefined) {
      e164 = this.slow(key);
      this.byKey.set(key, e164);
    }
    return e164;
  }

  /** libphonenumber itself. */
  slow(key: string): string | null {
    this.parsed++;
    const p = phonelib.parsePhoneNumberFromString(key, this.region);
    return p && p.isValid() ? p.number : null;
  }
}
