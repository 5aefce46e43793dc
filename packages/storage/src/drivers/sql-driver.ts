import type { ChangeNote } from '@cairn/core';

export type Dialect = 'sqlite' | 'mysql' | 'postgres';
export type SqlValue = string | number | boolean | null;
export type Row = Record<string, unknown>;

export interface SqlStatement {
  sql: string;
  params: readonly SqlValue[];
}

/**
 * One open database, as every context's store uses it: statements written with `?` placeholders (each driver
 * translates), committed before the promise resolves. Each dialect's `open…()` connects, migrates and returns one;
 * the stores on it share it, and closing it closes them all.
 */
export interface SqlDriver {
  readonly dialect: Dialect;
  /** Runs one statement in its own transaction; returns the rows of a SELECT (empty otherwise). */
  query(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /**
   * Runs statements in one transaction: all are committed or none. `change` names the keys the statements write:
   * in cluster mode the same transaction appends it to the change log (see ChangeLoggingDriver); otherwise it is
   * ignored. Resolves to the rows of the last statement when it reads (a SELECT there sees what the batch wrote
   * and no one else's write in between); a batch that reads passes no `change`.
   */
  batch(statements: readonly SqlStatement[], change?: ChangeNote): Promise<Row[]>;
  /**
   * PostgreSQL only: calls `onNotify` for every NOTIFY on `channel`, over a connection of its own; `onLost` when
   * that connection fails (the caller listens again). Resolves to a function that stops listening.
   */
  listen?(channel: string, onNotify: () => void, onLost: (error: Error) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * An insert of `rows` rows (one by default; no key twice in one statement) that updates `update` columns when the
 * key exists. SQLite and PostgreSQL share `ON CONFLICT`;
 * MySQL/MariaDB spell it `ON DUPLICATE KEY UPDATE` (the key is the table's primary key).
 * With `onlyWhileSame`, an existing row is changed only while its stored value of that column equals the new one
 * (`DO UPDATE … WHERE`; on MySQL each updated column keeps its value otherwise, so the column itself must not be
 * among `update`: every IF then compares with the stored value). A missing row is inserted either way.
 */
export function upsertSql(dialect: Dialect, table: string, columns: readonly string[], key: readonly string[], update: readonly string[], rows = 1, onlyWhileSame?: string): string {
  const row = `(${columns.map(() => '?').join(', ')})`;
  const insert = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => row).join(', ')}`;
  if (dialect === 'mysql') {
    const value = (c: string) => (onlyWhileSame === undefined ? `VALUES(${c})` : `IF(${onlyWhileSame} = VALUES(${onlyWhileSame}), VALUES(${c}), ${c})`);
    return `${insert} ON DUPLICATE KEY UPDATE ${update.map((c) => `${c} = ${value(c)}`).join(', ')}`;
  }
  const where = onlyWhileSame === undefined ? '' : ` WHERE ${table}.${onlyWhileSame} = excluded.${onlyWhileSame}`;
  return `${insert} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${update.map((c) => `${c} = excluded.${c}`).join(', ')}${where}`;
}
