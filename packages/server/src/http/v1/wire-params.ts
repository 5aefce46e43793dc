import { DEFAULT_CLUSTER, DEFAULT_GROUP, DEFAULT_NAMESPACE, splitGroupedName, validateGroup, validateNamespaceId, validateServiceName, type ServiceRef } from '@cairn/core';
import type { Params } from '../params.js';

/** The v1 service reference: `serviceName` may carry its group (`group@@name`), which then wins over `groupName`. */
export function serviceRefV1(p: Params): ServiceRef {
  const namespace = validateNamespaceId(p.str('namespaceId', DEFAULT_NAMESPACE));
  const { group, name } = splitGroupedName(p.required('serviceName'), p.str('groupName', DEFAULT_GROUP));
  return { namespace, group: validateGroup(group), name: validateServiceName(name) };
}

/** `clusterName`, falling back to the older `cluster`, then `DEFAULT`. */
export function clusterParam(p: Params): string {
  return p.str('clusterName') ?? p.str('cluster') ?? DEFAULT_CLUSTER;
}

/** `enabled`, with the npm client's spelling `enable` as an alias. */
export function enabledParam(p: Params, fallback: boolean): boolean {
  return p.bool('enabled') ?? p.bool('enable') ?? fallback;
}
