import { DEFAULT_GROUP, DEFAULT_NAMESPACE, groupedName, invalidParam, missingParam, validateGroup, validateNamespaceId } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { originOf } from '../../origin.js';
import { Params } from '../../params.js';
import { servicesReadableBy } from '../../auth/http-auth.js';
import { pageOf, pageParams } from '../../paging.js';
import { checkerJson, clusterNames, ephemeralOf, selectorJson, selectorParam, serviceDefinitionOf, serviceNotFound, sortedServices } from '../service-views.js';
import { serviceRefV1 } from '../wire-params.js';
import { subscriptionsOf } from '../naming-clients.js';

/** Longest `expr` accepted by `/service/names`: it is a user-supplied regular expression. */
const MAX_EXPR_CHARS = 128;

/**
 * `/v1/ns/service*`: create, delete, update, detail, list, names, subscribers, selector types.
 *
 * Deviation from Nacos: a service created here has no kind until its first instance registers (Nacos makes it
 * persistent, so ephemeral clients then fail to register into it), unless the caller passes `ephemeral`.
 */
export function serviceRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { registry } = ctx;

  app.post('/v1/ns/service', async (request) => {
    const p = Params.from(request);
    registry.createService(serviceRefV1(p), serviceDefinitionOf(p), originOf(request, p.str('username')));
    return 'ok';
  });

  app.delete('/v1/ns/service', async (request) => {
    const p = Params.from(request);
    registry.deleteService(serviceRefV1(p), originOf(request, p.str('username')));
    return 'ok';
  });

  // PUT replaces the service's settings as Nacos does: omitted metadata becomes empty, omitted selector `none`.
  app.put('/v1/ns/service', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV1(p);
    const protectThreshold = p.float('protectThreshold');
    if (protectThreshold === undefined) throw missingParam('protectThreshold');
    registry.updateService(
      ref,
      {
        protectThreshold,
        metadata: p.metadata() ?? {},
        selector: selectorParam(p) ?? { type: 'none' },
      },
      originOf(request, p.str('username')),
    );
    return 'ok';
  });

  app.get('/v1/ns/service', async (request) => {
    const ref = serviceRefV1(Params.from(request));
    const service = registry.service(ref);
    if (!service) throw serviceNotFound(ref);
    return {
      namespaceId: service.namespace,
      groupName: service.group,
      name: service.name,
      protectThreshold: service.protectThreshold,
      metadata: service.metadata,
      selector: selectorJson(service.selector),
      clusters: clusterNames(service).map((name) => {
        const settings = service.clusters.get(name);
        return { name, healthChecker: checkerJson(settings?.healthChecker), metadata: settings?.metadata ?? {} };
      }),
      ephemeral: ephemeralOf(service),
    };
  });

  app.get('/v1/ns/service/list', async (request) => {
    const p = Params.from(request);
    const page = pageParams(p, 'required');
    const namespace = validateNamespaceId(p.str('namespaceId', DEFAULT_NAMESPACE));
    const group = validateGroup(p.str('groupName', DEFAULT_GROUP));
    const readable = servicesReadableBy(request);
    const names = registry
      .servicesIn(namespace)
      .filter((s) => s.group === group && readable(s))
      .map((s) => s.name)
      .sort();
    return { count: names.length, doms: pageOf(names, page) };
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/v1/ns/service/names',
    handler: async (request) => {
      const p = Params.from(request);
      const namespace = p.str('namespaceId');
      if (namespace !== undefined) validateNamespaceId(namespace);
      const matches = exprMatcher(p.str('expr'));
      const byNamespace: Record<string, string[]> = {};
      let count = 0;
      const readable = servicesReadableBy(request);
      for (const service of sortedServices(registry.allServices())) {
        if (namespace !== undefined && service.namespace !== namespace) continue;
        if (!readable(service)) continue;
        const grouped = groupedName(service.group, service.name);
        if (!matches(grouped)) continue;
        (byNamespace[service.namespace] ??= []).push(grouped);
        count++;
      }
      // 2.2+ answers under the (accidental) key `META-INF/services`; older clients read `services`.
      return { 'META-INF/services': byNamespace, services: byNamespace, count };
    },
  });

  app.get('/v1/ns/service/subscribers', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV1(p);
    const page = pageParams(p, { pageNo: 1, pageSize: 1000 });
    // UDP subscribers (v1 clients) and gRPC connections' subscriptions.
    const all = subscriptionsOf(ctx, ref).map((s) => ({
      addrStr: `${s.ip}:${s.port}`,
      agent: s.agent,
      app: s.app || 'unknown',
      ip: s.ip,
      port: s.port,
      namespaceId: s.namespace,
      serviceName: groupedName(s.group, s.name),
      cluster: s.clusters,
    }));
    return { subscribers: pageOf(all, page), count: all.length };
  });

  app.get('/v1/ns/service/selector/types', async () => ({ code: 200, message: null, data: ['none', 'label'] }));
}

/** Nacos matches `.*expr.*` against `group@@service`; an unanchored test is the same and backtracks less. */
function exprMatcher(expr: string | undefined): (name: string) => boolean {
  if (expr === undefined) return () => true;
  if (expr.length > MAX_EXPR_CHARS) throw invalidParam('expr', `Param 'expr' must be at most ${MAX_EXPR_CHARS} characters.`);
  let regex: RegExp;
  try {
    regex = new RegExp(expr);
  } catch {
    throw invalidParam('expr', `Param 'expr' is not a valid regular expression: '${expr}'.`);
  }
  return (name) => regex.test(name);
}
