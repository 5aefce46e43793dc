import type { ConnectionDirectory, ConnectionSnapshot, ReadonlyInstance, ReadonlyService, Registry, ServiceRef } from '@cairn/core';
import type { GrpcSubscriptions } from '../../../push/grpc/grpc-push.js';
import type { UdpPush } from '../../../push/udp/udp-push.js';

/** The read models naming clients are derived from (an AppContext is one). */
export interface ClientSources {
  registry: Registry;
  /** v1 HTTP clients' UDP push subscriptions. */
  push: Pick<UdpPush, 'subscribers'>;
  /** The live gRPC connections. */
  connections: ConnectionDirectory;
  /** gRPC connections' subscriptions. */
  grpcSubscriptions: GrpcSubscriptions;
}

/** One subscription of one client, whichever its kind. */
export interface ClientSubscription extends ServiceRef {
  clientId: string;
  clusters: string;
  ip: string;
  port: number;
  /** The client's version (`User-Agent` over HTTP, `clientVersion` over gRPC); `''` when unknown. */
  agent: string;
  /** The application name; `''` when unknown. */
  app: string;
}

export interface PublishedInstance {
  service: ReadonlyService;
  instance: ReadonlyInstance;
}

/**
 * A naming client in the Nacos 2.x sense, of one of two kinds:
 * - `connection`: a gRPC connection, id `<millis>_<ip>_<port>`. Every open connection counts except those whose
 *   client set it up for config alone (label `module: config`) and neither publishes nor subscribes.
 * - `ipPort`: an HTTP 1.x client, id `ip:port#<ephemeral>`. Cairn keeps no client objects for these, so they are
 *   derived from what the registry holds: an instance kept by HTTP beats (or a persistent one, whoever registered
 *   it) is published by `ip:port#<ephemeral>`, and every UDP push subscriber is the ephemeral client
 *   `clientIP:udpPort#true`. Such a client exists exactly as long as one of its instances or subscriptions does.
 */
export interface NamingClient {
  clientId: string;
  clientType: 'connection' | 'ipPort';
  ip: string;
  port: number;
  ephemeral: boolean;
  /** Connection: when its client last sent anything. ipPort: its latest beat or registration (0 if it only subscribes). */
  lastUpdatedTime: number;
  /** The connection, for `connection` clients. */
  connection?: ConnectionSnapshot;
  published: PublishedInstance[];
  subscribed: ClientSubscription[];
}

export function ipPortClientId(ip: string, port: number, ephemeral: boolean): string {
  return `${ip}:${port}#${ephemeral}`;
}

/** True when the instance is published by its HTTP (ipPort) client: not kept by connections alone. */
export function publishedOverHttp(instance: ReadonlyInstance): boolean {
  return !instance.ephemeral || !instance.holders || instance.holders.beats;
}

/** Every subscription to `ref` (or to any service), UDP and gRPC, with its client's id and address. */
export function subscriptionsOf(sources: ClientSources, ref?: ServiceRef): ClientSubscription[] {
  const udp = sources.push.subscribers(ref).map((s) => ({
    namespace: s.namespace,
    group: s.group,
    name: s.name,
    clusters: s.clusters,
    clientId: ipPortClientId(s.clientIP, s.udpPort, true),
    ip: s.clientIP,
    port: s.udpPort,
    agent: s.agent,
    app: '',
  }));
  const byId = new Map(sources.connections.list().map((c) => [c.connectionId, c]));
  const grpc = sources.grpcSubscriptions.subscribers(ref).flatMap((s) => {
    const c = byId.get(s.connectionId);
    if (!c) return [];
    return [{ namespace: s.namespace, group: s.group, name: s.name, clusters: s.clusters, clientId: s.connectionId, ip: c.ip, port: c.port, agent: c.clientVersion, app: c.appName }];
  });
  return [...udp, ...grpc];
}

/** The publishers of one service's instances: for each instance, its HTTP client and the connections holding it. */
export function publishersOf(service: ReadonlyService): Array<{ clientId: string; instance: ReadonlyInstance }> {
  const out: Array<{ clientId: string; instance: ReadonlyInstance }> = [];
  for (const instance of service.instances.values()) {
    if (publishedOverHttp(instance)) out.push({ clientId: ipPortClientId(instance.ip, instance.port, instance.ephemeral), instance });
    for (const connection of instance.holders?.connections ?? []) out.push({ clientId: connection.connectionId, instance });
  }
  return out;
}

/** All naming clients now, by id. Built on each call from the read models; nothing is cached. */
export function deriveClients(sources: ClientSources): Map<string, NamingClient> {
  const clients = new Map<string, NamingClient>();
  for (const connection of sources.connections.list()) {
    const published = sources.registry.instancesOwnedBy(connection.connectionId);
    clients.set(connection.connectionId, {
      clientId: connection.connectionId,
      clientType: 'connection',
      ip: connection.ip,
      port: connection.port,
      ephemeral: true,
      lastUpdatedTime: connection.lastActive,
      connection,
      published,
      subscribed: [],
    });
  }
  const ipPortClient = (ip: string, port: number, ephemeral: boolean): NamingClient => {
    const clientId = ipPortClientId(ip, port, ephemeral);
    let client = clients.get(clientId);
    if (!client) clients.set(clientId, (client = { clientId, clientType: 'ipPort', ip, port, ephemeral, lastUpdatedTime: 0, published: [], subscribed: [] }));
    return client;
  };
  for (const service of sources.registry.allServices()) {
    for (const instance of service.instances.values()) {
      if (!publishedOverHttp(instance)) continue;
      const client = ipPortClient(instance.ip, instance.port, instance.ephemeral);
      client.published.push({ service, instance });
      client.lastUpdatedTime = Math.max(client.lastUpdatedTime, instance.lastBeatAt, instance.registeredAt);
    }
  }
  for (const sub of subscriptionsOf(sources)) {
    const client = clients.get(sub.clientId) ?? ipPortClient(sub.ip, sub.port, true);
    client.subscribed.push(sub);
  }
  for (const [id, client] of clients) {
    const configOnly = client.connection?.module === 'config' && client.published.length === 0 && client.subscribed.length === 0;
    if (configOnly) clients.delete(id);
  }
  return clients;
}
