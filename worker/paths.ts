import { fileURLToPath } from 'node:url';

/**
 * The project folder: package.json, site/ (the pages Astro builds) and node_modules/. The worker
 * runs as TypeScript from worker/ (the tests, through vitest) and as the JavaScript `npm run build`
 * compiles into dist/worker/ (bin/optout.mjs): this module is paths.ts in the first case and
 * paths.js in the second, one folder below the project or two.
 */
const compiled = import.meta.url.endsWith('.js');
export const PROJECT_ROOT = fileURLToPath(new URL(compiled ? '../../' : '../', import.meta.url));
