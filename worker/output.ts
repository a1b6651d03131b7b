import { renameSync } from 'node:fs';
import { access, chmod, constants, lstat, mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { LEFTOVER_AFTER_HOURS } from './config.ts';
import { OptoutError } from './errors.ts';

/**
 * The output folder (--out) is replaced whole, never rewritten file by file, so a run killed part
 * way never leaves this month's tables beside last month's report.json:
 *
 * 1. Before any other work (before DuckDB opens or the export is read), OUT is checked: it must be
 *    missing, empty, or an earlier optout output holding nothing optout did not write, and its
 *    folder must be writable. Leftovers of killed runs beside it are cleared (see `recover`).
 * 2. The run writes everything (report.json, report.schema.json, tables/, site/, report.pdf) into a sibling folder,
 *    `.<name>.optout-tmp-<pid>`: same parent, so the renames below stay on one file system.
 * 3. Only when that folder is complete: OUT is renamed to `.<name>.optout-old-<pid>`, the new folder
 *    to OUT (two renames back to back, nothing in between), and the old folder is deleted.
 *
 * A run killed before step 3 leaves OUT untouched; killed in step 3's gap, OUT is missing and the
 * whole old folder is beside it, and the next run puts it back. A run that fails with an error
 * removes its unfinished folder and leaves OUT as it was.
 */

/**
 * What optout writes into an output folder, per kind of folder (a report, or the scores of
 * `optout score`): anything else there is someone else's and stops the run. `marks` tell an
 * earlier output of the kind by the first bytes of one of its files.
 */
export const OUTPUT_KINDS = {
  report: {
    owned: new Set(['report.json', 'report.schema.json', 'tables', 'site', 'report.pdf']),
    marks: [
      { file: 'report.json', head: /^\{\s*"schema_version":\s*\d+,\s*"generated_by":\s*"optout / },
      { file: path.join('tables', 'rejected_rows.csv'), head: /^file,line,table,reason,record\r?\n/ },
    ],
    what: 'report',
    folder: 'report folder',
  },
  scores: {
    owned: new Set(['scores.csv', 'scores.html', 'rejected_leads.csv', 'backtest.csv', 'backtest.json']),
    marks: [
      { file: 'scores.csv', head: /^studio_id,lead_id,phone,action,/ },
      { file: 'backtest.csv', head: /^message_id,predicted,opted_out\r?\n/ },
    ],
    what: 'scores folder',
    folder: 'scores folder',
  },
} as const;
export type OutputKind = keyof typeof OUTPUT_KINDS;
/** Files a file manager drops into any folder it shows: not the user's work, replaced with the rest. */
const FILE_MANAGER_FILES = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);
const LEFTOVER_AFTER_MS = LEFTOVER_AFTER_HOURS * 3600 * 1000;

/** Work folders this process is using right now (its own pid cannot tell them from a dead process's). */
const inUse = new Set<string>();

/** True when a process with this id exists (EPERM: it does, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A work folder named after process `pid` is left over when that process is gone, or when the
 * folder is older than LEFTOVER_AFTER_HOURS (process ids are reused). Folders of this very process
 * are the caller's to judge.
 */
export function isLeftover(pid: number, changedMs: number, now = Date.now()): boolean {
  if (now - changedMs > LEFTOVER_AFTER_MS) return true;
  return pid !== process.pid && !processAlive(pid);
}

/** When a folder last changed: a rename updates its ctime, not its mtime. */
export function changedAt(st: { mtimeMs: number; ctimeMs: number }): number {
  return Math.max(st.mtimeMs, st.ctimeMs);
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** The reason of a file-system error, in words. */
export function reason(e: unknown): string {
  switch (code(e)) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the disk';
    case 'EDQUOT':
      return 'disk quota exceeded';
    default:
      return (e as Error).message?.split('\n')[0] ?? String(e);
  }
}

export interface StagedOut {
  /** The folder to write the whole bundle into. */
  dir: string;
  /** Swaps the complete bundle in for OUT. */
  commit(): Promise<void>;
  /** Removes the unfinished bundle; OUT stays as it was. */
  discard(): Promise<void>;
}

/** A path the run reads or keeps that must not be inside OUT (it would be swapped away). */
export interface KeptPath {
  flag: string;
  path: string | null;
}

/**
 * Checks OUT, clears what killed runs left beside it and makes the folder the run writes into.
 * Every problem is one line naming --out: `--out report: is a file`.
 */
export async function stageOut(out: string, kept: KeptPath[] = [], kind: OutputKind = 'report'): Promise<StagedOut> {
  const fail = (detail: string): OptoutError => new OptoutError(`--out ${out}: ${detail}`);
  const target = await resolveOut(out, fail);
  for (const k of kept) {
    if (k.path === null) continue;
    const p = path.resolve(k.path);
    for (const o of new Set([target, path.resolve(out)])) {
      if (p === o || p.startsWith(`${o}${path.sep}`)) {
        throw new OptoutError(`${k.flag} ${k.path}: inside the report folder --out ${out}, which is replaced whole on every run; keep it elsewhere`);
      }
    }
  }
  const parent = path.dirname(target);
  try {
    await mkdir(parent, { recursive: true });
  } catch (e) {
    throw fail(`cannot create ${parent} (${reason(e)})`);
  }
  await recover(target, fail);
  const mode = await checkReplaceable(target, fail, kind);

  const tmp = sibling(target, 'tmp');
  inUse.add(tmp);
  try {
    await mkdir(tmp);
    // The new folder gets the old one's permissions (a folder shared with a group stays shared).
    if (mode !== null) await chmod(tmp, mode);
  } catch (e) {
    inUse.delete(tmp);
    throw fail(`cannot write in ${parent} (${reason(e)})`);
  }
  let done = false;
  return {
    dir: tmp,
    async commit() {
      if (done) return;
      // A person (or another run) may have put something in OUT while this one worked.
      await checkReplaceable(target, fail, kind);
      const old = sibling(target, 'old');
      inUse.add(old);
      let movedAside = false;
      // The two renames run back to back, synchronously, with no await between them: OUT is
      // missing only for the microseconds between two system calls. A run killed right there
      // leaves the whole old folder beside OUT, and the next run puts it back (recover).
      try {
        renameSync(target, old);
        movedAside = true;
      } catch (e) {
        if (code(e) !== 'ENOENT') {
          inUse.delete(old);
          throw fail(`cannot move the earlier report aside (${reason(e)})`);
        }
      }
      try {
        renameSync(tmp, target);
      } catch (e) {
        if (movedAside && code(e) !== 'ENOTEMPTY' && code(e) !== 'EEXIST') renameSync(old, target);
        inUse.delete(old);
        throw fail(code(e) === 'ENOTEMPTY' || code(e) === 'EEXIST' ? 'another run wrote it at the same time; run again' : `cannot move the new report in (${reason(e)})`);
      }
      done = true;
      inUse.delete(tmp);
      await rm(old, { recursive: true, force: true });
      inUse.delete(old);
    },
    async discard() {
      if (done) return;
      done = true;
      await rm(tmp, { recursive: true, force: true });
      inUse.delete(tmp);
    },
  };
}

function sibling(target: string, kind: 'tmp' | 'old', pid = process.pid): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.optout-${kind}-${pid}`);
}

/**
 * The absolute OUT (a link is followed, so the link stays and its target is replaced), after the
 * checks that need no listing: a file, a path under a file, a mount point.
 */
async function resolveOut(out: string, fail: (detail: string) => OptoutError): Promise<string> {
  let target = path.resolve(out);
  let st;
  try {
    st = await lstat(target);
  } catch (e) {
    if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') {
      const file = await fileAbove(target);
      if (file) throw fail(`${displayPath(file)} is a file`);
      return target;
    }
    throw fail(`cannot be read (${reason(e)})`);
  }
  if (st.isSymbolicLink()) {
    try {
      target = await realpath(target);
      st = await stat(target);
    } catch (e) {
      throw fail(code(e) === 'ENOENT' ? 'is a link to a folder that does not exist' : `cannot follow the link (${reason(e)})`);
    }
  }
  if (!st.isDirectory()) throw fail('is a file');
  if (path.dirname(target) === target) throw fail('is the root of the file system');
  // A mount point cannot be renamed: the report could not be swapped in whole.
  if ((await stat(path.dirname(target))).dev !== st.dev) {
    throw fail(`is a mount point, which cannot be replaced whole; give a folder inside it, e.g. ${path.join(out, 'report')}`);
  }
  return target;
}

/** The nearest existing ancestor of `target` when it is not a folder. */
async function fileAbove(target: string): Promise<string | null> {
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    try {
      return (await stat(dir)).isDirectory() ? null : dir;
    } catch (e) {
      if (code(e) !== 'ENOENT' && code(e) !== 'ENOTDIR') return null;
    }
    if (path.dirname(dir) === dir) return null;
  }
}

function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/**
 * Clears what killed runs left beside OUT; work folders of live runs stay. A run killed between
 * its two renames left OUT missing and the old folder, whole (it was renamed in one step), beside
 * it: that folder is put back. Every other left-over folder, unfinished or superseded, is removed.
 */
async function recover(target: string, fail: (detail: string) => OptoutError): Promise<void> {
  const parent = path.dirname(target);
  const prefix = `.${path.basename(target)}.optout-`;
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch (e) {
    throw fail(`cannot list ${parent} (${reason(e)})`);
  }
  const leftovers: { kind: string; dir: string; changed: number }[] = [];
  for (const entry of entries) {
    const m = entry.startsWith(prefix) ? /^(tmp|old)-(\d+)$/.exec(entry.slice(prefix.length)) : null;
    if (!m) continue;
    const dir = path.join(parent, entry);
    const st = await lstat(dir).catch(() => null);
    if (!st?.isDirectory()) continue;
    const pid = Number(m[2]);
    const changed = changedAt(st);
    if (pid === process.pid ? !inUse.has(dir) : isLeftover(pid, changed)) leftovers.push({ kind: m[1] as string, dir, changed });
  }
  const missing = await lstat(target).then(
    () => false,
    () => true,
  );
  if (missing) {
    const old = leftovers.filter((l) => l.kind === 'old').sort((a, b) => b.changed - a.changed)[0];
    if (old) {
      try {
        await rename(old.dir, target);
      } catch (e) {
        throw fail(`cannot put back the earlier report ${old.dir} (${reason(e)})`);
      }
      leftovers.splice(leftovers.indexOf(old), 1);
    }
  }
  for (const l of leftovers) {
    try {
      await rm(l.dir, { recursive: true, force: true });
    } catch (e) {
      throw fail(`cannot remove ${l.dir}, left by a run that was stopped (${reason(e)})`);
    }
  }
}

/** True when `file` starts with `head` (only the first bytes are read). */
async function startsWith(file: string, head: RegExp): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return head.test(buf.subarray(0, bytesRead).toString('utf8'));
  } catch {
    // not there, or not a readable file: not an earlier optout output
    return false;
  } finally {
    await handle?.close();
  }
}

/**
 * OUT may be replaced when it is missing, empty, or an earlier optout output (optout's
 * report.json, or the rejected rows `optout ingest --out` writes) holding nothing optout did not
 * write. Returns OUT's permission bits, or null when it is missing.
 */
async function checkReplaceable(target: string, fail: (detail: string) => OptoutError, kind: OutputKind): Promise<number | null> {
  const { owned, marks, what, folder } = OUTPUT_KINDS[kind];
  let entries: string[];
  let mode: number;
  try {
    mode = (await stat(target)).mode & 0o7777;
    entries = (await readdir(target)).filter((e) => !FILE_MANAGER_FILES.has(e));
  } catch (e) {
    if (code(e) === 'ENOENT') return null;
    throw fail(code(e) === 'ENOTDIR' ? 'is a file' : `cannot be read (${reason(e)})`);
  }
  if (entries.length > 0) {
    let earlier = false;
    for (const m of marks) earlier ||= await startsWith(path.join(target, m.file), m.head);
    if (!earlier) throw fail(`not empty and not an earlier optout ${what}, so it is not written over; give a new or empty folder`);
    const foreign = entries.filter((e) => !(owned as ReadonlySet<string>).has(e)).sort();
    if (foreign.length > 0) {
      const named = foreign.length === 1 ? foreign[0] : `${foreign[0]} and ${foreign.length - 1} more`;
      throw fail(`holds ${named}, which optout did not write; move it elsewhere first (the ${folder} is replaced whole on every run)`);
    }
  }
  try {
    // The old folder is emptied after the swap: that needs write permission in it.
    await access(target, constants.W_OK);
  } catch (e) {
    throw fail(`cannot be written (${reason(e)})`);
  }
  return mode;
}
