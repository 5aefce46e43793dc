import { invalidParam } from '@cairn/core';
import type { Params } from './params.js';

export interface Page { pageNo: number; pageSize: number }

/**
 * `pageNo` (1-based) and `pageSize`, both at least 1. `required` makes a missing one a 400, as the Nacos
 * endpoints that declare them required do; otherwise the fallbacks apply.
 */
export function pageParams(p: Params, fallback: Page | 'required'): Page {
  const pageNo = fallback === 'required' ? p.requiredInt('pageNo') : p.int('pageNo', fallback.pageNo);
  const pageSize = fallback === 'required' ? p.requiredInt('pageSize') : p.int('pageSize', fallback.pageSize);
  if (pageNo < 1) throw invalidParam('pageNo', `Param 'pageNo' must be at least 1, got '${pageNo}'.`);
  if (pageSize < 1) throw invalidParam('pageSize', `Param 'pageSize' must be at least 1, got '${pageSize}'.`);
  return { pageNo, pageSize };
}

/** The items of one page; a page past the end is empty. */
export function pageOf<T>(items: readonly T[], page: Page): T[] {
  const start = (page.pageNo - 1) * page.pageSize;
  return start >= items.length ? [] : items.slice(start, start + page.pageSize);
}
