import { restoreService, snapshotOf, type Namespaces, type NamingStore, type Registry, type Service } from '@cairn/core';
import type { Logger } from 'pino';

/**
 * Keeps what an operator defines (namespaces, explicit services with threshold, metadata, clusters) in the store.
 * Writes are queued in order; `flushed()` resolves once every queued write is durable, and the HTTP layer waits
 * for it before acknowledging a change.
 */
export class NamingPersistence {
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private readonly saved = new Map<string, string>();

  constructor(
    private readonly store: NamingStore,
    private readonly registry: Registry,
    private readonly namespaces: Namespaces,
    private readonly log: Logger,
  ) {}

  /** Loads stored definitions into the registry, then starts following changes. */
  async start(): Promise<void> {
    for (const ns of await this.store.loadNamespaces()) this.namespaces.restore(ns);
    for (const snapshot of await this.store.loadServices()) {
      const service = restoreService(this.registry.services, snapshot);
      this.saved.set(service.key, JSON.stringify(snapshotOf(service)));
    }
    this.namespaces.onChange((ns, removed) => this.enqueue(() => (removed ? this.store.deleteNamespace(ns.id) : this.store.saveNamespace(ns))));
    this.registry.services.onChange((service) => this.onServiceChanged(service));
  }

  /** Resolves when all writes queued so far are durable; rejects if one failed. */
  async flushed(): Promise<void> {
    await this.chain;
    if (this.failure) {
      const error = this.failure;
      this.failure = undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.chain;
    await this.store.close();
  }

  private onServiceChanged(service: Service): void {
    if (service.removed) {
      if (!this.saved.delete(service.key)) return;
      const ref = { namespace: service.namespace, group: service.group, name: service.name };
      this.enqueue(() => this.store.deleteService(ref));
      return;
    }
    if (!service.explicit) return;
    const snapshot = snapshotOf(service);
    const json = JSON.stringify(snapshot);
    if (this.saved.get(service.key) === json) return;
    this.saved.set(service.key, json);
    this.enqueue(() => this.store.saveService(snapshot));
  }

  private enqueue(write: () => Promise<void>): void {
    this.chain = this.chain.then(write).catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.log.error({ err: error }, 'storage write failed');
    });
  }
}
