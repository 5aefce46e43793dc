import type { ClusterSettings, Selector, Service, ServiceKind } from '../naming/model.js';
import type { Namespace } from '../naming/namespaces.js';
import type { ServiceRef } from '../naming/names.js';
import type { ServiceTable } from '../naming/service-table.js';

/** A service definition as stored: what an operator set, not its live instances. */
export interface ServiceSnapshot extends ServiceRef {
  kind: ServiceKind | null;
  protectThreshold: number;
  metadata: Record<string, string>;
  selector: Selector;
  clusters: ClusterSettings[];
}

/**
 * The port durable storage implements (SQLite embedded; MySQL and PostgreSQL later). Asynchronous, so networked
 * databases fit; a write resolves only once it is durable.
 */
export interface NamingStore {
  loadNamespaces(): Promise<Namespace[]>;
  saveNamespace(ns: Namespace): Promise<void>;
  deleteNamespace(id: string): Promise<void>;
  loadServices(): Promise<ServiceSnapshot[]>;
  saveService(service: ServiceSnapshot): Promise<void>;
  deleteService(ref: ServiceRef): Promise<void>;
  close(): Promise<void>;
}

export function snapshotOf(service: Service): ServiceSnapshot {
  return {
    namespace: service.namespace, group: service.group, name: service.name, kind: service.kind ?? null,
    protectThreshold: service.protectThreshold, metadata: service.metadata, selector: service.selector,
    clusters: [...service.clusters.values()],
  };
}

/** Puts a stored definition back at start; the service is explicit, so it is kept while empty. */
export function restoreService(table: ServiceTable, snapshot: ServiceSnapshot): Service {
  const service = table.get(snapshot) ?? table.create(snapshot, true);
  service.explicit = true;
  service.kind = snapshot.kind ?? undefined;
  service.protectThreshold = snapshot.protectThreshold;
  service.metadata = snapshot.metadata;
  service.selector = snapshot.selector;
  service.clusters = new Map(snapshot.clusters.map((c) => [c.name, c]));
  return service;
}
