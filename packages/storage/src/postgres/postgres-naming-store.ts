import pg from 'pg';
import type { NetworkTarget } from '../database-url.js';
import { SchemaTooNewError, openFailure } from '../errors.js';
import type { Row, SqlDriver, SqlStatement, SqlValue } from '../sql/sql-driver.js';
import { SqlNamingStore } from '../sql/sql-naming-store.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';

// Connections per server: enough for bursts of concurrent writes, few enough for many nodes on one database.
const POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 10_000;
// Any fixed key works: advisory locks are scoped to the current database.
const MIGRATION_LOCK_KEY = 0x6361_6972; // "cair"

/** `?` placeholders (shared SQL) to PostgreSQL's `$1, $2, …`. The shared SQL has no `?` inside literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * PostgreSQL through a pg pool. Pool queries run in autocommit mode, so a statement has committed when it
 * resolves (durable with the default synchronous_commit=on).
 *
 * @example
 *   const store = await PostgresNamingStore.open(parseStorageUrl('postgres://cairn@127.0.0.1/cairn', '.') as NetworkTarget);
 */
export class PostgresNamingStore extends SqlNamingStore {
  /** Connects, applies pending migrations, and fails with StorageUnavailableError naming host:port if it cannot. */
  static async open(target: NetworkTarget): Promise<PostgresNamingStore> {
    const pool = new pg.Pool({
      host: target.host, port: target.port, user: target.user, password: target.password, database: target.database,
      max: POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // An idle connection that dies (server restart) is dropped by the pool; the next query reports the failure.
    // Without a listener the pool's 'error' event would end the process.
    pool.on('error', () => undefined);
    try {
      await migrate(pool, target);
      return new PostgresNamingStore(new PostgresDriver(pool));
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw openFailure(error, 'postgres', target.address, target.database ?? target.user ?? '', target.password);
    }
  }
}

class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly texts = new Map<string, string>();

  constructor(private readonly pool: pg.Pool) {}

  async query(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return (await this.pool.query(this.text(sql), params as SqlValue[])).rows as Row[];
  }

  async batch(statements: readonly SqlStatement[]): Promise<void> {
    const client = await this.pool.connect();
    // A checked-out client whose backend is terminated emits 'error'; unheard, that event would kill the process.
    // The failing query rejects as well, so the listener only has to keep the event from going unheard.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    let failed = false;
    try {
      await client.query('BEGIN');
      for (const s of statements) await client.query(this.text(s.sql), s.params as SqlValue[]);
      await client.query('COMMIT');
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', ignore);
      // A client that failed mid-transaction may be dead: destroy it rather than hand it to the next caller.
      client.release(failed);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private text(sql: string): string {
    let text = this.texts.get(sql);
    if (text === undefined) {
      text = numberPlaceholders(sql);
      if (this.texts.size < 64) this.texts.set(sql, text);
    }
    return text;
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
