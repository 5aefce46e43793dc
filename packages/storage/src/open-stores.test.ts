import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { maskSecrets } from '@cairn/core';
import { parseStorageUrl } from './database-url.js';
import { StorageUrlError } from './errors.js';
import { openStores } from './open-stores.js';

test('no URL, or a bare sqlite:, means <dataDir>/cairn.db; and the stores open there', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-open-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  assert.deepEqual(parseStorageUrl(undefined, dataDir), { kind: 'sqlite', file: join(dataDir, 'cairn.db') });
  assert.deepEqual(parseStorageUrl('  ', dataDir), { kind: 'sqlite', file: join(dataDir, 'cairn.db') });
  assert.deepEqual(parseStorageUrl('sqlite:', dataDir), { kind: 'sqlite', file: join(dataDir, 'cairn.db') });
  const stores = await openStores('', dataDir);
  await stores.namespaces.saveNamespace({ id: 'dev', name: 'dev', description: '', createdAt: 1 });
  await stores.naming.saveService({ namespace: 'dev', group: 'G', name: 'orders', kind: null, protectThreshold: 0, metadata: {}, selector: { type: 'none' }, clusters: [] });
  await stores.close();
  assert.ok(existsSync(join(dataDir, 'cairn.db')));
  // One database: the namespace and the service written through two stores are both in the one file.
  const again = await openStores(`sqlite:${join(dataDir, 'cairn.db')}`, '/elsewhere');
  assert.deepEqual(
    (await again.namespaces.loadNamespaces()).map((n) => n.id),
    ['dev'],
  );
  assert.deepEqual(
    (await again.naming.loadServices()).map((s) => s.name),
    ['orders'],
  );
  await again.close();
});

test('sqlite paths are relative to the working directory, not to the data folder', () => {
  assert.deepEqual(parseStorageUrl('sqlite:./data/cairn.db', '/elsewhere'), { kind: 'sqlite', file: resolve(process.cwd(), 'data/cairn.db') });
  assert.deepEqual(parseStorageUrl('sqlite:/var/lib/cairn/x.db', '/elsewhere'), { kind: 'sqlite', file: '/var/lib/cairn/x.db' });
  assert.deepEqual(parseStorageUrl('sqlite:///var/lib/cairn/x.db', '/elsewhere'), { kind: 'sqlite', file: '/var/lib/cairn/x.db' });
  assert.deepEqual(parseStorageUrl('sqlite::memory:', '/elsewhere'), { kind: 'sqlite', file: ':memory:' });
});

test('mysql and postgres URLs give host, port (with defaults), user, decoded password and database', () => {
  assert.deepEqual(parseStorageUrl('mysql://cairn:p%40ss@db.internal/registry', '.'), {
    kind: 'mysql',
    host: 'db.internal',
    port: 3306,
    user: 'cairn',
    password: 'p@ss',
    database: 'registry',
    display: 'mysql://cairn:***@db.internal/registry',
    address: 'db.internal:3306',
  });
  const pg = parseStorageUrl('postgresql://postgres@[::1]:6543/cairn', '.');
  assert.equal(pg.kind, 'postgres');
  assert.deepEqual(pg.kind === 'postgres' && [pg.host, pg.port, pg.user, pg.password, pg.database, pg.address], ['::1', 6543, 'postgres', '', 'cairn', '[::1]:6543']);
  const bare = parseStorageUrl('postgres://127.0.0.1', '.');
  assert.deepEqual(bare.kind === 'postgres' && [bare.port, bare.user, bare.database], [5432, undefined, undefined]);
});

test('an unsupported or incomplete URL is refused with a message that shows no password', () => {
  const refused = (url: string, pattern: RegExp) =>
    assert.throws(
      () => parseStorageUrl(url, '.'),
      (e: unknown) => {
        assert.ok(e instanceof StorageUrlError);
        assert.match(e.message, pattern);
        assert.ok(!e.message.includes('topsecret'), e.message);
        return true;
      },
    );
  refused('redis://u:topsecret@127.0.0.1/0', /unsupported storage URL "redis:\/\/u:\*\*\*@127\.0\.0\.1\/0": use sqlite:<file>, mysql:\/\/.*postgres:\/\//);
  refused('cairn.db', /unsupported storage URL "cairn\.db"/);
  refused('mysql://root:topsecret@127.0.0.1:3306', /names no database/);
  refused('mysql://127.0.0.1:3306/cairn', /names no user/);
  refused('mysql://root:topsecret@127.0.0.1:99999/cairn', /malformed storage URL "mysql:\/\/root:\*\*\*@127\.0\.0\.1:99999\/cairn"/);
});

test('masking hides the whole password, even one with an unescaped @', () => {
  assert.equal(maskSecrets('mysql://root:a@b@127.0.0.1:3306/test'), 'mysql://root:***@127.0.0.1:3306/test');
  assert.equal(maskSecrets('postgres://postgres@127.0.0.1/test'), 'postgres://postgres@127.0.0.1/test');
  assert.equal(maskSecrets('sqlite:./data/cairn.db'), 'sqlite:./data/cairn.db');
});
