import type { ServerAddress } from '../../address.js';
import { cacheKey } from '../../cache/service-cache.js';
import { CairnClosedError, CairnRequestError, kindOfNetworkError } from '../../errors.js';
import type { ResolvedOptions } from '../../resolved-options.js';
import { listAnswerOf } from '../list-answer.js';
import type { ConnectedTransport, ListAnswer, PushListener, Registration, ServiceKey } from '../naming-transport.js';
import { ServerPool } from '../server-pool.js';
import { GrpcChannel, type ServerRequestHandler } from './grpc-channel.js';
import type { GrpcAnswer } from './grpc-wire.js';
import { instanceBody, instanceOf, namingIdentity, serviceBody } from './naming-requests.js';
import { ConnectionKeeper } from './connection-keeper.js';

/**
 * Nacos 2.x naming over gRPC. One connection at a time, to the first server of the pool that completes the
 * handshake. Ephemeral instances are held by the connection (no beats); the transport remembers them and the
 * subscriptions, and whenever the connection is lost it reconnects (the next server on failure, with backoff),
 * registers every instance again and subscribes again, handing each subscription the fresh list.
 */
export class GrpcNamingTransport implements ConnectedTransport {
  readonly keeps = 'connection';
  readonly pool: ServerPool;
  private channel: { channel: GrpcChannel; server: ServerAddress } | undefined;
  private connecting: Promise<GrpcChannel> | undefined;
  private readonly instances = new Map<string, Registration>();
  private readonly subscriptions = new Map<string, { key: ServiceKey; listener: PushListener }>();
  private readonly keeper: ConnectionKeeper;
  private closed = false;

  constructor(private readonly o: ResolvedOptions) {
    this.pool = new ServerPool(o.servers, () => o.clock.now(), o.random);
    this.keeper = new ConnectionKeeper(
      () => this.connection(),
      () => this.channel?.channel,
      o.clock,
      o.random,
      o.logger,
    );
  }

  async register(r: Registration): Promise<void> {
    if (!r.ephemeral) {
      await this.call('PersistentInstanceRequest', instanceBody(r, 'registerInstance'));
      return;
    }
    // Remembered once the server took it: a connection lost before that fails the request, which is then sent on
    // the new connection; one lost after it is redone with the rest.
    await this.call('InstanceRequest', instanceBody(r, 'registerInstance'));
    this.instances.set(instanceId(r), r);
  }

  async batchRegister(key: ServiceKey, regs: Registration[]): Promise<void> {
    await this.call('BatchInstanceRequest', { ...serviceBody(key), type: 'batchRegisterInstance', instances: regs.map(instanceOf) });
    for (const [id, r] of [...this.instances]) if (r.group === key.group && r.service === key.service) this.instances.delete(id);
    for (const r of regs) this.instances.set(instanceId(r), r);
  }

  async deregister(r: Registration): Promise<void> {
    if (r.ephemeral) this.instances.delete(instanceId(r));
    await this.call(r.ephemeral ? 'InstanceRequest' : 'PersistentInstanceRequest', instanceBody(r, 'deregisterInstance'));
  }

  async list(key: ServiceKey): Promise<ListAnswer> {
    const answer = await this.call('ServiceQueryRequest', { ...serviceBody(key), cluster: key.clusters, healthyOnly: false, udpPort: 0 });
    return listAnswerOf(serviceInfoOf(answer.body));
  }

  async subscribe(key: ServiceKey, listener: PushListener): Promise<ListAnswer> {
    this.subscriptions.set(cacheKey(key), { key, listener });
    let answer: GrpcAnswer;
    try {
      answer = await this.call('SubscribeServiceRequest', { ...serviceBody(key), clusters: key.clusters, subscribe: true });
    } catch (error) {
      // No server now: the subscription is made when one answers.
      if (!this.channel?.channel.isOpen) this.keeper.reconnect();
      throw error;
    }
    return listAnswerOf(serviceInfoOf(answer.body));
  }

  unsubscribe(key: ServiceKey): void {
    if (!this.subscriptions.delete(cacheKey(key))) return;
    const channel = this.channel?.channel;
    if (!channel?.isOpen) return; // the subscription ended with the connection
    channel.request('SubscribeServiceRequest', { ...serviceBody(key), clusters: key.clusters, subscribe: false }).catch((error: unknown) => {
      this.o.logger.debug?.(`unsubscribe of ${cacheKey(key)} failed: ${(error as Error).message}`);
    });
  }

  /** Closes the connection: the server removes the instances it held at once. */
  close(): void {
    this.closed = true;
    this.keeper.stop();
    this.channel?.channel.close();
    this.channel = undefined;
  }

  /** The current connection, or a new one (the pool's order, first handshake wins) with everything remembered redone. */
  connection(): Promise<GrpcChannel> {
    if (this.closed) return Promise.reject(new CairnClosedError());
    if (this.channel?.channel.isOpen) return Promise.resolve(this.channel.channel);
    this.connecting ??= this.connectAny().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** One request on the connection; a connection that fails it is dropped and the request tried once more on a new one. */
  private async call(type: string, body: Record<string, unknown>) {
    for (let attempt = 1; ; attempt++) {
      const channel = await this.connection();
      try {
        return await channel.request(type, body);
      } catch (error) {
        const kind = kindOfNetworkError(error);
        if (kind === 'client-error' || kind === 'server-error' || kind === 'bad-answer' || attempt >= 2) throw error;
        channel.drop(`${type} failed: ${(error as Error).message}`);
      }
    }
  }

  private async connectAny(): Promise<GrpcChannel> {
    let last: unknown;
    for (const server of this.pool.order()) {
      const target = grpcTarget(server, this.o.grpcPortOffset);
      const channel: GrpcChannel = new GrpcChannel(
        target,
        this.o.requestTimeoutMs,
        this.serverRequests(() => channel),
        (why) => this.lost(channel, why),
      );
      try {
        await channel.open(namingIdentity(this.o));
      } catch (error) {
        this.pool.failed(server, kindOfNetworkError(error), this.o.random);
        last = error;
        continue;
      }
      if (this.closed) {
        channel.close();
        throw new CairnClosedError();
      }
      this.pool.succeeded(server);
      this.channel = { channel, server };
      this.o.logger.info?.(`gRPC connected to ${target} as ${channel.connectionId}`);
      this.keeper.connected();
      await this.redo(channel);
      return channel;
    }
    throw last ?? new CairnRequestError('no server to try', 'other');
  }

  /** Registers every remembered instance and subscription again on a new connection; each subscription gets its list. */
  private async redo(channel: GrpcChannel): Promise<void> {
    const registering = [...this.instances.values()].map((r) => channel.request('InstanceRequest', instanceBody(r, 'registerInstance')));
    const subscribing = [...this.subscriptions.values()].map(async ({ key, listener }) => {
      const answer = await channel.request('SubscribeServiceRequest', { ...serviceBody(key), clusters: key.clusters, subscribe: true });
      if (this.subscriptions.get(cacheKey(key))?.listener === listener) listener.answer(listAnswerOf(serviceInfoOf(answer.body)));
    });
    const failed = (await Promise.allSettled([...registering, ...subscribing])).filter((r) => r.status === 'rejected');
    if (failed.length > 0) {
      const reason = (failed[0] as PromiseRejectedResult).reason as Error;
      this.o.logger.warn?.(`gRPC: ${failed.length} registrations or subscriptions could not be redone on ${channel.label}: ${reason.message}`);
      if (!channel.isOpen) throw reason;
    }
  }

  private lost(channel: GrpcChannel, why: string): void {
    if (this.channel?.channel !== channel) return;
    this.pool.failed(this.channel.server, 'reset', this.o.random);
    this.channel = undefined;
    this.o.logger.warn?.(`gRPC connection ${channel.connectionId} to ${channel.label} lost: ${why}`);
    for (const { listener } of this.subscriptions.values()) listener.lost();
    if (!this.closed && (this.instances.size > 0 || this.subscriptions.size > 0)) this.keeper.reconnect();
  }

  /** The server's requests on the stream: pushes, liveness checks and requests to reconnect. */
  private serverRequests(channel: () => GrpcChannel): ServerRequestHandler {
    return (type, body) => {
      if (type === 'NotifySubscriberRequest') {
        this.pushed(body.serviceInfo);
        return { type: 'NotifySubscriberResponse', body: {} };
      }
      if (type === 'ClientDetectionRequest') return { type: 'ClientDetectionResponse', body: {} };
      if (type === 'ConnectResetRequest') {
        setImmediate(() => channel().drop('the server asked this client to reconnect (ConnectResetRequest)'));
        return { type: 'ConnectResetResponse', body: {} };
      }
      this.o.logger.debug?.(`gRPC: ignored a ${type} from the server`);
      return undefined;
    };
  }

  private pushed(raw: unknown): void {
    if (raw === null || typeof raw !== 'object') return;
    const info = raw as Record<string, unknown>;
    const name = String(info.name ?? '');
    const at = name.indexOf('@@');
    const group = at > 0 ? name.slice(0, at) : String(info.groupName ?? '');
    const service = at > 0 ? name.slice(at + 2) : name;
    const k = cacheKey({ group, service, clusters: String(info.clusters ?? '') });
    const sub = this.subscriptions.get(k);
    if (sub) sub.listener.answer(listAnswerOf(info));
    else this.o.logger.debug?.(`gRPC: a push for ${k}, which this client does not subscribe, ignored`);
  }
}

function serviceInfoOf(body: Record<string, unknown>): Record<string, unknown> {
  const info = body.serviceInfo;
  if (info === null || typeof info !== 'object') throw new CairnRequestError('the answer has no serviceInfo', 'bad-answer');
  return info as Record<string, unknown>;
}

function instanceId(r: Registration): string {
  return `${r.group}@@${r.service}#${r.clusterName}#${r.ip}:${r.port}`;
}

/** The gRPC address of a server: its host and, as Nacos clients dial it, the HTTP port plus the offset. */
export function grpcTarget(server: Pick<ServerAddress, 'host' | 'port'>, offset: number): string {
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `${host}:${server.port + offset}`;
}
