import {
  instanceKey,
  addressInstanceKey,
  addressOf,
  serviceOfAddress,
  overlayKey,
  serviceKey,
  snapshotOf,
  storedInstanceOf,
  journalEntryOf,
  type CairnEventBus,
  type CairnStores,
  type InstanceAddress,
  type InstanceEvent,
  type NamingChangeKey,
  type Namespace,
  type Namespaces,
  type NewJournalEvent,
  type OverlayAddress,
  type ReadonlyService,
  type Registry,
  type ServiceRef,
  type ServiceSnapshot,
  type StoredInstance,
  type StoredOverlay,
  type Unsubscribe,
  type Origin,
  type OwnerEvent,
  type Cause,
} from '@cairn/core';
import type { Logger } from 'pino';
import type { ChangeRefresher } from '../cluster/change-applier.js';
import type { LapsedMember } from '../cluster/membership.js';
import { FROM_LOG, nodeHolders, ownedHere, StandIns } from '../cluster/stand-ins.js';
import { WriteBehind, WrittenBehind } from './write-behind.js';

const PRUNE_EVERY_MS = 3_600_000;

interface InstanceRefAt {
  ref: ServiceRef;
  ip: string;
  port: number;
}
interface OverlayRefAt extends InstanceRefAt {
  cluster: string;
}

/** Everything not yet durable, as keys whose current state is read from memory when written (latest state wins). */
interface Dirty {
  namespaces: Map<string, Namespace | null>;
  services: Map<string, ServiceRef>;
  overlays: Map<string, OverlayRefAt>;
  instances: Map<string, InstanceRefAt>;
  /**
   * Cluster mode: ephemeral instances whose row (owned by this node) is to be written or removed, with the latest
   * event that changed their health or removed them (the other nodes journal it as it was journaled here).
   */
  ephemerals: Map<string, InstanceRefAt & { why?: OwnerEvent; claim?: boolean }>;
  journal: NewJournalEvent[];
}

export type { PersistenceStatus } from './write-behind.js';

export { NotDurableError } from './not-durable-error.js';

/** The stores naming persistence writes to, and the database's `close()`, which it calls when it closes. */
export type NamingPersistenceStores = Pick<CairnStores, 'namespaces' | 'naming' | 'close'>;

/**
 * Keeps in storage what must outlive the process: namespaces (in the namespace store), and in the naming store
 * explicit service definitions, persistent instances with their last known health, operator overlays, and the
 * journal of persistent instances.
 *
 * It follows the event bus and marks what changed as dirty; one writer at a time writes every dirty key in the
 * state it has in memory at that moment, so a write is idempotent and a failed one is simply retried (with
 * backoff, until the store takes it). Each change gets a number: `durable(n)` resolves once change `n` is
 * committed, which is what the HTTP layer waits for before acknowledging a request that changed something. A
 * request that changed nothing durable (a beat, a list) never waits.
 */
export class NamingPersistence extends WrittenBehind<Dirty> implements ChangeRefresher {
  readonly context = 'naming';
  protected readonly writer: WriteBehind<Dirty>;
  /** True while another node's change is applied: what it publishes is in the database already. */
  private applying = false;

  private pruner: NodeJS.Timeout | undefined;
  private pruning: Promise<void> = Promise.resolve();
  private readonly unsubscribe: Unsubscribe[] = [];
  private readonly savedServices = new Map<string, string>();
  /** Cluster mode: the other nodes' ephemeral instances held here, and the take-over of a lost node's. */
  private readonly standIns: StandIns | undefined;

  constructor(
    private readonly stores: NamingPersistenceStores,
    private readonly registry: Registry,
    private readonly namespaces: Namespaces,
    private readonly events: CairnEventBus,
    private readonly journalMaxAgeMs: number,
    private readonly journalMaxEvents: number,
    private readonly log: Logger,
    /** Cluster mode: this node's name; its ephemeral instances are stored too, so the other nodes list them. */
    private readonly clusterNode?: string,
    /** Cluster mode: a node's address (host:port) for the journal, from its name; the name when unknown. */
    private readonly nodeName: (node: string) => string = (node) => node,
  ) {
    super();
    this.writer = new WriteBehind<Dirty>({ what: 'storage', empty: emptyDirty, write: (batch) => this.write(batch), putBack, log });
    this.standIns =
      clusterNode === undefined
        ? undefined
        : new StandIns({
            registry,
            naming: stores.naming,
            node: clusterNode,
            nodeName,
            rewrite: (ref, ip, port) => this.writer.mark((d) => d.ephemerals.set(instanceKey(ref, ip, port), { ref, ip, port }), true),
            quietly: (apply) => this.quietly(apply),
          });
  }

  /** Loads what was stored, then starts following changes. Returns the stored events for the journal. */
  async start(): Promise<{ counts: { services: number; instances: number; overlays: number; events: number }; journal: NewJournalEvent[] }> {
    const now = this.registry.now();
    for (const ns of await this.stores.namespaces.loadNamespaces()) this.namespaces.restore(ns);
    const services = await this.stores.naming.loadServices();
    const instances = await this.stores.naming.loadInstances();
    const overlays = await this.stores.naming.loadOverlays();
    this.registry.restore({ services, instances, overlays });
    for (const snapshot of services) this.savedServices.set(serviceKey(snapshot), JSON.stringify(snapshot));
    if (this.clusterNode !== undefined) {
      for (const row of await this.stores.naming.loadEphemerals()) this.standIns?.apply(row, row);
    }
    const journal = await this.stores.naming.loadJournal(now - this.journalMaxAgeMs, this.journalMaxEvents);

    this.unsubscribe.push(
      this.events.on('namespace', (e) => this.mark((d) => d.namespaces.set(e.namespace.id, e.removed ? null : { ...e.namespace }))),
      this.events.on('service-changed', (e) => this.onServiceChanged(e.service)),
      this.events.on('instance', (e) => this.onInstanceEvent(e)),
    );
    this.pruning = this.prune();
    this.pruner = setInterval(() => {
      this.pruning = this.prune();
    }, PRUNE_EVERY_MS).unref();
    return { counts: { services: services.length, instances: instances.length, overlays: overlays.length, events: journal.length }, journal };
  }

  /** Stops following changes, writes what is still dirty (one attempt), and closes the database. */
  async close(): Promise<void> {
    for (const stop of this.unsubscribe) stop();
    if (this.pruner) clearInterval(this.pruner);
    await this.pruning;
    await this.writer.close();
    await this.stores.close();
  }

  private onServiceChanged(service: ReadonlyService): void {
    if (service.removed) {
      for (const key of service.overlays.keys()) {
        const [ip, port, cluster] = splitOverlayKey(key);
        this.markOverlay({ ref: service, ip, port, cluster });
      }
      if (!this.savedServices.has(service.key)) return;
      this.savedServices.delete(service.key);
      this.mark((d) => d.services.set(service.key, { namespace: service.namespace, group: service.group, name: service.name }));
      return;
    }
    if (!service.explicit) return;
    const json = JSON.stringify(snapshotOf(service));
    if (this.savedServices.get(service.key) === json) return;
    this.savedServices.set(service.key, json);
    this.mark((d) => d.services.set(service.key, { namespace: service.namespace, group: service.group, name: service.name }));
  }

  private onInstanceEvent(event: InstanceEvent): void {
    const ref = { namespace: event.namespace, group: event.group, name: event.service };
    if (event.cause === 'INSTANCE_EDITED') this.markOverlay({ ref, ip: event.ip, port: event.port, cluster: event.cluster });
    if (event.ephemeral !== false) {
      // Cluster mode: registrations, health flips and removals reach the database; events that leave the row as it
      // is (a late beat, a refused registration, an owner change recorded by the write itself) write nothing. In the
      // background: the registration or beat is answered from memory, whatever the database does.
      if (this.clusterNode !== undefined && ROW_CAUSES.has(event.cause)) {
        const key = instanceKey(ref, event.ip, event.port);
        const why = TOLD_CAUSES.has(event.cause) ? { cause: event.cause, evidence: event.evidence } : undefined;
        const claim = CLAIM_CAUSES.has(event.cause);
        this.mark((d) => {
          const before = d.ephemerals.get(key);
          d.ephemerals.set(key, { ref, ip: event.ip, port: event.port, why: why ?? before?.why, claim: claim || before?.claim });
        }, true);
      }
      return;
    }
    this.mark((d) => {
      d.instances.set(instanceKey(ref, event.ip, event.port), { ref, ip: event.ip, port: event.port });
      d.journal.push(journalEntryOf(event));
    });
  }

  private markOverlay(at: OverlayRefAt): void {
    this.mark((d) => d.overlays.set(`${serviceKey(at.ref)}#${overlayKey(at.ip, at.port, at.cluster)}`, at));
  }

  /** Records one change and makes sure a write will carry it; nothing while applying another node's change. */
  private mark(change: (dirty: Dirty) => void, background = false): void {
    if (this.applying) return;
    this.writer.mark(change, background);
  }

  /**
   * Cluster mode: makes memory match the database for keys another node wrote (namespaces arrive as their own
   * context, see `namespaceRefresher`). Everything is read first, then applied in one synchronous step through the
   * registry's ordinary commands, so push, metrics and the journal react as to a local change; the journal's
   * origin names the change log. Naming's events come from many places in core, so instead of marking each as
   * replicated, persistence does not mark while it applies: the bus is synchronous, so exactly the events of this
   * step are skipped. A key changed here and not yet stored is left alone (this node's write follows and wins).
   */
  async refresh(keys: readonly unknown[], node?: string): Promise<void> {
    // The journal names the node the change came from (none: this node missed changes and reads everything again).
    const origin = node === undefined ? { ip: 'cluster', via: 'cluster reload' } : { ip: this.nodeName(node), via: FROM_LOG.via };
    const reads: (() => void)[] = [];
    // Ephemeral rows come in bursts (a node's clients registering again): read together, a few per statement.
    const ephemerals = (keys as NamingChangeKey[]).filter((key) => 'ephemeral' in key && !this.unsaved((d) => d.ephemerals.has(addressInstanceKey(key.ephemeral))));
    const rows = ephemerals.length === 0 ? [] : await this.stores.naming.loadEphemeralsAt(ephemerals.map((key) => ('ephemeral' in key ? key.ephemeral : undefined)!));
    const storedEphemerals = new Map(rows.map((row) => [addressInstanceKey(row), row]));
    const wanted = new Set(ephemerals);
    for (const key of keys as NamingChangeKey[]) {
      if ('ephemeral' in key) {
        if (wanted.has(key)) reads.push(() => this.standIns?.apply(key.ephemeral, storedEphemerals.get(addressInstanceKey(key.ephemeral)), origin, key.why));
      } else if ('service' in key) {
        if (this.unsaved((d) => d.services.has(serviceKey(key.service)))) continue;
        const stored = await this.stores.naming.loadService(key.service);
        reads.push(() => this.applyService(key.service, stored, origin));
      } else if ('instance' in key) {
        const a = key.instance;
        const ref = serviceOfAddress(a);
        if (this.unsaved((d) => d.instances.has(instanceKey(ref, a.ip, a.port)))) continue;
        const stored = await this.stores.naming.loadInstance(a);
        reads.push(() => this.applyInstance(ref, a, stored, origin));
      } else if ('overlay' in key) {
        const a = key.overlay;
        const ref = serviceOfAddress(a);
        if (this.unsaved((d) => d.overlays.has(`${serviceKey(ref)}#${overlayKey(a.ip, a.port, a.cluster)}`))) continue;
        const stored = await this.stores.naming.loadOverlay(a);
        if (stored) reads.push(() => this.applyOverlay(ref, stored, origin));
      }
    }
    this.applying = true;
    try {
      for (const apply of reads) {
        try {
          apply();
        } catch (err) {
          // A refusal here (a limit this node has lower, say) must not stop the rest of the change.
          this.log.warn({ err }, 'cluster: a change from another node could not be applied here');
        }
      }
    } finally {
      this.applying = false;
    }
  }

  /**
   * Every naming key in the database, and every one held here that the database decides: definitions, persistent
   * instances, overlays, and the ephemeral instances held for other nodes (this node's own are its to write).
   */
  async allKeys(): Promise<NamingChangeKey[]> {
    const keys = new Map<string, NamingChangeKey>();
    const add = (key: NamingChangeKey) => keys.set(JSON.stringify(key), key);
    const address = (ref: ServiceRef, ip: string, port: number): InstanceAddress => ({ namespace: ref.namespace, group: ref.group, service: ref.name, ip, port });
    for (const s of await this.stores.naming.loadServices()) add({ service: { namespace: s.namespace, group: s.group, name: s.name } });
    for (const i of await this.stores.naming.loadInstances()) add({ instance: addressOf(i) });
    for (const o of await this.stores.naming.loadOverlays()) add({ overlay: { ...addressOf(o), cluster: o.cluster } });
    for (const e of await this.stores.naming.loadEphemerals()) if (e.owner !== this.clusterNode) add({ ephemeral: addressOf(e) });
    for (const service of this.registry.allServices()) {
      const ref = { namespace: service.namespace, group: service.group, name: service.name };
      if (service.explicit) add({ service: ref });
      for (const key of service.overlays.keys()) {
        const [ip, port, cluster] = splitOverlayKey(key);
        add({ overlay: { ...address(ref, ip, port), cluster } });
      }
      for (const instance of service.instances.values()) {
        if (!instance.ephemeral) add({ instance: address(ref, instance.ip, instance.port) });
        else if (nodeHolders(instance).length > 0) add({ ephemeral: address(ref, instance.ip, instance.port) });
      }
    }
    return [...keys.values()];
  }

  /** The refresher of context `namespaces` (the namespace store logs its own writes). */
  readonly namespaceRefresher: ChangeRefresher = {
    context: 'namespaces',
    allKeys: async () => [...new Set([...(await this.stores.namespaces.loadNamespaces()).map((ns) => ns.id), ...this.namespaces.list().map((ns) => ns.id)])],
    refresh: async (keys) => {
      const reads: [string, Namespace | undefined][] = [];
      for (const id of keys as string[]) {
        if (this.unsaved((d) => d.namespaces.has(id))) continue;
        reads.push([id, await this.stores.namespaces.loadNamespace(id)]);
      }
      this.applying = true;
      try {
        for (const [id, ns] of reads) this.namespaces.applyStored(id, ns);
      } finally {
        this.applying = false;
      }
    },
  };

  /**
   * Cluster mode: a node is gone (its lease lapsed, or it left): this node tries to take over the expiry of the
   * ephemeral instances it owned (see StandIns.takeOverNode).
   */
  takeOverNode(lost: LapsedMember): Promise<{ taken: number; followed: number }> {
    return this.standIns?.takeOverNode(lost) ?? Promise.resolve({ taken: 0, followed: 0 });
  }

  /** Runs `apply` without marking what it changes: it is in the database already. The bus is synchronous. */
  private quietly<T>(apply: () => T): T {
    this.applying = true;
    try {
      return apply();
    } finally {
      this.applying = false;
    }
  }

  private applyService(ref: ServiceRef, stored: ServiceSnapshot | undefined, origin: Origin): void {
    const key = serviceKey(ref);
    const current = this.registry.service(ref);
    if (!stored) {
      this.savedServices.delete(key);
      if (current?.explicit) this.registry.deleteService(ref, origin);
      return;
    }
    const json = JSON.stringify(stored);
    if (current?.explicit && JSON.stringify(snapshotOf(current)) === json) return;
    const def = { protectThreshold: stored.protectThreshold, metadata: stored.metadata, selector: stored.selector, ...(stored.kind ? { kind: stored.kind } : {}) };
    if (current?.explicit) this.registry.updateService(ref, def, origin);
    else this.registry.createService(ref, def, origin);
    for (const c of stored.clusters) this.registry.updateCluster({ ...ref, cluster: c.name, healthChecker: c.healthChecker, checkPort: c.checkPort, useInstancePortForCheck: c.useInstancePortForCheck }, origin);
    this.savedServices.set(key, json);
  }

  private applyInstance(ref: ServiceRef, a: InstanceAddress, stored: StoredInstance | undefined, origin: Origin): void {
    const found = this.registry.findInstance(ref, a.ip, a.port);
    if (!stored) {
      if (found && !found.instance.ephemeral) this.registry.deregisterInstance({ ...ref, ip: a.ip, port: a.port }, origin);
      return;
    }
    const i = found?.instance;
    if (!(i && !i.ephemeral && i.cluster === stored.cluster && i.weight === stored.weight && i.enabled === stored.enabled && sameMetadata(i.metadata, stored.metadata))) {
      this.registry.registerInstance({ ...ref, ip: a.ip, port: a.port, cluster: stored.cluster, weight: stored.weight, enabled: stored.enabled, healthy: stored.healthy, ephemeral: false, metadata: stored.metadata }, origin);
    }
    // Health as stored: one node probes the instance and stores what its probes decide; the others show that.
    // The prober follows the row too: should a write carrying older health land after its flip, its probes
    // flip it back (and store it) by their consecutive-result rule.
    this.registry.applyOwnerHealth(ref, a.ip, a.port, stored.healthy, origin);
  }

  private applyOverlay(ref: ServiceRef, stored: StoredOverlay, origin: Origin): void {
    const current = this.registry.service(ref)?.overlays.get(overlayKey(stored.ip, stored.port, stored.cluster));
    if (current && current.enabled === stored.enabled && current.weight === stored.weight && sameMetadata(current.metadata ?? {}, stored.metadata ?? {})) return;
    this.registry.updateInstance({ ...ref, ip: stored.ip, port: stored.port, cluster: stored.cluster, weight: stored.weight, enabled: stored.enabled, metadata: stored.metadata }, origin);
  }

  private async write(batch: Dirty): Promise<void> {
    for (const [id, ns] of batch.namespaces) {
      if (ns) await this.stores.namespaces.saveNamespace(ns);
      else await this.stores.namespaces.deleteNamespace(id);
    }
    for (const ref of batch.services.values()) {
      const service = this.registry.service(ref);
      if (service?.explicit) await this.stores.naming.saveService(snapshotOf(service));
      else if (!service) await this.stores.naming.deleteService(ref);
    }
    for (const at of batch.overlays.values()) {
      const address: OverlayAddress = { namespace: at.ref.namespace, group: at.ref.group, service: at.ref.name, ip: at.ip, port: at.port, cluster: at.cluster };
      const overlay = this.registry.service(at.ref)?.overlays.get(overlayKey(at.ip, at.port, at.cluster));
      if (overlay) await this.stores.naming.saveOverlay({ ...address, ...overlay });
      else await this.stores.naming.deleteOverlay(address);
    }
    if (this.clusterNode !== undefined && batch.ephemerals.size > 0) {
      const save: (StoredInstance & { why?: OwnerEvent; claim: boolean })[] = [];
      const remove: (InstanceAddress & { why?: OwnerEvent })[] = [];
      for (const { ref, ip, port, why, claim } of batch.ephemerals.values()) {
        const found = this.registry.findInstance(ref, ip, port);
        if (found?.instance.ephemeral && ownedHere(found.instance)) {
          // Taken over here (its client beats here now): the former owner's stand-in lets go, or it would outlive it.
          this.standIns?.release(ref, ip, port, found.instance);
          // Fields added to the fresh row rather than a spread copy of it (V8's slow path, once per row of a burst).
          const row: StoredInstance & { why?: OwnerEvent; claim: boolean } = Object.assign(storedInstanceOf(found.service, found.instance, found.instance.unhealthySince ?? found.instance.registeredAt), { why, claim: claim === true });
          save.push(row);
        } else remove.push({ namespace: ref.namespace, group: ref.group, service: ref.name, ip, port, why });
      }
      await this.stores.naming.writeEphemerals(this.clusterNode, { save, remove });
    }
    if (batch.instances.size === 0 && batch.journal.length === 0) return;
    const save: StoredInstance[] = [];
    const remove: InstanceAddress[] = [];
    for (const { ref, ip, port } of batch.instances.values()) {
      const found = this.registry.findInstance(ref, ip, port);
      if (found && !found.instance.ephemeral) {
        save.push(storedInstanceOf(found.service, found.instance, found.instance.unhealthySince ?? found.instance.registeredAt));
      } else {
        remove.push({ namespace: ref.namespace, group: ref.group, service: ref.name, ip, port });
      }
    }
    await this.stores.naming.writeInstances({ save, remove, journal: batch.journal });
  }

  private async prune(): Promise<void> {
    try {
      await this.stores.naming.pruneJournal(this.registry.now() - this.journalMaxAgeMs, this.journalMaxEvents);
    } catch (err) {
      this.log.warn({ err }, 'pruning the stored journal failed; will try again in an hour');
    }
  }
}

/** The events of an ephemeral instance's owner that its change carries to the other nodes' journals. */
const TOLD_CAUSES: ReadonlySet<Cause> = new Set<Cause>(['BEAT_MISSED', 'BEAT_RESUMED', 'INSTANCE_EXPIRED', 'INSTANCE_DEREGISTERED', 'CONNECTION_INSTANCE_REMOVED']);

/**
 * The events by which this node claims an ephemeral instance (its client registered or beat here): their row is
 * written whoever owned it. Any other write of the row (a health flip by this node's timers, say) changes it only
 * while this node still owns it, so a node that has not yet read that another took it over never takes it back.
 */
const CLAIM_CAUSES: ReadonlySet<Cause> = new Set<Cause>(['INSTANCE_REGISTERED', 'INSTANCE_REREGISTERED', 'INSTANCE_RECREATED_FROM_BEAT', 'BEAT_RESUMED']);

/** The events of an ephemeral instance that change its stored row: the claims, and those its change tells the others. */
const ROW_CAUSES: ReadonlySet<Cause> = new Set<Cause>([...CLAIM_CAUSES, ...TOLD_CAUSES]);

function sameMetadata(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function emptyDirty(): Dirty {
  return { namespaces: new Map(), services: new Map(), overlays: new Map(), instances: new Map(), ephemerals: new Map(), journal: [] };
}

/** A failed batch's keys go back in front of what changed meanwhile; its journal events keep their order. */
function putBack(failed: Dirty, newer: Dirty): void {
  for (const [key, ns] of failed.namespaces) if (!newer.namespaces.has(key)) newer.namespaces.set(key, ns);
  for (const [key, ref] of failed.services) newer.services.set(key, ref);
  for (const [key, at] of failed.overlays) newer.overlays.set(key, at);
  for (const [key, at] of failed.instances) newer.instances.set(key, at);
  for (const [key, at] of failed.ephemerals) {
    const later = newer.ephemerals.get(key);
    // A failed claim stays a claim under a later mark of the same instance.
    if (!later) newer.ephemerals.set(key, at);
    else if (at.claim) later.claim = true;
  }
  newer.journal = [...failed.journal, ...newer.journal];
}

/** `ip:port:cluster`, where an IPv6 ip itself contains colons. */
function splitOverlayKey(key: string): [string, number, string] {
  const clusterAt = key.lastIndexOf(':');
  const portAt = key.lastIndexOf(':', clusterAt - 1);
  return [key.slice(0, portAt), Number(key.slice(portAt + 1, clusterAt)), key.slice(clusterAt + 1)];
}
