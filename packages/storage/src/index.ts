// One store per context over the SQL drivers. drivers/ holds the SqlDriver interface and one folder per dialect
// (connection, numbered migrations, `open…()`); each context's store has its own folder (naming/, namespaces/, config/, auth/)
// and works on any SqlDriver. A new context (cluster/) adds its folder and store the same way,
// joins `storesOn` in open-stores.ts and CairnStores in core, and brings a contract suite in contract/.
export { openStores } from './open-stores.js';
export { parseStorageUrl, type NetworkTarget, type StorageTarget } from './database-url.js';
export { SchemaTooNewError, StorageUnavailableError, StorageUrlError } from './errors.js';
export { readNacosAuthTables, type NacosAuthRows } from './auth/nacos-auth-tables.js';
