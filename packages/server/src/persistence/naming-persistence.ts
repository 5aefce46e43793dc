import {
  instanceKey,
  overlayKey,
  serviceKey,
  snapshotOf,
  storedInstanceOf,
  journalEntryOf,
  type CairnEventBus,
  type CairnStores,
  type InstanceAddress,
  type InstanceEvent,
  type Namespace,
  type Namespaces,
  type NewJournalEvent,
  type OverlayAddress,
  type ReadonlyService,
  type Registry,
  type ServiceRef,
  type StoredInstance,
  type Unsubscribe,
} from '@cairn/core';
import type { Logger } from 'pino';
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
export class NamingPersistence extends WrittenBehind<Dirty> {
  protected readonly writer: WriteBehind<Dirty>;
  private pruner: NodeJS.Timeout | undefined;
  private pruning: Promise<void> = Promise.resolve();
  private readonly unsubscribe: Unsubscribe[] = [];
  private readonly savedServices = new Map<string, string>();

  constructor(
    private readonly stores: NamingPersistenceStores,
    private readonly registry: Registry,
    private readonly namespaces: Namespaces,
    private readonly events: CairnEventBus,
    private readonly journalMaxAgeMs: number,
    private readonly journalMaxEvents: number,
    private readonly log: Logger,
  ) {
    super();
    this.writer = new WriteBehind<Dirty>({ what: 'storage', empty: emptyDirty, write: (batch) => this.write(batch), putBack, log });
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
    if (event.ephemeral !== false) return;
    this.mark((d) => {
      d.instances.set(instanceKey(ref, event.ip, event.port), { ref, ip: event.ip, port: event.port });
      d.journal.push(journalEntryOf(event));
    });
  }

  private markOverlay(at: OverlayRefAt): void {
    this.mark((d) => d.overlays.set(`${serviceKey(at.ref)}#${overlayKey(at.ip, at.port, at.cluster)}`, at));
  }

  /** Records one change and makes sure a write will carry it. */
  private mark(change: (dirty: Dirty) => void): void {
    this.writer.mark(change);
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

function emptyDirty(): Dirty {
  return { namespaces: new Map(), services: new Map(), overlays: new Map(), instances: new Map(), journal: [] };
}

/** A failed batch's keys go back in front of what changed meanwhile; its journal events keep their order. */
function putBack(failed: Dirty, newer: Dirty): void {
  for (const [key, ns] of failed.namespaces) if (!newer.namespaces.has(key)) newer.namespaces.set(key, ns);
  for (const [key, ref] of failed.services) newer.services.set(key, ref);
  for (const [key, at] of failed.overlays) newer.overlays.set(key, at);
  for (const [key, at] of failed.instances) newer.instances.set(key, at);
  newer.journal = [...failed.journal, ...newer.journal];
}

/** `ip:port:cluster`, where an IPv6 ip itself contains colons. */
function splitOverlayKey(key: string): [string, number, string] {
  const clusterAt = key.lastIndexOf(':');
  const portAt = key.lastIndexOf(':', clusterAt - 1);
  return [key.slice(0, portAt), Number(key.slice(portAt + 1, clusterAt)), key.slice(clusterAt + 1)];
}
