import type { Namespace } from './namespaces.js';

/**
 * The port durable storage implements for namespaces, which every context shares. Like every store port, a write
 * resolves only once it is committed and durable; deleting what is not there is not an error.
 *
 * @example
 *   const { namespaces } = await openStores('sqlite:./data/cairn.db', './data'); // from @cairn/storage
 *   await namespaces.saveNamespace({ id: 'dev', name: 'Development', description: '', createdAt: Date.now() });
 */
export interface NamespaceStore {
  loadNamespaces(): Promise<Namespace[]>;
  /** One namespace as stored (cluster mode re-reads what another node changed); undefined if none. */
  loadNamespace(id: string): Promise<Namespace | undefined>;
  /** Keyed by id; an update keeps the original createdAt. */
  saveNamespace(ns: Namespace): Promise<void>;
  deleteNamespace(id: string): Promise<void>;
}
