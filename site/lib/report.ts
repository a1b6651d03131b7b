import path from 'node:path';
import { buildId, reportDir } from 'virtual:optout/report';
import { loadSiteData, type SiteData } from './load.ts';

export type { RejectedSummary, SiteData, SpikeRef, StudioRef } from './load.ts';

let cache: { id: string; data: SiteData } | undefined;

/** The data of this build (the report folder buildSite named), loaded once per build. */
export function siteData(): SiteData {
  if (cache?.id !== buildId) cache = { id: buildId, data: loadSiteData(path.resolve(reportDir)) };
  return cache.data;
}
