import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { runStoreContracts, runUnreachableContract } from '../../contract/run-store-contracts.js';
import { storesOn } from '../../open-stores.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { openSqlite } from './open-sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-sqlite-'));
const file = join(dir, 'data', 'cairn.db');

/** A temporary folder removed when the file's tests end. */
function scratch(label: string): string {
  const path = mkdtempSync(join(tmpdir(), `cairn-sqlite-${label}-`));
  after(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

function direct<T>(use: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

runStoreContracts(
  'sqlite',
  async () => openSqlite(file),
  async () => rmSync(dir, { recursive: true, force: true }),
  {
    versions: async () => direct((db) => (db.prepare('SELECT version FROM schema_version ORDER BY version').all() as { version: number }[]).map((r) => r.version)),
    record: async (version) => void direct((db) => db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version)),
  },
);

runUnreachableContract('sqlite', 'sqlite:/dev/null/cairn.db', /StorageUnavailableError: cannot open sqlite file \/dev\/null\/cairn\.db: E[A-Z]+/, '');

test('sqlite: the file is in WAL mode, so readers never block the durable writer', async () => {
  const other = join(scratch('wal'), 'cairn.db');
  await openSqlite(other).close();
  const db = new Database(other);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
});

test('sqlite: a file written by the first release (schema 1) is upgraded in place and keeps its services', async () => {
  const old = join(scratch('v1'), 'cairn.db');
  const db = new Database(old);
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
  db.exec(SQLITE_MIGRATIONS[0].sql);
  db.exec("INSERT INTO schema_version VALUES (1); INSERT INTO services (namespace, group_name, name, protect_threshold, updated_at) VALUES ('public', 'G', 'legacy', 0.3, 1)");
  db.close();
  const stores = storesOn(openSqlite(old));
  const [legacy] = await stores.naming.loadServices();
  assert.deepEqual([legacy.name, legacy.protectThreshold, legacy.kind, legacy.clusters], ['legacy', 0.3, null, []]);
  assert.deepEqual(await stores.naming.loadInstances(), []);
  await stores.close();
  const check = new Database(old);
  assert.deepEqual(
    check.prepare('SELECT version FROM schema_version ORDER BY version').all(),
    SQLITE_MIGRATIONS.map((m) => ({ version: m.version })),
  );
  check.close();
});

test('sqlite: configs and history written before schema 5 load with empty use, effect, schema and key, and no record fields', async () => {
  const old = join(scratch('v4'), 'cairn.db');
  const db = new Database(old);
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
  for (const m of SQLITE_MIGRATIONS.filter((m) => m.version <= 4)) db.exec(m.sql);
  db.exec('INSERT INTO schema_version VALUES (1), (2), (3), (4)');
  const author = JSON.stringify({ sourceIp: '10.0.0.1', clientAgent: '', claimedUser: '' });
  db.prepare(`INSERT INTO configs VALUES ('public', 'G', 'old.yaml', 1, 'a: 1', 'm', 'yaml', '', 'd', '[]', 1, 2, ?, ?)`).run(author, author);
  db.prepare(`INSERT INTO config_history VALUES (1, 'public', 'G', 'old.yaml', 'I', 'a: 1', 'm', '', 'yaml', ?, 2)`).run(author);
  db.close();
  const stores = storesOn(openSqlite(old));
  const [item] = await stores.config.loadConfigs();
  assert.deepEqual([item.dataId, item.desc, item.use, item.effect, item.schema, item.encryptedDataKey], ['old.yaml', 'd', '', '', '', '']);
  const record = await stores.config.historyById(1);
  assert.equal(record?.content, 'a: 1');
  assert.equal('fields' in (record ?? {}), false);
  await stores.close();
});
