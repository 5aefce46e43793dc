import type { ReadonlyInstance, Registry, ServiceRef } from '@cairn/core';
import type { Subscription, UdpPush } from '../../../../push/udp/udp-push.js';

/**
 * An HTTP "client" in the Nacos 2.x sense: the address `ip:port` plus the kind, id `ip:port#true|false`.
 *
 * Approximation: Cairn keeps no client objects yet (no gRPC connections), so clients are derived on each call
 * from what the registry holds: every registered instance is published by the client `ip:port#<ephemeral>`,
 * and every UDP push subscriber is an ephemeral client `clientIP:udpPort#true` that subscribes. A client
 * therefore exists exactly as long as one of its instances or subscriptions does, and its last update time is
 * the latest beat or registration of its instances (0 for a subscriber-only client: polls are not timestamped
 * outside the push module).
 */
export interface HttpClient {
  clientId: string;
  ip: string;
  port: number;
  ephemeral: boolean;
  lastUpdatedTime: number;
  published: Array<{ service: ServiceRef; instance: ReadonlyInstance }>;
  subscribed: Subscription[];
}

export function clientIdOf(ip: string, port: number, ephemeral: boolean): string {
  return `${ip}:${port}#${ephemeral}`;
}

export function deriveClients(registry: Registry, push: UdpPush): Map<string, HttpClient> {
  const clients = new Map<string, HttpClient>();
  const clientFor = (ip: string, port: number, ephemeral: boolean): HttpClient => {
    const clientId = clientIdOf(ip, port, ephemeral);
    let client = clients.get(clientId);
    if (!client) clients.set(clientId, (client = { clientId, ip, port, ephemeral, lastUpdatedTime: 0, published: [], subscribed: [] }));
    return client;
  };
  for (const service of registry.allServices()) {
    for (const instance of service.instances.values()) {
      const client = clientFor(instance.ip, instance.port, instance.ephemeral);
      client.published.push({ service, instance });
      client.lastUpdatedTime = Math.max(client.lastUpdatedTime, instance.lastBeatAt, instance.registeredAt);
    }
  }
  for (const sub of push.subscribers()) {
    const client = clientFor(sub.clientIP, sub.udpPort, true);
    client.subscribed.push(sub);
  }
  return clients;
}
