import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawnServer, type SpawnedServer } from '@cairn/testkit';
import { CairnClosedError, NamingClient, type ServiceChange } from './index.js';
import { captureLogger, rawGet, serverHosts, waitFor } from './testing/helpers.js';

const FAST = ['--beat-interval-ms', '500', '--beat-timeout-ms', '1500', '--delete-timeout-ms', '3000'];

describe('NamingClient against a real server', () => {
  let server: SpawnedServer;
  let address: string;
  before(async () => {
    server = await spawnServer(FAST);
    address = new URL(server.url).host;
  });
  after(() => server.stop());

  const client = (extra: Partial<ConstructorParameters<typeof NamingClient>[0]> = {}) => new NamingClient({ serverAddresses: [address], logger: captureLogger(), pollIntervalMs: 100, ...extra });

  test('registers, keeps the instance healthy past the beat timeout by following the server interval, deregisters on close', async () => {
    const c = client();
    await c.registerInstance('orders', { ip: '127.0.0.1', port: 7001, metadata: { zone: 'a' } });
    const [host] = await serverHosts(server.url, 'orders');
    assert.equal(host.port, 7001);
    assert.equal(host.healthy, true);
    // Past the server's 1500 ms beat timeout: only beats at its 500 ms interval keep it healthy.
    await new Promise((r) => setTimeout(r, 1900));
    assert.deepEqual(
      (await serverHosts(server.url, 'orders')).map((h) => h.healthy),
      [true],
    );
    const stats = c.stats();
    assert.equal(stats.beatIntervalMs, 500);
    assert.ok(stats.beatsOk >= 3, `beats ok: ${stats.beatsOk}`);
    assert.deepEqual(stats.beatFailures, {});
    await c.close();
    assert.deepEqual(await serverHosts(server.url, 'orders'), []);
    await assert.rejects(c.getAllInstances('orders'), CairnClosedError);
  });

  test('batchRegisterInstance over HTTP registers each and deregisters the rest of the service', async () => {
    const c = client();
    const ports = async () => (await serverHosts(server.url, 'http-batch')).map((h) => h.port).sort();
    await c.batchRegisterInstance('http-batch', [
      { ip: '127.0.0.1', port: 7201 },
      { ip: '127.0.0.1', port: 7202 },
    ]);
    await c.registerInstance('http-batch-other', { ip: '127.0.0.1', port: 7209 });
    await c.batchRegisterInstance('http-batch', [{ ip: '127.0.0.1', port: 7202 }]);
    assert.deepEqual(await ports(), [7202]);
    assert.equal((await serverHosts(server.url, 'http-batch-other')).length, 1, 'other services untouched');
    await c.close();
  });

  test('getAllInstances, selectInstances and selectOneHealthyInstance read the server', async () => {
    const c = client({ random: () => 0.99 });
    await c.registerInstance('pay', { ip: '127.0.0.1', port: 7101, weight: 1 });
    await c.registerInstance('pay', { ip: '127.0.0.1', port: 7102, weight: 3 });
    await c.registerInstance('pay', { ip: '127.0.0.1', port: 7103, enabled: false });
    await c.registerInstance('pay', { ip: '127.0.0.1', port: 7104, weight: 2, clusterName: 'B' });
    const all = await c.getAllInstances('pay');
    assert.deepEqual(all.map((i) => i.port).sort(), [7101, 7102, 7104]); // the server leaves disabled ones out
    assert.deepEqual(
      (await c.getAllInstances('pay', { clusters: ['B'] })).map((i) => i.port),
      [7104],
    );
    assert.deepEqual((await c.selectInstances('pay')).map((i) => i.port).sort(), [7101, 7102, 7104]);
    assert.deepEqual(await c.selectInstances('pay', { healthy: false }), []);
    // random 0.99 of total weight 6 lands in the last weight band of the server's order.
    const picked = await c.selectOneHealthyInstance('pay');
    assert.ok(picked && [7101, 7102, 7104].includes(picked.port));
    assert.equal(await c.selectOneHealthyInstance('nobody-here'), undefined);
    await c.close();
  });

  test('subscribe as an async iterator delivers the full list and the delta', async () => {
    const producer = client();
    const consumer = client();
    await producer.registerInstance('stock', { ip: '127.0.0.1', port: 7201 });
    const sub = consumer.subscribe('stock');
    const it = sub[Symbol.asyncIterator]();
    const first = (await it.next()).value as ServiceChange;
    assert.deepEqual(
      first.instances.map((i) => i.port),
      [7201],
    );
    assert.deepEqual(
      first.added.map((i) => i.port),
      [7201],
    );
    await producer.registerInstance('stock', { ip: '127.0.0.1', port: 7202 });
    const second = (await it.next()).value as ServiceChange;
    assert.deepEqual(second.instances.map((i) => i.port).sort(), [7201, 7202]);
    assert.deepEqual(
      second.added.map((i) => i.port),
      [7202],
    );
    assert.deepEqual(second.removed, []);
    await producer.deregisterInstance('stock', { ip: '127.0.0.1', port: 7201 });
    const third = (await it.next()).value as ServiceChange;
    assert.deepEqual(
      third.removed.map((i) => i.port),
      [7201],
    );
    assert.deepEqual(
      third.instances.map((i) => i.port),
      [7202],
    );
    sub.unsubscribe();
    assert.deepEqual(await it.next(), { done: true, value: undefined });
    await Promise.all([producer.close(), consumer.close()]);
  });

  test('subscribe with a listener reports changed instances, and a throwing listener does not stop it', async () => {
    const producer = client();
    const logger = captureLogger();
    const consumer = client({ logger });
    await producer.registerInstance('cart', { ip: '127.0.0.1', port: 7301, weight: 1 });
    const changes: ServiceChange[] = [];
    consumer.subscribe('cart', (c) => {
      changes.push(c);
      if (changes.length === 1) throw new Error('listener bug');
    });
    await waitFor('first change', () => changes.length === 1, 3000);
    await producer.registerInstance('cart', { ip: '127.0.0.1', port: 7301, weight: 5 });
    await waitFor('weight change', () => changes.length === 2, 3000);
    assert.deepEqual(
      changes[1].changed.map((i) => [i.port, i.weight]),
      [[7301, 5]],
    );
    assert.deepEqual(changes[1].added, []);
    assert.ok(logger.lines.some((l) => l.level === 'error' && l.message.includes('listener bug')));
    consumer.unsubscribe('cart');
    await Promise.all([producer.close(), consumer.close()]);
  });

  test('UDP push delivers a change long before the next poll and is acknowledged', async () => {
    const producer = client();
    const consumer = client({ pollIntervalMs: 60_000, push: { bindAddress: '127.0.0.1', clientIP: '127.0.0.1' } });
    await producer.registerInstance('push-svc', { ip: '127.0.0.1', port: 7401 });
    const changes: ServiceChange[] = [];
    consumer.subscribe('push-svc', (c) => changes.push(c));
    await waitFor('first list', () => changes.length === 1, 3000);
    const started = Date.now();
    await producer.registerInstance('push-svc', { ip: '127.0.0.1', port: 7402 });
    await waitFor('pushed change', () => changes.length === 2, 3000);
    assert.ok(Date.now() - started < 2000, 'arrived by push, not by the 60 s poll');
    assert.deepEqual(
      changes[1].added.map((i) => i.port),
      [7402],
    );
    assert.ok(consumer.stats().pushesReceived >= 1);
    // The server counted our push-ack.
    await waitFor(
      'server saw the ack',
      async () => {
        const text = (await rawGet(server.url, '/actuator/prometheus')).body;
        return Number(/cairn_push_packets_total\{outcome="acked"\} (\d+)/.exec(text)?.[1] ?? 0) >= 1;
      },
      2000,
    );
    await Promise.all([producer.close(), consumer.close()]);
  });

  test('a persistent instance gets no beats and close() leaves it registered', async () => {
    const c = client();
    await c.registerInstance('db', { ip: '127.0.0.1', port: 7501, ephemeral: false });
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(c.stats().beatsSent, 0);
    await c.close();
    assert.deepEqual(
      (await serverHosts(server.url, 'db')).map((h) => h.port),
      [7501],
    );
  });

  test('bad arguments are refused before anything is sent', async () => {
    const c = client();
    await assert.rejects(c.registerInstance('', { ip: '127.0.0.1', port: 1 }), /service must be a non-empty string/);
    await assert.rejects(c.registerInstance('x', { ip: '127.0.0.1', port: 70000 }), /instance.port/);
    await assert.rejects(c.registerInstance('a@@b', { ip: '127.0.0.1', port: 1 }), /must not contain '@@'/);
    await c.close();
  });
});
