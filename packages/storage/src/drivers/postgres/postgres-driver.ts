import type pg from 'pg';
import type { Row, SqlDriver, SqlStatement, SqlValue } from '../sql-driver.js';

/** `?` placeholders (shared SQL) to PostgreSQL's `$1, $2, …`. The shared SQL has no `?` inside literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * PostgreSQL through a pg pool. Pool queries run in autocommit mode, so a statement has committed when it
 * resolves (durable with the default synchronous_commit=on).
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly texts = new Map<string, string>();

  constructor(private readonly pool: pg.Pool) {}

  async query(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return (await this.pool.query(this.text(sql), params as SqlValue[])).rows as Row[];
  }

  async batch(statements: readonly SqlStatement[]): Promise<Row[]> {
    const client = await this.pool.connect();
    // A checked-out client whose backend is terminated emits 'error'; unheard, that event would kill the process.
    // The failing query rejects as well, so the listener only has to keep the event from going unheard.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    let failed = false;
    try {
      await client.query('BEGIN');
      let rows: Row[] = [];
      for (const s of statements) rows = (await client.query(this.text(s.sql), s.params as SqlValue[])).rows as Row[];
      await client.query('COMMIT');
      return rows;
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

  async listen(channel: string, onNotify: () => void, onLost: (error: Error) => void): Promise<() => Promise<void>> {
    // A connection of its own, held for as long as the node listens: a pooled one would go back to the pool.
    const client = await this.pool.connect();
    let stopped = false;
    const lost = (error: Error): void => {
      if (stopped) return;
      stopped = true;
      client.release(true);
      onLost(error);
    };
    client.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    client.on('error', lost);
    client.on('end', () => lost(new Error('the listening connection ended')));
    try {
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (error) {
      stopped = true;
      client.release(true);
      throw error;
    }
    return async () => {
      if (stopped) return;
      stopped = true;
      await client.query(`UNLISTEN ${quoteIdentifier(channel)}`).catch(() => undefined);
      client.release();
    };
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

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
