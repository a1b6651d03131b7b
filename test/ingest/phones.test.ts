import { describe, expect, it } from 'vitest';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { PhoneNormaliser, nanpNationalSql, phoneKey, phoneKeySql } from '../../worker/ingest/phones.ts';
import { listValue } from '@duckdb/node-api';
import { Db } from '../../worker/db.ts';
import { mulberry32 } from '../helpers/random.ts';


describe('phone normalisation', () => {
  it('agrees with libphonenumber on 20,000 random ten-digit numbers (the per-prefix cache is sound)', () => {
    const rnd = mulberry32(42);
    const fast = new PhoneNormaliser('US');
    const disagreements: string[] = [];
    for (let i = 0; i < 20000; i++) {
      // Draw from few prefixes so the cache is hit: 200 area codes x 50 exchanges.
      const national = `${200 + Math.floor(rnd() * 800)}`.slice(0, 3) + `${Math.floor(rnd() * 1000)}`.padStart(3, '0') + `${Math.floor(rnd() * 10000)}`.padStart(4, '0');
      for (const raw of [national, `1${national}`, `+1${national}`]) {
        const p = parsePhoneNumberFromString(raw, 'US');
        const expected = p && p.isValid() ? p.number : null;
        if (fast.normalise(phoneKey(raw)) !== expected) disagreements.push(raw);
      }
    }
    expect(disagreements).toEqual([]);
    // And the cache did its job: far fewer libphonenumber calls than numbers.
    expect(fast.parsed).toBeLessThan(20000);
  });

  it('reads the notations of SPEC section 1 and rejects what is not a valid number', () => {
    const n = new PhoneNormaliser('US');
    const cases: [string, string | null][] = [
      ['(415) 555-0101', '+14155550101'],
      ['415.555.0102', '+14155550102'],
      ['+14155550103', '+14155550103'],
      ['1 415 555 0104', '+14155550104'],
      ['+44 20 7183 8750', '+442071838750'],
      ['555-12', null],
      ['12345', null],
      ['(123) 555-0101', null], // no area code starts with 1
    ];
    expect(cases.map(([raw]) => [raw, n.normalise(phoneKey(raw))])).toEqual(cases);
  });

  it('reads national numbers of another region with --region', () => {
    const gb = new PhoneNormaliser('GB');
    expect(gb.normalise(phoneKey('020 7183 8750'))).toBe('+442071838750');
    expect(gb.normalise(phoneKey('4155550101'))).toBeNull();
  });

  it('computes the same key and national digits in SQL as in JavaScript', async () => {
    const raws = [
      '(415) 555-0101', '415.555.0102', '+1 415 555 0103', '1-415-555-0104', '415/555/0105',
      '415\u00a0555\u20090106', '\u3000415 555 0107\ufeff', '415\t555\n0108', '+44 20 7183 8750',
      '555-12', '4155550109x12', '+1 (415) 555-01010', '１４１５５５５０１１１', '415_555_0112',
    ];
    const db = await Db.open(null);
    try {
      const rows = await db.query<{ raw: string; key: string; national: string | null }>(
        `select raw, ${phoneKeySql('raw')} as key, ${nanpNationalSql(phoneKeySql('raw'))} as national
         from unnest($raws::varchar[]) as t(raw)`,
        { raws: listValue(raws) },
      );
      const expected = raws.map((raw) => {
        const key = phoneKey(raw);
        return { raw, key, national: /^(?:\+?1)?(\d{10})$/.exec(key)?.[1] ?? null };
      });
      expect(rows).toEqual(expected);
      // the separators really are gone, the rest kept
      expect(expected.map((e) => e.national)).toEqual([
        '4155550101', '4155550102', '4155550103', '4155550104', '4155550105', '4155550106', '4155550107', '4155550108',
        null, null, null, null, null, null,
      ]);
    } finally {
      db.close();
    }
  });
});
