import type { AstroInlineConfig } from 'astro';
import { PROJECT_ROOT } from '../paths.ts';

/** The project root: srcDir is `site/` under it (also when the worker runs from dist/). */
export { PROJECT_ROOT };

/** The module the pages import to find the report: `import { reportDir } from 'virtual:optout/report'`. */
export const REPORT_MODULE = 'virtual:optout/report';

type VitePlugin = Extract<NonNullable<NonNullable<AstroInlineConfig['vite']>['plugins']>[number], { name: string }>;

export interface SiteSource {
  /** The folder with report.json and tables/. */
  reportDir: string;
  /** Changes the pages' bundle on every build, so a second build in one process never reuses the first one's modules. */
  buildId: string;
}

/** A Vite plugin serving the report's location to the pages as a virtual module (no environment variables). */
export function reportSource(source: SiteSource): VitePlugin {
  const resolved = `\0${REPORT_MODULE}`;
  return {
    name: 'optout-report-source',
    resolveId: (id: string) => (id === REPORT_MODULE ? resolved : undefined),
    load: (id: string) =>
      id === resolved ? `export const reportDir = ${JSON.stringify(source.reportDir)};\nexport const buildId = ${JSON.stringify(source.buildId)};\n` : undefined,
  };
}

/**
 * The Astro configuration of the report site: static pages named `page.html` (so links work from
 * disk), CSS inlined, no client JavaScript, no toolbar. buildSite() and astro.config.mjs share it.
 */
export function siteConfig(options: SiteSource & { outDir?: string; cacheDir?: string }): AstroInlineConfig {
  return {
    root: PROJECT_ROOT,
    srcDir: './site',
    publicDir: './site/public',
    ...(options.outDir ? { outDir: options.outDir } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    output: 'static',
    trailingSlash: 'ignore',
    build: { format: 'file', inlineStylesheets: 'always', assets: '_assets' },
    devToolbar: { enabled: false },
    prefetch: false,
    markdown: { syntaxHighlight: false },
    vite: {
      plugins: [reportSource(options)],
      build: { assetsInlineLimit: 0 },
    },
  };
}
