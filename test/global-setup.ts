import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isStale } from '../scripts/build.mjs';

/**
 * Every temporary folder the tests make (exports, reports, sites, databases) goes under one
 * folder for the run, removed at the end: the tests call os.tmpdir(), which reads TMPDIR, and
 * the test workers inherit it.
 *
 * The tests of the command line run bin/optout.mjs, which runs the compiled worker in dist/:
 * `npm test` builds it first, and a run of a few test files (`npx vitest run FILE`) rebuilds it
 * here when a source is newer than the build, so no test runs yesterday's worker.
 */
export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'optout-tests-'));
  const stale = isStale();
  if (stale) {
    process.stderr.write(`dist/ is out of date (${stale}): building it\n`);
    execFileSync(process.execPath, [path.resolve(import.meta.dirname, '..', 'scripts', 'build.mjs')], { stdio: 'inherit' });
  }
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
