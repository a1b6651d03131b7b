// The report site: Astro builds it from report.json into OUT/site/ (worker/site/build.ts).
// `optout run` calls buildSite(); this file is for running Astro by hand on ./report
// (npx astro build): both use the same settings from worker/site/config.ts.
import { defineConfig } from 'astro/config';
import { siteConfig } from './worker/site/config.ts';

export default defineConfig(siteConfig({ reportDir: './report', buildId: 'astro-cli' }));
