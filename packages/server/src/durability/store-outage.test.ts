import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStores } from '@cairn/storage';
import { switchableStores } from '../testing/switchable-stores.js';
import { call, startTestServer, type TestServer } from '../testing/test-server.js';

let dir: string;
let ts: TestServer;
let db: Awaited<ReturnType<typeof switchableStores>>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-outage-'));
  db = await switchableStores(join(dir, 'cairn.db'));
  ts = await startTestServer({ storeWaitMs: 300 }, { stores: db.stores });
});

after(async () => {
  await ts.close();
  rmSync(dir, { recursive: true, force: true });
});

const persistent = (port: number) => ({ serviceName: 'outage-db', ip: '127.0.0.1', port: String(port), ephemeral: 'false' });
const ephemeral = (port: number) => ({ serviceName: 'outage-app', ip: '10.9.0.1', port: String(port) });

test('while the store refuses writes, a persistent change answers 503; beats, lists and ephemeral changes answer at once', async () => {
  db.setDown(true);
  const started = Date.now();
  const refused = await call(ts.url, 'POST', '/v1/ns/instance', persistent(7001));
  assert.equal(refused.status, 503);
  assert.match(refused.text, /not durable yet .*connection lost \(injected\).*retry the request/);
  assert.ok(Date.now() - started >= 300, 'it waited for the store first');
  const namespace = await call(ts.url, 'POST', '/v1/console/namespaces', { customNamespaceId: 'outage-ns', namespaceName: 'Outage' });
  assert.equal(namespace.status, 503, 'a namespace change waits for the namespace store the same way');

  // The store is still down: a request that waited for it would answer 503 after storeWaitMs, so each answer
  // below shows it did not wait (no wall-clock bound, which a loaded machine can break).
  assert.equal((await call(ts.url, 'POST', '/v1/ns/instance', ephemeral(8001))).text, 'ok');
  const beat = await call(ts.url, 'PUT', '/v1/ns/instance/beat', { serviceName: 'outage-app', ip: '10.9.0.1', port: '8001' });
  assert.equal(beat.json().code, 10200);
  assert.equal((await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=outage-app')).json().hosts.length, 1);
  const ready = await call(ts.url, 'GET', '/v1/console/health/readiness');
  assert.equal(ready.status, 503);
  assert.match(ready.text, /^storage failing: connection lost \(injected\); 2 change\(s\) waiting to be stored$/);
});

test('once the store takes writes again, the refused changes are retried and stored, and changes answer 200', async () => {
  db.setDown(false);
  // The next retry comes within the backoff cap (2 s); after it nothing is pending.
  const deadline = Date.now() + 5_000;
  while (ts.server.ctx.persistence.status.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(ts.server.ctx.persistence.status.pending, 0, 'the refused changes were retried');
  const ok = await call(ts.url, 'POST', '/v1/ns/instance', persistent(7002));
  assert.equal(ok.text, 'ok');
  const stored = await openStores(`sqlite:${join(dir, 'cairn.db')}`, dir);
  try {
    const ports = (await stored.naming.loadInstances())
      .filter((i) => i.service === 'outage-db')
      .map((i) => i.port)
      .sort();
    // 7001 was answered 503 but kept in memory and retried, so it is stored now too: memory and store agree.
    assert.deepEqual(ports, [7001, 7002]);
    assert.ok(
      (await stored.namespaces.loadNamespaces()).some((n) => n.id === 'outage-ns'),
      'the refused namespace is stored too',
    );
  } finally {
    await stored.close();
  }
  assert.equal(ts.server.ctx.persistence.status.failing, null);
  assert.equal((await call(ts.url, 'GET', '/v1/console/health/readiness')).text, 'OK');
  assert.equal(ts.server.ctx.persistence.status.pending, 0);
});
