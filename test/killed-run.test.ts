import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { findChromium } from '../worker/site/pdf.ts';
import { STAGING_ROOT } from '../worker/site/staging.ts';
import { killWhen, manifest, runCli, sampleCopy, startCli } from './helpers/spawn.ts';

/**
 * `optout run` killed with SIGKILL at points spread over its length: the report folder is always
 * either wholly the previous report or wholly the new one, and the next run clears what the
 * killed ones left (worker/output.ts). The points are moments of the run seen from outside (a
 * folder or file appearing), not timings, so every one is hit on a slow machine too.
 */

const PDF = findChromium() !== null;
if (!PDF) console.warn('test/killed-run.test.ts: no chromium, so the bundle is checked without report.pdf');

/** This process's site staging folders (node_modules/.cache/optout-site/run-<pid>-<uuid>). */
function stagingOf(pid: number): string[] {
  if (!existsSync(STAGING_ROOT)) return [];
  return readdirSync(STAGING_ROOT)
    .filter((e) => e.startsWith(`run-${pid}-`))
    .map((e) => path.join(STAGING_ROOT, e));
}

describe('a run killed part way', () => {
  it('leaves the previous report whole, and the next run clears what it left', async () => {
    const { work, input } = await sampleCopy();
    const out = path.join(work, 'report');
    const args = (month: string): string[] => ['run', '--input', input, '--out', out, '--month', month, ...(PDF ? ['--pdf'] : [])];

    const first = await runCli(args('2026-08'));
    expect(first.code, first.stderr).toBe(0);
    const old = await manifest(out);
    expect(Object.keys(old ?? {})).toEqual(expect.arrayContaining(['report.json', 'tables/cohorts.parquet', 'site/index.html', ...(PDF ? ['report.pdf'] : [])]));

    const tmp = (pid: number): string => path.join(work, `.report.optout-tmp-${pid}`);
    const points: { when: string; ready: (pid: number) => boolean }[] = [
      { when: 'reading the export (the new folder just made)', ready: (pid) => existsSync(tmp(pid)) },
      { when: 'report.json written, the site build starting', ready: (pid) => existsSync(path.join(tmp(pid), 'report.json')) },
      { when: 'Astro building the site', ready: (pid) => stagingOf(pid).length > 0 },
      PDF
        ? { when: 'the PDF written, just before the swap', ready: (pid) => existsSync(path.join(tmp(pid), 'report.pdf')) }
        : { when: 'the site in place, just before the swap', ready: (pid) => existsSync(path.join(tmp(pid), 'site', 'index.html')) },
    ];
    const after: { when: string; pid: number; out: Record<string, string> | null; beside: string[]; staging: string[] }[] = [];
    for (const point of points) {
      const running = startCli(args('2026-09'));
      const { killed, finished } = await killWhen(running, () => point.ready(running.pid));
      expect({ when: point.when, killed, signal: finished.signal }).toEqual({ when: point.when, killed: true, signal: 'SIGKILL' });
      after.push({
        when: point.when,
        pid: running.pid,
        out: await manifest(out),
        beside: (await readdir(work)).filter((e) => e !== 'export' && e !== 'report'),
        staging: stagingOf(running.pid),
      });
    }

    // Killed before its swap, each run left its unfinished folder beside the report (so the kill
    // did land inside the work), and the one killed in the site build its staging folder.
    for (const a of after.slice(0, -1)) expect({ when: a.when, beside: a.beside }).toEqual({ when: a.when, beside: [`.report.optout-tmp-${a.pid}`] });
    expect(after[2]?.staging).toHaveLength(1);

    const last = await runCli(args('2026-09'));
    expect(last.code, last.stderr).toBe(0);
    const fresh = await manifest(out);
    expect(fresh).not.toEqual(old);
    expect(await readdir(work)).toEqual(['export', 'report']);
    for (const a of after) expect(stagingOf(a.pid)).toEqual([]);

    // Wholly old or wholly new after every kill; before the swap, old.
    const whole = (m: Record<string, string> | null): string =>
      m === null ? 'missing' : JSON.stringify(m) === JSON.stringify(old) ? 'old' : JSON.stringify(m) === JSON.stringify(fresh) ? 'new' : 'mixed';
    for (const a of after) expect({ when: a.when, whole: whole(a.out) }).toEqual({ when: a.when, whole: expect.stringMatching(/^(old|new)$/) });
    for (const a of after.slice(0, -1)) expect(a.out, a.when).toEqual(old);
  }, 600_000);
});
