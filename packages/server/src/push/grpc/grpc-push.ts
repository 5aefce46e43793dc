import { serviceKey, type CairnEventBus, type ReadonlyService, type ServiceRef, type Unsubscribe } from '@cairn/core';
import type { Logger } from 'pino';
import type { PushStats } from '../udp/udp-push.js';
import { FanOuts } from '../fan-out.js';

/** What the push needs of a connection: its id and a way to send a server request and await the client's answer. */
export interface PushTarget {
  readonly connectionId: string;
  push(type: string, body: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export interface GrpcSubscription extends ServiceRef {
  clusters: string;
  connectionId: string;
}

/** The read side of gRPC subscriptions: copies, for the client APIs. */
export interface GrpcSubscriptions {
  subscribers(ref?: ServiceRef): GrpcSubscription[];
  readonly subscriberCount: number;
}

/** The subscriptions of a server without gRPC: none. */
export const NO_GRPC_SUBSCRIPTIONS: GrpcSubscriptions = { subscribers: () => [], subscriberCount: 0 };

interface Subscriber extends GrpcSubscription {
  key: string;
  target: PushTarget;
  /** Bumped on every push: a retry of an older push stops once a newer one is under way. */
  seq: number;
  ended: boolean;
}

export interface GrpcPushSettings {
  /** How long one try waits for the client's `NotifySubscriberResponse`. */
  ackTimeoutMs: number;
  /** Tries per change (the first send included) before the push is given up. */
  tries: number;
}

/** Builds the `serviceInfo` a subscriber of these clusters is pushed. */
export type ServiceInfoOf = (ref: ServiceRef, clusters: string) => Record<string, unknown>;

/**
 * Pushes to gRPC subscribers (Nacos 2.x `SubscribeServiceRequest`): every change of a subscribed service is sent at
 * once (no merge delay) as `NotifySubscriberRequest{serviceInfo}` on the subscriber's stream, and tried again when the
 * client does not answer within `ackTimeoutMs`, up to `tries` times; then it is given up and logged. A newer change
 * supersedes an older push still being tried. Subscriptions end with their connection.
 */
// A change reaching more subscribers than this is pushed over several turns of the event loop, this many per turn, so
// a service followed by thousands of connections never holds other requests for long.
const PUSHES_PER_TURN = 500;

export class GrpcPush implements GrpcSubscriptions {
  private readonly byService = new Map<string, Map<string, Subscriber>>();
  /** Changes being pushed, each with the bodies built for it (one per clusters value); ended subscribers are skipped. */
  private readonly fanOuts = new FanOuts<Subscriber, Map<string, Record<string, unknown>>>(PUSHES_PER_TURN, (_key, sub, bodies) => {
    if (!sub.ended) this.pushTo(sub, bodies);
  });
  private readonly byConnection = new Map<string, Map<string, Subscriber>>();
  readonly stats: PushStats = { sent: 0, acked: 0, retried: 0, failed: 0 };
  private readonly unsubscribe: Unsubscribe;

  constructor(
    events: CairnEventBus,
    private readonly serviceInfo: ServiceInfoOf,
    private readonly settings: GrpcPushSettings,
    private readonly log: Logger,
  ) {
    this.unsubscribe = events.on('service-changed', (e) => this.onServiceChanged(e.service));
  }

  subscribe(target: PushTarget, ref: ServiceRef, clusters: string): void {
    const key = subscriberKey(target.connectionId, ref, clusters);
    const sKey = serviceKey(ref);
    let subs = this.byService.get(sKey);
    if (!subs) this.byService.set(sKey, (subs = new Map()));
    if (subs.has(key)) return;
    const sub: Subscriber = { namespace: ref.namespace, group: ref.group, name: ref.name, clusters, connectionId: target.connectionId, key, target, seq: 0, ended: false };
    subs.set(key, sub);
    let mine = this.byConnection.get(target.connectionId);
    if (!mine) this.byConnection.set(target.connectionId, (mine = new Map()));
    mine.set(key, sub);
  }

  unsubscribeFrom(connectionId: string, ref: ServiceRef, clusters: string): boolean {
    const key = subscriberKey(connectionId, ref, clusters);
    const sub = this.byConnection.get(connectionId)?.get(key);
    if (!sub) return false;
    this.drop(sub);
    return true;
  }

  /** The connection ended: its subscriptions end with it. */
  connectionClosed(connectionId: string): void {
    for (const sub of [...(this.byConnection.get(connectionId)?.values() ?? [])]) this.drop(sub);
  }

  subscribers(ref?: ServiceRef): GrpcSubscription[] {
    const lists = ref ? [this.byService.get(serviceKey(ref))] : [...this.byService.values()];
    return lists.flatMap((m) => [...(m?.values() ?? [])]).map(({ namespace, group, name, clusters, connectionId }) => ({ namespace, group, name, clusters, connectionId }));
  }

  get subscriberCount(): number {
    let n = 0;
    for (const m of this.byService.values()) n += m.size;
    return n;
  }

  stop(): void {
    this.unsubscribe();
    this.fanOuts.clear();
    for (const sub of this.subscribers()) this.connectionClosed(sub.connectionId);
  }

  private drop(sub: Subscriber): void {
    sub.ended = true;
    const sKey = serviceKey(sub);
    const subs = this.byService.get(sKey);
    subs?.delete(sub.key);
    if (subs?.size === 0) this.byService.delete(sKey);
    const mine = this.byConnection.get(sub.connectionId);
    mine?.delete(sub.key);
    if (mine?.size === 0) this.byConnection.delete(sub.connectionId);
  }

  /** A change reaches its own service's subscribers only, in turns when many (see FanOuts). */
  private onServiceChanged(service: ReadonlyService): void {
    const subs = this.byService.get(service.key);
    if (!subs) return;
    // Every subscriber of the same clusters is pushed the same body (built and serialized once per change).
    this.fanOuts.start(service.key, subs, new Map());
  }

  private pushTo(sub: Subscriber, bodies: Map<string, Record<string, unknown>>): void {
    // Runs inside a registry command or a fan-out turn: a failed push must never fail the change that caused it.
    try {
      let body = bodies.get(sub.clusters);
      if (!body) bodies.set(sub.clusters, (body = { serviceInfo: this.serviceInfo(sub, sub.clusters) }));
      void this.deliver(sub, body, ++sub.seq);
    } catch (err) {
      this.log.warn({ err, connectionId: sub.connectionId }, 'gRPC push failed');
    }
  }

  private async deliver(sub: Subscriber, body: Record<string, unknown>, seq: number): Promise<void> {
    for (let attempt = 1; attempt <= this.settings.tries; attempt++) {
      if (sub.ended || sub.seq !== seq) return;
      this.stats.sent++;
      if (attempt > 1) this.stats.retried++;
      try {
        await sub.target.push('NotifySubscriberRequest', body, this.settings.ackTimeoutMs);
        this.stats.acked++;
        return;
      } catch (err) {
        if (sub.ended) return;
        this.log.debug({ err, connectionId: sub.connectionId, attempt }, 'gRPC push unanswered');
      }
    }
    if (sub.ended || sub.seq !== seq) return;
    this.stats.failed++;
    this.log.warn({ connectionId: sub.connectionId, service: `${sub.namespace}/${sub.group}@@${sub.name}`, tries: this.settings.tries }, 'gRPC push given up: the subscriber answered none of the tries');
  }
}

function subscriberKey(connectionId: string, ref: ServiceRef, clusters: string): string {
  return `${connectionId}|${serviceKey(ref)}|${clusters}`;
}
