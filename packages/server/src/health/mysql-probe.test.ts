import type { HealthChecker } from '@cairn/core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mysqlProbe } from './mysql-probe.js';
import { CLIENT, persistentInstance, probeHarness, REF } from './testing.js';

// The real MariaDB/MySQL of this machine (CAIRN_TEST_MYSQL_URL, default root without a password on 127.0.0.1:3306).
const url = new URL(process.env.CAIRN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');
const host = url.hostname;
const port = Number(url.port || 3306);
const user = decodeURIComponent(url.username);
const pwd = decodeURIComponent(url.password);
// A handshake on a busy test machine can take longer than Nacos's 500 ms.
const TIMEOUT_MS = 3_000;

const probe = (checker: Partial<HealthChecker>) => mysqlProbe({ type: 'MYSQL', ip: host, port, checker: { type: 'MYSQL', user, pwd, ...checker } }, TIMEOUT_MS, new AbortController().signal);

const reachable = await probe({});
const skip = reachable.ok ? false : `MySQL at ${host}:${port} is not usable (${reachable.error}); set CAIRN_TEST_MYSQL_URL`;

if (skip && process.env.CAIRN_REQUIRE_DB === '1') {
  test('the MySQL probe needs the database', () => {
    throw new Error(`${skip}; CAIRN_REQUIRE_DB=1 requires it, so this fails instead of skipping`);
  });
} else if (skip) {
  console.log(`MySQL probe tests skipped: ${skip} (set CAIRN_REQUIRE_DB=1 to fail instead)`);
}

test('a real connection running SELECT 1 passes', { skip }, async () => {
  const result = await probe({});
  assert.deepEqual({ ...result, durationMs: 0 }, { ok: true, failNow: false, probe: 'MYSQL', target: `${host}:${port}`, durationMs: 0 });
});

test("the checker's cmd runs; the read_only master check passes on a writable server", { skip }, async () => {
  assert.equal((await probe({ cmd: "show global variables where variable_name='read_only'" })).ok, true);
  const bad = await probe({ cmd: 'SELEC nonsense' });
  assert.deepEqual([bad.ok, bad.failNow, bad.error], [false, true, 'ER_PARSE_ERROR']);
});

test("a wrong password fails now with the server's error code", { skip }, async () => {
  const result = await probe({ pwd: 'certainly-not-the-password' });
  assert.deepEqual([result.ok, result.failNow, result.error], [false, true, 'ER_ACCESS_DENIED_ERROR']);
});

test('scheduled: a MYSQL cluster with a wrong password turns unhealthy at once; the right one keeps it healthy', { skip }, async () => {
  const { registry, journal, scheduler, advance } = probeHarness({ firstProbeJitterMs: 0, timeoutMs: TIMEOUT_MS });
  registry.registerInstance(persistentInstance(host, port, { name: 'db' }), CLIENT);
  registry.registerInstance(persistentInstance(host, port, { name: 'db-denied' }), CLIENT);
  registry.updateCluster({ ...REF, name: 'db', cluster: 'DEFAULT', healthChecker: { type: 'MYSQL', user, pwd }, checkPort: 3306, useInstancePortForCheck: true }, CLIENT);
  registry.updateCluster({ ...REF, name: 'db-denied', cluster: 'DEFAULT', healthChecker: { type: 'MYSQL', user, pwd: 'wrong' }, checkPort: 3306, useInstancePortForCheck: true }, CLIENT);
  scheduler.start();
  await advance(0);
  assert.equal(registry.findInstance({ ...REF, name: 'db' }, host, port)?.instance.healthy, true);
  assert.equal(registry.findInstance({ ...REF, name: 'db' }, host, port)?.instance.probe?.lastResult?.ok, true);
  assert.equal(registry.findInstance({ ...REF, name: 'db-denied' }, host, port)?.instance.healthy, false);
  const [event] = journal.query({ cause: 'PROBE_FAILED' }).events;
  assert.equal(event.service, 'db-denied');
  assert.equal(event.evidence.error, 'ER_ACCESS_DENIED_ERROR');
  assert.equal(event.evidence.probe, 'MYSQL');
  await scheduler.stop();
});
