import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePortPair, type SpawnedServer } from '@cairn/testkit';
import { CairnRequestError, checkGrpcServer, NamingClient, type ServiceChange } from '../../index.js';
import { FaultProxy } from '../../testing/fault-proxy.js';
import { captureLogger, rawGet, serverHosts, spawnWithGrpc, waitFor } from '../../testing/helpers.js';

const grpcClient = (port: number, extra: Partial<ConstructorParameters<typeof NamingClient>[0]> = {}) =>
  new NamingClient({ serverAddresses: [`127.0.0.1:${port}`], protocol: 'grpc', logger: captureLogger(), requestTimeoutMs: 1000, ...extra });

describe('NamingClient over gRPC against a real server', { concurrency: true }, () => {
  let server: SpawnedServer;
  let port: number;
  before(async () => {
    // The client dials the HTTP port + 1000, as Nacos clients do: the server binds it by the same rule.
    ({ server, port } = await spawnWithGrpc());
  });
  after(() => server.stop());

  test('registers over gRPC (seen over HTTP, journaled with its client version), sends no beats, and close() removes it', async () => {
    const c = grpcClient(port, { appName: 'orders-app' });
    await c.registerInstance('grpc-reg', { ip: '10.0.0.7', port: 7001, weight: 2, metadata: { zone: 'a' } });
    const hosts = (await serverHosts(server.url, 'grpc-reg')) as unknown as Array<{ ip: string; port: number; weight: number; metadata: Record<string, string> }>;
    assert.deepEqual(
      hosts.map((h) => [h.ip, h.port, h.weight, h.metadata]),
      [['10.0.0.7', 7001, 2, { zone: 'a' }]],
    );
    const opened = await rawGet(server.url, '/v1/cairn/events?cause=CONNECTION_OPENED');
    assert.match(opened.body, /"clientVersion":"Cairn-SDK:0\.1\.0"/);
    assert.match(opened.body, /"appName":"orders-app"/);
    assert.equal(c.stats().beatsSent, 0, 'the connection holds the instance: no beats');
    await c.close();
    await waitFor('the instance leaves with the connection', async () => (await serverHosts(server.url, 'grpc-reg')).length === 0, 5000);
  });

  test('deregisterInstance removes the instance; a persistent instance outlives the connection', async () => {
    const c = grpcClient(port);
    await c.registerInstance('grpc-dereg', { ip: '10.0.0.8', port: 7002 });
    await c.deregisterInstance('grpc-dereg', { ip: '10.0.0.8', port: 7002 });
    assert.deepEqual(await serverHosts(server.url, 'grpc-dereg'), []);
    await c.registerInstance('grpc-persistent', { ip: '127.0.0.1', port: 7003, ephemeral: false });
    await c.close();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      (await serverHosts(server.url, 'grpc-persistent')).map((h) => h.port),
      [7003],
    );
  });

  test("reads over gRPC; a subscriber gets another client's change pushed within seconds, without polling", async () => {
    // Without push-empty protection, so the removal of the last instance is delivered.
    const consumerLog = captureLogger();
    const consumer = grpcClient(port, { pushEmptyProtection: false, logger: consumerLog });
    const producer = grpcClient(port);
    const changes: ServiceChange[] = [];
    consumer.subscribe('grpc-push', (change) => changes.push(change));
    await waitFor('the first (empty) list', () => changes.length >= 1, 3000);
    await producer.registerInstance('grpc-push', { ip: '10.0.0.9', port: 7004 });
    await waitFor('the push of the registration', () => changes.some((c) => c.added.some((i) => i.port === 7004)), 5000);
    assert.deepEqual(
      (await consumer.getAllInstances('grpc-push')).map((i) => i.port),
      [7004],
    );
    assert.deepEqual(
      (await producer.getAllInstances('grpc-push', { cacheFallback: false })).map((i) => i.port),
      [7004],
      'a direct read (ServiceQueryRequest)',
    );
    await producer.close();
    await waitFor('the push of the removal', () => changes.some((c) => c.removed.some((i) => i.port === 7004)), 5000);
    assert.equal(consumer.stats().polls, 0, 'no polling over gRPC');
    assert.ok(consumer.stats().pushesReceived >= 2);
    // Unsubscribing tells the server (subscribe: false): later changes are not pushed.
    consumer.unsubscribe('grpc-push');
    await new Promise((r) => setTimeout(r, 200));
    const seen = changes.length;
    const other = grpcClient(port);
    await other.registerInstance('grpc-push', { ip: '10.0.0.9', port: 7005 });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(changes.length, seen);
    assert.deepEqual(
      consumerLog.lines.filter((l) => l.message.includes('does not subscribe')),
      [],
      'the server was told: it pushes no more',
    );
    await Promise.all([other.close(), consumer.close()]);
  });

  test('batchRegisterInstance sends one BatchInstanceRequest that becomes the whole set; a persistent instance is refused', async () => {
    const c = grpcClient(port);
    const ports = async () => (await serverHosts(server.url, 'grpc-batch')).map((h) => h.port).sort();
    await c.batchRegisterInstance('grpc-batch', [
      { ip: '10.0.0.11', port: 7011 },
      { ip: '10.0.0.11', port: 7012 },
    ]);
    assert.deepEqual(await ports(), [7011, 7012]);
    await c.batchRegisterInstance('grpc-batch', [
      { ip: '10.0.0.11', port: 7012 },
      { ip: '10.0.0.11', port: 7013 },
    ]);
    assert.deepEqual(await ports(), [7012, 7013]);
    await assert.rejects(c.batchRegisterInstance('grpc-batch', [{ ip: '127.0.0.1', port: 7014, ephemeral: false }]), /ephemeral instances only/);
    await c.close();
    await waitFor('the batch leaves with the connection', async () => (await ports()).length === 0, 5000);
  });

  test('an operator resets the connection (reloadClient): the client ends it, reconnects and registers again', async () => {
    const c = grpcClient(port, { appName: 'reset-app' });
    await c.registerInstance('grpc-reset', { ip: '10.0.0.12', port: 7021 });
    const connections = async () =>
      Object.entries(JSON.parse((await rawGet(server.url, '/v2/core/loader/current')).body) as Record<string, { metaInfo: { appName: string } }>)
        .filter(([, c]) => c.metaInfo.appName === 'reset-app')
        .map(([id]) => id);
    const [first] = await connections();
    assert.equal((await rawGet(server.url, `/v2/core/loader/reloadClient?connectionId=${encodeURIComponent(first)}`)).body, 'success');
    await waitFor('the old connection ended, a new one open', async () => (await connections()).join() !== first && (await connections()).length === 1, 10_000);
    const closed = JSON.parse((await rawGet(server.url, '/v1/cairn/events?cause=CONNECTION_CLOSED')).body).events.find((e: any) => e.evidence.connectionId === first);
    assert.equal(closed?.evidence.ended, 'reset-requested');
    await waitFor('registered again on the new connection', async () => (await serverHosts(server.url, 'grpc-reset')).some((h) => h.port === 7021), 10_000);
    await c.close();
  });

  test('checkGrpcServer: the connection id from a ServerCheck, or the reason the port does not answer', async () => {
    const answer = await checkGrpcServer(`127.0.0.1:${port}`);
    assert.equal(answer.target, `127.0.0.1:${port + 1000}`);
    assert.match(answer.connectionId, /^\d+_127\.0\.0\.1_\d+$/);
    const refused = await freePortPair();
    await assert.rejects(checkGrpcServer(`127.0.0.1:${refused}`), (e: unknown) => e instanceof CairnRequestError && e.kind === 'refused' && e.message.includes(String(refused + 1000)));
  });

  test('a connection cut under the client: the server removes its instances, the client reconnects and registers them again', async () => {
    const proxyPort = await freePortPair();
    const proxy = await new FaultProxy(port + 1000).start(proxyPort + 1000);
    const logger = captureLogger();
    const c = grpcClient(proxyPort, { logger });
    try {
      await c.registerInstance('grpc-cut', { ip: '10.0.0.10', port: 7006 });
      await proxy.setMode('hang'); // drops every connection; new ones are accepted and never answered
      await waitFor('the server removed the instance of the cut connection', async () => (await serverHosts(server.url, 'grpc-cut')).length === 0, 5000);
      const closed = await rawGet(server.url, '/v1/cairn/events?cause=CONNECTION_INSTANCE_REMOVED&serviceName=grpc-cut');
      assert.match(closed.body, /10\.0\.0\.10/);
      await proxy.setMode('pass');
      await waitFor('registered again on a new connection', async () => (await serverHosts(server.url, 'grpc-cut')).some((h) => h.port === 7006), 15_000);
      assert.ok(logger.lines.some((l) => l.message.includes('lost')));
    } finally {
      await c.close();
      await proxy.close();
    }
  });
});
