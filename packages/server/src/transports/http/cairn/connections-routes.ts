import type { ConnectionJson, ConnectionsJson } from '@cairn/api';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { subscriptionsOf } from '../naming/naming-clients.js';

/**
 * `GET /v1/cairn/connections`: every open gRPC connection in one answer, for the console: its client's facts, when
 * it connected and last sent anything, the instances it holds and the services it subscribes. The Nacos endpoints
 * (`/v2/core/loader/current`, `/v2/ns/client*`) tell the same, one client per request.
 */
export function connectionsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v1/cairn/connections', async (): Promise<ConnectionsJson> => {
    const subscriptions = subscriptionsOf(ctx);
    const connections = ctx.connections
      .list()
      .sort((a, b) => a.connectedSince - b.connectedSince)
      .map(
        (c): ConnectionJson => ({
          connectionId: c.connectionId,
          ip: c.ip,
          port: c.port,
          clientVersion: c.clientVersion,
          appName: c.appName,
          namespace: c.namespace,
          module: c.module,
          labels: c.labels,
          connectedSince: c.connectedSince,
          lastActive: c.lastActive,
          published: ctx.registry.instancesOwnedBy(c.connectionId).map(({ service, instance }) => ({
            namespace: service.namespace,
            group: service.group,
            serviceName: service.name,
            ip: instance.ip,
            port: instance.port,
            cluster: instance.cluster,
          })),
          subscribed: subscriptions.filter((s) => s.clientId === c.connectionId).map((s) => ({ namespace: s.namespace, group: s.group, serviceName: s.name, clusters: s.clusters })),
        }),
      );
    return { count: connections.length, connections };
  });
}
