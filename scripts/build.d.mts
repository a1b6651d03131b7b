/** Types of scripts/build.mjs, for the tests that import it. */
export function build(): Promise<{ compiled: number; assets: number }>;
export function isStale(): string | null;
