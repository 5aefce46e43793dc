import {
  overlayKey, restoreInstance, restoreOverlay, restoreService, snapshotOf, storedInstanceOf,
  type InstanceAddress, type JournalEvent, type Namespaces, type NamingStore, type Registry, type Service, type ServiceRef,
  type StoredInstance,
} from '@cairn/core';

interface InstanceRefAt { ref: ServiceRef; ip: string; port: number }
import type { Logger } from 'pino';

const PRUNE_EVERY_MS = 3_600_000;

/**
 * Keeps in the store what must outlive the process: namespaces, explicit service definitions, persistent
 * instances with their last known health, operator overlays, and the journal of persistent instances.
 * Writes run in order on one queue; instance writes are coalesced per address (the latest state wins) and journal
 * events are appended in batches. `flushed()` resolves once every queued write is durable; the HTTP layer waits
 * for it before acknowledging a change.
 */
export class NamingPersistence {
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private failure: Error | undefined;
  private readonly savedServices = new Map<string, string>();
  private readonly dirtyInstances = new Map<string, InstanceRefAt>();
  private readonly dirtyOverlays = new Set<string>();
  private pendingEvents: JournalEvent[] = [];
  private instanceFlushQueued = false;
  private pruner: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: NamingStore,
    private readonly registry: Registry,
    private readonly namespaces: Namespaces,
    private readonly journalMaxAgeMs: number,
    private readonly journalMaxEvents: number,
    private readonly log: Logger,
  ) {}

  /** Loads what was stored into the registry, then starts following changes. */
  async start(): Promise<{ services: number; instances: number; overlays: number; events: number }> {
    const now = this.registry.now();
    for (const ns of await this.store.loadNamespaces()) this.namespaces.restore(ns);
    const services = await this.store.loadServices();
    for (const snapshot of services) {
      const service = restoreService(this.registry.services, snapshot);
      this.savedServices.set(service.key, JSON.stringify(snapshotOf(service)));
    }
    const instances = await this.store.loadInstances();
    for (const stored of instances) restoreInstance(this.registry, stored);
    const overlays = await this.store.loadOverlays();
    for (const stored of overlays) restoreOverlay(this.registry, stored);
    const events = await this.store.loadJournal(now - this.journalMaxAgeMs, this.journalMaxEvents);
    this.registry.journal.restore(events);

    this.namespaces.onChange((ns, removed) => this.enqueue(() => (removed ? this.store.deleteNamespace(ns.id) : this.store.saveNamespace(ns))));
    this.registry.services.onChange((service) => this.onServiceChanged(service));
    this.registry.journal.onAppend((event) => this.onJournalEvent(event));
    this.enqueue(() => this.store.pruneJournal(now - this.journalMaxAgeMs));
    this.pruner = setInterval(() => this.enqueue(() => this.store.pruneJournal(this.registry.now() - this.journalMaxAgeMs)), PRUNE_EVERY_MS).unref();
    return { services: services.length, instances: instances.length, overlays: overlays.length, events: events.length };
  }

  /** True when nothing is queued and nothing failed: a request can be answered without waiting. */
  get idle(): boolean {
    return this.pending === 0 && this.failure === undefined;
  }

  /** Resolves when all writes queued so far are durable; rejects (once) if one failed. */
  async flushed(): Promise<void> {
    await this.chain;
    if (this.failure) {
      const error = this.failure;
      this.failure = undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.pruner) clearInterval(this.pruner);
    await this.chain;
    await this.store.close();
  }

  private onServiceChanged(service: Service): void {
    if (service.removed) {
      for (const key of service.overlays.keys()) this.deleteOverlayOf(service, key);
      if (!this.savedServices.delete(service.key)) return;
      const ref = { namespace: service.namespace, group: service.group, name: service.name };
      this.enqueue(() => this.store.deleteService(ref));
      return;
    }
    if (!service.explicit) return;
    const snapshot = snapshotOf(service);
    const json = JSON.stringify(snapshot);
    if (this.savedServices.get(service.key) === json) return;
    this.savedServices.set(service.key, json);
    this.enqueue(() => this.store.saveService(snapshot));
  }

  private onJournalEvent(event: JournalEvent): void {
    if (event.ip === undefined || event.port === undefined) return;
    const ref = { namespace: event.namespace, group: event.group, name: event.service };
    if (event.cause === 'INSTANCE_EDITED' && event.cluster !== undefined) this.syncOverlay(ref, event.ip, event.port, event.cluster);
    if (event.ephemeral !== false) return;
    this.dirtyInstances.set(`${ref.namespace}##${ref.group}@@${ref.name}#${event.ip}:${event.port}`, { ref, ip: event.ip, port: event.port });
    this.pendingEvents.push(event);
    this.queueInstanceFlush();
  }

  /**
   * Group commit: the flush starts after the current turn of the event loop, so every registration handled in
   * that turn (and during the previous flush's commit) shares one transaction. Each address is written in the
   * state it has when the flush runs.
   */
  private queueInstanceFlush(): void {
    if (this.instanceFlushQueued) return;
    this.instanceFlushQueued = true;
    this.enqueue(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.instanceFlushQueued = false;
      const dirty = [...this.dirtyInstances.values()];
      this.dirtyInstances.clear();
      const journal = this.pendingEvents;
      this.pendingEvents = [];
      const save: StoredInstance[] = [];
      const remove: InstanceAddress[] = [];
      for (const { ref, ip, port } of dirty) {
        const found = this.registry.findInstance(ref, ip, port);
        if (found && !found.instance.ephemeral) {
          save.push(storedInstanceOf(found.service, found.instance, found.instance.unhealthySince ?? found.instance.registeredAt));
        } else {
          remove.push({ namespace: ref.namespace, group: ref.group, service: ref.name, ip, port });
        }
      }
      await this.store.writeInstances({ save, remove, journal });
    });
  }

  private syncOverlay(ref: { namespace: string; group: string; name: string }, ip: string, port: number, cluster: string): void {
    const key = `${ref.namespace}##${ref.group}@@${ref.name}#${overlayKey(ip, port, cluster)}`;
    if (this.dirtyOverlays.has(key)) return;
    this.dirtyOverlays.add(key);
    this.enqueue(async () => {
      this.dirtyOverlays.delete(key);
      const address = { namespace: ref.namespace, group: ref.group, service: ref.name, ip, port, cluster };
      const overlay = this.registry.services.get(ref)?.overlays.get(overlayKey(ip, port, cluster));
      if (overlay) await this.store.saveOverlay({ ...address, ...overlay });
      else await this.store.deleteOverlay(address);
    });
  }

  private deleteOverlayOf(service: Service, key: string): void {
    const [ip, port, cluster] = splitOverlayKey(key);
    this.enqueue(() => this.store.deleteOverlay({ namespace: service.namespace, group: service.group, service: service.name, ip, port, cluster }));
  }

  private enqueue(write: () => Promise<void>): void {
    this.pending++;
    this.chain = this.chain.then(write).catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.log.error({ err: error }, 'storage write failed');
    }).finally(() => {
      this.pending--;
    });
  }
}

/** `ip:port:cluster`, where an IPv6 ip itself contains colons. */
function splitOverlayKey(key: string): [string, number, string] {
  const clusterAt = key.lastIndexOf(':');
  const portAt = key.lastIndexOf(':', clusterAt - 1);
  return [key.slice(0, portAt), Number(key.slice(portAt + 1, clusterAt)), key.slice(clusterAt + 1)];
}
