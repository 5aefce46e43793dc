import type Database from 'better-sqlite3';
import type { Row, SqlDriver, SqlStatement, SqlValue } from '../sql-driver.js';

// better-sqlite3 binds no booleans: store them as 0/1, as the schema declares.
const bind = (params: readonly SqlValue[]) => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

/**
 * better-sqlite3 is synchronous: a statement has committed (and, with synchronous=FULL, reached the disk)
 * when the call returns, so the promises below are already settled when handed back.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  async query(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    const statement = this.prepare(sql);
    if (statement.reader) return statement.all(...bind(params)) as Row[];
    statement.run(...bind(params));
    return [];
  }

  async batch(statements: readonly SqlStatement[]): Promise<Row[]> {
    return this.db.transaction(() => {
      let rows: Row[] = [];
      for (const s of statements) {
        const statement = this.prepare(s.sql);
        if (statement.reader) rows = statement.all(...bind(s.params)) as Row[];
        else {
          statement.run(...bind(s.params));
          rows = [];
        }
      }
      return rows;
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      // Journal batches of every size make distinct texts; only the fixed statements are worth keeping.
      if (this.statements.size < 64) this.statements.set(sql, statement);
    }
    return statement;
  }
}
