/**
 * `npm run bench` (issues 7 and 14), two parts:
 * - the worker against the bare floor: for each size it generates an export with
 *   `optout generate --seed 7` (cached under .cache/bench/), then runs, alternating, --runs pairs:
 *   the floor (`node test/bench/floor.mjs DIR`: plain node, DuckDB loading the same files and
 *   grouping once) and `node bin/optout.mjs run --no-site` (the compiled worker, as a user runs
 *   it). It reports the medians of the wall and CPU seconds (user + system of the child), their
 *   ratios, the worker's peak RSS and what DuckDB spilled to disk, then runs the largest export
 *   once more with `--memory 1GB`, which must complete;
 * - the site build: for each studio count it generates an export (cached too), runs
 *   `optout run --no-site` once for its report.json, then builds the site alone --runs times
 *   (test/bench/site.ts, a fresh process each time) and reports the median, the pages and the
 *   peak RSS. The site must build in under 60 s for 100 studios on a 2-core machine.
 * - with --increment (issue 16): the month after month use of one --db. The first size's export
 *   without its last whole month (and the partial month after it) is loaded into a database once;
 *   then, alternating, --runs pairs: a copy of that database adds the rest (`run --db --input`
 *   on the whole folder: only the new files are read) and a fresh in-memory run of the whole
 *   folder reviews the same month. The two reports must be equal.
 * The tables go to BENCHMARKS.md with the machine, newest first.
 * Usage: npm run bench [-- --sizes 2000000,10000000] [--site-studios 3,100] [--runs 3] [--memory 1GB]
 *                      [--site-only | --no-site-bench] [--increment | --increment-only] [--note "a line for the section"]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..', '..');
const cache = path.join(root, '.cache', 'bench');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '2000000,10000000' },
    'site-studios': { type: 'string', default: '3,100' },
    runs: { type: 'string', default: '3' },
    memory: { type: 'string' },
    note: { type: 'string' },
    'site-only': { type: 'boolean', default: false },
    'no-site-bench': { type: 'boolean', default: false },
    increment: { type: 'boolean', default: false },
    'increment-only': { type: 'boolean', default: false },
  },
});
if (values['site-only'] && values['no-site-bench']) throw new Error('--site-only and --no-site-bench leave nothing to measure');
const sizes = (values.sizes as string).split(',').map(Number);
const siteStudios = (values['site-studios'] as string).split(',').map(Number);
const runs = Number(values.runs);
if (sizes.some((n) => !Number.isInteger(n) || n <= 0) || !Number.isInteger(runs) || runs < 1) throw new Error('--sizes and --runs take positive whole numbers');

/** Issue 14's targets: the worker at most this many times the floor (wall and CPU), by export size. */
const RATIO_TARGETS = new Map([
  [2_000_000, 3.5],
  [10_000_000, 4],
]);
const RSS_TARGET = { size: 2_000_000, mb: 2048 };

interface Timing {
  seconds: number;
  /** User + system CPU seconds: steadier than the wall time on a shared machine. */
  cpu: number;
  rssMb: number;
  /** The most the run's temporary folder (where DuckDB spills) held at once. */
  spillMb: number;
  stdout: string;
}

/** Bytes of the files under `dir` now (0 when it is gone: files come and go while DuckDB runs). */
async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isFile()) total += (await stat(path.join(e.parentPath, e.name)).catch(() => ({ size: 0 }))).size;
  return total;
}

/**
 * Runs a command under /usr/bin/time for its wall time, CPU time (its own and its children's) and
 * peak RSS, with a fresh TMPDIR whose size is watched every 100 ms: the worker's DuckDB spills there.
 */
async function timed(cmd: string, args: string[]): Promise<Timing> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'optout-bench-'));
  try {
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], { cwd: root, env: { ...process.env, TMPDIR: tmp } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let spill = 0;
    let polling = false;
    const poll = setInterval(() => {
      if (polling) return;
      polling = true;
      void sizeOf(tmp).then((n) => {
        spill = Math.max(spill, n);
        polling = false;
      });
    }, 100);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    clearInterval(poll);
    if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${stderr.split('\n').slice(-3).join(' ')}`);
    const last = stderr.trim().split('\n').pop() ?? '';
    const [secs, user, sys, kb] = last.split(' ').map(Number);
    return { seconds: secs as number, cpu: (user as number) + (sys as number), rssMb: (kb as number) / 1024, spillMb: spill / 2 ** 20, stdout };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const count = (n: number): string => n.toLocaleString('en-US');

/** `optout generate` into .cache/bench/NAME unless an earlier bench left it there. */
function generated(name: string, generateArgs: string[], what: string): string {
  const dir = path.join(cache, name);
  if (!existsSync(path.join(dir, 'studios.csv'))) {
    process.stderr.write(`generating ${what} into ${dir}\n`);
    execFileSync('node', ['bin/optout.mjs', 'generate', '--out', dir, ...generateArgs], { cwd: root, stdio: 'inherit' });
  }
  return dir;
}

/** The machine's 1-minute load average: on a shared machine it says how far to trust the wall times. */
const load = (): string => (os.loadavg()[0] ?? 0).toFixed(1);
const loadAtStart = load();

// The worker runs as users run it, compiled: build dist/ first so the bench never times stale code.
execFileSync('node', ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });

const workerRows: string[] = [];
const verdicts: string[] = [];
let lowMemory = '';
if (!values['site-only'] && !values['increment-only']) {
  const largestDir = { size: 0, dir: '' };
  for (const size of sizes) {
    await mkdir(cache, { recursive: true });
    const dir = generated(`m${size}-seed7`, ['--messages', String(size), '--seed', '7'], `${count(size)} messages`);
    const out = path.join(cache, `out-${size}`);
    const floor: Timing[] = [];
    const worker: Timing[] = [];
    for (let i = 0; i < runs; i++) {
      floor.push(await timed('node', ['test/bench/floor.mjs', dir]));
      const args = ['bin/optout.mjs', 'run', '--no-site', '--input', dir, '--out', out];
      if (values.memory) args.push('--memory', values.memory as string);
      worker.push(await timed('node', args));
      const [f, w] = [floor.at(-1) as Timing, worker.at(-1) as Timing];
      process.stderr.write(
        `${count(size)}: pair ${i + 1}: floor ${f.seconds.toFixed(2)} s (CPU ${f.cpu.toFixed(1)}), worker ${w.seconds.toFixed(2)} s (CPU ${w.cpu.toFixed(1)}, ${w.rssMb.toFixed(0)} MB, spilled ${w.spillMb.toFixed(0)} MB)\n`,
      );
    }
    const f = median(floor.map((t) => t.seconds));
    const w = median(worker.map((t) => t.seconds));
    const fc = median(floor.map((t) => t.cpu));
    const wc = median(worker.map((t) => t.cpu));
    const rss = Math.max(...worker.map((t) => t.rssMb));
    const spill = Math.max(...worker.map((t) => t.spillMb));
    workerRows.push(
      `| ${count(size)} | ${f.toFixed(2)} | ${w.toFixed(2)} | ${(w / f).toFixed(2)}x | ${fc.toFixed(1)} | ${wc.toFixed(1)} | ${(wc / fc).toFixed(2)}x | ${rss.toFixed(0)} MB | ${spill.toFixed(0)} MB |`,
    );
    const target = RATIO_TARGETS.get(size);
    if (target !== undefined) {
      const met = w / f <= target && wc / fc <= target;
      verdicts.push(`${count(size)} messages: ${(w / f).toFixed(2)}x wall, ${(wc / fc).toFixed(2)}x CPU against at most ${target}x: ${met ? 'met' : 'not met'}.`);
    }
    if (size === RSS_TARGET.size) {
      verdicts.push(`Peak RSS at ${count(size)}: ${rss.toFixed(0)} MB against at most ${RSS_TARGET.mb} MB: ${rss <= RSS_TARGET.mb ? 'met' : 'not met'}.`);
    }
    if (size >= largestDir.size) Object.assign(largestDir, { size, dir });
  }
  // The largest export once more with --memory 1GB: it must complete, DuckDB spilling to disk.
  if (largestDir.dir && !values.memory) {
    const t = await timed('node', ['bin/optout.mjs', 'run', '--no-site', '--input', largestDir.dir, '--out', path.join(cache, `out-${largestDir.size}`), '--memory', '1GB']);
    lowMemory = `With \`--memory 1GB\` the ${count(largestDir.size)}-message run completed in ${t.seconds.toFixed(1)} s (CPU ${t.cpu.toFixed(1)} s), peak RSS ${t.rssMb.toFixed(0)} MB, ${t.spillMb.toFixed(0)} MB spilled to disk.`;
  }
}

/**
 * Each studio gets about the traffic of the default 3-studio export (40,000 messages, ~13,000 a
 * studio over 6 months): 10,000 a studio, at least 40,000 in all, so 100 studios get 1,000,000
 * (generated in ~10 s, run in ~20 s on 2 cores; the site's size follows the studios, not the rows).
 */
const siteMessages = (studios: number): number => Math.max(40_000, studios * 10_000);

const siteRows: string[] = [];
if (!values['no-site-bench'] && !values['increment-only']) {
  for (const studios of siteStudios) {
    const messages = siteMessages(studios);
    const name = `site-s${studios}-m${messages}`;
    await mkdir(cache, { recursive: true });
    const dir = generated(name, ['--studios', String(studios), '--messages', String(messages)], `${studios} studios, ${messages.toLocaleString('en-US')} messages`);
    const reportDir = path.join(cache, `out-${name}`);
    const args = ['bin/optout.mjs', 'run', '--input', dir, '--out', reportDir, '--no-site'];
    if (values.memory) args.push('--memory', values.memory as string);
    execFileSync('node', args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const builds: (Timing & { pages: number; buildSeconds: number })[] = [];
    for (let i = 0; i < runs; i++) {
      const t = await timed(tsx, ['test/bench/site.ts', reportDir, path.join(reportDir, 'site')]);
      const built = JSON.parse(t.stdout.trim().split('\n').pop() ?? '{}') as { pages: number; seconds: number };
      builds.push({ ...t, pages: built.pages, buildSeconds: built.seconds });
      process.stderr.write(`${studios} studios: site build ${i + 1}: ${built.seconds.toFixed(2)} s, ${built.pages} pages\n`);
    }
    const s = median(builds.map((b) => b.buildSeconds));
    const rss = Math.max(...builds.map((b) => b.rssMb));
    siteRows.push(`| ${studios} | ${messages.toLocaleString('en-US')} | ${builds[0]?.pages ?? 0} | ${s.toFixed(2)} | ${rss.toFixed(0)} MB |`);
  }
}

const incrementRows: string[] = [];
if (values.increment || values['increment-only']) {
  const size = sizes[0] as number;
  const dir = generated(`m${size}-seed7`, ['--messages', String(size), '--seed', '7'], `${count(size)} messages`);
  const files = (await readdir(dir)).sort();
  const months = [...new Set(files.map((f) => /^messages-(\d{4}-\d{2})/.exec(f)?.[1]).filter((m): m is string => Boolean(m)))].sort();
  // the month added: the last whole month, with the partial month after it when there is one
  const added = months.length > 1 ? (months.at(-2) as string) : (months.at(-1) as string);
  const isNew = (f: string): boolean => {
    const m = /^(?:messages|deactivations)-(\d{4}-\d{2})/.exec(f);
    return m !== null && (m[1] as string) >= added;
  };
  // beside the export: its files are hard links (same content, size and time; discovery skips symlinks)
  const work = await mkdtemp(path.join(cache, 'increment-'));
  try {
    const history = path.join(work, 'history');
    await mkdir(history);
    for (const f of files.filter((f) => !isNew(f))) await link(path.join(dir, f), path.join(history, f));
    const base = path.join(work, 'base.duckdb');
    execFileSync('node', ['bin/optout.mjs', 'run', '--no-site', '--db', base, '--input', history, '--out', path.join(work, 'out-base')], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const newFiles = files.filter(isNew);
    let newBytes = 0;
    for (const f of newFiles) newBytes += (await stat(path.join(dir, f))).size;
    const inc: Timing[] = [];
    const fresh: Timing[] = [];
    for (let i = 0; i < runs; i++) {
      const db = path.join(work, `db-${i}.duckdb`);
      await copyFile(base, db);
      inc.push(await timed('node', ['bin/optout.mjs', 'run', '--no-site', '--db', db, '--input', dir, '--out', path.join(work, 'out-inc')]));
      fresh.push(await timed('node', ['bin/optout.mjs', 'run', '--no-site', '--input', dir, '--out', path.join(work, 'out-fresh')]));
      await rm(db, { force: true });
      process.stderr.write(`increment pair ${i + 1}: adding ${added} ${(inc.at(-1) as Timing).seconds.toFixed(2)} s, fresh run ${(fresh.at(-1) as Timing).seconds.toFixed(2)} s\n`);
    }
    const report = async (out: string): Promise<string> => {
      const r = JSON.parse(await readFile(path.join(work, out, 'report.json'), 'utf8')) as Record<string, unknown>;
      delete r.inputs;
      return JSON.stringify(r);
    };
    const same = (await report('out-inc')) === (await report('out-fresh'));
    const [i, f] = [median(inc.map((t) => t.seconds)), median(fresh.map((t) => t.seconds))];
    const [ic, fc] = [median(inc.map((t) => t.cpu)), median(fresh.map((t) => t.cpu))];
    incrementRows.push(
      `| ${count(size)} | ${added} (${newFiles.length} files, ${(newBytes / 1e6).toFixed(0)} MB) | ${i.toFixed(2)} | ${ic.toFixed(1)} | ${f.toFixed(2)} | ${fc.toFixed(1)} | ${(i / f).toFixed(2)}x | ${same ? 'equal' : 'DIFFERENT'} |`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'no git';
  }
})();
const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}, commit ${commit}, load average ${loadAtStart} at the start and ${load()} at the end`;
const table = [
  `## ${new Date().toISOString().slice(0, 10)}: ${machine}${values.memory ? `, --memory ${values.memory}` : ''}`,
  '',
  ...(values.note ? [values.note as string, ''] : []),
  ...(workerRows.length
    ? [
        `Median of ${runs} alternating pairs: the floor is plain node with DuckDB loading the same files and grouping once (\`node test/bench/floor.mjs DIR\`), the worker is \`node bin/optout.mjs run --no-site\` (the compiled JavaScript). Exports from \`optout generate --seed 7\`. CPU is user + system seconds of the process, both cores together: on a shared machine it varies less than the wall time. Spilled is the most DuckDB's temporary files held at once.`,
        '',
        'Targets (issue 14): the worker at most 3.5x the floor at 2,000,000 messages and at most 4x at 10,000,000, in wall and in CPU seconds; peak RSS at most 2 GB at 2,000,000; 10,000,000 with `--memory 1GB` completes.',
        '',
        '| messages | floor (s) | optout run --no-site (s) | ratio | floor CPU (s) | worker CPU (s) | CPU ratio | worker peak RSS | spilled |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...workerRows,
        '',
        ...[...verdicts, lowMemory].filter(Boolean).flatMap((line) => [line, '']),
      ]
    : []),
  ...(incrementRows.length
    ? [
        `Month after month with one \`--db\` (issue 16), median of ${runs} alternating pairs: a database holding the export without its last whole month (and the partial month after it) adds those files (\`run --no-site --db FILE --input DIR\` on the whole folder: the files loaded before are recognised by name, size and time and not read), against a fresh in-memory \`run --no-site\` of the whole folder reviewing the same month. Report: report.json of the two runs, inputs aside.`,
        '',
        '| messages | month added | add to --db (s) | CPU (s) | fresh run (s) | CPU (s) | ratio | report |',
        '|---:|---|---:|---:|---:|---:|---:|---|',
        ...incrementRows,
        '',
      ]
    : []),
  ...(siteRows.length
    ? [
        `The site build alone (\`test/bench/site.ts\`, a fresh process each time), median of ${runs}; it must take under 60 s for 100 studios.`,
        '',
        '| studios | messages | pages | site build (s) | peak RSS |',
        '|---:|---:|---:|---:|---:|',
        ...siteRows,
        '',
      ]
    : []),
].join('\n');
process.stdout.write(`${table}\n`);
const file = path.join(root, 'BENCHMARKS.md');
const before = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench`; newest first.\n\n';
const [head, ...rest] = before.split(/\n(?=## )/);
await writeFile(file, [head?.trimEnd(), '', table, ...rest].join('\n'));
