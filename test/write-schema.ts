/**
 * `npm run schema`: rewrites docs/report.schema.json, report.json's shape as a JSON Schema,
 * from the zod schema in site/lib/schema.ts. Run it after changing that schema;
 * test/report-schema.test.ts fails until the committed file matches.
 *
 * It lives under test/, like the bench, because it is a developer's tool that writes a file of
 * the repository; the generator itself is worker/report/jsonSchema.ts, because `optout run`
 * writes the same schema beside every report.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { reportJsonSchemaText } from '../worker/report/jsonSchema.ts';

const SCHEMA_FILE = path.resolve(import.meta.dirname, '..', 'docs', 'report.schema.json');

const text = reportJsonSchemaText();
const before = await readFile(SCHEMA_FILE, 'utf8').catch(() => null);
if (before === text) {
  console.log(`${path.relative(process.cwd(), SCHEMA_FILE)}: up to date`);
} else {
  await mkdir(path.dirname(SCHEMA_FILE), { recursive: true });
  await writeFile(SCHEMA_FILE, text);
  console.log(`${path.relative(process.cwd(), SCHEMA_FILE)}: ${before === null ? 'written' : 'updated'} from site/lib/schema.ts`);
}
