// The report site (issue 6): Astro builds it from report.json into OUT/site/.
import { defineConfig } from 'astro/config';

export default defineConfig({
  srcDir: './site',
  // Relative links so the site works opened from disk, zipped or under any path.
  build: { format: 'file' },
  trailingSlash: 'never',
});
