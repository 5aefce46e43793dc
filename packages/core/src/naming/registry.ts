import { DomainError, invalidParam } from '../shared/errors.js';
import type { Evidence } from '../journal/journal.js';
import type { EventPublisher } from '../shared/event-bus.js';
import type { Cause } from '../journal/causes.js';
import type { Alarm, Clock } from '../shared/time/clock.js';
import { instanceNotFound, serviceNotFound } from './naming-errors.js';
import { newBeatStats, recordBeat } from './beat-stats.js';
import { applyProbeResult, DEFAULT_PROBE_RULE, probeTargetOf, resetStreaks, type ProbeResult, type ProbeRuleSettings } from './probe-results.js';
import type { Beat, BeatResult, ClusterDefinition, ConnectionEndCause, ConnectionEndEvidence, EditInstance, InstanceTarget, RegisterInstance, ServiceDefinition } from './commands.js';
import { ConnectionOwnership, holdBy, type OwnedInstance } from './connection-owned.js';
import { InstanceDeadlines } from './instance-deadlines.js';
import { InstanceEventLog } from './instance-event-log.js';
import { overlayKey, queryService, toView, type InstanceQuery } from './instance-view.js';
import { DEFAULT_LIFECYCLE, type LifecycleSettings, resolveTiming } from './lifecycle-settings.js';
import type { ConnectionClient, Instance, InstanceView, Origin, Service, ServiceQueryResult } from './model.js';
import type { NamingEvent } from './naming-events.js';
import type { ReadonlyInstance, ReadonlyService } from './readonly-model.js';
import { restoreInstance, restoreOverlay } from './store/restore-records.js';
import { restoreService, type OwnerEvent, type ServiceSnapshot } from './store/naming-store.js';
import type { StoredInstance, StoredOverlay } from './store/stored-records.js';
import { addressKey, groupedName, instanceKey, keptAddressKey, type ServiceRef } from './names.js';
import { checkNewInstance, checkNewInstances, checkNewService, type HeldCounts, type MemoryPressure, type NamingLimits, UNLIMITED } from './limits.js';
import { checkRegistration } from './registration-rules.js';
import { ANY_PROBE_TARGET, checkProbeTarget, type ProbeTargetCheck } from './probe-targets.js';
import { RemovalMemory, type Removal } from './removal-memory.js';
import { createService, deleteService, updateCluster, updateService, verifiedUser } from './service-commands.js';
import { ServiceTable } from './service-table.js';
import { sharedMetadata, sharedString } from './shared-values.js';
import { Throttle } from './throttle.js';
import { validateCluster, validateIp, validateMetadata, validatePort, validateWeight } from './validation.js';

export type { Removal } from './removal-memory.js';
export type { OwnedInstance } from './connection-owned.js';

export interface RegistryOptions {
  clock: Clock;
  alarm: Alarm;
  /** Where the registry publishes what changed; the server passes its one bus. Tests may leave it out. */
  events?: EventPublisher<NamingEvent>;
  lifecycle?: Partial<LifecycleSettings>;
  /** The consecutive-result rule for server-side probes of persistent instances. */
  probes?: Partial<ProbeRuleSettings>;
  /** Where the server may send probes (`--probe-targets`); persistent instances it may not probe are refused. */
  probeTargets?: ProbeTargetCheck;
  /** Bounds on instances and services (`--max-instances` …); unset: none. */
  limits?: Partial<NamingLimits>;
  /** The server's heap watch: while it reports pressure, new instances and services are refused (OVERLOADED). */
  memory?: MemoryPressure;
}

/** What core did with a probe result: `ignored` when the instance is gone or its checker changed meanwhile. */
export type ProbeVerdict = 'ignored' | 'unchanged' | 'flipped';

// A client beating for an instance the server lost repeats every 5 s; one journal entry a minute tells the story.
const REPEATED_FAILURE_LOG_EVERY_MS = 60_000;

/**
 * The naming registry: every way in (HTTP v1/v2, expiry, probes, console) goes through these commands, which
 * validate, change state and publish a domain event for each change. Outside core, state is read through the
 * read-only views below; nothing outside core holds a mutable service or instance.
 */
export class Registry {
  readonly lifecycle: Readonly<LifecycleSettings>;
  readonly probeRule: Readonly<ProbeRuleSettings>;
  readonly probeTargets: ProbeTargetCheck;
  readonly limits: Readonly<NamingLimits>;
  private readonly services: ServiceTable;
  /** Instances held in all services, counted as they come and go (the total-instances limit reads it). */
  private instanceCount = 0;
  private readonly held: HeldCounts;
  private readonly events: EventPublisher<NamingEvent>;
  private readonly log: InstanceEventLog;
  private readonly clock: Clock;
  private readonly deadlines: InstanceDeadlines;
  private readonly removals = new RemovalMemory();
  private readonly unknownBeatsLogged = new Throttle(REPEATED_FAILURE_LOG_EVERY_MS);
  private readonly rejectedBeatsLogged = new Throttle(REPEATED_FAILURE_LOG_EVERY_MS);
  private readonly owned: ConnectionOwnership;

  constructor(options: RegistryOptions) {
    this.clock = options.clock;
    this.lifecycle = Object.freeze({ ...DEFAULT_LIFECYCLE, ...options.lifecycle });
    this.probeRule = Object.freeze({ ...DEFAULT_PROBE_RULE, ...options.probes });
    this.probeTargets = options.probeTargets ?? ANY_PROBE_TARGET;
    this.limits = Object.freeze({ ...UNLIMITED, ...options.limits });
    const registry = this;
    this.held = {
      get instances() {
        return registry.instanceCount;
      },
      servicesIn: (namespace) => this.services.countIn(namespace),
      memory: options.memory,
    };
    this.events = options.events ?? { publish: () => undefined };
    this.log = new InstanceEventLog(this.clock, this.events);
    this.services = new ServiceTable(this.clock, this.events, (s) => this.deadlines.scheduleService(s));
    this.deadlines = new InstanceDeadlines(this.clock, options.alarm, this.lifecycle, {
      markUnhealthy: (s, i) => this.onBeatMissed(s, i),
      expire: (s, i) => this.onExpired(s, i),
      cleanEmptyService: (s, ttlMs) => this.services.expireEmpty(s, ttlMs),
    });
    this.owned = new ConnectionOwnership({
      now: () => this.now(),
      service: (ref) => this.services.get(ref),
      check: (cmd, origin, found) => this.checkOrLog(cmd, origin, found),
      checkBatch: (ref, cmds, origin, found) => this.checkOrLogEach(cmds, origin, found, () => checkNewInstances(this.limits, this.held, ref, cmds, found)),
      upsert: (cmd, origin, connection, found) => {
        const instance = this.upsert(cmd, origin, 'INSTANCE_REGISTERED', { connectionId: connection.connectionId }, found, connection);
        return { service: found ?? this.services.get(cmd)!, instance };
      },
      remove: (service, instance, cause, evidence, origin) => {
        this.remove(service, instance, cause, evidence);
        this.removals.remember(instanceKey(service, instance.ip, instance.port), { at: this.now(), cause, via: origin.via, from: origin.ip });
      },
      resumeBeats: (service, instance) => this.deadlines.schedule(service, instance),
    });
  }

  now(): number {
    return this.clock.now();
  }

  /** One service, read-only; undefined if it does not exist. */
  service(ref: ServiceRef): ReadonlyService | undefined {
    return this.services.get(ref);
  }

  /** For callers that already built the service key (it is part of their own cache key). */
  serviceByKey(key: string): ReadonlyService | undefined {
    return this.services.getByKey(key);
  }

  /** One service, read-only; SERVICE_NOT_FOUND if it does not exist. */
  serviceOrFail(ref: ServiceRef): ReadonlyService {
    return this.requireService(ref);
  }

  allServices(): IterableIterator<ReadonlyService> {
    return this.services.all();
  }

  servicesIn(namespace: string): ReadonlyService[] {
    return this.services.inNamespace(namespace);
  }

  get serviceCount(): number {
    return this.services.size;
  }

  /** Puts stored state back at start: definitions, persistent instances, overlays. Publishes nothing. */
  restore(stored: { services: readonly ServiceSnapshot[]; instances: readonly StoredInstance[]; overlays: readonly StoredOverlay[] }): void {
    for (const snapshot of stored.services) restoreService(this.services, snapshot);
    for (const instance of stored.instances) restoreInstance(this.services, this.lifecycle, instance);
    for (const overlay of stored.overlays) restoreOverlay(this.services, overlay);
    this.instanceCount = 0;
    for (const service of this.services.all()) this.instanceCount += service.instances.size;
  }

  /** Instances held in all services. */
  get instanceTotal(): number {
    return this.instanceCount;
  }

  registerInstance(cmd: RegisterInstance, origin: Origin): Instance {
    const service = this.services.get(cmd);
    this.checkOrLog(cmd, origin, service);
    return this.upsert(cmd, origin, 'INSTANCE_REGISTERED', {}, service);
  }

  /**
   * An ephemeral instance registered over a gRPC connection (InstanceRequest registerInstance): the connection
   * holds it, no beat timer runs for it, and it leaves when the connection lets go (see connectionClosed).
   */
  registerForConnection(cmd: RegisterInstance, client: ConnectionClient, via = 'gRPC InstanceRequest'): Instance {
    return this.owned.register(cmd, client, via);
  }

  /** InstanceRequest deregisterInstance: the connection lets go; false when it did not hold that address. */
  deregisterForConnection(target: InstanceTarget, client: ConnectionClient, via = 'gRPC InstanceRequest', why?: OwnerEvent): boolean {
    return this.owned.deregister(target, client, via, why);
  }

  /** BatchInstanceRequest: `cmds` become the connection's whole set in service `ref`. */
  batchRegisterForConnection(ref: ServiceRef, cmds: readonly RegisterInstance[], client: ConnectionClient, via = 'gRPC BatchInstanceRequest'): Instance[] {
    return this.owned.batchRegister(ref, cmds, client, via);
  }

  /** A connection ended: the instances only it held leave at once (CONNECTION_INSTANCE_REMOVED each). */
  connectionClosed(connectionId: string, cause: ConnectionEndCause, evidence: ConnectionEndEvidence = {}): number {
    return this.owned.connectionClosed(connectionId, cause, evidence);
  }

  /**
   * Cluster mode: this node takes over the expiry of the instances a lost node owned (held here through the
   * connection `connectionId`, that node's stand-in). They are kept by beats from here on, counted from
   * `lastBeatAt` (the lost node's last lease renewal): a client still alive beats again (here or elsewhere) and
   * keeps its instance; the others turn unhealthy and leave on their own timeouts. Each gets OWNER_CHANGED.
   */
  takeOverExpiry(connectionId: string, lastBeatAt: number, evidence: Evidence): number {
    const taken = this.owned.handOverToBeats(connectionId, lastBeatAt);
    for (const { service, instance } of taken) this.log.record('OWNER_CHANGED', service, instance, { ...evidence, lastBeatAt: instance.lastBeatAt });
    return taken.length;
  }

  /** Cluster mode: journals that another node owns the instance now (OWNER_CHANGED); state is changed by the caller. */
  ownerChanged(ref: ServiceRef, ip: string, port: number, evidence: Evidence): void {
    const service = this.services.get(ref);
    const instance = service?.instances.get(addressKey(ip, port));
    if (service && instance) this.log.record('OWNER_CHANGED', service, instance, evidence);
  }

  /** The instances a connection holds now. */
  instancesOwnedBy(connectionId: string): OwnedInstance[] {
    return this.owned.instancesOf(connectionId);
  }

  /** The client of a connection that holds at least one instance. */
  connectionClient(connectionId: string): ConnectionClient | undefined {
    return this.owned.client(connectionId);
  }

  /** Ids of the connections that hold at least one instance. */
  owningConnections(): string[] {
    return this.owned.connectionIds();
  }

  /**
   * An HTTP deregistration removes only what HTTP holds: an instance a connection holds stays (Nacos 2.x: HTTP
   * deregister cannot touch connection-based clients), its beats' hold released.
   */
  deregisterInstance(target: InstanceTarget, origin: Origin): boolean {
    const service = this.services.get(target);
    const instance = service?.instances.get(addressKey(target.ip, target.port));
    if (!service || !instance || (target.cluster !== undefined && target.cluster !== instance.cluster)) return false;
    const by = { via: origin.via, from: origin.ip, agent: origin.agent ?? null, claimedUser: origin.claimedUser ?? null, ...verifiedUser(origin) };
    if (instance.holders && instance.holders.connections.length > 0) {
      instance.holders.beats = false;
      const connectionId = instance.holders.connections[0].connectionId;
      this.log.record('DEREGISTRATION_IGNORED', service, instance, { ...by, connectionId, connections: instance.holders.connections.length });
      return false;
    }
    this.remove(service, instance, 'INSTANCE_DEREGISTERED', by);
    this.removals.remember(instanceKey(service, instance.ip, instance.port), { at: this.now(), cause: 'INSTANCE_DEREGISTERED', via: origin.via, from: origin.ip });
    return true;
  }

  beat(cmd: Beat, origin: Origin): BeatResult {
    const service = this.services.get(cmd);
    const instance = service?.instances.get(addressKey(cmd.ip, cmd.port));
    // Only HTTP's own hold is beaten: a beat for an address only connections hold is one for an unknown HTTP client.
    if (!instance?.ephemeral || instance.holders?.beats === false) {
      if (!cmd.body) return this.unknownBeat(cmd, origin);
      const recreated = this.recreateFromBeat(cmd, origin, service);
      return { code: 10200, clientBeatIntervalMs: recreated.timing.intervalMs, recreated: true };
    }
    const now = this.now();
    const silentMs = now - instance.lastBeatAt; // since the last beat or registration, whichever was later
    const gap = recordBeat((instance.beats ??= newBeatStats(instance.registeredAt)), now, instance.timing.intervalMs, this.lifecycle.lateBeatFactor);
    instance.lastBeatAt = now;
    this.seenFrom(instance, origin);
    if (gap > instance.timing.intervalMs * this.lifecycle.lateBeatFactor) {
      this.log.record('BEAT_LATE', service!, instance, { gapMs: gap, intervalMs: instance.timing.intervalMs, from: origin.ip });
    }
    if (!instance.healthy) {
      instance.healthy = true;
      instance.unhealthySince = undefined;
      this.log.record('BEAT_RESUMED', service!, instance, { silentMs, from: origin.ip, agent: origin.agent ?? null, ...verifiedUser(origin) });
      this.services.changed(service!);
    }
    this.deadlines.schedule(service!, instance); // no-op while an earlier entry is pending
    return { code: 10200, clientBeatIntervalMs: instance.timing.intervalMs, recreated: false };
  }

  /** PUT semantics: writes the operator overlay (enabled, weight, metadata) that wins over registered values. */
  updateInstance(cmd: EditInstance, origin: Origin): void {
    const service = this.requireService(cmd);
    validateIp(cmd.ip);
    validatePort(cmd.port);
    validateCluster(cmd.cluster);
    if (cmd.weight !== undefined) validateWeight(cmd.weight);
    if (cmd.metadata) validateMetadata(cmd.metadata);
    this.checkOverlayTiming(service, cmd, cmd.metadata);
    const key = overlayKey(cmd.ip, cmd.port, cmd.cluster);
    service.overlays.set(key, { enabled: cmd.enabled ?? true, weight: cmd.weight ?? 1, metadata: cmd.metadata, updatedAt: this.now() });
    this.afterEdit(service, cmd, origin);
  }

  /** PATCH semantics: only the given fields change; the instance must exist. */
  patchInstance(cmd: EditInstance, origin: Origin): void {
    const service = this.requireService(cmd);
    const instance = service.instances.get(addressKey(cmd.ip, cmd.port));
    if (!instance || instance.cluster !== cmd.cluster) {
      throw instanceNotFound(cmd, cmd.ip, cmd.port, cmd.cluster);
    }
    if (cmd.weight !== undefined) validateWeight(cmd.weight);
    if (cmd.metadata) validateMetadata(cmd.metadata);
    const key = overlayKey(cmd.ip, cmd.port, cmd.cluster);
    const previous = service.overlays.get(key);
    this.checkOverlayTiming(service, cmd, cmd.metadata ?? previous?.metadata);
    service.overlays.set(key, {
      enabled: cmd.enabled ?? previous?.enabled,
      weight: cmd.weight ?? previous?.weight,
      metadata: cmd.metadata ?? previous?.metadata,
      updatedAt: this.now(),
    });
    this.afterEdit(service, cmd, origin);
  }

  /** Manual health marking: only persistent instances whose cluster's checker is NONE. */
  markHealth(target: InstanceTarget & { healthy: boolean }, origin: Origin): void {
    const service = this.requireService(target);
    const instance = service.instances.get(addressKey(target.ip, target.port));
    if (instance && target.cluster !== undefined && target.cluster !== instance.cluster) {
      throw instanceNotFound(target, target.ip, target.port, target.cluster);
    }
    // The instance's own cluster decides: a NONE checker on another cluster must not unlock a probed instance.
    const cluster = instance?.cluster ?? target.cluster ?? 'DEFAULT';
    const checker = service.clusters.get(cluster)?.healthChecker.type ?? 'TCP';
    if (!instance || instance.ephemeral || checker !== 'NONE') {
      throw new DomainError('HEALTH_CHECK_ACTIVE', `health check is still working, service: ${groupedName(service.group, service.name)}, cluster: ${cluster}`);
    }
    if (instance.healthy === target.healthy) return;
    this.setHealth(instance, target.healthy);
    if (instance.probe) resetStreaks(instance.probe);
    this.log.record('HEALTH_MARKED', service, instance, { healthy: target.healthy, by: origin.ip, agent: origin.agent ?? null, claimedUser: origin.claimedUser ?? null, ...verifiedUser(origin), via: origin.via });
    this.services.changed(service);
  }

  /**
   * Cluster mode: the health another node decided and stored: the owner of an ephemeral instance (its beats
   * stopped or came back there), or the node that probes a persistent one. Journaled with the owner's event when
   * the change carries it (BEAT_MISSED or BEAT_RESUMED with the owner's evidence and `node`), else as
   * HEALTH_MARKED with the origin naming the change log; this node's own probe streaks start again from the new
   * health.
   */
  applyOwnerHealth(ref: ServiceRef, ip: string, port: number, healthy: boolean, origin: Origin, why?: OwnerEvent): void {
    const service = this.services.get(ref);
    const instance = service?.instances.get(addressKey(ip, port));
    if (!service || !instance || instance.healthy === healthy) return;
    this.setHealth(instance, healthy);
    if (instance.probe) resetStreaks(instance.probe);
    // The owner's own event (beats missed or resumed there), journaled here as it was there, naming that node.
    // A change is applied by reading the row again, which may be newer than the event: it must agree.
    if ((why?.cause === 'BEAT_MISSED' && !healthy) || (why?.cause === 'BEAT_RESUMED' && healthy)) this.log.record(why!.cause, service, instance, { ...why!.evidence, node: origin.ip, via: origin.via });
    else this.log.record('HEALTH_MARKED', service, instance, { healthy, by: origin.ip, agent: origin.agent ?? null, claimedUser: null, via: origin.via });
    this.services.changed(service);
  }

  /**
   * A server-side probe's result for a persistent instance. Health flips after `checkTimes` consecutive results
   * against it (a definite failure flips at once); failures mark unhealthy and never remove. A result for an
   * instance that left, or whose cluster's checker changed to another type while the probe ran, is ignored.
   *
   * @example
   *   registry.recordProbeResult(ref, '10.0.0.7', 8080, { ok: false, failNow: true, probe: 'TCP', target: '10.0.0.7:8080', error: 'ECONNREFUSED', durationMs: 1 });
   */
  recordProbeResult(ref: ServiceRef, ip: string, port: number, result: ProbeResult): ProbeVerdict {
    const found = this.find(ref, ip, port);
    if (!found || found.instance.ephemeral || probeTargetOf(found.service, found.instance)?.type !== result.probe) return 'ignored';
    const { service, instance } = found;
    const step = applyProbeResult(instance, result, this.now(), this.probeRule);
    if (step.flip) this.setHealth(instance, result.ok);
    if (step.journal) this.log.record(step.journal.cause, service, instance, step.journal.evidence);
    if (!step.flip) return 'unchanged';
    this.services.changed(service);
    return 'flipped';
  }

  createService(ref: ServiceRef, def: ServiceDefinition, origin: Origin): Service {
    if (!this.services.get(ref)) {
      try {
        checkNewService(this.limits, this.held, ref);
      } catch (error) {
        if (error instanceof DomainError) this.log.serviceRejected(ref, origin, error);
        throw error;
      }
    }
    return createService(this.services, ref, def, origin);
  }

  updateService(ref: ServiceRef, def: ServiceDefinition, origin: Origin): Service {
    return updateService(this.services, this.requireService(ref), def, origin);
  }

  deleteService(ref: ServiceRef, origin: Origin): void {
    deleteService(this.services, ref, origin);
  }

  updateCluster(def: ClusterDefinition, origin: Origin): void {
    updateCluster(this.services, def, origin, this.probeTargets);
  }

  query(ref: ServiceRef, query: InstanceQuery): ServiceQueryResult {
    return queryService(this.services.get(ref), query);
  }

  /** One instance as consumers see it (overlay applied), in the given cluster; INSTANCE_NOT_FOUND otherwise. */
  instanceView(ref: ServiceRef, ip: string, port: number, cluster: string): InstanceView {
    const found = this.findInstance(ref, ip, port);
    if (!found || found.instance.cluster !== cluster) {
      throw instanceNotFound(ref, ip, port, cluster);
    }
    return toView(found.service, found.instance);
  }

  findInstance(ref: ServiceRef, ip: string, port: number): { service: ReadonlyService; instance: ReadonlyInstance } | undefined {
    return this.find(ref, ip, port);
  }

  private find(ref: ServiceRef, ip: string, port: number): { service: Service; instance: Instance } | undefined {
    const service = this.services.get(ref);
    const instance = service?.instances.get(addressKey(ip, port));
    return service && instance ? { service, instance } : undefined;
  }

  /** The last removal of an address in a service, if recent: lets the diagnosis say "deleted by … and re-created N s later". */
  recentRemoval(ref: ServiceRef, ip: string, port: number): Removal | undefined {
    return this.removals.recent(instanceKey(ref, ip, port), this.now());
  }

  /** `found` is the service the caller already looked up, so the hot registration path looks it up once. */
  private upsert(cmd: RegisterInstance, origin: Origin, cause: Cause, extra: Evidence = {}, found?: Service, connection?: ConnectionClient): Instance {
    const now = this.now();
    const service = found ?? this.services.getOrCreate(cmd);
    service.kind ??= cmd.ephemeral ? 'ephemeral' : 'persistent';
    const key = addressKey(cmd.ip, cmd.port);
    const existing = service.instances.get(key);
    const overlayMetadata = service.overlays.get(overlayKey(cmd.ip, cmd.port, cmd.cluster))?.metadata;
    const timing = resolveTiming(overlayMetadata ? { ...cmd.metadata, ...overlayMetadata } : cmd.metadata, this.lifecycle);
    if (existing) {
      const wasHealthy = existing.healthy;
      existing.cluster = sharedString(cmd.cluster);
      existing.weight = cmd.weight;
      existing.enabled = cmd.enabled;
      existing.metadata = sharedMetadata(cmd.metadata);
      existing.timing = timing;
      if (cmd.ephemeral) {
        existing.healthy = true;
        existing.unhealthySince = undefined;
      }
      existing.lastBeatAt = now;
      this.seenFrom(existing, origin);
      if (existing.instanceId !== undefined) existing.instanceId = undefined; // the id built from cmd from now on
      if (connection) {
        existing.holders ??= { connections: [], beats: true };
        holdBy(existing.holders, connection);
      } else if (existing.holders) {
        existing.holders.beats = true;
      }
      this.log.record('INSTANCE_REREGISTERED', service, existing, { by: origin.ip, agent: origin.agent ?? null, via: origin.via, ...verifiedUser(origin), wasHealthy, ...extra });
      this.deadlines.schedule(service, existing);
      this.services.changed(service);
      return existing;
    }
    const instance: Instance = {
      ip: cmd.ip,
      port: cmd.port,
      cluster: sharedString(cmd.cluster),
      weight: cmd.weight,
      enabled: cmd.enabled,
      metadata: sharedMetadata(cmd.metadata),
      healthy: cmd.ephemeral ? true : cmd.healthy,
      ephemeral: cmd.ephemeral,
      registeredAt: now,
      lastBeatAt: now,
      lastSeenFrom: sharedString(origin.ip),
      lastSeenAgent: sharedString(origin.agent ?? ''),
      timing,
      beats: undefined,
      removed: false,
      scheduledAt: 0,
      unhealthySince: cmd.ephemeral || cmd.healthy ? undefined : now,
      holders: connection ? { connections: [connection], beats: false } : undefined,
    };
    service.instances.set(keptAddressKey(cmd.ip, cmd.port), instance);
    this.instanceCount++;
    const removal = this.removals.recent(instanceKey(service, cmd.ip, cmd.port), now);
    const sinceRemoval: Evidence = removal ? { removedAgoMs: now - removal.at, removedBy: removal.cause, removedVia: removal.via, removedFrom: removal.from } : {};
    this.log.record(cause, service, instance, { by: origin.ip, agent: origin.agent ?? null, via: origin.via, claimedUser: origin.claimedUser ?? null, ...verifiedUser(origin), ...sinceRemoval, ...extra });
    if (instance.ephemeral) this.deadlines.schedule(service, instance);
    this.services.changed(service);
    return instance;
  }

  private recreateFromBeat(cmd: Beat, origin: Origin, service: Service | undefined): Instance {
    const register: RegisterInstance = {
      namespace: cmd.namespace,
      group: cmd.group,
      name: cmd.name,
      ip: cmd.ip,
      port: cmd.port,
      cluster: cmd.cluster,
      weight: cmd.body?.weight ?? 1,
      enabled: true,
      healthy: true,
      ephemeral: true,
      metadata: cmd.body?.metadata ?? {},
    };
    try {
      checkRegistration(register, resolveTiming(register.metadata, this.lifecycle), service);
      checkNewInstance(this.limits, this.held, register, register.ip, register.port, service);
    } catch (error) {
      // The client repeats the same beat every few seconds: record the refusal once a minute, answer it every time.
      if (error instanceof DomainError && this.rejectedBeatsLogged.allow(instanceKey(cmd, cmd.ip, cmd.port), this.now())) {
        this.log.registrationRejected(register, origin, error);
      }
      throw error;
    }
    return this.upsert(register, origin, 'INSTANCE_RECREATED_FROM_BEAT', {}, service);
  }

  private checkOrLog(cmd: RegisterInstance, origin: Origin, service: Service | undefined): void {
    try {
      checkRegistration(cmd, resolveTiming(cmd.metadata, this.lifecycle), service);
      if (!cmd.ephemeral) checkProbeTarget(this.probeTargets, service?.clusters.get(cmd.cluster), cmd.ip, cmd.port, 'ip');
      checkNewInstance(this.limits, this.held, cmd, cmd.ip, cmd.port, service);
    } catch (error) {
      if (error instanceof DomainError) this.log.registrationRejected(cmd, origin, error);
      throw error;
    }
  }

  /** A refusal of several registrations at once is journaled for each instance it did not add. */
  private checkOrLogEach(cmds: readonly RegisterInstance[], origin: Origin, service: Service | undefined, check: () => void): void {
    try {
      check();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      for (const cmd of cmds) if (!service?.instances.has(addressKey(cmd.ip, cmd.port))) this.log.registrationRejected(cmd, origin, error);
      throw error;
    }
  }

  private unknownBeat(cmd: Beat, origin: Origin): BeatResult {
    const now = this.now();
    if (this.unknownBeatsLogged.allow(instanceKey(cmd, cmd.ip, cmd.port), now)) this.log.unknownBeat(cmd, origin);
    return { code: 20404, clientBeatIntervalMs: this.lifecycle.beatIntervalMs, recreated: false };
  }

  private onBeatMissed(service: Service, instance: Instance): void {
    instance.healthy = false;
    instance.unhealthySince = this.now();
    this.log.beatMissed(service, instance);
    this.services.changed(service);
  }

  private onExpired(service: Service, instance: Instance): void {
    this.remove(service, instance, 'INSTANCE_EXPIRED', this.log.expiryEvidence(instance));
    this.removals.remember(instanceKey(service, instance.ip, instance.port), { at: this.now(), cause: 'INSTANCE_EXPIRED', via: 'expiry', from: 'server' });
  }

  private remove(service: Service, instance: Instance, cause: Cause, evidence: Evidence): void {
    if (service.instances.delete(addressKey(instance.ip, instance.port))) this.instanceCount--;
    instance.removed = true;
    this.log.record(cause, service, instance, evidence);
    this.services.changed(service);
  }

  private afterEdit(service: Service, cmd: EditInstance, origin: Origin): void {
    this.applyOverlayTiming(service, cmd.ip, cmd.port);
    this.log.edited(service, cmd, origin);
    this.services.changed(service);
  }

  /** The `preserved.*` timeouts an overlay sets must be consistent with the instance's interval, as at registration. */
  private checkOverlayTiming(service: Service, cmd: EditInstance, overlayMetadata: Record<string, string> | undefined): void {
    const instance = service.instances.get(addressKey(cmd.ip, cmd.port));
    if (!instance || !overlayMetadata || instance.cluster !== cmd.cluster) return;
    const timing = resolveTiming({ ...instance.metadata, ...overlayMetadata }, this.lifecycle);
    if (timing.timeoutMs < timing.intervalMs || timing.deleteTimeoutMs < timing.intervalMs) {
      throw invalidParam('metadata', `Param 'metadata': heart beat timeout (${timing.timeoutMs} ms) and ip delete timeout (${timing.deleteTimeoutMs} ms) must each be at least the heart beat interval (${timing.intervalMs} ms).`);
    }
  }

  /** Operator metadata wins over registered metadata for the `preserved.*` timeouts too (Nacos reads the overlay first). */
  private applyOverlayTiming(service: Service, ip: string, port: number): void {
    const instance = service.instances.get(addressKey(ip, port));
    if (!instance) return;
    const overlay = service.overlays.get(overlayKey(ip, port, instance.cluster));
    instance.timing = resolveTiming(overlay?.metadata ? { ...instance.metadata, ...overlay.metadata } : instance.metadata, this.lifecycle);
    this.deadlines.schedule(service, instance);
  }

  /** Where the instance was last heard from; a changed value is kept as its shared copy. */
  private seenFrom(instance: Instance, origin: Origin): void {
    if (instance.lastSeenFrom !== origin.ip) instance.lastSeenFrom = sharedString(origin.ip);
    if (origin.agent && instance.lastSeenAgent !== origin.agent) instance.lastSeenAgent = sharedString(origin.agent);
  }

  private setHealth(instance: Instance, healthy: boolean): void {
    instance.healthy = healthy;
    instance.unhealthySince = healthy ? undefined : this.now();
  }

  private requireService(ref: ServiceRef): Service {
    const service = this.services.get(ref);
    if (!service) throw serviceNotFound(ref);
    return service;
  }
}
