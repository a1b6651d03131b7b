/**
 * `npm run bench` (issue 7), two parts:
 * - the worker against DuckDB's own floor: for each size it generates an export with
 *   `optout generate` (cached under .cache/bench/), then runs, alternating, --runs times each: the
 *   floor (test/bench/floor.ts) and `optout run --no-site`, and reports the medians, their ratio
 *   and the worker's peak RSS;
 * - the site build: for each studio count it generates an export (cached too), runs
 *   `optout run --no-site` once for its report.json, then builds the site alone --runs times
 *   (test/bench/site.ts, a fresh process each time) and reports the median, the pages and the
 *   peak RSS. The site must build in under 60 s for 100 studios on a 2-core machine.
 * Both tables go to BENCHMARKS.md with the machine.
 * Usage: npm run bench [-- --sizes 1000000,10000000] [--site-studios 3,100] [--runs 3] [--memory 1GB]
 *                      [--site-only | --no-site-bench]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..', '..');
const cache = path.join(root, '.cache', 'bench');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000,10000000' },
    'site-studios': { type: 'string', default: '3,100' },
    runs: { type: 'string', default: '3' },
    memory: { type: 'string' },
    'site-only': { type: 'boolean', default: false },
    'no-site-bench': { type: 'boolean', default: false },
  },
});
if (values['site-only'] && values['no-site-bench']) throw new Error('--site-only and --no-site-bench leave nothing to measure');
const sizes = (values.sizes as string).split(',').map(Number);
const siteStudios = (values['site-studios'] as string).split(',').map(Number);
const runs = Number(values.runs);

interface Timing {
  seconds: number;
  /** User + system CPU seconds: steadier than the wall time on a shared machine. */
  cpu: number;
  rssMb: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time for its wall time, CPU time and peak RSS. */
function timed(cmd: string, args: string[]): Timing {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [secs, user, sys, kb] = last.split(' ').map(Number);
  return { seconds: secs as number, cpu: (user as number) + (sys as number), rssMb: (kb as number) / 1024, stdout: r.stdout };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/** `optout generate` into .cache/bench/NAME unless an earlier bench left it there. */
function generated(name: string, generateArgs: string[], what: string): string {
  const dir = path.join(cache, name);
  if (!existsSync(path.join(dir, 'studios.csv'))) {
    process.stderr.write(`generating ${what} into ${dir}\n`);
    execFileSync('node', ['bin/optout.mjs', 'generate', '--out', dir, ...generateArgs], { cwd: root, stdio: 'inherit' });
  }
  return dir;
}

const workerRows: string[] = [];
const workerMedians: { size: number; seconds: number; dir: string }[] = [];
let lowMemory = '';
let scaling = '';
if (!values['site-only']) {
  for (const size of sizes) {
    await mkdir(cache, { recursive: true });
    const dir = generated(`m${size}`, ['--messages', String(size)], `${size.toLocaleString('en-US')} messages`);
    const floor: Timing[] = [];
    const worker: Timing[] = [];
    for (let i = 0; i < runs; i++) {
      floor.push(timed(tsx, ['test/bench/floor.ts', dir]));
      const args = ['bin/optout.mjs', 'run', '--input', dir, '--out', path.join(cache, `out-${size}`), '--no-site'];
      if (values.memory) args.push('--memory', values.memory as string);
      worker.push(timed('node', args));
      process.stderr.write(`${size}: run ${i + 1}: floor ${floor.at(-1)?.seconds} s, worker ${worker.at(-1)?.seconds} s (CPU ${floor.at(-1)?.cpu.toFixed(1)} s, ${worker.at(-1)?.cpu.toFixed(1)} s)\n`);
    }
    const f = median(floor.map((t) => t.seconds));
    const w = median(worker.map((t) => t.seconds));
    const fc = median(floor.map((t) => t.cpu));
    const wc = median(worker.map((t) => t.cpu));
    const rss = Math.max(...worker.map((t) => t.rssMb));
    workerRows.push(
      `| ${size.toLocaleString('en-US')} | ${f.toFixed(2)} | ${w.toFixed(2)} | ${(w / f).toFixed(2)}x | ${fc.toFixed(1)} | ${wc.toFixed(1)} | ${(wc / fc).toFixed(2)}x | ${rss.toFixed(0)} MB |`,
    );
    workerMedians.push({ size, seconds: w, dir });
  }
  // The largest export once more with --memory 1GB: it must complete, DuckDB spilling to disk.
  const largest = workerMedians.at(-1);
  if (largest && !values.memory) {
    const t = timed('node', ['bin/optout.mjs', 'run', '--input', largest.dir, '--out', path.join(cache, `out-${largest.size}`), '--no-site', '--memory', '1GB']);
    lowMemory = `With \`--memory 1GB\` the ${largest.size.toLocaleString('en-US')}-message run completed in ${t.seconds.toFixed(1)} s, peak RSS ${t.rssMb.toFixed(0)} MB.`;
  }
  const smallest = workerMedians[0];
  if (smallest && largest && largest !== smallest) {
    const target = largest.size === 10 * smallest.size ? ' (target: at most 11x for 10x the messages)' : '';
    scaling = `${largest.size.toLocaleString('en-US')} messages cost ${(largest.seconds / smallest.seconds).toFixed(1)}x what ${smallest.size.toLocaleString('en-US')} cost${target}.`;
  }
}

/**
 * Each studio gets about the traffic of the default 3-studio export (40,000 messages, ~13,000 a
 * studio over 6 months): 10,000 a studio, at least 40,000 in all, so 100 studios get 1,000,000
 * (generated in ~10 s, run in ~20 s on 2 cores; the site's size follows the studios, not the rows).
 */
const siteMessages = (studios: number): number => Math.max(40_000, studios * 10_000);

const siteRows: string[] = [];
if (!values['no-site-bench']) {
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
      const t = timed(tsx, ['test/bench/site.ts', reportDir, path.join(reportDir, 'site')]);
      const built = JSON.parse(t.stdout.trim().split('\n').pop() ?? '{}') as { pages: number; seconds: number };
      builds.push({ ...t, pages: built.pages, buildSeconds: built.seconds });
      process.stderr.write(`${studios} studios: site build ${i + 1}: ${built.seconds.toFixed(2)} s, ${built.pages} pages\n`);
    }
    const s = median(builds.map((b) => b.buildSeconds));
    const rss = Math.max(...builds.map((b) => b.rssMb));
    siteRows.push(`| ${studios} | ${messages.toLocaleString('en-US')} | ${builds[0]?.pages ?? 0} | ${s.toFixed(2)} | ${rss.toFixed(0)} MB |`);
  }
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'no git';
  }
})();
const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}, commit ${commit}`;
const table = [
  `## ${new Date().toISOString().slice(0, 10)}: ${machine}${values.memory ? `, --memory ${values.memory}` : ''}`,
  '',
  ...(workerRows.length
    ? [
        `Median of ${runs} alternating runs; the floor is DuckDB loading the same files and grouping once (test/bench/floor.ts). CPU is user + system seconds, both cores together: on a shared machine it varies less than the wall time.`,
        '',
        '| messages | floor (s) | optout run --no-site (s) | ratio | floor CPU (s) | worker CPU (s) | CPU ratio | worker peak RSS |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...workerRows,
        '',
        ...[scaling, lowMemory].filter(Boolean).flatMap((line) => [line, '']),
      ]
    : []),
  ...(siteRows.length
    ? [
        `Site build: buildSite() alone on the report of \`optout run --no-site\`, median of ${runs} builds, each in a fresh process (test/bench/site.ts); the target is under 60 s for 100 studios.`,
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
