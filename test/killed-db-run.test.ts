import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { killWhen, manifest, runCli, sampleCopy, startCli } from './helpers/spawn.ts';

/**
 * With --db, each input file is loaded in one transaction: a run killed (SIGKILL) while loading
 * the export, or while the models run, leaves a database the next run opens, completes and turns
 * into the same report as a run that was never stopped.
 */

describe('a --db run killed part way', () => {
  it('loads the export again to the same report', async () => {
    const { work, input } = await sampleCopy();
    const args = (name: string): string[] => ['run', '--input', input, '--out', path.join(work, name), '--db', path.join(work, `${name}.duckdb`), '--month', '2026-09', '--no-site'];

    const clean = await runCli(args('clean'));
    expect(clean.code, clean.stderr).toBe(0);
    const expected = await manifest(path.join(work, 'clean'));

    const db = path.join(work, 'killed.duckdb');
    let running: ReturnType<typeof startCli> | undefined;
    let loading = 0;
    const points: { when: string; ready: () => boolean }[] = [
      { when: 'the database just created', ready: () => existsSync(db) },
      // Polled every 20 ms: about half a second into the loading of the files.
      { when: 'loading the files', ready: () => existsSync(db) && ++loading > 25 },
      { when: 'the export loaded, the models running', ready: () => existsSync(path.join(work, `.killed.optout-tmp-${running?.pid}`, 'tables')) },
    ];
    for (const point of points) {
      running = startCli(args('killed'));
      const { killed, finished } = await killWhen(running, point.ready);
      expect({ when: point.when, killed, signal: finished.signal }).toEqual({ when: point.when, killed: true, signal: 'SIGKILL' });
      expect(existsSync(path.join(work, 'killed')), point.when).toBe(false);
    }
    const again = await runCli(args('killed'));
    expect(again.code, again.stderr).toBe(0);
    expect(await manifest(path.join(work, 'killed'))).toEqual(expected);
    // and once more: every file is already in the database, nothing changes
    const twice = await runCli(args('killed'));
    expect(twice.stderr).toContain('16 unchanged file(s) skipped');
    expect(await manifest(path.join(work, 'killed'))).toEqual(expected);
  }, 300_000);
});
