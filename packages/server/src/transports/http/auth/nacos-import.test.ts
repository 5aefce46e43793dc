import { readNacosAuthTables } from '@cairn/storage';
import { repoRoot } from '@cairn/testkit';
import bcrypt from 'bcryptjs';
import mysql from 'mysql2/promise';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { loginToken, sendForm, startTestServer, TEST_ADMIN_PASSWORD } from '../../../testing/test-server.js';

// Nacos's auth tables as its mysql-schema.sql creates them (the PostgreSQL schema has the same tables and columns).
const NACOS_TABLES = [
  'CREATE TABLE users (username varchar(50) NOT NULL PRIMARY KEY, password varchar(500) NOT NULL, enabled boolean NOT NULL)',
  'CREATE TABLE roles (username varchar(50) NOT NULL, role varchar(50) NOT NULL, UNIQUE (username, role))',
  'CREATE TABLE permissions (role varchar(50) NOT NULL, resource varchar(128) NOT NULL, action varchar(8) NOT NULL, UNIQUE (role, resource, action))',
];

/** What a Nacos database holds: alice (role dev, a grant on namespace dev), a disabled carol, two admins on the seed password. */
function nacosRows(): { users: [string, string, boolean][]; roles: [string, string][]; permissions: [string, string, string][] } {
  return {
    users: [
      ['alice', bcrypt.hashSync('alice-in-nacos', 4), true],
      ['carol', bcrypt.hashSync('carol-in-nacos', 4), false],
      ['nacos', bcrypt.hashSync('nacos', 4), true],
      ['oldadmin', bcrypt.hashSync('nacos', 4), true],
    ],
    roles: [
      ['alice', 'dev'],
      ['nacos', 'ROLE_ADMIN'],
      ['oldadmin', 'ROLE_ADMIN'],
      ['ghost', 'ops'],
    ],
    permissions: [
      ['dev', 'dev:*:*', 'rw'],
      ['ops', ':*:*', 'r'],
    ],
  };
}

const uniqueName = () => `cairn_nacos_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { CAIRN_SERVER: _server, CAIRN_PASSWORD: _password, ...base } = process.env;
  const child = spawn(process.execPath, [join(repoRoot(), 'packages/cli/bin/cairn.js'), ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('cairn auth import-nacos brings users, roles and grants from a Nacos MariaDB; passwords keep working, nothing is overwritten', async (t) => {
  let admin: mysql.Connection;
  try {
    admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', connectTimeout: 5_000 });
  } catch (error) {
    if (process.env.CAIRN_REQUIRE_DB === '1') throw error;
    return t.skip(`no MariaDB at 127.0.0.1:3306 (${(error as Error).message})`);
  }
  const database = uniqueName();
  await admin.query(`CREATE DATABASE \`${database}\``);
  const ts = await startTestServer({ authEnabled: true });
  try {
    await admin.query(`USE \`${database}\``);
    for (const sql of NACOS_TABLES) await admin.query(sql);
    const rows = nacosRows();
    for (const u of rows.users) await admin.query('INSERT INTO users VALUES (?, ?, ?)', u);
    for (const r of rows.roles) await admin.query('INSERT INTO roles VALUES (?, ?)', r);
    for (const p of rows.permissions) await admin.query('INSERT INTO permissions VALUES (?, ?, ?)', p);
    const server = ts.url.replace(/^http:\/\//, '').replace(/\/nacos$/, '');
    const from = `mysql://root@127.0.0.1:3306/${database}`;

    const run = await runCli(['auth', 'import-nacos', '--from', from, '--server', server, '--username', 'nacos'], { CAIRN_PASSWORD: TEST_ADMIN_PASSWORD });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^users imported: 3 \(alice, carol, oldadmin\)$/m);
    assert.match(run.stdout, /^roles assigned: 2$/m);
    assert.match(run.stdout, /^permissions added: 1$/m);
    assert.match(run.stdout, /^skipped user nacos: user 'nacos' already exist!$/m);
    assert.match(run.stdout, /^skipped role ops of ghost: no user 'ghost' in the users rows$/m);
    assert.match(run.stdout, /^skipped permission ops :\*:\* r: role 'ops' not found/m);
    assert.match(run.stdout, /^warning: admin 'oldadmin' still has Nacos's seed password/m);
    assert.ok(!/\$2[aby]\$/.test(run.stdout + run.stderr), 'no hash is printed');

    // alice logs in with her Nacos password and her grant decides: namespace dev yes, public no.
    const alice = await loginToken(ts.url, 'alice', 'alice-in-nacos');
    const services = (namespaceId: string) => sendForm(ts.url, 'GET', '/v1/ns/instance/list', { serviceName: 'orders', namespaceId }, { authorization: `Bearer ${alice}` });
    assert.equal((await services('dev')).status, 200);
    assert.equal((await services('public')).status, 403);
    await assert.rejects(loginToken(ts.url, 'carol', 'carol-in-nacos'), /403/, 'carol was disabled in Nacos');
    const old = await sendForm(ts.url, 'POST', '/v1/auth/login', { username: 'oldadmin', password: 'nacos' });
    assert.equal(JSON.parse(old.text).globalAdmin, true, 'a Nacos admin stays an admin');
    await assert.rejects(loginToken(ts.url, 'nacos', 'nacos'), /403/, "Cairn's nacos is not overwritten");
    assert.ok(await loginToken(ts.url));
    const created = ts.server.ctx.journal.query({ cause: 'USER_CREATED' }).events.find((e) => e.evidence.username === 'alice');
    assert.equal(created?.evidence.importedFrom, 'nacos');
    assert.equal(created?.evidence.claimedUser, 'nacos');

    const again = await runCli(['auth', 'import-nacos', '--from', from, '--server', server, '--username', 'nacos', '--json'], { CAIRN_PASSWORD: TEST_ADMIN_PASSWORD });
    assert.equal(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout);
    assert.deepEqual(second.users.imported, []);
    assert.equal(second.users.skipped.length, 4);
    assert.equal(second.permissions.present, 1);

    const notAdmin = await runCli(['auth', 'import-nacos', '--from', from, '--server', server, '--username', 'alice'], { CAIRN_PASSWORD: 'alice-in-nacos' });
    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /HTTP 403/);
    const badUrl = await runCli(['auth', 'import-nacos', '--from', `mysql://root:hidden-pw@127.0.0.1:3306/${database}_missing`, '--server', server], {});
    assert.equal(badUrl.code, 1);
    assert.match(badUrl.stderr, /--from: cannot open mysql database/);
    assert.ok(!badUrl.stderr.includes('hidden-pw'));
  } finally {
    await ts.close();
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  }
});

test('the import reads a Nacos PostgreSQL too, and refuses what is not a BCrypt hash', async (t) => {
  const database = uniqueName();
  const root = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 5_000 });
  try {
    await root.connect();
  } catch (error) {
    if (process.env.CAIRN_REQUIRE_DB === '1') throw error;
    return t.skip(`no PostgreSQL at 127.0.0.1:5432 (${(error as Error).message})`);
  }
  await root.query(`CREATE DATABASE ${database}`);
  const ts = await startTestServer({ authEnabled: true });
  const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database });
  try {
    await db.connect();
    for (const sql of NACOS_TABLES) await db.query(sql);
    await db.query('INSERT INTO users VALUES ($1, $2, true), ($3, $4, true)', ['dana', bcrypt.hashSync('dana-in-nacos', 4), 'eve', 'plain-text-password']);
    await db.query("INSERT INTO roles VALUES ('dana', 'dev')");
    const tables = await readNacosAuthTables(`postgres://postgres@127.0.0.1:5432/${database}`);
    assert.deepEqual(
      tables.users.map((u) => [u.username, u.enabled]),
      [
        ['dana', true],
        ['eve', true],
      ],
    );
    const token = await loginToken(ts.url);
    const res = await fetch(`${ts.url}/v1/cairn/auth/import`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(tables) });
    const body = await res.text();
    assert.equal(res.status, 200, body);
    const result = JSON.parse(body).data;
    assert.deepEqual(result.users.imported, ['dana']);
    assert.match(result.users.skipped[0].reason, /user 'eve' is not a BCrypt hash/);
    assert.ok(!body.includes('plain-text-password'), 'the refused value is not echoed');
    assert.ok(await loginToken(ts.url, 'dana', 'dana-in-nacos'));

    const malformed = await fetch(`${ts.url}/v1/cairn/auth/import`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ users: [{ username: 'x' }] }) });
    assert.equal(malformed.status, 400);
    assert.match(await malformed.text(), /users\[0\]\.password/);
  } finally {
    await db.end().catch(() => undefined);
    await ts.close();
    await root.query(`DROP DATABASE IF EXISTS ${database}`);
    await root.end();
  }
});
