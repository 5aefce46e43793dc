import type { NamingStore } from '@cairn/core';
import { parseStorageUrl } from './database-url.js';
import { MysqlNamingStore } from './mysql/mysql-naming-store.js';
import { PostgresNamingStore } from './postgres/postgres-naming-store.js';
import { SqliteNamingStore } from './sqlite/sqlite-naming-store.js';

/**
 * Opens the store a storage URL names and applies pending migrations. Throws StorageUrlError for an
 * unsupported or malformed URL, StorageUnavailableError when the database cannot be reached or opened, and
 * SchemaTooNewError when its schema is newer than this server; no message carries the password.
 *
 * @example
 *   await openNamingStore('sqlite:./data/cairn.db', './data');              // relative to the working directory
 *   await openNamingStore('', './data');                                    // sqlite:./data/cairn.db
 *   await openNamingStore('mysql://cairn:pw@127.0.0.1:3306/cairn', './data');
 *   await openNamingStore('postgres://cairn:pw@127.0.0.1:5432/cairn', './data');
 */
export async function openNamingStore(url: string | undefined, dataDir: string): Promise<NamingStore> {
  const target = parseStorageUrl(url, dataDir);
  if (target.kind === 'sqlite') return SqliteNamingStore.open(target.file);
  if (target.kind === 'mysql') return MysqlNamingStore.open(target);
  return PostgresNamingStore.open(target);
}
