import { missingParam, splitGroupedName, validateNamespaceId, DEFAULT_NAMESPACE, DEFAULT_GROUP } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { originOf } from '../../origin.js';
import { Params } from '../../params.js';
import { v2Ok } from '../../reply-errors.js';
import { beatAnswer, parseBeat } from '../beat-wire.js';
import { applyMetadataBatch, batchOf } from '../metadata-batch.js';
import { clusterParam, overlayEditOf, registrationOf } from '../wire-params.js';
import { serviceRefGrouped, serviceRefGroupedOrBare, serviceRefV2 } from './v2-params.js';

/** `/v2/ns/instance*`: the v1 instance commands with a separate `groupName` and the `{code,message,data}` wrapper. */
export function instanceV2Routes(app: FastifyInstance, ctx: AppContext): void {
  const { registry } = ctx;

  for (const [method, mode] of [
    ['PUT', 'merge'],
    ['DELETE', 'remove'],
  ] as const) {
    app.route({
      method,
      url: '/v2/ns/instance/metadata/batch',
      handler: async (request) => {
        const p = Params.from(request);
        return v2Ok({ updated: applyMetadataBatch(registry, batchOf(p, serviceRefV2(p)), mode, originOf(request, p.str('username'))) });
      },
    });
  }

  app.post('/v2/ns/instance', async (request) => {
    const p = Params.from(request);
    registry.registerInstance(registrationOf(p, serviceRefV2(p), ctx.registrationDefaults.ephemeral), originOf(request, p.str('username')));
    return v2Ok('ok');
  });

  app.delete('/v2/ns/instance', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV2(p);
    registry.deregisterInstance({ namespace: ref.namespace, group: ref.group, name: ref.name, ip: p.required('ip'), port: p.requiredInt('port') }, originOf(request, p.str('username')));
    return v2Ok('ok');
  });

  // Like v1: an operator overlay (enabled, weight, metadata) that wins over registered values; omitted weight is 1.
  app.put('/v2/ns/instance', async (request) => {
    const p = Params.from(request);
    registry.updateInstance(overlayEditOf(p, serviceRefV2(p)), originOf(request, p.str('username')));
    return v2Ok('ok');
  });

  // Nacos documents a grouped serviceName here and answers a plain `ok` (quirk 9). Nacos marks weight, enabled and
  // metadata as required; we take any subset, as the v1 PATCH does, since a partial patch is the point of PATCH.
  app.patch('/v2/ns/instance', async (request, reply) => {
    const p = Params.from(request);
    const ref = serviceRefGroupedOrBare(p);
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
    return reply.type('text/plain; charset=utf-8').send('ok');
  });

  app.get('/v2/ns/instance', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV2(p);
    const ip = p.required('ip');
    const port = p.requiredInt('port');
    const cluster = clusterParam(p);
    const view = registry.instanceView(ref, ip, port, cluster);
    return v2Ok({
      serviceName: view.serviceName,
      ip,
      port,
      clusterName: cluster,
      weight: view.weight,
      healthy: view.healthy,
      instanceId: view.instanceId,
      metadata: view.metadata,
    });
  });

  app.get('/v2/ns/instance/list', async (request, reply) => {
    const p = Params.from(request);
    const ref = serviceRefV2(p);
    const clusters = p.raw('clusterName') ?? p.raw('clusters') ?? '';
    const healthyOnly = p.bool('healthyOnly', false);
    // v2 names the UDP subscriber address `ip` and `port` (v1: clientIP, udpPort).
    const udpPort = p.int('port', 0);
    const clientIP = p.str('ip');
    if (udpPort > 0 && clientIP) {
      ctx.push.subscribe({ namespace: ref.namespace, group: ref.group, name: ref.name, clusters, healthyOnly, clientIP, udpPort, agent: originOf(request).agent ?? '' });
    }
    ctx.metrics.listQueries.inc();
    const info = ctx.serviceInfo.json({ namespace: ref.namespace, group: ref.group, name: ref.name, clusters, healthyOnly });
    return reply.type('application/json; charset=utf-8').send(`{"code":0,"message":"success","data":${info}}`);
  });

  // The raw v1 beat answer, not wrapped (quirk 9). Nacos requires `group@@service` here, unlike the rest of v2.
  app.put('/v2/ns/instance/beat', async (request) => {
    const p = Params.from(request);
    const result = registry.beat(parseBeat(p, serviceRefGrouped(p)), originOf(request, p.str('username')));
    ctx.metrics.beats.inc();
    return beatAnswer(result, ctx.switches);
  });

  // Key `[namespaceId##]group@@service` in the path; the answer is not wrapped (quirk 9).
  app.get<{ Params: { key: string } }>('/v2/ns/instance/statuses/:key', async (request) => {
    const key = request.params.key.trim();
    if (key === '') throw missingParam('key');
    const hashAt = key.indexOf('##');
    const namespace = validateNamespaceId(hashAt >= 0 ? key.slice(0, hashAt) : DEFAULT_NAMESPACE, 'key');
    const { group, name } = splitGroupedName(hashAt >= 0 ? key.slice(hashAt + 2) : key, DEFAULT_GROUP);
    const service = registry.service({ namespace, group, name });
    const ips = service ? [...service.instances.values()].map((i) => `${i.ip}:${i.port}_${i.healthy}`) : [];
    return { ips };
  });
}
