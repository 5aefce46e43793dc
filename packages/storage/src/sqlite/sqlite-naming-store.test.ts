import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { SchemaTooNewError, SqliteNamingStore } from './sqlite-naming-store.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'cairn-sqlite-')), 'cairn.db');

test('namespaces and service definitions survive closing and reopening the file', async () => {
  const path = file();
  const store = SqliteNamingStore.open(path);
  await store.saveNamespace({ id: 'dev', name: 'Development', description: 'd', createdAt: 5 });
  await store.saveService({
    namespace: 'dev', group: 'G', name: 'orders', kind: 'ephemeral', protectThreshold: 0.5, metadata: { team: 'a' },
    selector: { type: 'none' }, clusters: [{ name: 'DEFAULT', healthChecker: { type: 'TCP' }, checkPort: 80, useInstancePortForCheck: true, metadata: {} }],
  });
  await store.saveService({ namespace: 'dev', group: 'G', name: 'gone', kind: null, protectThreshold: 0, metadata: {}, selector: { type: 'none' }, clusters: [] });
  await store.deleteService({ namespace: 'dev', group: 'G', name: 'gone' });
  await store.close();

  const again = SqliteNamingStore.open(path);
  assert.deepEqual(await again.loadNamespaces(), [{ id: 'dev', name: 'Development', description: 'd', createdAt: 5 }]);
  const services = await again.loadServices();
  assert.equal(services.length, 1);
  assert.equal(services[0].protectThreshold, 0.5);
  assert.equal(services[0].kind, 'ephemeral');
  assert.deepEqual(services[0].metadata, { team: 'a' });
  assert.equal(services[0].clusters[0].checkPort, 80);
  await again.deleteNamespace('dev');
  assert.deepEqual(await again.loadNamespaces(), []);
  await again.close();
});

test('a schema newer than the server is refused with a clear error', async () => {
  const path = file();
  (await SqliteNamingStore.open(path)).close();
  const db = new Database(path);
  db.prepare('INSERT INTO schema_version (version) VALUES (999)').run();
  db.close();
  assert.throws(() => SqliteNamingStore.open(path), (e: unknown) => e instanceof SchemaTooNewError && /newer than this server/.test(e.message));
});
