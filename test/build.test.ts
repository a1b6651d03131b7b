import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cli } from '../worker/cli.ts';
import { generate } from '../data/generate/index.ts';
import { BIN, manifest } from './helpers/spawn.ts';

/**
 * `optout` as installed: bin/optout.mjs runs the JavaScript `npm run build` compiled into dist/
 * with plain node (test/global-setup.ts rebuilds it when a source is newer). These tests hold the
 * compiled worker to the TypeScript the other tests run: same help, same generated export, same
 * report and tables, so nothing the build leaves out (a SQL model, the classifier's weights, the
 * site's sources) goes unnoticed.
 */

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Node 20 can, rarely, hang as a process exits: a background compile job waits for a garbage
 * collection the main thread, draining those jobs, never runs (nodejs/node#54918; seen twice in
 * this test, a 0.4 s generate, under the full suite's load; never in 600 runs alone). A command
 * not done in `patience` ms is killed and run once more: its work is tested, not Node's exit.
 */
async function compiled(args: string[], cwd = ROOT, patience = 45_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(process.execPath, [BIN, ...args], { cwd, maxBuffer: 1 << 24, timeout: patience, killSignal: 'SIGKILL' });
  } catch (e) {
    if ((e as { killed?: boolean }).killed !== true) throw e;
    return exec(process.execPath, [BIN, ...args], { cwd, maxBuffer: 1 << 24, timeout: patience, killSignal: 'SIGKILL' });
  }
}

async function typescript(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await cli(args, { stdout: (t) => (out += t), stderr: () => undefined, interactive: false });
  return { code, out };
}

describe('the compiled command', () => {
  it('runs from dist/ with plain node, never through a TypeScript loader', async () => {
    expect(await readFile(BIN, 'utf8')).toMatch(/'\.\.\/dist\/worker\/cli\.js'/);
    expect(await readFile(BIN, 'utf8')).not.toMatch(/tsx/);
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await compiled(['--version'])).stdout).toBe(`${pkg.version}\n`);
    for (const command of [[], ['run'], ['ingest'], ['generate']]) {
      const { stdout } = await compiled([...command, '--help']);
      expect(stdout).toBe((await typescript([...command, '--help'])).out);
      expect(stdout).toContain(command.length ? `Usage: optout ${command[0]}` : 'Usage: optout <command>');
    }
  });

  it('generates the same export as the TypeScript generator (data/generate/ is compiled too)', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'optout-build-'));
    const options = { studios: 2, months: 2, messages: 3000, seed: 11 };
    await compiled(['generate', '--out', path.join(work, 'js'), '--studios', '2', '--months', '2', '--messages', '3000', '--seed', '11'], ROOT, 15_000);
    await generate({ out: path.join(work, 'ts'), ...options });
    const js = await manifest(path.join(work, 'js'));
    expect(Object.keys(js ?? {})).toContain('messages-2026-04.csv');
    expect(js).toEqual(await manifest(path.join(work, 'ts')));
  });

  it('writes the same report, tables and site pages from the sample as the TypeScript worker', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'optout-build-'));
    const input = path.join(ROOT, 'data', 'sample');
    await compiled(['run', '--input', input, '--out', path.join(work, 'js')], work);
    const ts = await typescript(['run', '--input', input, '--out', path.join(work, 'ts'), '--no-site']);
    expect(ts.code).toBe(0);
    const js = (await manifest(path.join(work, 'js'))) ?? {};
    const { site, rest } = Object.entries(js).reduce(
      (acc, [file, hash]) => (file.startsWith('site/') ? acc.site.push(file) : (acc.rest[file] = hash), acc),
      { site: [] as string[], rest: {} as Record<string, string> },
    );
    expect(rest).toEqual(await manifest(path.join(work, 'ts')));
    // the site is built by Astro from site/ at the project's root, found from dist/ as well
    expect(site).toEqual(expect.arrayContaining(['site/index.html', 'site/methodology.html', 'site/cohorts.html']));
  });
});
