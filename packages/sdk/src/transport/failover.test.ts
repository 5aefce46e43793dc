import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { spawnServer, type SpawnedServer } from '@cairn/testkit';
import { NamingClient } from '../index.js';
import { captureLogger, listedHealthy, portOf, serverHosts, waitFor } from '../testing/helpers.js';

const FAST = ['--beat-interval-ms', '500', '--beat-timeout-ms', '1500', '--delete-timeout-ms', '3000'];

test('failover between two servers: beats, reads and subscriptions move to the live one, the dead one is retried later', async (t) => {
  const servers: SpawnedServer[] = await Promise.all([spawnServer(FAST), spawnServer(FAST)]);
  after(() => Promise.all(servers.map((s) => s.stop())));
  const [a, b] = servers;
  const addresses = servers.map((s) => `127.0.0.1:${portOf(s.url)}`);
  // random() = 0 makes the client start on the first server of its list.
  const opts = { serverAddresses: addresses, random: () => 0, requestTimeoutMs: 500, pollIntervalMs: 100, logger: captureLogger() };
  const producer = new NamingClient(opts);
  const consumer = new NamingClient(opts);
  await producer.registerInstance('fo-svc', { ip: '127.0.0.1', port: 9001 });
  assert.ok(await listedHealthy(a.url, 'fo-svc', 9001), 'registered on the first server');
  assert.deepEqual(await serverHosts(b.url, 'fo-svc'), []);
  const seen: number[][] = [];
  consumer.subscribe('fo-svc', (c) => seen.push(c.instances.map((i) => i.port)));
  await waitFor('subscription delivers', () => seen.length === 1, 2000);

  await a.stop();
  const downAt = Date.now();
  // The next beat fails on A, goes to B, which answers 20404; the client registers there.
  await waitFor('registered on the second server', () => listedHealthy(b.url, 'fo-svc', 9001), 3000);
  // How soon is the bench's business (timing does not belong in tests); the deadline above only rules out a client
  // stuck on the dead server.
  t.diagnostic(`registered on the second server ${Date.now() - downAt} ms after the first went down`);
  assert.deepEqual(
    (await consumer.getAllInstances('fo-svc')).map((i) => i.port),
    [9001],
  );
  const health = producer.stats().servers;
  assert.deepEqual(
    health.map((h) => h.healthy),
    [false, true],
  );
  // The dead server's cooldown (and its end) is the server pool's unit test's, on a fake clock: here it may have
  // ended already on a loaded machine.
  assert.equal(health[0].lastFailure, 'refused');
  assert.ok(producer.stats().reRegistrations >= 1);
  // A direct read also skips the dead server (it is behind the live one now).
  const fresh = new NamingClient(opts);
  assert.deepEqual(
    (await fresh.getAllInstances('fo-svc', { cacheFallback: false })).map((i) => i.port),
    [9001],
  );
  await fresh.close();
  await Promise.all([producer.close(), consumer.close()]);
  assert.deepEqual(await serverHosts(b.url, 'fo-svc'), [], 'close() deregistered on the live server');
});
