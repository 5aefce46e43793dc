import { spawnServer, type SpawnedServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import mysql from 'mysql2/promise';

const SERVICE = 'crash-probe';
const IN_FLIGHT = 8;
const KILL_AFTER_ACKS = 250;

/**
 * Registers persistent instances as fast as the server acknowledges them, kills the server with SIGKILL while
 * requests are in flight, restarts it on the same storage and checks that every acknowledged registration is there.
 */
async function crashAndCheck(storageArgs: string[]): Promise<{ acked: number; found: number }> {
  const first = await spawnServer(storageArgs);
  const acked = new Set<number>();
  let nextPort = 10_000;
  let killed = false;
  const lane = async () => {
    while (!killed && nextPort < 60_000) {
      const port = nextPort++;
      try {
        const res = await fetch(`${first.url}/v1/ns/instance?serviceName=${SERVICE}&ip=127.0.0.1&port=${port}&ephemeral=false`, { method: 'POST' });
        if (res.status === 200 && (await res.text()) === 'ok') acked.add(port);
      } catch {
        return; // the server is gone
      }
      if (!killed && acked.size >= KILL_AFTER_ACKS) {
        killed = true;
        first.process.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  await first.exited;

  const second: SpawnedServer = await spawnServer(storageArgs);
  try {
    const list = (await (await fetch(`${second.url}/v1/ns/instance/list?serviceName=${SERVICE}`)).json()) as { hosts: { port: number }[] };
    const present = new Set(list.hosts.map((h) => h.port));
    const lost = [...acked].filter((p) => !present.has(p));
    assert.deepEqual(lost, [], `acknowledged registrations lost after SIGKILL: ${lost.length} of ${acked.size}`);
    return { acked: acked.size, found: present.size };
  } finally {
    await second.stop();
  }
}

test('SQLite: no acknowledged persistent registration is lost when the server is killed', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-crash-'));
  const result = await crashAndCheck(['--data-dir', dataDir]);
  assert.ok(result.acked >= KILL_AFTER_ACKS);
  assert.ok(result.found >= result.acked);
});

test('MySQL: no acknowledged persistent registration is lost when the server is killed', async (t) => {
  const base = process.env.CAIRN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
  const database = `cairn_crash_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let admin: mysql.Connection;
  try {
    admin = await mysql.createConnection(base);
  } catch (error) {
    const reason = `MySQL unreachable at ${base.replace(/:[^:@/]*@/, ':***@')}: ${(error as Error).message}`;
    if (process.env.CAIRN_REQUIRE_DB === '1') throw new Error(`${reason}; CAIRN_REQUIRE_DB=1 requires it`);
    console.log(`crash-safety MySQL test skipped: ${reason}`);
    t.skip(reason);
    return;
  }
  await admin.query(`CREATE DATABASE \`${database}\``);
  try {
    const url = new URL(base);
    url.pathname = `/${database}`;
    const result = await crashAndCheck(['--db', url.toString()]);
    assert.ok(result.acked >= KILL_AFTER_ACKS);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  }
});
