import { spawn, type SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The real command line, as a user runs it: `node bin/optout.mjs ...` in a child process. */
export const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'optout.mjs');

/** A copy of the bundled sample export (data/sample/) in a fresh folder: `work/export`. */
export async function sampleCopy(): Promise<{ work: string; input: string }> {
  const work = await mkdtemp(path.join(tmpdir(), 'optout-killed-'));
  const input = path.join(work, 'export');
  await cp(path.resolve(import.meta.dirname, '..', '..', 'data', 'sample'), input, { recursive: true });
  return { work, input };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface Running {
  pid: number;
  /** Resolves once the process has exited and been reaped (its pid is then free). */
  finished: Promise<Finished>;
}

export function startCli(args: string[], options: SpawnOptions = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  if (child.pid === undefined) throw new Error(`could not start ${BIN}`);
  return { pid: child.pid, finished };
}

export async function runCli(args: string[], options: SpawnOptions = {}): Promise<Finished> {
  return startCli(args, options).finished;
}

/**
 * Polls `ready` every 20 ms while the process runs and kills it with SIGKILL as soon as it holds.
 * Returns whether the kill happened (false: the process finished first).
 */
export async function killWhen(running: Running, ready: () => boolean): Promise<{ killed: boolean; finished: Finished }> {
  let killed = false;
  let exited = false;
  const finishedFirst = running.finished.then((f) => {
    exited = true;
    return f;
  });
  while (!exited) {
    if (ready()) {
      try {
        process.kill(running.pid, 'SIGKILL');
        killed = true;
      } catch {
        // it had just exited
      }
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { killed, finished: await finishedFirst };
}

/**
 * The PDF carries its creation time and the name of the temporary folder it was printed from
 * (optout-pdf-XXXXXX, in its links): the only bytes that differ between two prints of one site.
 */
function normalizePdf(pdf: Buffer): Buffer {
  return Buffer.from(
    pdf
      .toString('latin1')
      .replace(/\(D:\d{14}[^)]*\)/g, '(D:)')
      .replace(/optout-pdf-[A-Za-z0-9]{6}/g, 'optout-pdf-XXXXXX'),
    'latin1',
  );
}

/** Every file under `dir` with the hash of its content (the PDF's made comparable); null when `dir` is missing. */
export async function manifest(dir: string): Promise<Record<string, string> | null> {
  const out: Record<string, string> = {};
  const walk = async (under: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, under), { withFileTypes: true })) {
      const rel = under ? `${under}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(rel);
      else {
        const bytes = await readFile(path.join(dir, rel));
        out[rel] = createHash('sha256')
          .update(rel === 'report.pdf' ? normalizePdf(bytes) : bytes)
          .digest('hex');
      }
    }
  };
  try {
    await walk('');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
