import type mysql from 'mysql2/promise';
import type { Row, SqlDriver, SqlStatement, SqlValue } from '../sql-driver.js';

/**
 * MySQL/MariaDB through a mysql2 pool. Pool connections run in autocommit mode, so a single statement has
 * committed when it resolves (durable with InnoDB's default innodb_flush_log_at_trx_commit=1).
 */
export class MysqlDriver implements SqlDriver {
  readonly dialect = 'mysql' as const;

  constructor(private readonly pool: mysql.Pool) {}

  // Text protocol (`query`, values escaped by the driver) rather than server-side prepared statements: it
  // behaves the same on MySQL and MariaDB, LIMIT included.
  async query(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    const [result] = await this.pool.query(sql, params as SqlValue[]);
    return Array.isArray(result) ? (result as Row[]) : [];
  }

  async batch(statements: readonly SqlStatement[]): Promise<Row[]> {
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      let result: unknown;
      for (const s of statements) [result] = await connection.query(s.sql, s.params as SqlValue[]);
      await connection.commit();
      return Array.isArray(result) ? (result as Row[]) : [];
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
