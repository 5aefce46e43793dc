import {
  DEFAULT_GROUP, DEFAULT_NAMESPACE, invalidParam, splitGroupedName, validateGroup, validateNamespaceId, validateServiceName,
  type ServiceRef,
} from '@cairn/core';
import type { Params } from '../../params.js';

/**
 * The v2 service reference: `groupName` and a bare `serviceName` arrive separately. Nacos maps its v1
 * `group@@name` rewrite to `/v1/ns/*` only, so here a `serviceName` carrying `@@` is refused (400 naming it).
 */
export function serviceRefV2(p: Params): ServiceRef {
  return {
    namespace: validateNamespaceId(p.str('namespaceId', DEFAULT_NAMESPACE)),
    group: validateGroup(p.str('groupName', DEFAULT_GROUP)),
    name: validateServiceName(p.required('serviceName')),
  };
}

/** The few v2 endpoints Nacos documents with a grouped `serviceName` (PATCH, catalog) take either form. */
export function serviceRefGroupedOrBare(p: Params): ServiceRef {
  const namespace = validateNamespaceId(p.str('namespaceId', DEFAULT_NAMESPACE));
  const { group, name } = splitGroupedName(p.required('serviceName'), p.str('groupName', DEFAULT_GROUP));
  return { namespace, group: validateGroup(group), name: validateServiceName(name) };
}

export const MAX_PAGE_SIZE = 500;

/** `pageNo` from 1 and `pageSize` from 1 to 500; `defaults` absent means both are required. */
export function pageParams(p: Params, defaults?: { pageNo: number; pageSize: number }): { pageNo: number; pageSize: number } {
  const pageNo = defaults ? p.int('pageNo', defaults.pageNo) : p.requiredInt('pageNo');
  const pageSize = defaults ? p.int('pageSize', defaults.pageSize) : p.requiredInt('pageSize');
  if (pageNo < 1) throw invalidParam('pageNo', `Param 'pageNo' must be at least 1, got '${pageNo}'.`);
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw invalidParam('pageSize', `Param 'pageSize' must be from 1 to ${MAX_PAGE_SIZE}, got '${pageSize}'.`);
  }
  return { pageNo, pageSize };
}

export function page<T>(items: readonly T[], paging: { pageNo: number; pageSize: number }): T[] {
  const start = (paging.pageNo - 1) * paging.pageSize;
  return items.slice(start, start + paging.pageSize);
}
