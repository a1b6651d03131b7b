#!/usr/bin/env node
// The `optout` command: runs the TypeScript CLI through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('../worker/cli.ts');
process.exitCode = await cli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  interactive: process.stderr.isTTY === true,
});
