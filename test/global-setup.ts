import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Every temporary folder the tests make (exports, reports, sites, databases) goes under one
 * folder for the run, removed at the end: the tests call os.tmpdir(), which reads TMPDIR, and
 * the test workers inherit it.
 */
export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'optout-tests-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
