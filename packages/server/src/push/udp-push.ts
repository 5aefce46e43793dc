import { serviceKey, type Registry, type Service, type ServiceRef } from '@cairn/core';
import dgram from 'node:dgram';
import { gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { ServiceInfoCache } from '../http/service-info.js';

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
}

interface Pending { subscriber: Subscriber; packet: Buffer; attempts: number; timer: NodeJS.Timeout }

export interface PushSettings {
  enabled: boolean;
  ackTimeoutMs: number;
  retries: number;
  subscriberTtlMs: number;
  /** Address the UDP socket binds to; a loopback server only ever pushes to loopback. */
  bindHost: string;
}

export interface PushStats { sent: number; acked: number; retried: number; failed: number }

const GZIP_FROM_BYTES = 1024;

/**
 * UDP push to v1 subscribers (clients that list with `udpPort` and `clientIP`). A change is pushed at once
 * (no merge delay), resent a bounded number of times until the client acks, and subscribers that stop polling
 * are forgotten after `subscriberTtlMs`.
 */
export class UdpPush {
  private readonly byService = new Map<string, Map<string, Subscriber>>();
  private readonly pending = new Map<string, Pending>();
  private socket: dgram.Socket | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private sequence = 0;
  readonly stats: PushStats = { sent: 0, acked: 0, retried: 0, failed: 0 };

  constructor(
    private readonly registry: Registry,
    private readonly serviceInfo: ServiceInfoCache,
    private readonly settings: PushSettings,
    private readonly log: Logger,
  ) {
    registry.services.onChange((service) => this.onServiceChanged(service));
  }

  async start(): Promise<void> {
    if (!this.settings.enabled) return;
    const socket = dgram.createSocket(this.settings.bindHost.includes(':') ? 'udp6' : 'udp4');
    socket.on('message', (msg, rinfo) => this.onAck(msg, rinfo.address, rinfo.port));
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
    if (this.sweeper) clearInterval(this.sweeper);
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** Called on every list call that carries a UDP port: registers or refreshes the subscriber. */
  subscribe(sub: Subscription): void {
    if (!this.settings.enabled) return;
    const serviceKeyed = serviceKey(sub);
    let subs = this.byService.get(serviceKeyed);
    if (!subs) this.byService.set(serviceKeyed, (subs = new Map()));
    const key = `${sub.clientIP}:${sub.udpPort}|${sub.clusters}|${sub.healthyOnly}`;
    const existing = subs.get(key);
    if (existing) {
      existing.lastPollAt = Date.now();
      existing.agent = sub.agent;
      return;
    }
    subs.set(key, { ...sub, key, lastPollAt: Date.now(), pushes: 0, acks: 0, failures: 0 });
  }

  subscribers(ref?: ServiceRef): Subscription[] {
    const lists = ref ? [this.byService.get(serviceKey(ref))] : [...this.byService.values()];
    return lists.flatMap((m) => (m ? [...m.values()] : [])).map((s) => ({
      namespace: s.namespace, group: s.group, name: s.name, clusters: s.clusters, healthyOnly: s.healthyOnly,
      clientIP: s.clientIP, udpPort: s.udpPort, agent: s.agent,
    }));
  }

  get subscriberCount(): number {
    let n = 0;
    for (const m of this.byService.values()) n += m.size;
    return n;
  }

  private onServiceChanged(service: Service): void {
    const subs = this.byService.get(service.key);
    if (!subs || !this.socket) return;
    for (const sub of subs.values()) this.push(sub);
  }

  private push(sub: Subscriber): void {
    const lastRefTime = Date.now() * 1000 + (this.sequence++ % 1000);
    const data = this.serviceInfo.json(sub);
    const body = Buffer.from(JSON.stringify({ type: 'dom', data, lastRefTime }));
    const packet = body.length >= GZIP_FROM_BYTES ? gzipSync(body) : body;
    const ackKey = `${sub.clientIP}:${sub.udpPort}:${lastRefTime}`;
    // A newer push to the same subscriber supersedes an unacknowledged older one.
    for (const [key, p] of this.pending) {
      if (p.subscriber === sub) {
        clearTimeout(p.timer);
        this.pending.delete(key);
      }
    }
    const pending: Pending = { subscriber: sub, packet, attempts: 0, timer: undefined as unknown as NodeJS.Timeout };
    this.pending.set(ackKey, pending);
    this.send(ackKey, pending);
  }

  private send(ackKey: string, p: Pending): void {
    if (!this.socket) return;
    p.attempts++;
    p.subscriber.pushes++;
    if (p.attempts > 1) this.stats.retried++;
    this.stats.sent++;
    this.socket.send(p.packet, p.subscriber.udpPort, p.subscriber.clientIP, (err) => {
      if (err) this.log.debug({ err, to: `${p.subscriber.clientIP}:${p.subscriber.udpPort}` }, 'udp push send failed');
    });
    p.timer = setTimeout(() => {
      if (!this.pending.has(ackKey)) return;
      if (p.attempts > this.settings.retries) {
        this.pending.delete(ackKey);
        p.subscriber.failures++;
        this.stats.failed++;
        return;
      }
      this.send(ackKey, p);
    }, this.settings.ackTimeoutMs);
    p.timer.unref();
  }

  private onAck(msg: Buffer, address: string, port: number): void {
    let ack: { type?: unknown; lastRefTime?: unknown };
    try {
      ack = JSON.parse(msg.toString('utf8')) as typeof ack;
    } catch {
      return;
    }
    if (ack.type !== 'push-ack') return;
    const host = address.startsWith('::ffff:') ? address.slice(7) : address;
    const key = `${host}:${port}:${String(ack.lastRefTime)}`;
    const p = this.pending.get(key);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(key);
    p.subscriber.acks++;
    this.stats.acked++;
  }

  private forgetIdle(): void {
    const oldest = Date.now() - this.settings.subscriberTtlMs;
    for (const [serviceKeyed, subs] of this.byService) {
      for (const [key, sub] of subs) if (sub.lastPollAt < oldest) subs.delete(key);
      if (subs.size === 0) this.byService.delete(serviceKeyed);
    }
  }
}
