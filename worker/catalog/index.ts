/**
 * The catalog: every cohort dimension, check and cause of the report, one entry each, read by the
 * worker (the SQL is generated from it: worker/catalog/sql.ts) and by the site (the words), plus
 * the one set of number formats and the one phone masker both use.
 */
export * from './dimensions.ts';
export * from './checks.ts';
export * from './causes.ts';
export * from './actions.ts';
export * from './risk.ts';
