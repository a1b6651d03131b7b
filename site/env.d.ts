/** Served by worker/site/config.ts (reportSource): where the report of this build is. */
declare module 'virtual:optout/report' {
  export const reportDir: string;
  export const buildId: string;
}
