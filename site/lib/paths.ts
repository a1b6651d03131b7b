/**
 * Links between pages are written root-relative (`/cohorts.html#consent`) and made relative to
 * each page by buildSite after the build, so the site works from disk, zipped or under any path.
 */

export const NAV = [
  { key: 'overview', label: 'Overview', path: 'index.html' },
  { key: 'cohorts', label: 'Who opts out', path: 'cohorts.html' },
  { key: 'campaigns', label: 'Campaigns', path: 'campaigns.html' },
  { key: 'spikes', label: 'Spikes', path: 'spikes.html' },
  { key: 'compliance', label: 'Compliance', path: 'compliance.html' },
  { key: 'studios', label: 'Studios', path: 'studios.html' },
  { key: 'deliverability', label: 'Deliverability', path: 'deliverability.html' },
  { key: 'list', label: 'The list', path: 'list.html' },
  { key: 'data', label: 'Data', path: 'data.html' },
  { key: 'methodology', label: 'Methodology', path: 'methodology.html' },
] as const;
export type NavKey = (typeof NAV)[number]['key'];

export const href = (path: string): string => `/${path.replace(/^\/+/, '')}`;
export const spikeHref = (slug: string): string => href(`spikes/${slug}.html`);
export const studioHref = (slug: string): string => href(`studios/${slug}.html`);
export const downloadHref = (name: string): string => href(`downloads/${name}`);
