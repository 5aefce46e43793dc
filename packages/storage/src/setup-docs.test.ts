import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseStorageUrl, type NetworkTarget } from './database-url.js';
import { errorCode } from './errors.js';
import { openStores } from './open-stores.js';

// docs/storage.md must be true: the SQL it gives to prepare a database, run as written (with throw-away names
// for `cairn`) by an administrator, must let that user start Cairn, which creates its tables.

function storageDoc(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package-lock.json'))) dir = dirname(dir);
  return readFileSync(join(dir, 'docs/storage.md'), 'utf8');
}

/** The statements of the first ```sql block under `### <heading>`. */
function setupSql(heading: string): string[] {
  const doc = storageDoc();
  const start = doc.indexOf(`\n### ${heading}\n`);
  assert.ok(start >= 0, `section '### ${heading}' not found`);
  const block = /```sql\n([\s\S]*?)```/.exec(doc.slice(start));
  assert.ok(block, `no sql block under '### ${heading}'`);
  return block[1]
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A skip that says why, or a failure when CAIRN_REQUIRE_DB=1 (CI). */
function unavailable(t: { skip(reason: string): void }, reason: string): void {
  if (process.env.CAIRN_REQUIRE_DB === '1') throw new Error(`${reason}; CAIRN_REQUIRE_DB=1 requires this database`);
  t.skip(reason);
}

const throwAway = () => `cairn_docs_${Math.random().toString(36).slice(2, 10)}`;

/** Opens a store as the user the SQL created and writes through it: migrations ran, so the tables exist. */
async function startAs(url: string): Promise<void> {
  const stores = await openStores(url, '.');
  try {
    await stores.namespaces.saveNamespace({ id: 'docs-check', name: 'docs-check', description: '', createdAt: 1 });
    assert.ok((await stores.namespaces.loadNamespaces()).some((n) => n.id === 'docs-check'));
  } finally {
    await stores.close();
  }
}

test('the PostgreSQL setup SQL in docs/storage.md lets its user create the tables (PostgreSQL 15+: schema public)', async (t) => {
  const base = parseStorageUrl(process.env.CAIRN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test', '.') as NetworkTarget;
  const admin = new pg.Client({ host: base.host, port: base.port, user: base.user, password: base.password, database: base.database, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    return unavailable(t, `cannot use postgres at ${base.address}: ${errorCode(error) ?? String(error)}`);
  }
  const name = throwAway();
  try {
    for (const statement of setupSql('PostgreSQL')) await admin.query(statement.replace(/\bcairn\b/g, name));
    await startAs(`postgres://${name}:secret@${base.address}/${name}`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${name}`);
    await admin.end();
  }
});

test('the MySQL/MariaDB setup SQL in docs/storage.md lets its user create the tables', async (t) => {
  const base = parseStorageUrl(process.env.CAIRN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test', '.') as NetworkTarget;
  let admin: mysql.Connection;
  try {
    admin = await mysql.createConnection({ host: base.host, port: base.port, user: base.user, password: base.password, connectTimeout: 5_000 });
  } catch (error) {
    return unavailable(t, `cannot use mysql at ${base.address}: ${errorCode(error) ?? String(error)}`);
  }
  const name = throwAway();
  try {
    for (const statement of setupSql('MySQL / MariaDB')) await admin.query(statement.replace(/\bcairn\b/g, name));
    await startAs(`mysql://${name}:secret@${base.address}/${name}`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`DROP USER IF EXISTS '${name}'@'%'`);
    await admin.end();
  }
});
