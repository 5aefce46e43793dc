import type { ChangeFeed, ChangeNote, ClusterChange } from '@cairn/core';
import type { Row, SqlDriver, SqlStatement, SqlValue } from '../drivers/sql-driver.js';

/** The PostgreSQL channel a committed change is announced on. */
export const CHANGES_CHANNEL = 'cairn_changes';

/** Keys per change row: a batch of 10,000 registrations makes 20 rows, none of them megabytes long. */
export const KEYS_PER_CHANGE = 500;

/**
 * Cluster mode's writer side: wraps a node's driver so that every batch that says which keys it writes (`change`)
 * also appends them to the change log, in the same transaction. The number comes from cluster_sequence's row 1,
 * updated first: the row lock it takes is held until commit, so numbers are handed out in commit order and a
 * reader that has seen change 11 will never later see 10 commit. On PostgreSQL the transaction also NOTIFYs the
 * other nodes (delivered at commit, not before).
 */
export class ChangeLoggingDriver implements SqlDriver {
  readonly dialect: SqlDriver['dialect'];
  readonly listen: SqlDriver['listen'];

  constructor(
    private readonly inner: SqlDriver,
    private readonly node: string,
    private readonly now: () => number = Date.now,
  ) {
    this.dialect = inner.dialect;
    this.listen = inner.listen?.bind(inner);
  }

  query(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return this.inner.query(sql, params);
  }

  batch(statements: readonly SqlStatement[], change?: ChangeNote): Promise<Row[]> {
    if (change === undefined || change.keys.length === 0) return this.inner.batch(statements);
    const logged = [...statements];
    for (let from = 0; from < change.keys.length; from += KEYS_PER_CHANGE) {
      logged.push(
        { sql: 'UPDATE cluster_sequence SET seq = seq + 1 WHERE id = 1', params: [] },
        {
          sql: 'INSERT INTO cluster_changes (seq, node, context, change_keys, at) SELECT seq, ?, ?, ?, ? FROM cluster_sequence WHERE id = 1',
          params: [this.node, change.context, JSON.stringify(change.keys.slice(from, from + KEYS_PER_CHANGE)), this.now()],
        },
      );
    }
    if (this.dialect === 'postgres') logged.push({ sql: 'SELECT pg_notify(?, ?)', params: [CHANGES_CHANNEL, this.node] });
    return this.inner.batch(logged);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The reader side: the change log as a ChangeFeed, on any node's driver. */
export class SqlChangeFeed implements ChangeFeed {
  constructor(private readonly db: SqlDriver) {}

  async latest(): Promise<number> {
    const rows = await this.db.query('SELECT seq FROM cluster_sequence WHERE id = 1');
    return rows.length === 0 ? 0 : Number(rows[0].seq);
  }

  async since(seq: number, limit: number): Promise<ClusterChange[]> {
    const rows = await this.db.query('SELECT seq, node, context, change_keys, at FROM cluster_changes WHERE seq > ? ORDER BY seq LIMIT ?', [seq, limit]);
    return rows.map((r) => ({ seq: Number(r.seq), node: String(r.node), context: String(r.context), keys: JSON.parse(String(r.change_keys)) as unknown[], at: Number(r.at) }));
  }

  async listen(wake: () => void, onLost: (error: Error) => void): Promise<(() => Promise<void>) | undefined> {
    if (!this.db.listen) return undefined;
    return this.db.listen(CHANGES_CHANNEL, wake, onLost);
  }

  async prune(before: number): Promise<number> {
    const latest = await this.latest();
    const rows = await this.db.query('SELECT COUNT(*) AS n FROM cluster_changes WHERE at < ? AND seq < ?', [before, latest]);
    await this.db.query('DELETE FROM cluster_changes WHERE at < ? AND seq < ?', [before, latest]);
    return Number(rows[0]?.n ?? 0);
  }
}
