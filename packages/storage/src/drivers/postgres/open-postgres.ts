import type pg from 'pg';
import type { NetworkTarget } from '../../database-url.js';
import { SchemaTooNewError, openFailure } from '../../errors.js';
import type { SqlDriver } from '../sql-driver.js';
import { PostgresDriver } from './postgres-driver.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';

// Connections per server: enough for bursts of concurrent writes, few enough for many nodes on one database.
const POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 10_000;
// Any fixed key works: advisory locks are scoped to the current database.
const MIGRATION_LOCK_KEY = 0x6361_6972; // "cair"

/**
 * Connects to PostgreSQL, applies pending migrations, and fails with StorageUnavailableError naming host:port if
 * it cannot.
 *
 * @example
 *   const driver = await openPostgres(parseStorageUrl('postgres://cairn@127.0.0.1/cairn', '.') as NetworkTarget);
 */
export async function openPostgres(target: NetworkTarget): Promise<SqlDriver> {
  // Loaded only when a PostgreSQL store is asked for: a server on SQLite or MySQL saves its memory.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // An idle connection that dies (server restart) is dropped by the pool; the next query reports the failure.
  // Without a listener the pool's 'error' event would end the process.
  pool.on('error', () => undefined);
  // The same for a connection in use: pg's pool.query listens only once, and a terminated backend can report more
  // than one error (the server's FATAL message, then the closed socket); the query itself still fails and says why.
  // Seen once under load in the fault test: the second event, unheard, ended the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    await migrate(pool, target);
    return new PostgresDriver(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw openFailure(error, 'postgres', target.address, target.database ?? target.user ?? '', target.password);
  }
}

/** Applies all pending migrations in one transaction under an advisory lock, so concurrent starts migrate once. */
async function migrate(pool: pg.Pool, target: NetworkTarget): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)');
    const { rows } = await client.query('SELECT MAX(version) AS v FROM schema_version');
    const current = Number(rows[0].v ?? 0);
    const latest = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1].version;
    if (current > latest) throw new SchemaTooNewError(current, latest, `postgres database "${target.database ?? target.user}" at ${target.address}`);
    for (const m of POSTGRES_MIGRATIONS) {
      if (m.version <= current) continue;
      for (const statement of m.statements) await client.query(statement);
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [m.version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
