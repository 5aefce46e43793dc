import { serviceKey, Throttle, type CairnEventBus, type Registry, type ReadonlyService, type ServiceRef, type Unsubscribe } from '@cairn/core';
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { ServiceInfoCache } from '../../wire/service-info.js';
import { FanOuts } from '../fan-out.js';

export interface Subscription extends ServiceRef {
  clusters: string;
  healthyOnly: boolean;
  clientIP: string;
  udpPort: number;
  agent: string;
}

interface Subscriber extends Subscription {
  key: string;
  lastPollAt: number;
  pushes: number;
  acks: number;
  failures: number;
  /** Ack key of this subscriber's unacknowledged push, if any. */
  pendingKey: string | undefined;
}

interface Pending {
  subscriber: Subscriber;
  packet: Buffer;
  attempts: number;
  timer: NodeJS.Timeout;
}

export interface PushSettings {
  enabled: boolean;
  ackTimeoutMs: number;
  retries: number;
  subscriberTtlMs: number;
  /** Address the UDP socket binds to; a loopback server only ever pushes to loopback. */
  bindHost: string;
  /** Subscribers of one client IP at most (`--max-subscribers-per-address`). */
  maxSubscribersPerAddress?: number;
  /** Subscribers held at most, all clients together (`--max-subscribers`). */
  maxSubscribers?: number;
}

export interface PushStats {
  sent: number;
  acked: number;
  retried: number;
  failed: number;
}

/** New subscribers not added because a limit was reached, by the limit's name. */
export interface SubscriberRefusals {
  maxSubscribersPerAddress: number;
  maxSubscribers: number;
}

const GZIP_FROM_BYTES = 1024;
// Each subscriber costs a packet per change of its service; the bounds keep a flood of list calls from costing more.
const MAX_SUBSCRIBERS = 100_000;
const MAX_SUBSCRIBERS_PER_ADDRESS = 1_000;
const REFUSAL_LOG_EVERY_MS = 60_000;

const MAX_CLUSTERS_CHARS = 1024;
// A change reaching more subscribers than this is pushed over several turns of the event loop, this many per turn:
// 100,000 pushes in one turn held every other request for about 2 s (see FanOuts).
const PUSHES_PER_TURN = 500;
// With the table full, idle subscribers are looked for at most this often (a walk over the whole table), not on
// every refused list call.
const FULL_SWEEP_EVERY_MS = 1_000;

export type SubscribeOutcome = 'subscribed' | 'disabled' | 'not-an-ip' | 'unreachable' | 'too-long' | 'full';

/**
 * UDP push to v1 subscribers (clients that list with `udpPort` and `clientIP`). A change is pushed at once
 * (no merge delay), resent a bounded number of times until the client acks, and subscribers that stop polling
 * are forgotten after `subscriberTtlMs` (read from the registry's clock, so tests can run it on a FakeTime).
 * Only IP literals are pushed to (a host name would cost a DNS lookup per push), and a loopback-bound server
 * never pushes beyond loopback, whatever address a client announces.
 */
export class UdpPush {
  private readonly byService = new Map<string, Map<string, Subscriber>>();
  private readonly pending = new Map<string, Pending>();
  private socket: dgram.Socket | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private lastRefTime = 0;
  private count = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly refusalsLogged = new Throttle(REFUSAL_LOG_EVERY_MS);
  readonly refused: SubscriberRefusals = { maxSubscribersPerAddress: 0, maxSubscribers: 0 };
  /** The `pushEnabled` switch: starts from the setting, can change at run time. */
  private enabled: boolean;
  private started = false;
  /** Changes being pushed; a subscriber forgotten since (idle, or the service left) is skipped. */
  private readonly fanOuts = new FanOuts<Subscriber, undefined>(
    PUSHES_PER_TURN,
    (key, sub) => {
      if (this.byService.get(key)?.get(sub.key) === sub) this.pushLive(sub);
    },
    () => this.socket !== undefined && this.enabled,
  );
  private lastFullSweepAt = Number.NEGATIVE_INFINITY;
  /** Walks over the whole table for idle subscribers so far (the sweeper's, and a full table's at most once a second). */
  sweeps = 0;
  readonly stats: PushStats = { sent: 0, acked: 0, retried: 0, failed: 0 };

  private readonly unsubscribe: Unsubscribe;

  constructor(
    private readonly registry: Registry,
    events: CairnEventBus,
    private readonly serviceInfo: ServiceInfoCache,
    private readonly settings: PushSettings,
    private readonly log: Logger,
  ) {
    this.enabled = settings.enabled;
    this.unsubscribe = events.on('service-changed', (e) => this.onServiceChanged(e.service));
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Turns pushing on or off at run time; turned off, no subscriber is added and nothing is sent. */
  async setEnabled(on: boolean): Promise<void> {
    this.enabled = on;
    if (on && this.started && !this.socket) await this.openSocket();
  }

  async start(): Promise<void> {
    this.started = true;
    if (this.enabled) await this.openSocket();
  }

  private async openSocket(): Promise<void> {
    const socket = dgram.createSocket(this.settings.bindHost.includes(':') ? 'udp6' : 'udp4');
    socket.on('message', (msg, rinfo) => this.onAck(msg, rinfo.port));
    socket.on('error', (err) => this.log.warn({ err }, 'udp push socket error'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, this.settings.bindHost, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
    this.sweeper = setInterval(() => this.forgetIdle(), Math.min(5_000, this.settings.subscriberTtlMs)).unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe();
    if (this.sweeper) clearInterval(this.sweeper);
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.fanOuts.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** Called on every list call that carries a UDP port: registers or refreshes the subscriber. */
  subscribe(sub: Subscription): SubscribeOutcome {
    if (!this.enabled) return 'disabled';
    const family = isIP(sub.clientIP);
    if (family === 0 || !Number.isInteger(sub.udpPort) || sub.udpPort < 1 || sub.udpPort > 65535) return 'not-an-ip';
    if (!this.canReach(sub.clientIP, family)) return 'unreachable';
    if (sub.clusters.length > MAX_CLUSTERS_CHARS) return 'too-long';
    const serviceKeyed = serviceKey(sub);
    let subs = this.byService.get(serviceKeyed);
    if (!subs) this.byService.set(serviceKeyed, (subs = new Map()));
    const key = `${sub.clientIP}:${sub.udpPort}|${sub.clusters}|${sub.healthyOnly}`;
    const now = this.registry.now();
    const existing = subs.get(key);
    if (existing) {
      existing.lastPollAt = now;
      existing.agent = sub.agent;
      return 'subscribed';
    }
    const limit = this.limitReached(sub.clientIP);
    if (limit) {
      this.refuse(limit, sub);
      return 'full';
    }
    // Written out: a spread followed by more fields costs V8 about 10 µs per subscriber.
    subs.set(key, {
      namespace: sub.namespace,
      group: sub.group,
      name: sub.name,
      clusters: sub.clusters,
      healthyOnly: sub.healthyOnly,
      clientIP: sub.clientIP,
      udpPort: sub.udpPort,
      agent: sub.agent,
      key,
      lastPollAt: now,
      pushes: 0,
      acks: 0,
      failures: 0,
      pendingKey: undefined,
    });
    this.count++;
    this.perAddress.set(sub.clientIP, (this.perAddress.get(sub.clientIP) ?? 0) + 1);
    return 'subscribed';
  }

  /** The limit one more subscriber of `clientIP` would pass, after idle subscribers are dropped; undefined if none. */
  private limitReached(clientIP: string): keyof SubscriberRefusals | undefined {
    const maxTotal = this.settings.maxSubscribers ?? MAX_SUBSCRIBERS;
    const maxPerAddress = this.settings.maxSubscribersPerAddress ?? MAX_SUBSCRIBERS_PER_ADDRESS;
    const over = () => (this.count >= maxTotal ? 'maxSubscribers' : (this.perAddress.get(clientIP) ?? 0) >= maxPerAddress ? 'maxSubscribersPerAddress' : undefined);
    if (!over()) return undefined;
    const now = this.registry.now();
    if (now - this.lastFullSweepAt < FULL_SWEEP_EVERY_MS) return over();
    this.lastFullSweepAt = now;
    this.forgetIdle();
    return over();
  }

  /** The list call is still answered; the client just gets no push. Logged once a minute per client IP. */
  private refuse(limit: keyof SubscriberRefusals, sub: Subscription): void {
    this.refused[limit]++;
    if (!this.refusalsLogged.allow(sub.clientIP, this.registry.now())) return;
    const max = limit === 'maxSubscribers' ? (this.settings.maxSubscribers ?? MAX_SUBSCRIBERS) : (this.settings.maxSubscribersPerAddress ?? MAX_SUBSCRIBERS_PER_ADDRESS);
    this.log.warn(
      { limit, max, clientIP: sub.clientIP, held: this.perAddress.get(sub.clientIP) ?? 0, total: this.count, service: `${sub.group}@@${sub.name}`, namespace: sub.namespace, agent: sub.agent },
      `udp push subscriber not added: limit '${limit}' (${max}) reached; the client's list calls are answered but it gets no push`,
    );
  }

  subscribers(ref?: ServiceRef): Subscription[] {
    const lists = ref ? [this.byService.get(serviceKey(ref))] : [...this.byService.values()];
    return lists
      .flatMap((m) => (m ? [...m.values()] : []))
      .filter((s) => this.isLive(s))
      .map((s) => ({
        namespace: s.namespace,
        group: s.group,
        name: s.name,
        clusters: s.clusters,
        healthyOnly: s.healthyOnly,
        clientIP: s.clientIP,
        udpPort: s.udpPort,
        agent: s.agent,
      }));
  }

  /** Subscribers held, including ones past their TTL that the sweeper has not dropped yet. */
  get subscriberCount(): number {
    return this.count;
  }

  /** A change reaches its own service's subscribers only (never a walk over the whole table), in turns when many. */
  private onServiceChanged(service: ReadonlyService): void {
    const subs = this.byService.get(service.key);
    if (!subs || !this.socket || !this.enabled) return;
    this.fanOuts.start(service.key, subs, undefined);
  }

  private pushLive(sub: Subscriber): void {
    if (!this.isLive(sub)) return;
    // Runs inside a registry command or a fan-out turn: a failed push must never fail the registration that caused it.
    try {
      this.push(sub);
    } catch (err) {
      this.log.warn({ err, to: `${sub.clientIP}:${sub.udpPort}` }, 'udp push failed');
    }
  }

  private push(sub: Subscriber): void {
    // Strictly increasing, so every packet has its own ack key even within one millisecond.
    const lastRefTime = (this.lastRefTime = Math.max(this.registry.now() * 1000, this.lastRefTime + 1));
    const data = this.serviceInfo.json(sub);
    const body = Buffer.from(JSON.stringify({ type: 'dom', data, lastRefTime }));
    const packet = body.length >= GZIP_FROM_BYTES ? gzipSync(body) : body;
    // lastRefTime is unique per packet; the source address of an ack need not be the announced clientIP (a client
    // pushed to at 127.0.0.2 answers from 127.0.0.1), so acks match on the port and lastRefTime only.
    const ackKey = `${sub.udpPort}:${lastRefTime}`;
    // A newer push to the same subscriber supersedes an unacknowledged older one.
    this.settle(sub);
    const pending: Pending = { subscriber: sub, packet, attempts: 0, timer: undefined as unknown as NodeJS.Timeout };
    this.pending.set(ackKey, pending);
    sub.pendingKey = ackKey;
    this.send(ackKey, pending);
  }

  private send(ackKey: string, p: Pending): void {
    if (!this.socket) return;
    p.attempts++;
    p.subscriber.pushes++;
    if (p.attempts > 1) this.stats.retried++;
    this.stats.sent++;
    try {
      this.socket.send(p.packet, p.subscriber.udpPort, p.subscriber.clientIP, (err) => {
        if (err) this.log.debug({ err, to: `${p.subscriber.clientIP}:${p.subscriber.udpPort}` }, 'udp push send failed');
      });
    } catch (err) {
      // Also reached from a resend timer, where a throw would take the process down.
      this.log.debug({ err, to: `${p.subscriber.clientIP}:${p.subscriber.udpPort}` }, 'udp push send failed');
    }
    p.timer = setTimeout(() => {
      if (!this.pending.has(ackKey)) return;
      if (p.attempts > this.settings.retries) {
        this.settle(p.subscriber);
        p.subscriber.failures++;
        this.stats.failed++;
        return;
      }
      this.send(ackKey, p);
    }, this.settings.ackTimeoutMs);
    p.timer.unref();
  }

  private onAck(msg: Buffer, port: number): void {
    let ack: { type?: unknown; lastRefTime?: unknown };
    try {
      ack = JSON.parse(msg.toString('utf8')) as typeof ack;
    } catch {
      return;
    }
    if (ack.type !== 'push-ack') return;
    const key = `${port}:${String(ack.lastRefTime)}`;
    const p = this.pending.get(key);
    if (!p) return;
    this.settle(p.subscriber);
    p.subscriber.acks++;
    this.stats.acked++;
  }

  /** Drops the subscriber's outstanding push, if any: acked, given up, or superseded. */
  private settle(sub: Subscriber): void {
    if (sub.pendingKey === undefined) return;
    const p = this.pending.get(sub.pendingKey);
    if (p) clearTimeout(p.timer);
    this.pending.delete(sub.pendingKey);
    sub.pendingKey = undefined;
  }

  private forgetIdle(): void {
    this.sweeps++;
    for (const [serviceKeyed, subs] of this.byService) {
      for (const [key, sub] of subs) {
        if (this.isLive(sub)) continue;
        this.settle(sub);
        subs.delete(key);
        this.count--;
        const left = (this.perAddress.get(sub.clientIP) ?? 1) - 1;
        if (left > 0) this.perAddress.set(sub.clientIP, left);
        else this.perAddress.delete(sub.clientIP);
      }
      if (subs.size === 0) this.byService.delete(serviceKeyed);
    }
  }

  /** A subscriber counts until its TTL has passed since its last poll; the sweeper only frees the memory later. */
  private isLive(sub: Subscriber): boolean {
    return this.registry.now() - sub.lastPollAt < this.settings.subscriberTtlMs;
  }

  private canReach(ip: string, family: number): boolean {
    const bind = this.settings.bindHost;
    if ((isIP(bind) === 6 || bind === '::') !== (family === 6)) return false;
    return !isLoopback(bind) || isLoopback(ip);
  }
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip);
}
