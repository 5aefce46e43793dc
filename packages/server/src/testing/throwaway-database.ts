import { parseStorageUrl, type NetworkTarget } from '@cairn/storage';
import type { TestContext } from 'node:test';

export type SharedDialect = 'postgres' | 'mysql';

export const SHARED_DIALECTS: readonly { dialect: SharedDialect; name: string }[] = [
  { dialect: 'postgres', name: 'PostgreSQL' },
  { dialect: 'mysql', name: 'MariaDB' },
];

/** A database of this run's own on the machine's PostgreSQL or MariaDB, dropped when the test ends. */
export interface ThrowAwayDatabase {
  /** The storage URL of the new database (`--db`). */
  url: string;
  /** Runs one statement as the administrator in the new database (fault injection, checks). */
  admin(sql: string): Promise<unknown[]>;
}

/**
 * Creates an empty database for one test and drops it in `t.after`. When the server cannot be reached the test is
 * skipped saying why, or fails when CAIRN_REQUIRE_DB=1 (as CI sets it). Resolves to undefined when skipped.
 *
 * @example
 *   const db = await throwAwayDatabase(t, 'postgres');
 *   if (!db) return;
 *   const node = await startTestServer({ db: db.url, cluster: true });
 */
export async function throwAwayDatabase(t: TestContext, dialect: SharedDialect): Promise<ThrowAwayDatabase | undefined> {
  const baseUrl = dialect === 'postgres' ? (process.env.CAIRN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : (process.env.CAIRN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');
  const base = parseStorageUrl(baseUrl, '.') as NetworkTarget;
  const database = `cairn_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  try {
    if (dialect === 'postgres') {
      const { default: pg } = await import('pg');
      const root = new pg.Client({ host: base.host, port: base.port, user: base.user, password: base.password, database: base.database, connectionTimeoutMillis: 5_000 });
      await root.connect();
      await root.query(`CREATE DATABASE "${database}"`);
      const inDb = new pg.Client({ host: base.host, port: base.port, user: base.user, password: base.password, database, connectionTimeoutMillis: 5_000 });
      await inDb.connect();
      t.after(async () => {
        await inDb.end().catch(() => undefined);
        await root.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await root.end();
      });
      return { url: url.toString(), admin: async (sql) => (await inDb.query(sql)).rows };
    }
    const { default: mysql } = await import('mysql2/promise');
    const root = await mysql.createConnection({ host: base.host, port: base.port, user: base.user, password: base.password, connectTimeout: 5_000 });
    await root.query(`CREATE DATABASE \`${database}\``);
    const inDb = await mysql.createConnection({ host: base.host, port: base.port, user: base.user, password: base.password, database, connectTimeout: 5_000 });
    t.after(async () => {
      await inDb.end().catch(() => undefined);
      await root.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await root.end();
    });
    return { url: url.toString(), admin: async (sql) => (await inDb.query(sql))[0] as unknown[] };
  } catch (error) {
    const reason = `cannot use ${dialect} at ${base.address}: ${(error as Error).message}`;
    if (process.env.CAIRN_REQUIRE_DB === '1') throw new Error(`${reason}; CAIRN_REQUIRE_DB=1 requires this database`);
    console.log(`test skipped: ${reason} (set CAIRN_REQUIRE_DB=1 to fail instead)`);
    t.skip(reason);
    return undefined;
  }
}
