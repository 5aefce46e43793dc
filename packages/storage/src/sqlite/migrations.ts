/** Numbered schema migrations; each runs once, in order, inside a transaction. Never edit a shipped one. */
export const SQLITE_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE namespaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL
      );
      CREATE TABLE services (
        namespace TEXT NOT NULL,
        group_name TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT,
        protect_threshold REAL NOT NULL DEFAULT 0,
        metadata TEXT NOT NULL DEFAULT '{}',
        selector TEXT NOT NULL DEFAULT '{"type":"none"}',
        clusters TEXT NOT NULL DEFAULT '[]',
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (namespace, group_name, name)
      );`,
  },
];
