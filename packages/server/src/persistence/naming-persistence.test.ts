import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { call, startTestServer } from '../testing/test-server.js';

const origin = { ip: '127.0.0.1', via: 'test' };

test('namespaces and explicit service definitions survive a restart; implicit services do not', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-persist-'));
  const first = await startTestServer({ dataDir });
  first.server.ctx.namespaces.create('dev', 'Development', 'for tests');
  first.server.ctx.registry.createService({ namespace: 'dev', group: 'G', name: 'orders' }, { protectThreshold: 0.4, metadata: { team: 'x' } }, origin);
  const reg = await call(first.url, 'POST', '/v1/ns/instance?namespaceId=dev&serviceName=implicit&ip=127.0.0.1&port=81');
  assert.equal(reg.status, 200);
  await first.close();

  const second = await startTestServer({ dataDir });
  try {
    const ns = second.server.ctx.namespaces.get('dev');
    assert.equal(ns?.name, 'Development');
    const service = second.server.ctx.registry.service({ namespace: 'dev', group: 'G', name: 'orders' });
    assert.equal(service?.protectThreshold, 0.4);
    assert.deepEqual(service?.metadata, { team: 'x' });
    assert.equal(second.server.ctx.registry.service({ namespace: 'dev', group: 'DEFAULT_GROUP', name: 'implicit' }), undefined);
    second.server.ctx.registry.deleteService({ namespace: 'dev', group: 'G', name: 'orders' }, origin);
  } finally {
    await second.close();
  }

  const third = await startTestServer({ dataDir });
  try {
    assert.equal(third.server.ctx.registry.service({ namespace: 'dev', group: 'G', name: 'orders' }), undefined);
  } finally {
    await third.close();
  }
});

test('persistent instances keep their health, overlays and journal across a restart; deregistered ones stay gone', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-persist-'));
  const first = await startTestServer({ dataDir });
  const register = (port: number) => call(first.url, 'POST', `/v1/ns/instance?serviceName=db&ip=127.0.0.1&port=${port}&ephemeral=false&metadata=%7B%22role%22%3A%22primary%22%7D`);
  assert.equal((await register(3306)).status, 200);
  assert.equal((await register(3307)).status, 200);
  assert.equal((await call(first.url, 'PATCH', '/v1/ns/instance?serviceName=db&ip=127.0.0.1&port=3306&weight=7')).status, 200);
  assert.equal((await call(first.url, 'DELETE', '/v1/ns/instance?serviceName=db&ip=127.0.0.1&port=3307&ephemeral=false')).status, 200);
  // A manual health change needs a NONE checker on the cluster.
  assert.equal((await call(first.url, 'PUT', '/v1/ns/cluster?serviceName=db&clusterName=DEFAULT&checkPort=0&useInstancePort4Check=true&healthChecker=%7B%22type%22%3A%22NONE%22%7D')).status, 200);
  assert.equal((await call(first.url, 'PUT', '/v1/ns/health?serviceName=db&ip=127.0.0.1&port=3306&healthy=false')).status, 200);
  await first.close();

  const second = await startTestServer({ dataDir });
  try {
    const list = (await call(second.url, 'GET', '/v1/ns/instance/list?serviceName=db')).json();
    assert.equal(list.hosts.length, 1);
    const [host] = list.hosts;
    assert.equal(host.port, 3306);
    assert.equal(host.healthy, false);
    assert.equal(host.ephemeral, false);
    assert.equal(host.weight, 7);
    assert.deepEqual(host.metadata, { role: 'primary' });
    const events = (await call(second.url, 'GET', '/v1/cairn/events?serviceName=db&port=3307')).json().events;
    assert.deepEqual(
      events.map((e: { cause: string }) => e.cause),
      ['INSTANCE_DEREGISTERED', 'INSTANCE_REGISTERED'],
    );
    const diagnosis = (await call(second.url, 'GET', '/v1/cairn/diagnosis?serviceName=db&ip=127.0.0.1&port=3306')).json();
    assert.equal(diagnosis.state, 'unhealthy');
  } finally {
    await second.close();
  }
});

test('the stored journal is pruned by count at start: a restart with a small --journal-max-events keeps only that many', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-persist-'));
  const first = await startTestServer({ dataDir });
  for (let port = 1; port <= 130; port++) {
    assert.equal((await call(first.url, 'POST', `/v1/ns/instance?serviceName=many&ip=127.0.0.1&port=${port}&ephemeral=false`)).status, 200);
  }
  await first.close();
  const total = async (options: { journalMaxEvents?: number }) => {
    const server = await startTestServer({ dataDir, ...options });
    try {
      return (await call(server.url, 'GET', '/v1/cairn/events?serviceName=many&pageSize=1')).json().total;
    } finally {
      await server.close();
    }
  };
  assert.equal(await total({}), 130);
  assert.equal(await total({ journalMaxEvents: 100 }), 100);
  // Started again with room for more, it finds only what the small one left in the database: the newest hundred.
  assert.equal(await total({}), 100);
});
