/** The site's number and date formats are the catalog's: one set for the worker and the site. */
export * from '../../worker/catalog/format.ts';
