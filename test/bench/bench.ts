/**
 * `npm run bench`: the worker against DuckDB's own floor (issue 7). For each size it generates
 * an export with `optout generate` (cached under .cache/bench/), then runs, alternating, three
 * times each: the floor (test/bench/floor.ts) and `optout run --no-site`, and reports the medians,
 * their ratio and the worker's peak RSS; the table goes to BENCHMARKS.md with the machine.
 * Usage: npm run bench [-- --sizes 1000000,10000000] [--runs 3] [--memory 1GB]
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
  options: { sizes: { type: 'string', default: '1000000,10000000' }, runs: { type: 'string', default: '3' }, memory: { type: 'string' } },
});
const sizes = (values.sizes as string).split(',').map(Number);
const runs = Number(values.runs);

interface Timing {
  seconds: number;
  rssMb: number;
}

/** Runs a command under /usr/bin/time for its wall time and peak RSS. */
function timed(cmd: string, args: string[]): Timing {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [secs, kb] = last.split(' ').map(Number);
  return { seconds: secs as number, rssMb: (kb as number) / 1024 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

const rows: string[] = [];
for (const size of sizes) {
  const dir = path.join(cache, `m${size}`);
  if (!existsSync(path.join(dir, 'studios.csv'))) {
    await mkdir(dir, { recursive: true });
    process.stderr.write(`generating ${size.toLocaleString('en-US')} messages into ${dir}\n`);
    execFileSync('node', ['bin/optout.mjs', 'generate', '--out', dir, '--messages', String(size)], { cwd: root, stdio: 'inherit' });
  }
  const floor: Timing[] = [];
  const worker: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    floor.push(timed(tsx, ['test/bench/floor.ts', dir]));
    const args = ['bin/optout.mjs', 'run', '--input', dir, '--out', path.join(cache, `out-${size}`), '--no-site'];
    if (values.memory) args.push('--memory', values.memory as string);
    worker.push(timed('node', args));
    process.stderr.write(`${size}: run ${i + 1}: floor ${floor.at(-1)?.seconds} s, worker ${worker.at(-1)?.seconds} s\n`);
  }
  const f = median(floor.map((t) => t.seconds));
  const w = median(worker.map((t) => t.seconds));
  const rss = Math.max(...worker.map((t) => t.rssMb));
  rows.push(`| ${size.toLocaleString('en-US')} | ${f.toFixed(2)} | ${w.toFixed(2)} | ${(w / f).toFixed(2)}x | ${rss.toFixed(0)} MB |`);
}

const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
const table = [
  `## ${new Date().toISOString().slice(0, 10)}: ${machine}${values.memory ? `, --memory ${values.memory}` : ''}`,
  '',
  `Median of ${runs} alternating runs; the floor is DuckDB loading the same files and grouping once (test/bench/floor.ts).`,
  '',
  '| messages | floor (s) | optout run --no-site (s) | ratio | worker peak RSS |',
  '|---:|---:|---:|---:|---:|',
  ...rows,
  '',
].join('\n');
process.stdout.write(`${table}\n`);
const file = path.join(root, 'BENCHMARKS.md');
const before = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench`; newest first.\n\n';
const [head, ...rest] = before.split(/\n(?=## )/);
await writeFile(file, [head?.trimEnd(), '', table, ...rest].join('\n'));
