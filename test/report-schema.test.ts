import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { normalizeConfig } from '../worker/config.ts';
import { run } from '../worker/run.ts';
import { reportJsonSchemaText } from '../worker/report/jsonSchema.ts';
import { reportSchema } from '../site/lib/schema.ts';

/**
 * docs/report.schema.json, report.json's shape for other tools: generated from the site's zod
 * schema, checked here against a real report with a JSON Schema validator (Ajv, draft-07, the
 * draft zod-to-json-schema writes).
 */
const COMMITTED = path.resolve(import.meta.dirname, '..', 'docs', 'report.schema.json');
const SAMPLE = path.resolve(import.meta.dirname, '..', 'data', 'sample');

type Json = Record<string, any>;

describe('docs/report.schema.json', () => {
  let committedText: string;
  let validate: ValidateFunction;
  let out: string;
  let sample: Json;

  beforeAll(async () => {
    committedText = await readFile(COMMITTED, 'utf8');
    validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(JSON.parse(committedText));
    out = await mkdtemp(path.join(tmpdir(), 'optout-schema-'));
    await run(normalizeConfig({ input: SAMPLE, out, site: false }), { progress: () => undefined });
    sample = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
  });

  /** Ajv's verdict as "path: message" lines, and zod's (the site's) verdict beside it. */
  const verdicts = (report: unknown): { ajv: string[]; zod: boolean } => {
    const ok = validate(report);
    return {
      ajv: ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(top)'}: ${e.message}`),
      zod: reportSchema.safeParse(report).success,
    };
  };

  it('is what site/lib/schema.ts gives today (else run `npm run schema`)', () => {
    expect(committedText, 'docs/report.schema.json is stale: run `npm run schema` and commit it').toBe(reportJsonSchemaText());
  });

  it('is written beside report.json by optout run, the same text', async () => {
    const written = await readFile(path.join(out, 'report.schema.json'), 'utf8');
    expect(written, 'OUT/report.schema.json differs from docs/report.schema.json: run `npm run schema`').toBe(committedText);
  });

  it('accepts the report of the bundled sample', () => {
    // Not a vacuous pass: the sample has rows in every list the schema checks item by item.
    for (const list of ['trend', 'spikes', 'compliance', 'deliverability', 'inputs', 'threshold_breaches'] as const) {
      expect(sample[list].length, list).toBeGreaterThan(0);
    }
    expect(sample.cohorts.lead_source.length).toBeGreaterThan(0);
    expect(verdicts(sample)).toEqual({ ajv: [], zod: true });
  });

  it('accepts what the contract allows: extra fields, an error code written as a number or null, no ignored_files', () => {
    const report: Json = structuredClone(sample);
    report.made_by_another_tool = { note: 'extra fields are welcome' };
    report.totals.median_gap_days = 3;
    report.cohorts.lead_source[0].comment = 'still a cohort row';
    report.deliverability[0].error_code = 30007;
    report.deliverability[1].error_code = null;
    delete report.ignored_files;
    expect(verdicts(report)).toEqual({ ajv: [], zod: true });
  });

  it('rejects a report with a broken field, where the site would too', () => {
    const broken: [string, (r: Json) => void, string][] = [
      ['a rate above 1', (r) => (r.totals.rate = 1.5), '/totals/rate: must be <= 1'],
      ['a count that is not whole', (r) => (r.trend[0].reached = 2.5), '/trend/0/reached: must be integer'],
      ['an unknown flag', (r) => (r.cohorts.lead_source[0].flag = 'very high'), '/cohorts/lead_source/0/flag: must be equal to one of the allowed values'],
      ['an unknown cause', (r) => (r.spikes[0].causes[0].cause = 'bad_luck'), '/spikes/0/causes/0/cause: must be equal to one of the allowed values'],
      ['a date in another format', (r) => (r.period.start = '09/01/2026'), '/period/start: must match pattern "^\\d{4}-\\d{2}-\\d{2}$"'],
      ['a missing list', (r) => delete r.compliance, "(top): must have required property 'compliance'"],
      ['an error code that is neither text nor a number', (r) => (r.deliverability[0].error_code = true), '/deliverability/0/error_code: must be string,number'],
      ['another schema version', (r) => (r.schema_version = 2), '/schema_version: must be equal to constant'],
    ];
    for (const [what, breakIt, message] of broken) {
      const report: Json = structuredClone(sample);
      breakIt(report);
      const { ajv, zod } = verdicts(report);
      expect(ajv, what).toContain(message);
      expect(zod, `${what}: the site's zod schema accepts it`).toBe(false);
    }
  });
});
