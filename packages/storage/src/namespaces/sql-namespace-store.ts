import type { Namespace, NamespaceStore } from '@cairn/core';
import { num, str } from '../drivers/row-values.js';
import { upsertSql, type Row, type SqlDriver } from '../drivers/sql-driver.js';

const toNamespace = (r: Row): Namespace => ({
  id: str(r.id),
  name: str(r.name),
  description: str(r.description),
  createdAt: num(r.created_at),
});

/**
 * The NamespaceStore on any SQL database the drivers cover (the `namespaces` table). The store does not own the
 * driver: whoever opened the database closes it.
 *
 * @example
 *   const namespaces = new SqlNamespaceStore(openSqlite('./data/cairn.db'));
 */
export class SqlNamespaceStore implements NamespaceStore {
  private readonly upsert: string;

  constructor(private readonly db: SqlDriver) {
    // created_at is left out of the update: saving an existing namespace again keeps when it was created.
    this.upsert = upsertSql(db.dialect, 'namespaces', ['id', 'name', 'description', 'created_at'], ['id'], ['name', 'description']);
  }

  async loadNamespaces(): Promise<Namespace[]> {
    return (await this.db.query('SELECT id, name, description, created_at FROM namespaces ORDER BY created_at, id')).map(toNamespace);
  }

  async loadNamespace(id: string): Promise<Namespace | undefined> {
    const rows = await this.db.query('SELECT id, name, description, created_at FROM namespaces WHERE id = ?', [id]);
    return rows.length === 0 ? undefined : toNamespace(rows[0]);
  }

  // One statement each, in a batch so that cluster mode's change log gets the namespace in the same transaction.
  async saveNamespace(ns: Namespace): Promise<void> {
    await this.db.batch([{ sql: this.upsert, params: [ns.id, ns.name, ns.description, ns.createdAt] }], { context: 'namespaces', keys: [ns.id] });
  }

  async deleteNamespace(id: string): Promise<void> {
    await this.db.batch([{ sql: 'DELETE FROM namespaces WHERE id = ?', params: [id] }], { context: 'namespaces', keys: [id] });
  }
}
