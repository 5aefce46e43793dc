import { DEFAULT_GROUP, DEFAULT_NAMESPACE, GROUP_SEPARATOR, invalidParam, splitGroupedName, validateGroup, validateNamespaceId, validateServiceName, type ServiceRef } from '@cairn/core';
import { readPage, type Page } from '../../paging.js';
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

/**
 * The v2 beat's `serviceName`, which Nacos checks to be `group@@service` (a bare name is a 400, code 20002);
 * `groupName` is not read.
 */
export function serviceRefGrouped(p: Params): ServiceRef {
  const raw = p.required('serviceName');
  const at = raw.indexOf(GROUP_SEPARATOR);
  if (at < 0 || at + GROUP_SEPARATOR.length === raw.length) {
    throw invalidParam('serviceName', `Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName', got '${raw.slice(0, 64)}'.`);
  }
  if (at === 0) throw invalidParam('serviceName', `Param 'serviceName' is illegal, groupName can't be empty, got '${raw.slice(0, 64)}'.`);
  return serviceRefGroupedOrBare(p);
}

/** Nacos cuts a v2 service list page to 500 instead of refusing a larger `pageSize`. */
export const SERVICE_LIST_MAX_PAGE_SIZE = 500;

/** `pageNo` and `pageSize` (the shared rule of `../paging.ts`); `defaults` absent means both are required. */
export function pageParams(p: Params, defaults?: Page, maxPageSize?: number): Page {
  return readPage(p, { defaults, maxPageSize });
}

export { pageOf as page } from '../../paging.js';
