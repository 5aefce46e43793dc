import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SchemaTooNewError, StorageUnavailableError, errorCode } from '../../errors.js';
import type { SqlDriver } from '../sql-driver.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

/**
 * The embedded database: one SQLite file in WAL mode with synchronous=FULL, so a write has reached the disk
 * when its call returns and a crash loses nothing that was acknowledged. Opens (creating the folder and file if
 * needed) and applies pending migrations. Synchronous, like the driver.
 *
 * @example
 *   const driver = openSqlite('./data/cairn.db');
 */
export function openSqlite(file: string): SqlDriver {
  let db: Database.Database | undefined;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db, file);
    return new SqliteDriver(db);
  } catch (error) {
    db?.close();
    if (error instanceof SchemaTooNewError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const code = errorCode(error);
    const detail = code === undefined || message.startsWith(code) ? message : `${code}: ${message}`;
    throw new StorageUnavailableError(`cannot open sqlite file ${file}: ${detail}`, { cause: error });
  }
}

/** Each pending migration runs once, in order, in one immediate transaction with its version row. */
function migrate(db: Database.Database, file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const latest = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1].version;
  const apply = db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > latest) throw new SchemaTooNewError(current, latest, file);
    for (const m of SQLITE_MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
    }
  });
  // IMMEDIATE takes the write lock before reading the version, so two processes opening one file migrate once.
  apply.immediate();
}
