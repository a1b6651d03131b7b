/** The one phone masker, shared with the worker (worker/catalog/mask.ts). */
export * from '../../worker/catalog/mask.ts';
