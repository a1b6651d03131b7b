import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, mkdtemp, readdir, readlink, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli } from '../worker/cli.ts';
import { isLeftover } from '../worker/output.ts';
import { STAGING_ROOT } from '../worker/site/staging.ts';
import { LEADS, MESSAGES_HEADER, STUDIOS, writeExport } from './helpers/export.ts';
import { manifest, runCli } from './helpers/spawn.ts';

/**
 * The report folder (--out) is checked before any work and replaced whole (worker/output.ts):
 * what it refuses, what killed runs leave and the next run clears, and what it keeps.
 */

const EXPORT = {
  'studios.csv': STUDIOS,
  'leads.csv': LEADS,
  'messages.csv': `${MESSAGES_HEADER}\nm1,s1,l1,,outbound,2026-03-02T18:00:00Z,delivered,,c1,,Palm Yoga: hi\nm2,s1,l1,,outbound,never,delivered,,c1,,x\n`,
};

async function inProcess(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await cli(args, { stdout: () => undefined, stderr: (t) => (err += t), interactive: false });
  return { code, err };
}

/** A folder holding a complete earlier report of the small export (no site: quick). */
async function earlierReport(): Promise<{ input: string; work: string; out: string }> {
  const input = await writeExport(EXPORT);
  const work = await mkdtemp(path.join(tmpdir(), 'optout-out-'));
  const out = path.join(work, 'report');
  const r = await inProcess(['run', '--input', input, '--out', out, '--month', '2026-03', '--no-site']);
  expect(r.code, r.err).toBe(0);
  return { input, work, out };
}

/** The id of a process that has exited (and been reaped). */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (pid === undefined) throw new Error('could not start node');
  return pid;
}

describe('the --out check, before any work', () => {
  it('refuses a file, a path under a file, a folder that is not a report, and foreign files in a report, with one line', async () => {
    const { work, out } = await earlierReport();
    await writeFile(path.join(work, 'afile'), 'mine');
    await mkdir(path.join(work, 'photos'));
    await writeFile(path.join(work, 'photos', 'cat.jpg'), 'mine');
    await mkdir(path.join(work, 'mixed'));
    await cp(out, path.join(work, 'mixed'), { recursive: true });
    await writeFile(path.join(work, 'mixed', 'notes.txt'), 'mine');
    const before = await manifest(work);
    const cases: [string[], string][] = [
      [['--out', 'afile'], 'optout: --out afile: is a file\n'],
      [['--out', 'afile/report'], 'optout: --out afile/report: afile is a file\n'],
      [['--out', 'photos'], 'optout: --out photos: not empty and not an earlier optout report, so it is not written over; give a new or empty folder\n'],
      [['--out', 'mixed'], 'optout: --out mixed: holds notes.txt, which optout did not write; move it elsewhere first (the report folder is replaced whole on every run)\n'],
      [['--out', 'report', '--db', 'report/data.duckdb'], 'optout: --db report/data.duckdb: inside the report folder --out report, which is replaced whole on every run; keep it elsewhere\n'],
    ];
    const results = await Promise.all(
      // The export folder does not exist and the database would be new: the check comes first.
      cases.map(([args]) => runCli(['run', '--input', 'no-such-export', '--db', 'new.duckdb', ...args], { cwd: work })),
    );
    expect(results.map((r) => ({ code: r.code, err: r.stderr }))).toEqual(cases.map(([, err]) => ({ code: 1, err })));
    expect(existsSync(path.join(work, 'new.duckdb'))).toBe(false);
    expect(await manifest(work)).toEqual(before);
  });

  it('refuses a folder it cannot write in, also when run as root (then as the user nobody)', async () => {
    const { work, out } = await earlierReport();
    const locked = path.join(work, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o555);
    await chmod(out, 0o555);
    try {
      // root may write anywhere: the command then runs as nobody, who must be able to reach the
      // folders (the test run's temporary root is private) and needs a temp folder for tsx.
      const asRoot = process.getuid?.() === 0;
      const env = { ...process.env };
      if (asRoot) {
        await chmod(work, 0o755);
        // others may pass through the folders above (the bits are added, never taken away)
        for (let dir = path.dirname(work); dir.startsWith(tmpdir()); dir = path.dirname(dir)) await chmod(dir, ((await stat(dir)).mode & 0o7777) | 0o011);
        const scratch = path.join(work, 'scratch');
        await mkdir(scratch);
        await chmod(scratch, 0o777);
        env.TMPDIR = scratch;
      }
      const options = { cwd: work, env, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) };
      const under = await runCli(['run', '--input', 'export', '--out', 'locked/report'], options);
      expect({ code: under.code, err: under.stderr }).toEqual({ code: 1, err: `optout: --out locked/report: cannot write in ${locked} (permission denied)\n` });
      const report = await runCli(['run', '--input', 'export', '--out', 'report'], options);
      expect({ code: report.code, err: report.stderr }).toEqual({ code: 1, err: 'optout: --out report: cannot be written (permission denied)\n' });
    } finally {
      await chmod(out, 0o755);
      await chmod(locked, 0o755);
    }
  });
});

describe('replacing the report folder whole', () => {
  it('leaves the previous report as it was when a run fails, and no folder beside it', async () => {
    const { work, out } = await earlierReport();
    const before = await manifest(out);
    const broken = await writeExport({ ...EXPORT, 'messages.csv': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]) });
    const r = await inProcess(['run', '--input', broken, '--out', out, '--month', '2026-03', '--no-site']);
    expect(r).toEqual({ code: 1, err: 'optout: messages.csv: not a CSV file (it contains binary data)\n' });
    expect(await manifest(out)).toEqual(before);
    expect(await readdir(work)).toEqual(['report']);
  });

  it('puts back the report a run killed between its two renames left beside a missing folder', async () => {
    const { work, out } = await earlierReport();
    const before = await manifest(out);
    await rename(out, path.join(work, `.report.optout-old-${deadPid()}`));
    // Put back first of all: even a run that then fails (no such export) leaves it in place.
    const r = await inProcess(['run', '--input', path.join(work, 'no-such-export'), '--out', out]);
    expect(r.err).toMatch(/no-such-export: the input folder does not exist/);
    expect(await manifest(out)).toEqual(before);
    expect(await readdir(work)).toEqual(['report']);
  });

  it('tells a left-over work folder by its process being gone, or by its age', () => {
    const now = Date.now();
    const dayAndMore = 25 * 3600 * 1000;
    const dead = deadPid();
    expect([isLeftover(dead, now), isLeftover(process.ppid, now), isLeftover(process.ppid, now - dayAndMore), isLeftover(process.pid, now), isLeftover(process.pid, now - dayAndMore)]).toEqual([true, false, true, false, true]);
  });

  it('removes the folders of runs that are over, and keeps those of a live run', async () => {
    const { input, work, out } = await earlierReport();
    const dead = deadPid();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
    const stagingDead = path.join(STAGING_ROOT, `run-${dead}-0`);
    const stagingLive = path.join(STAGING_ROOT, `run-${live.pid}-0`);
    // named by an earlier version, without a process id: judged by age
    const stagingUnnamed = path.join(STAGING_ROOT, '00000000-0000-4000-8000-000000000000');
    const stagingUnnamedAged = path.join(STAGING_ROOT, '00000000-0000-4000-8000-000000000001');
    try {
      // this process's own: made by a process that had the same id before (it is not using it)
      const over = [`.report.optout-tmp-${dead}`, `.report.optout-old-${dead}`, `.report.optout-tmp-${process.pid}`];
      const running = [`.report.optout-tmp-${live.pid}`, `.report.optout-old-${live.pid}`];
      const unrelated = [`.other.optout-tmp-${dead}`, '.report.optout-tmp-x'];
      for (const dir of [...over, ...running, ...unrelated]) {
        await mkdir(path.join(work, dir));
        await writeFile(path.join(work, dir, 'report.json'), '{}');
      }
      for (const dir of [stagingDead, stagingLive, stagingUnnamed, stagingUnnamedAged]) await mkdir(dir, { recursive: true });
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
      await utimes(stagingUnnamedAged, twoDaysAgo, twoDaysAgo);

      const r = await inProcess(['run', '--input', input, '--out', out, '--month', '2026-03', '--no-site']);
      expect(r.code, r.err).toBe(0);
      expect((await readdir(work)).sort()).toEqual([...running, ...unrelated, 'report'].sort());
      expect([stagingDead, stagingLive, stagingUnnamed, stagingUnnamedAged].map(existsSync)).toEqual([false, true, true, false]);
    } finally {
      live.kill();
      for (const dir of [stagingLive, stagingUnnamed]) await rm(dir, { recursive: true, force: true });
    }
  });

  it('follows a link given as --out: the link stays, its folder is replaced', async () => {
    const { input, work, out } = await earlierReport();
    const link = path.join(work, 'latest');
    await symlink(out, link);
    await writeFile(path.join(out, '.DS_Store'), 'Finder was here');
    const r = await inProcess(['run', '--input', input, '--out', link, '--month', '2026-03', '--no-site']);
    expect(r.code, r.err).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(out);
    expect(await readdir(out)).toEqual(['report.json', 'report.schema.json', 'tables']);
    expect((await readdir(work)).sort()).toEqual(['latest', 'report']);
  });

  it('optout ingest --out follows the same rule: the folder then holds its rejected rows only', async () => {
    const { input, out } = await earlierReport();
    const r = await inProcess(['ingest', '--input', input, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(Object.keys((await manifest(out)) ?? {})).toEqual(['tables/rejected_rows.csv', 'tables/rejected_rows.parquet']);
    // and a later run writes over that folder too: it is an earlier optout output
    const again = await inProcess(['run', '--input', input, '--out', out, '--month', '2026-03', '--no-site']);
    expect(again.code, again.err).toBe(0);
  });
});
