import path from 'node:path';

/**
 * Astro writes root-relative links (`/cohorts.html`, `/_assets/x.css`); a shared site needs
 * relative ones. Rewrites every href/src/srcset/poster/action value (and CSS `url(/...)`) that starts
 * with a single `/` to a path relative to the page at `pagePath` (its path under the site root).
 */

const ATTRIBUTE = /\b(href|src|poster|action|srcset|xlink:href)=(["'])\/(?!\/)([^"']*)\2/gi;
const CSS_URL = /url\((["']?)\/(?!\/)([^)"']*)\1\)/gi;

function relativeTo(pagePath: string, target: string): string {
  const cut = target.search(/[?#]/);
  let file = cut < 0 ? target : target.slice(0, cut);
  const suffix = cut < 0 ? '' : target.slice(cut);
  if (file === '' || file.endsWith('/')) file += 'index.html';
  const rel = path.posix.relative(path.posix.dirname(pagePath), file) || path.posix.basename(file);
  return `${rel}${suffix}`;
}

export function relativizeHtml(html: string, pagePath: string): string {
  return html
    .replace(ATTRIBUTE, (_m, attr: string, quote: string, target: string) => `${attr}=${quote}${relativeTo(pagePath, target)}${quote}`)
    .replace(CSS_URL, (_m, quote: string, target: string) => `url(${quote}${relativeTo(pagePath, target)}${quote})`);
}

/** Root-relative links left in a page (none should be). */
export function rootRelativeLinks(html: string): string[] {
  return [...html.matchAll(/\b(?:href|src)=(["'])\/(?!\/)[^"']*\1/gi)].map((m) => m[0]);
}
