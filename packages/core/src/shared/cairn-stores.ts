import type { AuthStore } from '../auth/auth-store.js';
import type { ConfigStore } from '../config/store/config-store.js';
import type { NamingStore } from '../naming/store/naming-store.js';
import type { NamespaceStore } from './namespace-store.js';
import type { ChangeFeed } from '../cluster/change-feed.js';
import type { MemberStore } from '../cluster/member-store.js';

/**
 * One store per context, all on one database, opened together: the server wires each context's persistence to
 * its store and closes the database as a whole. A new context adds its store here.
 *
 * @example
 *   const stores = await openStores(options.db, options.dataDir); // from @cairn/storage
 *   const known = await stores.namespaces.loadNamespaces();
 *   await stores.close();
 */
export interface CairnStores {
  readonly namespaces: NamespaceStore;
  readonly naming: NamingStore;
  readonly config: ConfigStore;
  readonly auth: AuthStore;
  /** Cluster mode only (opened with a node name): the change log every node applies. */
  readonly changes?: ChangeFeed;
  /** Cluster mode only: the members' lease rows. */
  readonly members?: MemberStore;
  /** Closes the database, and with it every store above. */
  close(): Promise<void>;
}
