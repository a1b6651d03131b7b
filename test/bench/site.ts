/**
 * One site build, alone: buildSite() on a report folder `optout run --no-site` wrote, in a fresh
 * process (so Astro starts cold, as in `optout run`). Prints `{"pages":N,"seconds":S}`, the
 * seconds being buildSite's own (what `optout run` reports), without tsx's start-up.
 * Usage: tsx test/bench/site.ts REPORT_DIR SITE_DIR
 */
import { buildSite } from '../../worker/site/build.ts';

const [reportDir, outDir] = process.argv.slice(2);
if (!reportDir || !outDir) throw new Error('usage: site.ts REPORT_DIR SITE_DIR');
const built = await buildSite({ reportDir, outDir, quiet: true });
process.stdout.write(`${JSON.stringify(built)}\n`);
