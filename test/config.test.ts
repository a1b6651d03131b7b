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

  it('grows with the export: twice its size, at least 700MB, at most half the machine', () => {
    expect(memoryLimit('auto', 7 * MB, 24 * GB)).toBe('700MB'); // the bundled sample
    expect(memoryLimit('auto', 341 * MB, 24 * GB)).toBe('700MB'); // 2M messages
    expect(memoryLimit('auto', 1700 * MB, 24 * GB)).toBe('3400MB'); // 10M messages
    expect(memoryLimit('auto', 20 * GB, 24 * GB)).toBe('12288MB'); // capped at half of 24 GiB
  });
});
