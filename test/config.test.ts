import { describe, expect, it } from 'vitest';
import { memoryLimit, normalizeConfig } from '../worker/config.ts';

const MB = 2 ** 20;
const GB = 2 ** 30;

describe('the memory limit', () => {
  it('is auto by default, and a size given is kept as given', () => {
    expect(normalizeConfig({ input: 'x' }).memory).toBe('auto');
    expect(normalizeConfig({ input: 'x', memory: '3GB' }).memory).toBe('3GB');
    expect(memoryLimit('3GB', 10 * GB, 64 * GB)).toBe('3GB');
  });

  it('is five times the export, at least 1 GB, at most half the machine (the half wins on a small machine)', () => {
    const cases: [what: string, exportBytes: number, machineBytes: number, limit: string][] = [
      ['the bundled sample', 7.2 * MB, 24 * GB, '1024MB'],
      ['an empty export', 0, 24 * GB, '1024MB'],
      ['1M messages', 167 * MB, 24 * GB, '1024MB'],
      ['2M messages (no spilling from 1500MB)', 333 * MB, 24 * GB, '1665MB'],
      ['10M messages', 1700 * MB, 24 * GB, '8500MB'],
      ['an export of 4 GB: half of 24 GiB', 4 * GB, 24 * GB, '12288MB'],
      ['2M messages on an 8 GiB laptop', 333 * MB, 8 * GB, '1665MB'],
      ['2M messages on a 2 GiB machine: half of it', 333 * MB, 2 * GB, '1024MB'],
      ['the sample on a 1 GiB machine: half of it, not the 1 GB floor', 7.2 * MB, 1 * GB, '512MB'],
    ];
    expect(cases.map(([what, e, m]) => [what, memoryLimit('auto', e, m)])).toEqual(cases.map(([what, , , limit]) => [what, limit]));
  });
});
