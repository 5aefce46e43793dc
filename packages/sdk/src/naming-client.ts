import { BeatLoop } from './beat/beat-loop.js';
import { cacheKey, ServiceCache } from './cache/service-cache.js';
import { CairnClosedError, CairnRequestError } from './errors.js';
import { FailureLog } from './failure-log.js';
import type { CreateNamingClientOptions, NamingClientOptions } from './options.js';
import { resolveOptions, type ResolvedOptions } from './resolved-options.js';
import { pickWeighted, usable } from './select.js';
import { PushWatch } from './subscribe/push-watch.js';
import { ServiceWatch } from './subscribe/service-watch.js';
import { ServiceSubscription } from './subscribe/subscription.js';
import { UdpReceiver } from './subscribe/udp-receiver.js';
import { GrpcNamingTransport } from './transport/grpc/grpc-naming-transport.js';
import { HttpV1Transport } from './transport/http-v1-transport.js';
import type { NamingTransport, PushAddress, Registration, ServiceKey } from './transport/naming-transport.js';
import type { ChangeListener, ClientStats, Instance, InstanceInput, ListOptions, SelectOptions, ServiceOptions, ServiceSnapshot, Subscription } from './types.js';
import { verifyConfiguration, type VerifyOptions } from './verify.js';

/** Which instance to deregister. `ephemeral` defaults to how this client registered it (else true). */
export interface InstanceRef {
  ip: string;
  port: number;
  clusterName?: string;
  ephemeral?: boolean;
}

/** The group of every call that names none, as in Nacos. */
export const DEFAULT_GROUP = 'DEFAULT_GROUP';

/**
 * A naming client: registers instances and keeps them alive, reads and subscribes to services, survives
 * registry outages from its cache. One client per namespace; close it to deregister its ephemeral instances.
 *
 * @example
 * const client = new NamingClient({ serverAddresses: ['127.0.0.1:8848'] });
 * await client.verify();
 * await client.registerInstance('orders', { ip: '127.0.0.1', port: 8080 });
 */
export class NamingClient {
  private readonly o: ResolvedOptions;
  private readonly http: HttpV1Transport;
  private readonly transport: NamingTransport;
  private readonly counters: ClientStats;
  private readonly cache: ServiceCache;
  private readonly beatLog: FailureLog;
  private readonly pollLog: FailureLog;
  private readonly beats = new Map<string, BeatLoop>();
  private readonly watches = new Map<string, ServiceWatch | PushWatch>();
  private readonly receiver: UdpReceiver | undefined;
  private closed = false;

  /** Throws `CairnConfigError` at once for malformed options (address, namespace, numbers). */
  constructor(options: NamingClientOptions, deps: { transport?: NamingTransport } = {}) {
    this.o = resolveOptions(options);
    this.http = new HttpV1Transport(this.o);
    this.transport = deps.transport ?? (this.o.protocol === 'grpc' ? new GrpcNamingTransport(this.o) : this.http);
    this.counters = {
      beatsSent: 0,
      beatsOk: 0,
      beatFailures: {},
      reRegistrations: 0,
      beatIntervalMs: this.o.beatIntervalMs,
      polls: 0,
      pollFailures: {},
      pushesReceived: 0,
      emptyAnswersIgnored: 0,
      cacheFallbacks: 0,
      servers: [],
    };
    this.beatLog = new FailureLog(this.o.logger, 'heartbeat', this.counters.beatFailures);
    this.pollLog = new FailureLog(this.o.logger, 'subscription poll', this.counters.pollFailures);
    this.cache = new ServiceCache(this.o.namespace, this.o.cacheDir, this.o.pushEmptyProtection, this.counters, this.o.logger);
    if (this.o.push && this.transport.keeps === 'beats') {
      this.receiver = new UdpReceiver(
        this.o.push.bindAddress,
        (name, clusters, answer) => {
          const at = name.indexOf('@@');
          const key = at > 0 ? `${name}@@${clusters}` : `${DEFAULT_GROUP}@@${name}@@${clusters}`;
          const watch = this.watches.get(key);
          if (watch instanceof ServiceWatch) watch.pushed(answer);
        },
        this.o.logger,
      );
    }
  }

  /** The namespace every call of this client uses. */
  get namespace(): string {
    return this.o.namespace;
  }

  /**
   * Checks the configuration against the servers: address, port, context path, credentials, namespace.
   * Rejects with one `CairnConfigError` whose `setting` names the option to fix.
   */
  async verify(options: VerifyOptions = {}): Promise<void> {
    this.open();
    await verifyConfiguration(this.o, this.http, options);
  }

  /**
   * Registers an instance. An ephemeral one (the default) is then kept alive until `deregisterInstance` or
   * `close()`: over HTTP by heartbeats, registered again whenever the server loses it; over gRPC by the connection,
   * registered again on every new connection.
   */
  async registerInstance(service: string, instance: InstanceInput, options: { group?: string } = {}): Promise<void> {
    this.open();
    const reg = this.registration(service, instance, options.group);
    const id = beatKey(reg);
    await this.beats.get(id)?.stop();
    this.beats.delete(id);
    const transport = this.transport;
    await transport.register(reg);
    if (!reg.ephemeral || transport.keeps === 'connection') return;
    if (this.closed) {
      // close() ran while the registration was on its way: it could not see this instance, so undo it here.
      await this.transport.deregister(reg).catch(() => undefined);
      throw new CairnClosedError();
    }
    const loop = new BeatLoop(
      reg,
      transport,
      {
        intervalMs: this.counters.beatIntervalMs,
        followServerInterval: this.o.followServerInterval,
        retryBaseMs: this.o.beatRetryBaseMs,
      },
      this.o.clock,
      this.o.random,
      this.counters,
      this.beatLog,
      this.o.logger,
    );
    this.beats.set(id, loop);
    loop.start();
  }

  /**
   * Makes `instances` (ephemeral) this client's whole set in the service: over gRPC one `BatchInstanceRequest`;
   * over HTTP, which has no batch, each is registered and the client's other instances of the service deregistered.
   */
  async batchRegisterInstance(service: string, instances: InstanceInput[], options: { group?: string } = {}): Promise<void> {
    this.open();
    if (!Array.isArray(instances)) throw new TypeError('instances must be an array of { ip, port }');
    const regs = instances.map((i) => this.registration(service, i, options.group));
    if (regs.some((r) => !r.ephemeral)) throw new TypeError('batchRegisterInstance takes ephemeral instances only: register persistent ones with registerInstance');
    const key = this.key(service, options);
    if (this.transport.keeps === 'connection') return this.transport.batchRegister(key, regs);
    const kept = new Set(regs.map(beatKey));
    const prefix = `${key.group}@@${key.service}#`;
    for (const [id, loop] of [...this.beats]) {
      if (id.startsWith(prefix) && !kept.has(id)) await this.deregisterInstance(service, loop.registration, options);
    }
    for (const i of instances) await this.registerInstance(service, i, options);
  }

  /** Stops the instance's heartbeats, then deregisters it. */
  async deregisterInstance(service: string, instance: InstanceRef, options: { group?: string } = {}): Promise<void> {
    this.open();
    const group = groupOf(options.group);
    const id = `${group}@@${checkName(service, 'service')}#${instance.ip}:${instance.port}`;
    const loop = this.beats.get(id);
    this.beats.delete(id);
    await loop?.stop();
    const reg = loop?.registration ?? this.registration(service, { ...instance, ephemeral: instance.ephemeral ?? true }, group);
    await this.transport.deregister({ ...reg, ...(instance.clusterName ? { clusterName: instance.clusterName } : {}), ...(instance.ephemeral !== undefined ? { ephemeral: instance.ephemeral } : {}) });
  }

  /**
   * The service's instances with where they came from. A subscribed service answers from memory (its watch
   * keeps it fresh; `fromCache` is true while the watch cannot reach a server); otherwise the server is asked,
   * and when no server answers the last known list (memory, then disk) is returned with `fromCache: true`.
   */
  async getService(service: string, options: ListOptions = {}): Promise<ServiceSnapshot> {
    this.open();
    const key = this.key(service, options);
    // A subscribed service is kept fresh by its watch: answer from memory, without a request that could wait
    // for a timeout during an outage.
    const watched = this.watches.has(cacheKey(key)) ? this.cache.get(key) : undefined;
    if (watched) return { ...watched, fromCache: !this.watches.get(cacheKey(key))!.live };
    try {
      return this.cache.accept(key, await this.transport.list(key)).snapshot;
    } catch (error) {
      if (options.cacheFallback === false || !(error instanceof CairnRequestError) || !error.retryable) throw error;
      const cached = await this.cache.load(key);
      if (!cached) throw error;
      this.counters.cacheFallbacks++;
      this.o.logger.warn?.(`no server answered for ${cacheKey(key)}; using the last known list (${cached.instances.length} instances): ${error.message}`);
      return { ...cached, fromCache: true };
    }
  }

  /** Every instance of the service (healthy or not, as the server lists them). */
  async getAllInstances(service: string, options: ListOptions = {}): Promise<Instance[]> {
    return (await this.getService(service, options)).instances;
  }

  /** Instances that can take traffic: enabled, weight above 0, and healthy (or unhealthy with `healthy: false`). */
  async selectInstances(service: string, options: SelectOptions = {}): Promise<Instance[]> {
    return usable(await this.getAllInstances(service, options), options.healthy ?? true);
  }

  /** One healthy instance by weighted random choice, or undefined when there is none. */
  async selectOneHealthyInstance(service: string, options: ListOptions = {}): Promise<Instance | undefined> {
    return pickWeighted(usable(await this.getAllInstances(service, options), true), this.o.random);
  }

  /**
   * Follows a service. Without a listener, iterate the result: `for await (const change of client.subscribe('orders'))`.
   * Each change carries the full list and the delta since the previous one; the first carries every instance as
   * added (from the disk cache at once when there is one, then from the server).
   */
  subscribe(service: string, listener?: ChangeListener): Subscription;
  subscribe(service: string, options: ServiceOptions, listener?: ChangeListener): Subscription;
  subscribe(service: string, a?: ServiceOptions | ChangeListener, b?: ChangeListener): Subscription {
    this.open();
    const options = typeof a === 'function' ? {} : (a ?? {});
    const listener = typeof a === 'function' ? a : b;
    const key = this.key(service, options);
    const k = cacheKey(key);
    let watch = this.watches.get(k);
    const sub = new ServiceSubscription(key.service, key.group, key.clusters, listener, (s) => this.ended(k, s), this.o.logger);
    if (!watch) {
      watch = this.watchOf(key);
      this.watches.set(k, watch);
      watch.add(sub);
      watch.start();
    } else {
      watch.add(sub);
    }
    return sub;
  }

  /** Ends the service's subscriptions: those with this listener, or all of them. */
  unsubscribe(service: string, options: ServiceOptions = {}, listener?: ChangeListener): void {
    const watch = this.watches.get(cacheKey(this.key(service, options)));
    for (const s of [...(watch?.subscriptions ?? [])]) {
      if (!listener || s.listener === listener) s.unsubscribe();
    }
  }

  /** Counters since the client started, and each server's health. */
  stats(): ClientStats {
    const pool = this.transport instanceof GrpcNamingTransport ? this.transport.pool : this.http.pool;
    return structuredClone({ ...this.counters, servers: pool.health() });
  }

  /**
   * Stops heartbeats and subscriptions, deregisters this client's ephemeral instances (each request bounded by
   * requestTimeoutMs; failures are logged, the server's expiry is the fallback) and releases the UDP socket.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watches.values()) for (const s of [...w.subscriptions]) s.unsubscribe();
    const loops = [...this.beats.values()];
    this.beats.clear();
    await Promise.all(
      loops.map(async (loop) => {
        await loop.stop();
        try {
          await this.transport.deregister(loop.registration);
        } catch (error) {
          this.o.logger.warn?.(`close: could not deregister ${loop.registration.ip}:${loop.registration.port} of ${loop.registration.service}: ${(error as Error).message}; the server will expire it`);
        }
      }),
    );
    this.receiver?.close();
    await this.cache.flush();
    this.transport.close();
  }

  /** Pushes over a connection (gRPC), else polls with optional UDP push (HTTP). */
  private watchOf(key: ServiceKey): ServiceWatch | PushWatch {
    if (this.transport.keeps === 'connection') return new PushWatch(key, this.transport, this.cache, this.counters, this.pollLog);
    return new ServiceWatch(
      key,
      this.transport,
      this.cache,
      () => this.pushAddress(),
      {
        ...(this.o.pollIntervalMs !== undefined ? { pollIntervalMs: this.o.pollIntervalMs } : {}),
        retryBaseMs: this.o.beatRetryBaseMs,
      },
      this.o.clock,
      this.o.random,
      this.counters,
      this.pollLog,
    );
  }

  private ended(k: string, s: ServiceSubscription): void {
    const watch = this.watches.get(k);
    if (!watch) return;
    watch.subscriptions.delete(s);
    if (watch.subscriptions.size === 0) {
      watch.stop();
      this.watches.delete(k);
    }
  }

  private async pushAddress(): Promise<PushAddress | undefined> {
    if (!this.receiver || !this.o.push) return undefined;
    try {
      return { clientIP: this.o.push.clientIP, udpPort: await this.receiver.port() };
    } catch (error) {
      this.o.logger.warn?.(`UDP push disabled: cannot bind ${this.o.push.bindAddress}: ${(error as Error).message}`);
      return undefined;
    }
  }

  private open(): void {
    if (this.closed) throw new CairnClosedError();
  }

  private key(service: string, options: ServiceOptions): ServiceKey {
    return { namespace: this.o.namespace, group: groupOf(options.group), service: checkName(service, 'service'), clusters: (options.clusters ?? []).join(',') };
  }

  private registration(service: string, i: InstanceInput, group: string | undefined): Registration {
    if (typeof i !== 'object' || i === null) throw new TypeError('instance must be an object { ip, port }');
    checkName(i.ip, 'instance.ip');
    if (!Number.isInteger(i.port) || i.port < 0 || i.port > 65535) throw new TypeError(`instance.port must be an integer from 0 to 65535, got ${String(i.port)}`);
    const weight = i.weight ?? 1;
    if (!Number.isFinite(weight) || weight < 0 || weight > 10000) throw new TypeError(`instance.weight must be from 0 to 10000, got ${String(i.weight)}`);
    return {
      namespace: this.o.namespace,
      group: groupOf(group),
      service: checkName(service, 'service'),
      ip: i.ip,
      port: i.port,
      weight,
      healthy: i.healthy ?? true,
      enabled: i.enabled ?? true,
      ephemeral: i.ephemeral ?? true,
      clusterName: i.clusterName ?? 'DEFAULT',
      metadata: { ...(i.metadata ?? {}) },
    };
  }
}

function beatKey(r: Registration): string {
  return `${r.group}@@${r.service}#${r.ip}:${r.port}`;
}

function groupOf(group: string | undefined): string {
  return group === undefined || group === '' ? DEFAULT_GROUP : checkName(group, 'group');
}

function checkName(value: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`${what} must be a non-empty string`);
  if (value.includes('@@')) throw new TypeError(`${what} must not contain '@@' (pass the group as the group option)`);
  return value;
}

/**
 * Creates a naming client; with `verify: true` it first checks the configuration against the servers and
 * rejects with a `CairnConfigError` (closing the client) when something is wrong.
 */
export async function createNamingClient(options: CreateNamingClientOptions): Promise<NamingClient> {
  const { verify, ...rest } = options;
  const client = new NamingClient(rest);
  if (verify) {
    try {
      await client.verify();
    } catch (error) {
      await client.close();
      throw error;
    }
  }
  return client;
}
