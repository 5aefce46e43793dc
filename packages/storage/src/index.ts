// One store per context over the SQL drivers. drivers/ holds the SqlDriver interface and one folder per dialect
// (connection, numbered migrations, `open…()`); each context's store has its own folder (naming/, namespaces/, config/, auth/)
// and works on any SqlDriver. A new context adds its folder and store the same way (cluster/ holds the change log),
// joins `storesOn` in open-stores.ts and CairnStores in core, and brings a contract suite in contract/.
export { openStores } from './open-stores.js';
export { parseStorageUrl, type NetworkTarget, type StorageTarget } from './database-url.js';
export { ClusterNeedsSharedDatabaseError, SchemaTooNewError, StorageUnavailableError, StorageUrlError } from './errors.js';
export { SqlMemberStore } from './cluster/sql-member-store.js';
export { CHANGES_CHANNEL, ChangeLoggingDriver, KEYS_PER_CHANGE, SqlChangeFeed } from './cluster/change-logging-driver.js';
export { readNacosAuthTables, type NacosAuthRows } from './auth/nacos-auth-tables.js';
