import { randomUUID } from 'node:crypto';
import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { isLeftover } from '../output.ts';
import { PROJECT_ROOT } from './config.ts';

/**
 * Astro builds each site in its own staging folder under the project's node_modules/.cache (see
 * buildSite). The folder is named `run-<pid>-<uuid>`, so a later run can tell a build that is over
 * (its process is gone: it was killed) from one that is still running, and remove only the first.
 */
export const STAGING_ROOT = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'optout-site');

/** A fresh staging folder for one build of this process. */
export function stagingFolder(): string {
  return path.join(STAGING_ROOT, `run-${process.pid}-${randomUUID()}`);
}

/**
 * Removes the staging folders that killed builds left. Those of live processes stay, and so do
 * this process's own (builds may run side by side in one process). A folder older than a day is
 * left over whatever its name says; one named before the names carried a process id (an earlier
 * version) is judged by its age alone. A staging folder is never renamed, so its mtime (the last
 * time an entry was added) tells its age.
 */
export async function removeLeftoverStaging(root = STAGING_ROOT): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const dir = path.join(root, entry);
    const st = await lstat(dir).catch(() => null);
    if (!st) continue;
    const pid = /^run-(\d+)-/.exec(entry)?.[1];
    if (isLeftover(pid === undefined ? process.pid : Number(pid), st.mtimeMs)) {
      await rm(dir, { recursive: true, force: true });
      removed.push(entry);
    }
  }
  return removed;
}
