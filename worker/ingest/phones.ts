import { parsePhoneNumberFromString, getCountryCallingCode, type CountryCode } from 'libphonenumber-js';

export interface NormalisedPhone {
  /** E.164 (`+14155550101`) when the number is valid for the region, else null. */
  e164: string | null;
}

/**
 * The key a raw phone string is normalised under: the string without the separators people put
 * in numbers (spaces, dots, dashes, brackets, slashes). `(415) 555-0101` and `415.555.0101`
 * share a key, so libphonenumber runs once per number, not once per notation or row.
 */
export function phoneKey(raw: string): string {
  return raw.replace(/[\s().\-/]/g, '');
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
    this.nanp = NANP_REGIONS.has(region) && getCountryCallingCode(region) === '1';
  }

  normalise(key: string): string | null {
    if (this.nanp) {
      const m = /^(?:\+?1)?(\d{10})$/.exec(key);
      if (m) {
        const national = m[1] as string;
        const prefix = national.slice(0, 6);
        let ok = this.prefixVerdict.get(prefix);
        if (ok === undefined) {
          ok = this.slow(`+1${national}`) === `+1${national}`;
          this.prefixVerdict.set(prefix, ok);
        }
        return ok ? `+1${national}` : null;
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
    const p = parsePhoneNumberFromString(key, this.region);
    return p && p.isValid() ? p.number : null;
  }
}
