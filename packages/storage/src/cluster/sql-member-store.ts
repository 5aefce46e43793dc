import type { MemberLease, MemberSighting, MemberStore } from '@cairn/core';
import type { Dialect, SqlDriver } from '../drivers/sql-driver.js';

/**
 * The database's own clock in ms since the epoch. Every renewal is stamped with it and every age is measured with
 * it, so nodes whose clocks disagree (by seconds, or by a time zone: Nacos's #8633) still judge leases alike.
 * MySQL reads UTC_TIMESTAMP: the session's time zone (and its daylight-saving jumps) does not enter.
 */
const DATABASE_NOW: Record<Dialect, string> = {
  postgres: '(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT',
  mysql: "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000)",
  sqlite: "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
};

/** The members' lease rows (cluster_members) on any SqlDriver. */
export class SqlMemberStore implements MemberStore {
  private readonly now: string;
  private readonly renewSql: string;

  constructor(private readonly db: SqlDriver) {
    this.now = DATABASE_NOW[db.dialect];
    const insert = `INSERT INTO cluster_members (node_id, address, started_at, renewed_at, lease_ms) VALUES (?, ?, ${this.now}, ${this.now}, ?)`;
    this.renewSql =
      db.dialect === 'mysql'
        ? `${insert} ON DUPLICATE KEY UPDATE address = VALUES(address), renewed_at = VALUES(renewed_at), lease_ms = VALUES(lease_ms)`
        : `${insert} ON CONFLICT (node_id) DO UPDATE SET address = excluded.address, renewed_at = excluded.renewed_at, lease_ms = excluded.lease_ms`;
  }

  async renew(lease: MemberLease): Promise<void> {
    await this.db.query(this.renewSql, [lease.node, lease.address, lease.leaseMs]);
  }

  async leave(node: string): Promise<void> {
    await this.db.query('UPDATE cluster_members SET lease_ms = 0 WHERE node_id = ?', [node]);
  }

  async list(): Promise<MemberSighting[]> {
    const rows = await this.db.query(`SELECT node_id, address, started_at, renewed_at, lease_ms, ${this.now} AS db_now FROM cluster_members`);
    return rows.map((r) => ({
      node: String(r.node_id),
      address: String(r.address),
      leaseMs: Number(r.lease_ms),
      startedAt: Number(r.started_at),
      renewedAt: Number(r.renewed_at),
      // Never negative: a row renewed between the clock's read and the row's read is simply fresh.
      sinceRenewalMs: Math.max(0, Number(r.db_now) - Number(r.renewed_at)),
    }));
  }

  async prune(olderThanMs: number): Promise<void> {
    await this.db.query(`DELETE FROM cluster_members WHERE renewed_at < ${this.now} - ?`, [olderThanMs]);
  }
}
