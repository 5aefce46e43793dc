import { groupedName, missingParam } from '@cairn/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { v2Ok } from '../../reply-errors.js';
import { deriveClients, publishersOf, subscriptionsOf, type ClientSources, type ClientSubscription, type NamingClient } from '../naming-clients.js';
import { RESOURCE_NOT_FOUND, replyV2Code } from './v2-errors.js';
import { serviceRefV2 } from './v2-params.js';

/**
 * `/v2/ns/client*`: the naming clients, gRPC connections (`connection`) and HTTP 1.x clients (`ipPort`), what each
 * publishes and subscribes, and who publishes or subscribes a service (see naming-clients.ts for what counts).
 */
export function clientV2Routes(app: FastifyInstance, ctx: AppContext): void {
  const sources: ClientSources = ctx;

  app.get('/v2/ns/client/list', async () => v2Ok([...deriveClients(sources).keys()].sort()));

  app.get('/v2/ns/client', async (request, reply) => {
    const client = findClient(Params.from(request), sources, reply);
    if (!client) return reply;
    return v2Ok(clientDetail(client));
  });

  app.get('/v2/ns/client/publish/list', async (request, reply) => {
    const client = findClient(Params.from(request), sources, reply);
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
    const client = findClient(Params.from(request), sources, reply);
    if (!client) return reply;
    return v2Ok(client.subscribed.map((sub) => ({ namespace: sub.namespace, group: sub.group, serviceName: sub.name, subscriberInfo: subscriberInfo(sub) })));
  });

  app.get('/v2/ns/client/service/publisher/list', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV2(p);
    const ephemeral = p.bool('ephemeral', true);
    const ip = p.str('ip');
    const port = p.int('port');
    const service = ctx.registry.service(ref);
    const publishers = service ? publishersOf(service) : [];
    return v2Ok(publishers.filter(({ instance: i }) => i.ephemeral === ephemeral && (ip === undefined || i.ip === ip) && (port === undefined || i.port === port)).map(({ clientId, instance: i }) => ({ clientId, ip: i.ip, port: i.port })));
  });

  app.get('/v2/ns/client/service/subscriber/list', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV2(p);
    const ephemeral = p.bool('ephemeral', true);
    const ip = p.str('ip');
    const port = p.int('port');
    // Subscribers are always ephemeral clients (UDP subscribers and connections).
    const subs = ephemeral ? subscriptionsOf(sources, ref) : [];
    return v2Ok(subs.filter((s) => (ip === undefined || s.ip === ip) && (port === undefined || s.port === port)).map((s) => ({ clientId: s.clientId, ip: s.ip, port: s.port })));
  });
}

function findClient(p: Params, sources: ClientSources, reply: FastifyReply): NamingClient | undefined {
  const clientId = p.str('clientId');
  if (clientId === undefined) throw missingParam('clientId');
  const client = deriveClients(sources).get(clientId);
  if (!client) void replyV2Code(reply, 404, RESOURCE_NOT_FOUND, `clientId ${clientId} not exist`);
  return client;
}

/**
 * Nacos's client detail; connection clients add `connectType`, `appName` and `version` (Nacos leaves them out for
 * ipPort ones), and Cairn adds when the connection opened and when its client last sent anything.
 */
function clientDetail(client: NamingClient): Record<string, unknown> {
  const common = { clientId: client.clientId, ephemeral: client.ephemeral, lastUpdatedTime: client.lastUpdatedTime, clientType: client.clientType };
  const c = client.connection;
  if (!c) return { ...common, clientIp: client.ip, clientPort: client.port };
  return { ...common, connectType: 'GRPC', appName: c.appName, version: c.clientVersion, clientIp: c.ip, clientPort: c.port, connectedSince: c.connectedSince, lastActive: c.lastActive };
}

/** Nacos's Subscriber JSON (`addr` in 2.2+, `addrStr` before). */
function subscriberInfo(sub: ClientSubscription): Record<string, unknown> {
  const addr = `${sub.ip}:${sub.port}`;
  return { addr, addrStr: addr, agent: sub.agent, app: sub.app, ip: sub.ip, port: sub.port, namespaceId: sub.namespace, serviceName: groupedName(sub.group, sub.name), cluster: sub.clusters };
}
