import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // DuckDB and the file scans are real work; give slow machines room, never a speed test.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A fixed zone so nothing depends on the machine's local time.
    env: { TZ: 'UTC' },
  },
});
