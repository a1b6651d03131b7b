#!/usr/bin/env node
// The `optout` command: runs the worker as the JavaScript `npm run build` compiled into dist/
// (npm install and npm ci build it), with plain node: no TypeScript is compiled at start-up.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/worker/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('optout: dist/worker/cli.js: the worker is not built; run npm install (or npm run build) in the optout folder\n');
  process.exit(1);
}
const { cli: run } = await import(cli.href);
process.exitCode = await run(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  interactive: process.stderr.isTTY === true,
});
