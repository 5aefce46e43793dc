import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { freePortPair, spawnServer, type SpawnedServer } from '@cairn/testkit';
import { NamingClient, type ServiceChange } from '../../index.js';
import { captureLogger, serverHosts, spawnWithGrpc, waitFor } from '../../testing/helpers.js';

const options = (ports: number[]) => ({
  serverAddresses: ports.map((p) => `127.0.0.1:${p}`),
  protocol: 'grpc' as const,
  // random() = 0: the client starts on the first server of its list.
  random: () => 0,
  requestTimeoutMs: 500,
  pushEmptyProtection: false,
  logger: captureLogger(),
});

const register = (baseUrl: string, service: string, ip: string, port: number) => fetch(`${baseUrl}/v1/ns/instance?serviceName=${service}&ip=${ip}&port=${port}`, { method: 'POST' }).then((r) => r.text());

describe('the gRPC transport survives faults', { concurrency: true }, () => {
  let server: SpawnedServer;
  let port: number;
  before(async () => {
    // The client dials the HTTP port + 1000, as Nacos clients do: the server binds it by the same rule.
    ({ server, port } = await spawnWithGrpc());
  });
  after(() => server.stop());

  test('a refused gRPC port first in the list: the client fails over to the next server', async () => {
    const refused = await freePortPair(); // nothing listens on it, nor on its gRPC port
    const c = new NamingClient(options([refused, port]));
    try {
      await c.registerInstance('grpc-refused', { ip: '10.0.0.30', port: 7201 });
      assert.deepEqual(
        (await serverHosts(server.url, 'grpc-refused')).map((h) => h.port),
        [7201],
      );
      const [first, second] = c.stats().servers;
      assert.deepEqual([first.healthy, first.lastFailure, second.healthy], [false, 'refused', true]);
    } finally {
      await c.close();
    }
  });

  test('a silent server (accepts, never answers) first in the list: the handshake times out and the client fails over', async () => {
    const silentPort = await freePortPair();
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(silentPort + 1000, '127.0.0.1', resolve));
    const c = new NamingClient(options([silentPort, port]));
    try {
      await c.registerInstance('grpc-silent', { ip: '10.0.0.31', port: 7202 });
      assert.deepEqual(
        (await serverHosts(server.url, 'grpc-silent')).map((h) => h.port),
        [7202],
      );
      const [first, second] = c.stats().servers;
      assert.deepEqual([first.healthy, first.lastFailure, second.healthy], [false, 'timeout', true]);
      assert.ok(sockets.size >= 1, 'the client did connect to the silent server');
    } finally {
      await c.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('a gRPC client whose server goes away', () => {
  test('server restarted on the same port: the client reconnects, its instance is back and its subscription resumes', async () => {
    const port = await freePortPair();
    let server = await spawnServer(['--port', String(port)]);
    const c = new NamingClient(options([port]));
    try {
      await register(server.url, 'grpc-watched', '10.0.0.40', 7300);
      const changes: ServiceChange[] = [];
      c.subscribe('grpc-watched', (change) => changes.push(change));
      await waitFor('the first list', () => changes.length === 1, 5000);
      await c.registerInstance('grpc-restart', { ip: '10.0.0.41', port: 7301, metadata: { v: '1' } });

      await server.stop();
      server = await spawnServer(['--port', String(port)]);
      // The new server starts empty: the client registers its instance again on its new connection ...
      await waitFor('registered again', async () => (await serverHosts(server.url, 'grpc-restart')).some((h) => h.port === 7301), 15_000);
      const [host] = (await serverHosts(server.url, 'grpc-restart')) as unknown as Array<{ metadata: Record<string, string> }>;
      assert.deepEqual(host.metadata, { v: '1' });
      // ... and subscribes again: the answer (no instances any more) reconciles its cache ...
      await waitFor('the cache reconciled from the new subscription', () => changes.some((ch) => ch.removed.some((i) => i.port === 7300)), 5000);
      // ... and the server pushes changes again.
      await register(server.url, 'grpc-watched', '10.0.0.42', 7302);
      await waitFor('a push from the new server', () => changes.some((ch) => ch.added.some((i) => i.port === 7302)), 5000);
    } finally {
      await c.close();
      await server.stop();
    }
  });

  test('subscribed while no server answers: the subscription is made once the server is up', async () => {
    const port = await freePortPair();
    const c = new NamingClient(options([port]));
    let server: SpawnedServer | undefined;
    try {
      const changes: ServiceChange[] = [];
      c.subscribe('grpc-early', (change) => changes.push(change));
      await waitFor('the subscription failed', () => (c.stats().pollFailures.refused ?? 0) >= 1, 5000);
      server = await spawnServer(['--port', String(port)]);
      await register(server.url, 'grpc-early', '10.0.0.45', 7310);
      await waitFor('the list from the server that came up', () => changes.some((ch) => ch.instances.some((i) => i.port === 7310)), 15_000);
    } finally {
      await c.close();
      await server?.stop();
    }
  });

  test('its server dies: the client moves to the next server of its list and registers its instances there', async () => {
    const ports = [await freePortPair(), await freePortPair()];
    const [a, b] = await Promise.all(ports.map((p) => spawnServer(['--port', String(p)])));
    const c = new NamingClient(options(ports));
    try {
      await c.registerInstance('grpc-move', { ip: '10.0.0.50', port: 7401 });
      assert.equal((await serverHosts(a.url, 'grpc-move')).length, 1, 'on the first server');
      await a.stop('SIGKILL');
      await waitFor('registered on the second server', async () => (await serverHosts(b.url, 'grpc-move')).some((h) => h.port === 7401), 15_000);
    } finally {
      await c.close();
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
