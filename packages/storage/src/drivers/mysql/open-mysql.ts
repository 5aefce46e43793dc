import type mysql from 'mysql2/promise';
import type { NetworkTarget } from '../../database-url.js';
import { SchemaTooNewError, openFailure } from '../../errors.js';
import type { Row, SqlDriver } from '../sql-driver.js';
import { MysqlDriver } from './mysql-driver.js';
import { MYSQL_MIGRATIONS } from './migrations.js';

// Connections per server: enough for bursts of concurrent writes, few enough for many nodes on one database.
const POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 10_000;
const MIGRATION_LOCK_WAIT_S = 60;
// Strict whatever the server's default: a value that does not fit fails instead of being truncated or zeroed.
const SESSION_SQL_MODE = "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

/**
 * Connects to MySQL/MariaDB, applies pending migrations, and fails with StorageUnavailableError naming host:port
 * if it cannot.
 *
 * @example
 *   const driver = await openMysql(parseStorageUrl('mysql://cairn:pw@127.0.0.1:3306/cairn', '.') as NetworkTarget);
 */
export async function openMysql(target: NetworkTarget): Promise<SqlDriver> {
  // Loaded only when a MySQL store is asked for: a server on SQLite or PostgreSQL saves its memory.
  const { default: mysql } = await import('mysql2/promise');
  const pool = mysql.createPool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectionLimit: POOL_SIZE,
    connectTimeout: CONNECT_TIMEOUT_MS,
    charset: 'utf8mb4',
  });
  // mysql2 hands this event its callback-style connection (whatever the promise typings say); the statement is
  // queued ahead of any query on the new connection.
  pool.on('connection', (connection) => {
    (connection as unknown as { query(sql: string, done: (error: unknown) => void): void }).query(SESSION_SQL_MODE, () => undefined);
  });
  try {
    await migrate(pool, target);
    return new MysqlDriver(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw openFailure(error, 'mysql', target.address, target.database ?? '', target.password);
  }
}

/**
 * Applies pending migrations under a named lock, so nodes of a cluster starting together migrate once.
 * The lock is per database: test runs on separate databases do not wait for each other.
 */
async function migrate(pool: mysql.Pool, target: NetworkTarget): Promise<void> {
  const connection = await pool.getConnection();
  const lockName = `cairn.schema.${target.database ?? ''}`.slice(0, 64);
  try {
    const [locked] = await connection.query('SELECT GET_LOCK(?, ?) AS ok', [lockName, MIGRATION_LOCK_WAIT_S]);
    if (Number((locked as Row[])[0].ok) !== 1) {
      throw new Error(`waited ${MIGRATION_LOCK_WAIT_S} s for another server to finish migrating the schema`);
    }
    try {
      await connection.query('CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL PRIMARY KEY) ENGINE=InnoDB');
      const [rows] = await connection.query('SELECT MAX(version) AS v FROM schema_version');
      const current = Number((rows as Row[])[0].v ?? 0);
      const latest = MYSQL_MIGRATIONS[MYSQL_MIGRATIONS.length - 1].version;
      if (current > latest) throw new SchemaTooNewError(current, latest, `mysql database "${target.database}" at ${target.address}`);
      for (const m of MYSQL_MIGRATIONS) {
        if (m.version <= current) continue;
        for (const statement of m.statements) await connection.query(statement);
        await connection.query('INSERT INTO schema_version (version) VALUES (?)', [m.version]);
      }
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [lockName]).catch(() => undefined);
    }
  } finally {
    connection.release();
  }
}
