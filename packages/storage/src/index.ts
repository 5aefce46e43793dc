export { openNamingStore } from './open-naming-store.js';
export { parseStorageUrl, type NetworkTarget, type StorageTarget } from './database-url.js';
export { SchemaTooNewError, StorageUnavailableError, StorageUrlError } from './errors.js';
export { SqliteNamingStore } from './sqlite/sqlite-naming-store.js';
export { MysqlNamingStore } from './mysql/mysql-naming-store.js';
export { PostgresNamingStore } from './postgres/postgres-naming-store.js';
