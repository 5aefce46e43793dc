import type { CairnStores } from '@cairn/core';
import { SqlAuthStore } from './auth/sql-auth-store.js';
import { ChangeLoggingDriver, SqlChangeFeed } from './cluster/change-logging-driver.js';
import { SqlMemberStore } from './cluster/sql-member-store.js';
import { ClusterNeedsSharedDatabaseError } from './errors.js';
import { SqlConfigStore } from './config/sql-config-store.js';
import { parseStorageUrl, type StorageTarget } from './database-url.js';
import { openMysql } from './drivers/mysql/open-mysql.js';
import { openPostgres } from './drivers/postgres/open-postgres.js';
import type { SqlDriver } from './drivers/sql-driver.js';
import { openSqlite } from './drivers/sqlite/open-sqlite.js';
import { SqlNamespaceStore } from './namespaces/sql-namespace-store.js';
import { SqlNamingStore } from './naming/sql-naming-store.js';

/**
 * Opens the database a storage URL names, once, applies pending migrations, and returns every context's store on
 * it. Throws StorageUrlError for an unsupported or malformed URL, StorageUnavailableError when the database cannot
 * be reached or opened, and SchemaTooNewError when its schema is newer than this server; no message carries the
 * password.
 *
 * @example
 *   await openStores('sqlite:./data/cairn.db', './data');              // relative to the working directory
 *   await openStores('', './data');                                    // sqlite:./data/cairn.db
 *   await openStores('mysql://cairn:pw@127.0.0.1:3306/cairn', './data');
 *   const stores = await openStores('postgres://cairn:pw@127.0.0.1:5432/cairn', './data');
 *   await stores.naming.loadServices();
 *   await stores.close();
 */
export async function openStores(url: string | undefined, dataDir: string, options: { clusterNode?: string } = {}): Promise<CairnStores> {
  const target = parseStorageUrl(url, dataDir);
  if (options.clusterNode !== undefined && target.kind === 'sqlite') throw new ClusterNeedsSharedDatabaseError();
  const driver = await openDriver(target);
  return storesOn(options.clusterNode === undefined ? driver : new ChangeLoggingDriver(driver, options.clusterNode), options.clusterNode !== undefined);
}

/**
 * Every context's store on one open database; `close()` closes the database. A new context's store joins here.
 * With `cluster`, the driver is a ChangeLoggingDriver and the stores come with the change log to read.
 */
export function storesOn(driver: SqlDriver, cluster = false): CairnStores {
  return {
    namespaces: new SqlNamespaceStore(driver),
    naming: new SqlNamingStore(driver),
    config: new SqlConfigStore(driver),
    auth: new SqlAuthStore(driver),
    ...(cluster ? { changes: new SqlChangeFeed(driver), members: new SqlMemberStore(driver) } : {}),
    close: () => driver.close(),
  };
}

function openDriver(target: StorageTarget): SqlDriver | Promise<SqlDriver> {
  if (target.kind === 'sqlite') return openSqlite(target.file);
  if (target.kind === 'mysql') return openMysql(target);
  return openPostgres(target);
}
