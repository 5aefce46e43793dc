import type { Namespace, NamingStore, ServiceRef, ServiceSnapshot } from '@cairn/core';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SQLITE_MIGRATIONS } from './migrations.js';

export class SchemaTooNewError extends Error {}

/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a write has reached the disk
 * when its call returns and a crash loses nothing that was acknowledged.
 */
export class SqliteNamingStore implements NamingStore {
  private readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  static open(file: string): SqliteNamingStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new SqliteNamingStore(db);
  }

  async loadNamespaces(): Promise<Namespace[]> {
    const rows = this.db.prepare('SELECT id, name, description, created_at FROM namespaces ORDER BY created_at, id').all() as {
      id: string; name: string; description: string; created_at: number;
    }[];
    return rows.map((r) => ({ id: r.id, name: r.name, description: r.description, createdAt: r.created_at }));
  }

  async saveNamespace(ns: Namespace): Promise<void> {
    this.db.prepare(`INSERT INTO namespaces (id, name, description, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description`).run(ns.id, ns.name, ns.description, ns.createdAt);
  }

  async deleteNamespace(id: string): Promise<void> {
    this.db.prepare('DELETE FROM namespaces WHERE id = ?').run(id);
  }

  async loadServices(): Promise<ServiceSnapshot[]> {
    const rows = this.db.prepare('SELECT * FROM services ORDER BY namespace, group_name, name').all() as {
      namespace: string; group_name: string; name: string; kind: string | null; protect_threshold: number;
      metadata: string; selector: string; clusters: string;
    }[];
    return rows.map((r) => ({
      namespace: r.namespace, group: r.group_name, name: r.name,
      kind: r.kind === 'ephemeral' || r.kind === 'persistent' ? r.kind : null,
      protectThreshold: r.protect_threshold, metadata: JSON.parse(r.metadata), selector: JSON.parse(r.selector),
      clusters: JSON.parse(r.clusters),
    }));
  }

  async saveService(s: ServiceSnapshot): Promise<void> {
    this.db.prepare(`INSERT INTO services (namespace, group_name, name, kind, protect_threshold, metadata, selector, clusters, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (namespace, group_name, name) DO UPDATE SET kind = excluded.kind, protect_threshold = excluded.protect_threshold,
        metadata = excluded.metadata, selector = excluded.selector, clusters = excluded.clusters, updated_at = excluded.updated_at`)
      .run(s.namespace, s.group, s.name, s.kind, s.protectThreshold, JSON.stringify(s.metadata), JSON.stringify(s.selector), JSON.stringify(s.clusters), Date.now());
  }

  async deleteService(ref: ServiceRef): Promise<void> {
    this.db.prepare('DELETE FROM services WHERE namespace = ? AND group_name = ? AND name = ?').run(ref.namespace, ref.group, ref.name);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  const current = row.v ?? 0;
  const latest = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1].version;
  if (current > latest) {
    throw new SchemaTooNewError(`the database schema is version ${current}, newer than this server understands (${latest}): upgrade Cairn or use another data directory`);
  }
  for (const m of SQLITE_MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
    })();
  }
}
