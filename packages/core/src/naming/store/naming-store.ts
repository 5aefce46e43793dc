import type { ClusterSettings, Selector, Service, ServiceKind } from '../model.js';
import type { ServiceRef } from '../names.js';
import type { ReadonlyService } from '../readonly-model.js';
import type { ServiceTable } from '../service-table.js';
import type { Evidence, NewJournalEvent } from '../../journal/journal.js';
import type { Cause } from '../../journal/causes.js';
import type { InstanceAddress, OverlayAddress, StoredInstance, StoredOverlay } from './stored-records.js';

export * from './stored-records.js';

/** Instance changes and their journal events, written together. */
export interface InstanceWriteBatch {
  save: readonly StoredInstance[];
  remove: readonly InstanceAddress[];
  journal: readonly NewJournalEvent[];
}

/** A service definition as stored: what an operator set, not its live instances. */
export interface ServiceSnapshot extends ServiceRef {
  kind: ServiceKind | null;
  protectThreshold: number;
  metadata: Record<string, string>;
  selector: Selector;
  clusters: ClusterSettings[];
}

/**
 * The port durable storage implements for naming (SQLite embedded; MySQL and PostgreSQL for shared use).
 * Asynchronous, so networked databases fit; every write resolves only once it is committed and durable, so a caller
 * may acknowledge the change as soon as the promise resolves. Saves are upserts keyed as documented per record;
 * deleting what is not there is not an error. The store does not own its database: `CairnStores.close()` closes it.
 *
 * @example
 *   const { naming } = await openStores('sqlite:./data/cairn.db', './data'); // from @cairn/storage
 *   await naming.saveInstance({ namespace: 'public', group: 'DEFAULT_GROUP', service: 'orders', ip: '10.0.0.7',
 *     port: 8080, cluster: 'DEFAULT', weight: 1, enabled: true, healthy: true, metadata: {},
 *     instanceId: '10.0.0.7#8080#DEFAULT#DEFAULT_GROUP@@orders', registeredAt: now, lastHealthChangeAt: now });
 */
export interface NamingStore {
  loadServices(): Promise<ServiceSnapshot[]>;
  /** One service definition as stored (cluster mode re-reads what another node changed); undefined if none. */
  loadService(ref: ServiceRef): Promise<ServiceSnapshot | undefined>;
  /** Keyed by (namespace, group, name); clusters carry their health-check settings. */
  saveService(service: ServiceSnapshot): Promise<void>;
  deleteService(ref: ServiceRef): Promise<void>;

  /** Every stored persistent instance, ordered by key (namespace, group, service, ip, port) in the database's collation. */
  loadInstances(): Promise<StoredInstance[]>;
  /** One persistent instance as stored; undefined if none. */
  loadInstance(address: InstanceAddress): Promise<StoredInstance | undefined>;
  /** Keyed by (namespace, group, service, ip, port): re-registering in another cluster replaces the row. */
  saveInstance(instance: StoredInstance): Promise<void>;
  deleteInstance(address: InstanceAddress): Promise<void>;

  loadOverlays(): Promise<StoredOverlay[]>;
  /** One operator overlay as stored; undefined if none. */
  loadOverlay(address: OverlayAddress): Promise<StoredOverlay | undefined>;
  /** Cluster mode: every node's ephemeral instances, each with the node that owns it. */
  loadEphemerals(): Promise<OwnedEphemeral[]>;
  /** Cluster mode: the ephemeral instances stored at these addresses (those that exist), in no order. */
  loadEphemeralsAt(addresses: readonly InstanceAddress[]): Promise<OwnedEphemeral[]>;
  /** Cluster mode: one ephemeral instance as stored by its owner; undefined if none. */
  loadEphemeral(address: InstanceAddress): Promise<OwnedEphemeral | undefined>;
  /**
   * Cluster mode: `save` upserts instances as owned by `owner`: a `claim` (registered or beaten there) takes over
   * what another node owned, any other save changes a row only while `owner` still owns it (or inserts it); `remove`
   * deletes an instance only while `owner` still owns it, so a former owner never removes what another took over.
   */
  writeEphemerals(owner: string, batch: { save: readonly (StoredInstance & { why?: OwnerEvent; claim?: boolean })[]; remove: readonly (InstanceAddress & { why?: OwnerEvent })[] }): Promise<void>;
  /**
   * Cluster mode: `adopter` becomes the owner of every instance `lost` (a node whose lease lapsed) still owns, in
   * one conditional update (`WHERE owner = lost`): when several nodes try at once, each row goes to exactly one of
   * them. Returns the instances this call moved (none when another node moved them first).
   */
  adoptEphemeralsOf(lost: string, adopter: string): Promise<OwnedEphemeral[]>;
  /** Keyed by (namespace, group, service, ip, port, cluster); an unset field is stored as "not overridden". */
  saveOverlay(overlay: StoredOverlay): Promise<void>;
  deleteOverlay(address: OverlayAddress): Promise<void>;

  /**
   * Saves and deletes persistent instances and appends journal events in one transaction (all or none): the
   * persistence queue's group commit, so many concurrent registrations share one durable write.
   */
  writeInstances(batch: InstanceWriteBatch): Promise<void>;

  /** Appends journal events about persistent instances in one transaction (all or none). */
  appendJournal(events: readonly NewJournalEvent[]): Promise<void>;
  /** The newest `limit` events with `at >= since`, returned oldest first (ready to replay in order). */
  loadJournal(since: number, limit: number): Promise<NewJournalEvent[]>;
  /**
   * Drops events older than `before`, then all but the newest `keep` (in append order), so the stored journal
   * stays bounded by age and by count like the one in memory.
   */
  pruneJournal(before: number, keep: number): Promise<void>;
}

export function snapshotOf(service: ReadonlyService): ServiceSnapshot {
  return {
    namespace: service.namespace,
    group: service.group,
    name: service.name,
    kind: service.kind ?? null,
    protectThreshold: service.protectThreshold,
    metadata: { ...service.metadata },
    selector: { ...service.selector },
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

/**
 * What a naming write names in cluster mode's change log (context `naming`): the key of each service definition,
 * persistent instance or overlay it saved or removed. Other nodes read those keys again.
 */
export type NamingChangeKey = { readonly ephemeral: InstanceAddress; readonly why?: OwnerEvent } | { readonly service: ServiceRef } | { readonly instance: InstanceAddress } | { readonly overlay: OverlayAddress };

/**
 * Cluster mode: why the owner of an ephemeral instance wrote its row (it turned unhealthy or healthy, it was
 * removed): the owner's own journal event, so the other nodes journal the same cause with the same evidence.
 */
export interface OwnerEvent {
  readonly cause: Cause;
  readonly evidence: Evidence;
}

/** An ephemeral instance as its owner stored it (cluster mode). */
export interface OwnedEphemeral extends StoredInstance {
  owner: string;
}
