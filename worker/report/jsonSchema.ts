import { zodToJsonSchema } from 'zod-to-json-schema';
import { reportParts, reportSchema } from '../../site/lib/schema.ts';

/**
 * report.json's shape as a JSON Schema (draft-07), generated from the zod schema the site
 * validates the report with (site/lib/schema.ts), so the two cannot disagree. `optout run`
 * writes it to OUT/report.schema.json beside report.json; docs/report.schema.json is the copy in
 * the repository (`npm run schema` rewrites it), and test/report-schema.test.ts fails when that
 * copy is stale.
 *
 * The options, and why:
 * - `effectStrategy` and `pipeStrategy` `input`: the schema describes the JSON as written (an
 *   `error_code` may be a string or a number), not the values zod turns it into;
 * - `removeAdditionalStrategy` `strict`: zod's plain objects accept unknown keys (and drop
 *   them), and the contract welcomes extra fields, but zod-to-json-schema's default writes such
 *   an object as `additionalProperties: false`. With `strict`, only a `.strict()` zod object
 *   rejects extra keys; every other object says `additionalProperties: true`;
 * - `definitions`: the parts report.json repeats (a count, a cohort row, ...) are written once
 *   and referred to with `$ref`.
 */
export function reportJsonSchema(): Record<string, unknown> {
  const generated = zodToJsonSchema(reportSchema, {
    target: 'jsonSchema7',
    $refStrategy: 'root',
    effectStrategy: 'input',
    pipeStrategy: 'input',
    removeAdditionalStrategy: 'strict',
    definitions: reportParts,
  }) as Record<string, unknown>;
  return ordered({
    ...generated,
    $id: `urn:optout:report:v${reportSchema.shape.schema_version.value}`,
    title: 'optout report.json',
    description:
      'The machine-readable report that `optout run --out OUT` writes to OUT/report.json. Generated from site/lib/schema.ts; fields not listed here are allowed.',
  }) as Record<string, unknown>;
}

/** The schema as the text of a file: two-space indents, a stable key order, a final newline. */
export function reportJsonSchemaText(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}

/** Keywords first in this order; the others after them, alphabetically. */
const KEY_ORDER = ['$schema', '$id', '$ref', 'title', 'description', 'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'anyOf'];

/**
 * The same schema with every keyword in one fixed order, so the committed file changes only where
 * the report's shape does (whatever order a new zod-to-json-schema writes them in). The names
 * under `properties` and `definitions` keep the zod schema's order: report.json's order.
 */
function ordered(value: unknown, keepOrder = false): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!keepOrder) {
    const rank = (k: string): number => (KEY_ORDER.includes(k) ? KEY_ORDER.indexOf(k) : KEY_ORDER.length);
    entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, ordered(v, !keepOrder && (k === 'properties' || k === 'definitions'))]));
}
