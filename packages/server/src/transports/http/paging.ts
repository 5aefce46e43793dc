import { invalidParam } from '@cairn/core';
import type { Params } from './params.js';

export interface Page {
  pageNo: number;
  pageSize: number;
}

export interface PageRule {
  /** Values for absent parameters; without them both are required (a missing one is a 400), as Nacos declares. */
  defaults?: Page;
  /** Larger sizes are cut to this, not refused (Nacos's v2 service list: `Math.min(500, pageSize)`). */
  maxPageSize?: number;
}

/**
 * `pageNo` and `pageSize` as Nacos reads them, for every paged endpoint of v1 and v2: a page number below 1 is
 * the first page (Nacos clamps the start of the page at 0, and clients send `pageNo=0`); a size below 1 is a
 * 400 naming `pageSize` (Nacos would answer an empty page).
 */
export function readPage(p: Params, rule: PageRule = {}): Page {
  const pageNo = rule.defaults ? p.int('pageNo', rule.defaults.pageNo) : p.requiredInt('pageNo');
  const pageSize = rule.defaults ? p.int('pageSize', rule.defaults.pageSize) : p.requiredInt('pageSize');
  if (pageSize < 1) throw invalidParam('pageSize', `Param 'pageSize' must be at least 1, got '${pageSize}'.`);
  return { pageNo: Math.max(1, pageNo), pageSize: Math.min(pageSize, rule.maxPageSize ?? pageSize) };
}

/** The items of one page; a page past the end is empty. */
export function pageOf<T>(items: readonly T[], page: Page): T[] {
  const start = (page.pageNo - 1) * page.pageSize;
  return start >= items.length ? [] : items.slice(start, start + page.pageSize);
}

/**
 * `pageNo` and `pageSize` by the rule above. `required` makes a missing one a 400, as the Nacos endpoints that
 * declare them required do; otherwise the fallbacks apply.
 */
export function pageParams(p: Params, fallback: Page | 'required'): Page {
  return readPage(p, fallback === 'required' ? {} : { defaults: fallback });
}
