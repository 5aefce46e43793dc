import type { LapsedMember } from './membership.js';
import {
  STAND_IN_AGENT,
  addressInstanceKey,
  instanceKey,
  isStandIn,
  serviceOfAddress,
  type ConnectionClient,
  type InstanceAddress,
  type NamingStore,
  type Origin,
  type OwnedEphemeral,
  type OwnerEvent,
  type RegisterInstance,
  type ReadonlyInstance,
  type Registry,
  type ServiceRef,
} from '@cairn/core';

/** The origin the journal shows for a change applied from another node (its address replaces `cluster` where known). */
export const FROM_LOG: Origin = { ip: 'cluster', via: 'cluster change log' };

/** What the stand-ins need of naming persistence. */
export interface StandInParts {
  registry: Registry;
  naming: Pick<NamingStore, 'adoptEphemeralsOf' | 'loadEphemerals'>;
  /** This node's name in the cluster. */
  node: string;
  /** A node's address (host:port) from its name, for the journal. */
  nodeName: (node: string) => string;
  /** Has this node write its row of an instance it holds for its own clients again (in the background). */
  rewrite: (ref: ServiceRef, ip: string, port: number) => void;
  /** Runs a synchronous step without persistence marking what it changes (it is in the database already). */
  quietly: <T>(apply: () => T) => T;
}

/** Connection ids of the stand-ins that hold other nodes' ephemeral instances here. */
const NODE_HOLDER = 'cluster-node:';

/** The stand-ins of other nodes among an instance's holders. */
export function nodeHolders(instance: ReadonlyInstance | undefined): ConnectionClient[] {
  return (instance?.holders?.connections ?? []).filter(isStandIn);
}

/** Held by this node: by its beats, by a client connected here, or (no holders) registered over HTTP here. */
export function ownedHere(instance: ReadonlyInstance): boolean {
  const holders = instance.holders;
  return holders === undefined || holders.beats || holders.connections.some((c) => !isStandIn(c));
}

/** The registration that holds a stored ephemeral row here (written out: a spread copy is V8's slow path, per row of a burst). */
function registrationOf(row: OwnedEphemeral): RegisterInstance {
  return { namespace: row.namespace, group: row.group, name: row.service, ip: row.ip, port: row.port, cluster: row.cluster, weight: row.weight, enabled: row.enabled, healthy: row.healthy, ephemeral: true, metadata: row.metadata };
}

function nodeHolderId(node: string): string {
  return `${NODE_HOLDER}${node}`;
}

/** The node a stand-in holds for. */
function nodeOfHolder(holder: ConnectionClient): string {
  return holder.connectionId.slice(NODE_HOLDER.length);
}

/**
 * Cluster mode: the ephemeral instances other nodes own, held here by one stand-in connection per owning node (no
 * beat timer runs here: the owner decides health and expiry, and this node follows its rows); the hand-over when
 * a client moves here; and the take-over of a lost node's instances.
 *
 * @example
 *   const standIns = new StandIns({ registry, naming: stores.naming, node, nodeName, rewrite, quietly });
 *   standIns.apply(address, await stores.naming.loadEphemeral(address), origin);
 */
export class StandIns {
  constructor(private readonly parts: StandInParts) {}

  /**
   * Makes one ephemeral instance match its row, as another node wrote it. The new owner's stand-in takes hold
   * before the former one lets go, so an instance that changes owner never leaves the list here. When another node
   * took over an instance this node owned (its client beats there now), this node lets go of it. When the row is
   * gone, the stand-ins let go (journaled with the owner's event `why` when the change carries it); but an instance
   * this node still holds for its own clients (the row went while this node could not reach the database, and
   * another node expired it there) is written again, so the others list it again.
   */
  apply(a: InstanceAddress, stored: OwnedEphemeral | undefined, origin: Origin = FROM_LOG, why?: OwnerEvent): void {
    const { registry, node: me, nodeName } = this.parts;
    const ref = serviceOfAddress(a);
    const target = { namespace: a.namespace, group: a.group, name: a.service, ip: a.ip, port: a.port };
    const before = registry.findInstance(ref, a.ip, a.port)?.instance;
    if (stored?.owner === me) return;
    if (!stored) {
      for (const holder of nodeHolders(before)) registry.deregisterForConnection(target, holder, origin.via, why);
      const still = registry.findInstance(ref, a.ip, a.port)?.instance;
      if (still?.ephemeral && ownedHere(still)) this.parts.rewrite(ref, a.ip, a.port);
      return;
    }
    const formerOwner = before === undefined ? undefined : ownedHere(before) ? me : nodeHolders(before).map(nodeOfHolder)[0];
    const holder = this.holder(stored.owner);
    registry.registerForConnection(registrationOf(stored), holder, origin.via);
    for (const other of nodeHolders(before)) {
      if (other.connectionId !== holder.connectionId) registry.deregisterForConnection(target, other, origin.via);
    }
    // Held by beats or a client of this node's until now: the other node owns it from here on.
    if (registry.findInstance(ref, a.ip, a.port)?.instance.holders?.beats) registry.deregisterInstance(target, origin);
    if (formerOwner !== undefined && formerOwner !== stored.owner) {
      registry.ownerChanged(ref, a.ip, a.port, { reason: 'owner-moved', from: nodeName(formerOwner), to: nodeName(stored.owner), via: origin.via });
    }
    registry.applyOwnerHealth(ref, a.ip, a.port, stored.healthy, origin, why);
  }

  /** Taken over here (its client beats or connects here now): the former owner's stand-in lets go, or it would outlive it. */
  release(ref: ServiceRef, ip: string, port: number, instance: ReadonlyInstance): void {
    const standIns = nodeHolders(instance);
    if (standIns.length === 0) return;
    const target = { namespace: ref.namespace, group: ref.group, name: ref.name, ip, port };
    for (const holder of standIns) this.parts.registry.deregisterForConnection(target, holder, FROM_LOG.via);
    const from = nodeOfHolder(standIns[0]);
    this.parts.registry.ownerChanged(ref, ip, port, { reason: 'client-moved', from: this.parts.nodeName(from), to: this.parts.nodeName(this.parts.node), via: `${instance.lastSeenAgent || 'client'} from ${instance.lastSeenFrom}` });
  }

  /**
   * A node is gone (its lease lapsed, or it left). This node tries to take over the expiry of the ephemeral
   * instances it owned: the database hands each row to exactly one node. The ones taken here are kept by beats
   * counted from the lost node's last renewal: a client that still beats (here, or to another node, which then
   * takes it over) keeps its instance; the others turn unhealthy and leave on their own timeouts. The ones another
   * node took follow the database (that node's stand-in holds them here).
   */
  async takeOverNode(lost: LapsedMember): Promise<{ taken: number; followed: number }> {
    const { registry, naming, node: me } = this.parts;
    const adopted = await naming.adoptEphemeralsOf(lost.node, me);
    const current = await naming.loadEphemerals();
    const holderId = nodeHolderId(lost.node);
    const mine = new Set(adopted.map(addressInstanceKey));
    return this.parts.quietly(() => {
      for (const row of adopted) {
        // Not held here yet (its row had not been applied): held through the lost node's stand-in first.
        if (!registry.findInstance(serviceOfAddress(row), row.ip, row.port)) {
          registry.registerForConnection(registrationOf(row), this.holder(lost.node), FROM_LOG.via);
        }
      }
      let followed = 0;
      const byKey = new Map(current.map((row) => [addressInstanceKey(row), row]));
      for (const { service, instance } of registry.instancesOwnedBy(holderId)) {
        const key = instanceKey(service, instance.ip, instance.port);
        if (mine.has(key)) continue;
        this.apply({ namespace: service.namespace, group: service.group, service: service.name, ip: instance.ip, port: instance.port }, byKey.get(key));
        followed++;
      }
      const taken = registry.takeOverExpiry(holderId, lost.renewedAt, { reason: 'owner-lost', from: lost.address, lostNode: lost.node, lastRenewedAt: lost.renewedAt, to: this.parts.nodeName(me) });
      return { taken, followed };
    });
  }

  /** The stand-in connection that holds a node's ephemeral instances here, named by its address. */
  private holder(node: string): ConnectionClient {
    return { connectionId: nodeHolderId(node), ip: this.parts.nodeName(node), port: 0, clientVersion: STAND_IN_AGENT, connectedAt: this.parts.registry.now() };
  }
}
