import { DEFAULT_GROUP, DEFAULT_NAMESPACE, DomainError, groupedName, validateGroup, validateNamespaceId, type HealthChecker, type ReadonlyService } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { originOf } from '../../origin.js';
import { Params } from '../../params.js';
import { servicesReadableBy } from '../../auth/http-auth.js';
import { v2Ok } from '../../reply-errors.js';
import { selectorParam, serviceDefinitionOf } from '../service-views.js';
import { page, pageParams, SERVICE_LIST_MAX_PAGE_SIZE, serviceRefV2 } from './v2-params.js';

/** The checker Nacos assumes for a cluster nobody configured. */
const DEFAULT_CHECKER: HealthChecker = { type: 'TCP' };

/** `/v2/ns/service*`: create, delete, update, detail and list of services. */
export function serviceV2Routes(app: FastifyInstance, ctx: AppContext): void {
  const { registry } = ctx;

  // Nacos creates a persistent service unless told otherwise, so ephemeral clients then fail to register into
  // it (quirk 3). Cairn fixes the kind only when `ephemeral` is given and otherwise lets the first instance decide.
  app.post('/v2/ns/service', async (request) => {
    const p = Params.from(request);
    registry.createService(serviceRefV2(p), serviceDefinitionOf(p), originOf(request, p.str('username')));
    return v2Ok('ok');
  });

  app.delete('/v2/ns/service', async (request) => {
    const p = Params.from(request);
    registry.deleteService(serviceRefV2(p), originOf(request, p.str('username')));
    return v2Ok('ok');
  });

  // As in Nacos v2, an update replaces the service metadata: omitted threshold is 0, omitted metadata is empty.
  // The kind (`ephemeral`) of an existing service never changes.
  app.put('/v2/ns/service', async (request) => {
    const p = Params.from(request);
    registry.updateService(
      serviceRefV2(p),
      {
        protectThreshold: p.float('protectThreshold', 0),
        metadata: p.metadata() ?? {},
        selector: selectorParam(p) ?? { type: 'none' },
      },
      originOf(request, p.str('username')),
    );
    return v2Ok('ok');
  });

  app.get('/v2/ns/service', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV2(p);
    const service = registry.service(ref);
    if (!service) throw new DomainError('SERVICE_NOT_FOUND', `service ${groupedName(ref.group, ref.name)} not found in namespace ${ref.namespace}`);
    return v2Ok(serviceDetail(service));
  });

  app.get('/v2/ns/service/list', async (request) => {
    const p = Params.from(request);
    const namespace = validateNamespaceId(p.str('namespaceId', DEFAULT_NAMESPACE));
    const group = validateGroup(p.str('groupName', DEFAULT_GROUP));
    const paging = pageParams(p, { pageNo: 1, pageSize: 20 }, SERVICE_LIST_MAX_PAGE_SIZE);
    // `selector` is ignored, as in Nacos 2.x. Sorted so that paging is stable (Nacos's order is a hash set's).
    const readable = servicesReadableBy(request);
    const names = registry
      .servicesIn(namespace)
      .filter((s) => s.group === group && readable(s))
      .map((s) => s.name)
      .sort();
    return v2Ok({ count: names.length, services: page(names, paging) });
  });
}

/**
 * The v2 service detail. Clusters are the configured ones plus those that only exist because an instance sits
 * in them. `ephemeral` is false while the kind is still open (no instance yet), as Nacos reports an API-created one.
 */
function serviceDetail(service: ReadonlyService): Record<string, unknown> {
  const clusterMap: Record<string, unknown> = {};
  const names = new Set([...service.clusters.keys(), ...[...service.instances.values()].map((i) => i.cluster)]);
  for (const name of [...names].sort()) {
    const settings = service.clusters.get(name);
    clusterMap[name] = { clusterName: name, healthChecker: settings?.healthChecker ?? DEFAULT_CHECKER, metadata: settings?.metadata ?? {} };
  }
  return {
    namespace: service.namespace,
    groupName: service.group,
    serviceName: service.name,
    clusterMap,
    metadata: service.metadata,
    protectThreshold: service.protectThreshold,
    selector: service.selector,
    ephemeral: service.kind === 'ephemeral',
  };
}
