import { invalidParam, type ConnectionSnapshot, type RedirectTarget } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';

/**
 * Nacos's server loader endpoints over the live gRPC connections, under `/v2/core/loader` (Nacos 2.x) and
 * `/v1/core/loader` (earlier 2.0 releases and tools written for them):
 * - `GET …/current`: connection id → the connection's metadata.
 * - `GET …/reloadClient?connectionId=&redirectAddress=`: sends the client a ConnectResetRequest so it reconnects
 *   (to `redirectAddress` `ip:port` when given); answers `success`. Nacos also answers `success` for an unknown
 *   id; Cairn answers 404 naming it.
 */
export function loaderRoutes(app: FastifyInstance, ctx: AppContext): void {
  for (const prefix of ['/v1/core/loader', '/v2/core/loader']) {
    app.get(`${prefix}/current`, async () => Object.fromEntries(ctx.connections.list().map((c) => [c.connectionId, connectionJson(c)])));

    app.get(`${prefix}/reloadClient`, async (request, reply) => {
      const p = Params.from(request);
      const connectionId = p.required('connectionId');
      const redirect = redirectOf(p.str('redirectAddress'));
      if (!ctx.connections.reset(connectionId, redirect)) {
        return reply.code(404).type('text/plain; charset=utf-8').send(`connection ${connectionId} not found`);
      }
      return reply.type('text/plain; charset=utf-8').send('success');
    });
  }
}

/** Nacos's Connection JSON: the metadata it keeps of a connection (what Cairn knows of it). */
function connectionJson(c: ConnectionSnapshot): Record<string, unknown> {
  return {
    metaInfo: {
      connectType: 'GRPC',
      clientIp: c.ip,
      remoteIp: c.ip,
      remotePort: c.port,
      version: c.clientVersion,
      connectionId: c.connectionId,
      createTime: new Date(c.connectedSince).toISOString(),
      lastActiveTime: c.lastActive,
      appName: c.appName,
      namespaceId: c.namespace,
      labels: c.labels,
      sdkSource: c.labels.source === 'sdk',
      clusterSource: c.labels.source === 'cluster',
    },
    labels: c.labels,
    traced: false,
  };
}

function redirectOf(address: string | undefined): RedirectTarget | undefined {
  if (address === undefined || address === '') return undefined;
  const colon = address.lastIndexOf(':');
  const ip = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw invalidParam('redirectAddress', `Param 'redirectAddress' must be ip:port, got '${address}'.`);
  }
  return { ip, port };
}
