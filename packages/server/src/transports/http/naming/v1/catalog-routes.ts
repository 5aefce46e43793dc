import { DEFAULT_NAMESPACE, groupedName, isEnabled, toView, validateNamespaceId, type ReadonlyService } from '@cairn/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { servicesReadableBy } from '../../auth/http-auth.js';
import { pageOf, pageParams } from '../../paging.js';
import { checkerJson, clusterNames, ephemeralOf, selectorJson, serviceCounts, sortedServices } from '../service-views.js';
import { serviceRefV1 } from '../wire-params.js';

/**
 * `/v1/ns/catalog/*`: what the console lists. Unlike consumer queries these show disabled instances, and each
 * service carries Cairn's extra counts (unhealthy, disabled) and its protect-threshold state.
 */
export function catalogRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { registry } = ctx;

  app.get('/v1/ns/catalog/services', async (request) => {
    const p = Params.from(request);
    const namespace = validateNamespaceId(p.str('namespaceId', DEFAULT_NAMESPACE));
    const page = pageParams(p, { pageNo: 1, pageSize: 20 });
    const nameLike = p.str('serviceNameParam')?.toLowerCase();
    const groupLike = p.str('groupNameParam')?.toLowerCase();
    const containing = p.str('instance');
    const hasIpCount = p.bool('hasIpCount', false);
    const readable = servicesReadableBy(request);
    const services = sortedServices(registry.servicesIn(namespace)).filter(
      (s) =>
        readable(s)
        && (nameLike === undefined || s.name.toLowerCase().includes(nameLike))
        && (groupLike === undefined || s.group.toLowerCase().includes(groupLike))
        && (containing === undefined || hasInstanceAt(s, containing))
        && (!hasIpCount || s.instances.size > 0),
    );
    if (p.bool('withInstances', false)) return pageOf(services, page).map(serviceWithInstances);
    return { count: services.length, serviceList: pageOf(services, page).map(serviceSummary) };
  });

  app.get('/v1/ns/catalog/service', async (request, reply) => {
    const ref = serviceRefV1(Params.from(request));
    const service = registry.service(ref);
    if (!service) return notFound(reply, `service ${groupedName(ref.group, ref.name)} is not found!`);
    return {
      service: {
        name: service.name,
        groupName: service.group,
        protectThreshold: service.protectThreshold,
        selector: selectorJson(service.selector),
        metadata: service.metadata,
        ephemeral: ephemeralOf(service),
      },
      clusters: clusterNames(service).map((name) => {
        const settings = service.clusters.get(name);
        return {
          serviceName: service.name,
          name,
          healthChecker: checkerJson(settings?.healthChecker),
          metadata: settings?.metadata ?? {},
          useIPPort4Check: settings?.useInstancePortForCheck ?? true,
          defaultPort: 80,
          defaultCheckPort: settings?.checkPort ?? 80,
        };
      }),
    };
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/v1/ns/catalog/instances',
    handler: async (request, reply) => {
      const p = Params.from(request);
      const ref = serviceRefV1(p);
      const cluster = p.required('clusterName');
      const page = pageParams(p, 'required');
      const service = registry.service(ref);
      if (!service) return notFound(reply, `service ${groupedName(ref.group, ref.name)} is not found!`);
      if (!clusterNames(service).includes(cluster)) return notFound(reply, `cluster ${cluster} is not found in service ${groupedName(ref.group, ref.name)}!`);
      const instances = [...service.instances.values()].filter((i) => i.cluster === cluster).sort((a, b) => a.ip.localeCompare(b.ip) || a.port - b.port);
      const list = pageOf(instances, page).map((i) => ({
        ...toView(service, i),
        // When the last beat came: the console shows how close an ephemeral instance is to going unhealthy.
        ...(i.ephemeral ? { lastBeatAt: i.lastBeatAt } : {}),
      }));
      return { list, count: instances.length };
    },
  });
}

/** `ip:port` matches that address; a bare ip matches any port. */
function hasInstanceAt(service: ReadonlyService, address: string): boolean {
  for (const i of service.instances.values()) {
    if (address.includes(':') ? `${i.ip}:${i.port}` === address : i.ip === address) return true;
  }
  return false;
}

function cairnExtras(service: ReadonlyService): Record<string, unknown> {
  const counts = serviceCounts(service);
  return {
    unhealthyInstanceCount: counts.unhealthyInstanceCount,
    disabledInstanceCount: counts.disabledInstanceCount,
    protectThreshold: service.protectThreshold,
    reachProtectionThreshold: service.protectionReached,
  };
}

function serviceSummary(service: ReadonlyService): Record<string, unknown> {
  const counts = serviceCounts(service);
  return {
    name: service.name,
    groupName: service.group,
    clusterCount: clusterNames(service).length,
    ipCount: counts.ipCount,
    healthyInstanceCount: counts.healthyInstanceCount,
    // Nacos's string flag; Cairn's protect-threshold rule decides it (a threshold of 0 never trips).
    triggerFlag: String(service.protectionReached),
    ...cairnExtras(service),
  };
}

function serviceWithInstances(service: ReadonlyService): Record<string, unknown> {
  const clusterMap: Record<string, { hosts: unknown[] }> = {};
  for (const name of clusterNames(service)) clusterMap[name] = { hosts: [] };
  for (const i of service.instances.values()) {
    const view = toView(service, i);
    clusterMap[i.cluster].hosts.push({ ip: i.ip, port: i.port, valid: i.healthy, enabled: isEnabled(service, i), weight: view.weight, metadata: view.metadata });
  }
  return { serviceName: service.name, groupName: service.group, metadata: service.metadata, clusterMap, ...cairnExtras(service) };
}

function notFound(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send(message);
}
