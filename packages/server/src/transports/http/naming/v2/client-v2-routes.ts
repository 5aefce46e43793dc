import { groupedName, missingParam } from '@cairn/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Subscription } from '../../../../push/udp/udp-push.js';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { v2Ok } from '../../reply-errors.js';
import { clientIdOf, deriveClients, type HttpClient } from './http-clients.js';
import { RESOURCE_NOT_FOUND, replyV2Code } from './v2-errors.js';
import { serviceRefV2 } from './v2-params.js';

/** `/v2/ns/client*`: who publishes and who subscribes, over the HTTP clients derived in http-clients.ts. */
export function clientV2Routes(app: FastifyInstance, ctx: AppContext): void {
  const clients = (): Map<string, HttpClient> => deriveClients(ctx.registry, ctx.push);

  app.get('/v2/ns/client/list', async () => v2Ok([...clients().keys()].sort()));

  app.get('/v2/ns/client', async (request, reply) => {
    const client = findClient(Params.from(request), clients(), reply);
    if (!client) return reply;
    // Only connection-based (gRPC) clients have connectType, appName and version; Nacos leaves them out for ipPort ones.
    return v2Ok({
      clientId: client.clientId,
      ephemeral: client.ephemeral,
      lastUpdatedTime: client.lastUpdatedTime,
      clientType: 'ipPort',
      clientIp: client.ip,
      clientPort: client.port,
    });
  });

  app.get('/v2/ns/client/publish/list', async (request, reply) => {
    const client = findClient(Params.from(request), clients(), reply);
    if (!client) return reply;
    return v2Ok(
      client.published.map(({ service, instance }) => ({
        namespace: service.namespace,
        group: service.group,
        serviceName: service.name,
        registeredInstance: { ip: instance.ip, port: instance.port, cluster: instance.cluster },
      })),
    );
  });

  app.get('/v2/ns/client/subscribe/list', async (request, reply) => {
    const client = findClient(Params.from(request), clients(), reply);
    if (!client) return reply;
    return v2Ok(
      client.subscribed.map((sub) => ({
        namespace: sub.namespace,
        group: sub.group,
        serviceName: sub.name,
        subscriberInfo: subscriberInfo(sub),
      })),
    );
  });

  app.get('/v2/ns/client/service/publisher/list', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV2(p);
    const ephemeral = p.bool('ephemeral', true);
    const ip = p.str('ip');
    const port = p.int('port');
    const service = ctx.registry.service(ref);
    const publishers = service ? [...service.instances.values()] : [];
    return v2Ok(publishers.filter((i) => i.ephemeral === ephemeral && (ip === undefined || i.ip === ip) && (port === undefined || i.port === port)).map((i) => ({ clientId: clientIdOf(i.ip, i.port, i.ephemeral), ip: i.ip, port: i.port })));
  });

  app.get('/v2/ns/client/service/subscriber/list', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV2(p);
    const ephemeral = p.bool('ephemeral', true);
    const ip = p.str('ip');
    const port = p.int('port');
    // UDP subscribers are always ephemeral clients.
    const subs = ephemeral ? ctx.push.subscribers(ref) : [];
    return v2Ok(subs.filter((s) => (ip === undefined || s.clientIP === ip) && (port === undefined || s.udpPort === port)).map((s) => ({ clientId: clientIdOf(s.clientIP, s.udpPort, true), ip: s.clientIP, port: s.udpPort })));
  });
}

function findClient(p: Params, clients: Map<string, HttpClient>, reply: FastifyReply): HttpClient | undefined {
  const clientId = p.str('clientId');
  if (clientId === undefined) throw missingParam('clientId');
  const client = clients.get(clientId);
  if (!client) void replyV2Code(reply, 404, RESOURCE_NOT_FOUND, `clientId ${clientId} not exist`);
  return client;
}

/** Nacos's Subscriber JSON for a UDP subscriber. */
function subscriberInfo(sub: Subscription): Record<string, unknown> {
  return {
    addrStr: `${sub.clientIP}:${sub.udpPort}`,
    agent: sub.agent,
    app: '',
    ip: sub.clientIP,
    port: sub.udpPort,
    namespaceId: sub.namespace,
    serviceName: groupedName(sub.group, sub.name),
    cluster: sub.clusters,
  };
}
