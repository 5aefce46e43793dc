import type { Params } from '../params.js';
import { readPage, type Page } from '../paging.js';

export { pageOf, type Page } from '../paging.js';

/**
 * `pageNo` and `pageSize` (the shared rule of `../paging.ts`). `required` makes a missing one a 400, as the Nacos
 * endpoints that declare them required do; otherwise the fallbacks apply.
 */
export function pageParams(p: Params, fallback: Page | 'required'): Page {
  return readPage(p, fallback === 'required' ? {} : { defaults: fallback });
}
