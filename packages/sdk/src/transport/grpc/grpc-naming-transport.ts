import { cacheKey } from '../../cache/service-cache.js';
import { CairnRequestError } from '../../errors.js';
import type { ResolvedOptions } from '../../resolved-options.js';
import { listAnswerOf } from '../list-answer.js';
import type { ConnectedTransport, ListAnswer, PushListener, Registration, ServiceKey } from '../naming-transport.js';
import type { ServerPool } from '../server-pool.js';
import type { GrpcChannel } from './grpc-channel.js';
import { GrpcConnection } from './grpc-connection.js';
import type { GrpcAnswer } from './grpc-wire.js';
import { instanceBody, instanceOf, namingIdentity, serviceBody } from './naming-requests.js';

/**
 * Nacos 2.x naming over gRPC, on one `GrpcConnection`. Ephemeral instances are held by the connection (no beats);
 * the transport remembers them and the subscriptions, and on every new connection registers every instance again
 * and subscribes again, handing each subscription the fresh list.
 */
export class GrpcNamingTransport implements ConnectedTransport {
  readonly keeps = 'connection';
  private readonly instances = new Map<string, Registration>();
  private readonly subscriptions = new Map<string, { key: ServiceKey; listener: PushListener }>();
  private readonly link: GrpcConnection;

  constructor(private readonly o: ResolvedOptions) {
    this.link = new GrpcConnection(o, namingIdentity(o), {
      redo: (channel) => this.redo(channel),
      lost: () => this.lost(),
      serverRequest: (type, body) => this.serverRequest(type, body),
    });
  }

  get pool(): ServerPool {
    return this.link.pool;
  }

  async register(r: Registration): Promise<void> {
    if (!r.ephemeral) {
      await this.link.call('PersistentInstanceRequest', instanceBody(r, 'registerInstance'));
      return;
    }
    // Remembered once the server took it: a connection lost before that fails the request, which is then sent on
    // the new connection; one lost after it is redone with the rest.
    await this.link.call('InstanceRequest', instanceBody(r, 'registerInstance'));
    this.instances.set(instanceId(r), r);
  }

  async batchRegister(key: ServiceKey, regs: Registration[]): Promise<void> {
    await this.link.call('BatchInstanceRequest', { ...serviceBody(key), type: 'batchRegisterInstance', instances: regs.map(instanceOf) });
    for (const [id, r] of [...this.instances]) if (r.group === key.group && r.service === key.service) this.instances.delete(id);
    for (const r of regs) this.instances.set(instanceId(r), r);
  }

  async deregister(r: Registration): Promise<void> {
    if (r.ephemeral) this.instances.delete(instanceId(r));
    await this.link.call(r.ephemeral ? 'InstanceRequest' : 'PersistentInstanceRequest', instanceBody(r, 'deregisterInstance'));
  }

  async list(key: ServiceKey): Promise<ListAnswer> {
    const answer = await this.link.call('ServiceQueryRequest', { ...serviceBody(key), cluster: key.clusters, healthyOnly: false, udpPort: 0 });
    return listAnswerOf(serviceInfoOf(answer.body));
  }

  async subscribe(key: ServiceKey, listener: PushListener): Promise<ListAnswer> {
    this.subscriptions.set(cacheKey(key), { key, listener });
    let answer: GrpcAnswer;
    try {
      answer = await this.link.call('SubscribeServiceRequest', { ...serviceBody(key), clusters: key.clusters, subscribe: true });
    } catch (error) {
      // No server now: the subscription is made when one answers.
      this.link.reconnect();
      throw error;
    }
    return listAnswerOf(serviceInfoOf(answer.body));
  }

  unsubscribe(key: ServiceKey): void {
    if (!this.subscriptions.delete(cacheKey(key))) return;
    const channel = this.link.open;
    if (!channel) return; // the subscription ended with the connection
    channel.request('SubscribeServiceRequest', { ...serviceBody(key), clusters: key.clusters, subscribe: false }).catch((error: unknown) => {
      this.o.logger.debug?.(`unsubscribe of ${cacheKey(key)} failed: ${(error as Error).message}`);
    });
  }

  /** Closes the connection: the server removes the instances it held at once. */
  close(): void {
    this.link.close();
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

  private lost(): boolean {
    for (const { listener } of this.subscriptions.values()) listener.lost();
    return this.instances.size > 0 || this.subscriptions.size > 0;
  }

  /** The server's naming requests on the stream: pushes. */
  private serverRequest(type: string, body: Record<string, unknown>): { type: string; body: Record<string, unknown> } | undefined {
    if (type !== 'NotifySubscriberRequest') return undefined;
    this.pushed(body.serviceInfo);
    return { type: 'NotifySubscriberResponse', body: {} };
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
