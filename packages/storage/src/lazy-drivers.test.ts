import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStores } from './index.js';

// Node keeps every CommonJS module it has loaded, imported from ES modules too, in require's cache.
const loaded = (name: string): boolean => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes(`/node_modules/${name}/`));

test('a server on SQLite never loads the MySQL or PostgreSQL driver (each costs megabytes of memory)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-lazy-'));
  try {
    const stores = await openStores('', dataDir);
    await stores.close();
    assert.equal(loaded('better-sqlite3'), true, 'the check sees a driver that was loaded');
    assert.equal(loaded('mysql2'), false);
    assert.equal(loaded('pg'), false);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
