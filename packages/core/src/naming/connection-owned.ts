import type { Cause } from '../journal/causes.js';
import type { Evidence } from '../journal/journal.js';
import { invalidParam } from '../shared/errors.js';
import type { ConnectionEndCause, ConnectionEndEvidence, InstanceTarget, RegisterInstance } from './commands.js';
import type { ConnectionClient, Instance, InstanceHolders, Origin, Service } from './model.js';
import { addressKey, serviceKey, type ServiceRef } from './names.js';
import type { ReadonlyInstance, ReadonlyService } from './readonly-model.js';
import type { OwnerEvent } from './store/naming-store.js';
import { verifiedUser } from './service-commands.js';

/** What connection ownership needs from the registry: its lookups and the registry's own ways to change state. */
export interface OwnershipPort {
  now(): number;
  /** The service of `ref`, if it exists. */
  service(ref: ServiceRef): Service | undefined;
  /** Throws the DomainError a registration of `cmd` into `service` (as found) would meet, changing nothing. */
  check(cmd: RegisterInstance, origin: Origin, service: Service | undefined): void;
  /** Throws when the batch's new instances do not all fit the limits (each checked `cmd` fits alone), changing nothing. */
  checkBatch(ref: ServiceRef, cmds: readonly RegisterInstance[], origin: Origin, service: Service | undefined): void;
  /** Registers or updates a checked instance with `connection` among its holders, in `service` if it exists. */
  upsert(cmd: RegisterInstance, origin: Origin, connection: ConnectionClient, service: Service | undefined): { service: Service; instance: Instance };
  /** Takes the instance out of the registry with one domain event of `cause`, and remembers the removal. */
  remove(service: Service, instance: Instance, cause: Cause, evidence: Evidence, origin: Origin): void;
  /** The instance is kept by HTTP beats alone again: its beat timers run from its last beat. */
  resumeBeats(service: Service, instance: Instance): void;
}

/** The instances one connection holds in one service. */
interface OwnedIn {
  service: Service;
  instances: Set<Instance>;
}

interface Owned {
  client: ConnectionClient;
  /** By service key, so a batch looks only at its own service's (a set of instances, no key string each). */
  byService: Map<string, OwnedIn>;
}

/** `connection` among the holders (once). */
export function holdBy(holders: InstanceHolders, connection: ConnectionClient): void {
  const at = holders.connections.findIndex((c) => c.connectionId === connection.connectionId);
  if (at < 0) holders.connections.push(connection);
  else holders.connections[at] = connection;
}

/** An instance a connection holds, as read models see it. */
export interface OwnedInstance {
  service: ReadonlyService;
  instance: ReadonlyInstance;
}

/**
 * Ephemeral instances held by gRPC connections (Nacos 2.x): a connection keeps its instances alive without beats,
 * and when it ends every instance it holds goes at once, each removal an event citing the connection. An address
 * may also be held by other connections or by HTTP beats (Nacos keeps one publisher per client): it stays while
 * any holder does, showing the values of its latest registration.
 */
export class ConnectionOwnership {
  private readonly byConnection = new Map<string, Owned>();

  constructor(private readonly port: OwnershipPort) {}

  register(cmd: RegisterInstance, client: ConnectionClient, via: string): Instance {
    requireEphemeral(cmd);
    const origin = originOf(client, via);
    const found = this.port.service(cmd);
    this.port.check(cmd, origin, found);
    return this.upsert(cmd, origin, client, found).instance;
  }

  /** Lets go of the connection's hold on one address; removes the instance if nothing else holds it. */
  deregister(target: InstanceTarget, client: ConnectionClient, via: string, why?: OwnerEvent): boolean {
    const owned = this.byConnection.get(client.connectionId);
    const held = owned?.byService.get(serviceKey(target));
    const instance = held && findAt(held, target.ip, target.port);
    if (!owned || !held || !instance || (target.cluster !== undefined && target.cluster !== instance.cluster)) return false;
    // Cluster mode: a stand-in lets go because its node removed the instance: journaled with that node's cause.
    if (why && REMOVAL_CAUSES.has(why.cause)) this.release(owned, held, instance, why.cause, { ...why.evidence, node: client.ip, via }, via);
    else this.release(owned, held, instance, 'INSTANCE_DEREGISTERED', deregisteredBy(client, via), via);
    return true;
  }

  /**
   * Nacos's BatchInstanceRequest: the given instances become the connection's whole set in that service; the
   * ones it held there before and left out are deregistered. All are checked first, so a refusal changes nothing;
   * each is checked once and the service looked up once for the whole batch.
   */
  batchRegister(ref: ServiceRef, cmds: readonly RegisterInstance[], client: ConnectionClient, via: string): Instance[] {
    const key = serviceKey(ref);
    const origin = originOf(client, via);
    let service = this.port.service(ref);
    for (const cmd of cmds) {
      requireEphemeral(cmd);
      if (serviceKey(cmd) !== key) throw invalidParam('serviceName', `Param 'serviceName': every instance of a batch must belong to the batch's service ${ref.group}@@${ref.name}.`);
      this.port.check(cmd, origin, service);
    }
    this.port.checkBatch(ref, cmds, origin, service);
    const owned = this.byConnection.get(client.connectionId);
    const held = owned?.byService.get(key);
    if (held) {
      const kept = new Set(cmds.map((c) => addressKey(c.ip, c.port)));
      for (const instance of [...held.instances]) {
        if (!kept.has(addressKey(instance.ip, instance.port))) this.release(owned!, held, instance, 'INSTANCE_DEREGISTERED', deregisteredBy(client, via), via);
      }
    }
    return cmds.map((cmd) => {
      const registered = this.upsert(cmd, origin, client, service);
      service = registered.service;
      return registered.instance;
    });
  }

  /** The connection ended: every instance only it held leaves at once, one event each. Returns how many left. */
  connectionClosed(connectionId: string, cause: ConnectionEndCause, evidence: ConnectionEndEvidence = {}): number {
    const owned = this.byConnection.get(connectionId);
    if (!owned) return 0;
    const { client } = owned;
    const ending: Evidence = {
      connectionId,
      endedBy: cause,
      clientIp: client.ip,
      clientPort: client.port,
      agent: client.clientVersion || null,
      appName: client.appName ?? null,
      connectedAt: client.connectedAt,
      connectedForMs: Math.max(0, this.port.now() - client.connectedAt),
      silentMs: evidence.silentMs ?? null,
      detail: evidence.detail ?? null,
    };
    let removed = 0;
    for (const held of [...owned.byService.values()]) {
      for (const instance of [...held.instances]) {
        if (this.release(owned, held, instance, 'CONNECTION_INSTANCE_REMOVED', ending, 'gRPC connection end')) removed++;
      }
    }
    this.byConnection.delete(connectionId);
    return removed;
  }

  /**
   * The connection lets go of its instances without removing them: those it alone held are kept by beats from
   * here on, as if last beaten at `lastBeatAt` (or later, if they were registered later), so their ordinary
   * timers decide when they turn unhealthy and leave. Returns them. Cluster mode: a node takes over the expiry
   * of the instances a lost node owned.
   */
  handOverToBeats(connectionId: string, lastBeatAt: number): { service: Service; instance: Instance }[] {
    const owned = this.byConnection.get(connectionId);
    if (!owned) return [];
    this.byConnection.delete(connectionId);
    const out: { service: Service; instance: Instance }[] = [];
    for (const held of owned.byService.values()) {
      for (const instance of held.instances) {
        const holders = instance.holders;
        if (instance.removed || held.service.instances.get(addressKey(instance.ip, instance.port)) !== instance || !holders) continue;
        const at = holders.connections.findIndex((c) => c.connectionId === connectionId);
        if (at >= 0) holders.connections.splice(at, 1);
        if (holders.connections.length > 0 || holders.beats) continue;
        holders.beats = true;
        instance.lastBeatAt = Math.max(instance.lastBeatAt, lastBeatAt);
        this.port.resumeBeats(held.service, instance);
        out.push({ service: held.service, instance });
      }
    }
    return out;
  }

  /** The instances a connection holds now, for `/v2/ns/client/*` and the console. */
  instancesOf(connectionId: string): OwnedInstance[] {
    const out: OwnedInstance[] = [];
    for (const held of this.byConnection.get(connectionId)?.byService.values() ?? []) {
      for (const instance of held.instances) out.push({ service: held.service, instance });
    }
    return out;
  }

  /** The client of a connection that holds at least one instance. */
  client(connectionId: string): ConnectionClient | undefined {
    return this.byConnection.get(connectionId)?.client;
  }

  /** Ids of the connections that hold at least one instance. */
  connectionIds(): string[] {
    return [...this.byConnection.keys()];
  }

  private upsert(cmd: RegisterInstance, origin: Origin, client: ConnectionClient, found: Service | undefined): { service: Service; instance: Instance } {
    const registered = this.port.upsert(cmd, origin, client, found);
    this.track(client, registered.service, registered.instance);
    return registered;
  }

  private track(client: ConnectionClient, service: Service, instance: Instance): void {
    let owned = this.byConnection.get(client.connectionId);
    if (!owned) {
      owned = { client, byService: new Map() };
      this.byConnection.set(client.connectionId, owned);
    }
    let held = owned.byService.get(service.key);
    if (!held) owned.byService.set(service.key, (held = { service, instances: new Set() }));
    held.instances.add(instance);
  }

  /** True when the instance left the registry with this release. */
  private release(owned: Owned, held: OwnedIn, instance: Instance, cause: Cause, evidence: Evidence, via: string): boolean {
    held.instances.delete(instance);
    if (held.instances.size === 0) owned.byService.delete(held.service.key);
    if (owned.byService.size === 0) this.byConnection.delete(owned.client.connectionId);
    const service = held.service;
    const holders = instance.holders;
    if (instance.removed || service.instances.get(addressKey(instance.ip, instance.port)) !== instance || !holders) return false;
    const at = holders.connections.findIndex((c) => c.connectionId === owned.client.connectionId);
    if (at >= 0) holders.connections.splice(at, 1);
    if (holders.connections.length > 0) return false;
    if (holders.beats) {
      this.port.resumeBeats(service, instance);
      return false;
    }
    this.port.remove(service, instance, cause, evidence, originOf(owned.client, via));
    return true;
  }
}

/**
 * The instance at `ip:port` among those a connection holds in one service: the service's own if held (at once),
 * else one held since it left the registry (a walk over the connection's instances in that service).
 */
function findAt(held: OwnedIn, ip: string, port: number): Instance | undefined {
  const current = held.service.instances.get(addressKey(ip, port));
  if (current !== undefined && held.instances.has(current)) return current;
  for (const instance of held.instances) if (instance.ip === ip && instance.port === port) return instance;
  return undefined;
}

function originOf(client: ConnectionClient, via: string): Origin {
  return { ip: client.ip, agent: client.clientVersion || undefined, via, ...verifiedUser(client) };
}

function requireEphemeral(cmd: RegisterInstance): void {
  if (!cmd.ephemeral) {
    throw invalidParam('ephemeral', "Param 'ephemeral': a connection holds only ephemeral instances; register persistent instances with a PersistentInstanceRequest.");
  }
}

/** The causes of a removal another node's change may carry. */
const REMOVAL_CAUSES: ReadonlySet<Cause> = new Set<Cause>(['INSTANCE_EXPIRED', 'INSTANCE_DEREGISTERED', 'CONNECTION_INSTANCE_REMOVED']);

/** The evidence of a deregistration the connection itself asked for. */
function deregisteredBy(client: ConnectionClient, via: string): Evidence {
  return { via, from: client.ip, agent: client.clientVersion || null, claimedUser: null, ...verifiedUser(client), connectionId: client.connectionId };
}
