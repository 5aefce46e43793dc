import { groupedName, invalidParam } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { originOf } from '../../origin.js';
import { Params } from '../../params.js';
import { beatAnswer, parseBeat } from '../beat-wire.js';
import { clusterParam, overlayEditOf, registrationOf, serviceRefV1 } from '../wire-params.js';

/** `/v1/ns/instance*`: register, deregister, update, patch, detail, list, beat, statuses. */
export function instanceRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { registry } = ctx;

  app.post('/v1/ns/instance', async (request) => {
    const p = Params.from(request);
    registry.registerInstance(registrationOf(p, serviceRefV1(p), ctx.registrationDefaults.ephemeral), originOf(request, p.str('username')));
    return 'ok';
  });

  app.delete('/v1/ns/instance', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV1(p);
    registry.deregisterInstance({ namespace: ref.namespace, group: ref.group, name: ref.name, ip: p.required('ip'), port: p.requiredInt('port') }, originOf(request, p.str('username')));
    return 'ok';
  });

  app.put('/v1/ns/instance', async (request) => {
    const p = Params.from(request);
    registry.updateInstance(overlayEditOf(p, serviceRefV1(p)), originOf(request, p.str('username')));
    return 'ok';
  });

  app.patch('/v1/ns/instance', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV1(p);
    registry.patchInstance(
      {
        namespace: ref.namespace,
        group: ref.group,
        name: ref.name,
        ip: p.required('ip'),
        port: p.requiredInt('port'),
        cluster: clusterParam(p),
        weight: p.float('weight'),
        enabled: p.bool('enabled') ?? p.bool('enable'),
        metadata: p.metadata(),
      },
      originOf(request, p.str('username')),
    );
    return 'ok';
  });

  app.get('/v1/ns/instance', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV1(p);
    const ip = p.required('ip');
    const port = p.requiredInt('port');
    const cluster = clusterParam(p);
    const view = registry.instanceView(ref, ip, port, cluster);
    return {
      service: groupedName(ref.group, ref.name),
      ip,
      port,
      clusterName: cluster,
      weight: view.weight,
      healthy: view.healthy,
      instanceId: view.instanceId,
      metadata: view.metadata,
    };
  });

  app.get('/v1/ns/instance/list', async (request, reply) => {
    const p = Params.from(request);
    const ref = serviceRefV1(p);
    const clusters = p.raw('clusters') ?? '';
    const healthyOnly = p.bool('healthyOnly', false);
    const udpPort = p.int('udpPort', 0);
    if (udpPort < 0 || udpPort > 65535) throw invalidParam('udpPort', `Param 'udpPort' must be an integer from 0 to 65535, got '${udpPort}'.`);
    const clientIP = p.str('clientIP');
    if (udpPort > 0 && clientIP) {
      // A clientIP that is not an IP literal, or not reachable from this server, just gets no push (Nacos is as lenient).
      ctx.push.subscribe({ namespace: ref.namespace, group: ref.group, name: ref.name, clusters, healthyOnly, clientIP, udpPort, agent: originOf(request).agent ?? '' });
    }
    ctx.metrics.listQueries.inc();
    return reply.type('application/json; charset=utf-8').send(ctx.serviceInfo.body({ namespace: ref.namespace, group: ref.group, name: ref.name, clusters, healthyOnly }));
  });

  app.put('/v1/ns/instance/beat', async (request) => {
    const p = Params.from(request);
    const result = registry.beat(parseBeat(p, serviceRefV1(p)), originOf(request, p.str('username')));
    ctx.metrics.beats.inc();
    return beatAnswer(result, ctx.switches);
  });

  app.route({
    method: ['GET', 'POST', 'PUT'],
    url: '/v1/ns/instance/statuses',
    handler: async (request) => {
      const p = Params.from(request);
      const key = p.required('key');
      const hashAt = key.indexOf('##');
      const namespaceId = hashAt >= 0 ? key.slice(0, hashAt) : undefined;
      const rest = hashAt >= 0 ? key.slice(hashAt + 2) : key;
      const ref = serviceRefV1(Params.of({ serviceName: rest, ...(namespaceId ? { namespaceId } : {}) }));
      const service = registry.service(ref);
      const ips = service ? [...service.instances.values()].map((i) => `${i.ip}:${i.port}_${i.healthy}`) : [];
      return { ips };
    },
  });
}
