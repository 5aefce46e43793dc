import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePortPair, spawnServer, type SpawnedServer } from '@cairn/testkit';
import { CairnConflictError, CairnRequestError, ConfigClient, type ConfigChange, type ConfigClientOptions } from '../index.js';
import { FaultProxy } from '../testing/fault-proxy.js';
import { captureLogger, grayVersions, rawGet, spawnWithGrpc, waitFor } from '../testing/helpers.js';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** A publish over the server's HTTP API, independent of the SDK. */
async function httpPublish(baseUrl: string, dataId: string, content: string): Promise<void> {
  const r = await fetch(`${baseUrl}/v1/cs/configs`, { method: 'POST', body: new URLSearchParams({ dataId, group: 'DEFAULT_GROUP', content }) });
  assert.equal(await r.text(), 'true');
}

/** A watch's `ready`, or a failure when it does not settle within 5 s (a broken watch must fail, not hang). */
function ready(watch: { ready: Promise<void> }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the watch did not become ready within 5 s')), 5000);
  });
  return Promise.race([watch.ready, late]).finally(() => clearTimeout(timer));
}

async function journal(baseUrl: string, query: string): Promise<Array<{ cause: string; evidence: Record<string, unknown> }>> {
  return JSON.parse((await rawGet(baseUrl, `/v1/cairn/events?${query}`)).body).events;
}

describe('ConfigClient over gRPC against a real server', { concurrency: true }, () => {
  let server: SpawnedServer;
  let port: number;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-sdk-grpc-config-'));
  before(async () => {
    ({ server, port } = await spawnWithGrpc());
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // The address is the gRPC port itself (offset 0), where no HTTP is served: a request sent over HTTP would fail.
  const client = (extra: Partial<ConfigClientOptions> = {}) => new ConfigClient({ serverAddresses: [`127.0.0.1:${port + 1000}`], protocol: 'grpc', grpcPortOffset: 0, requestTimeoutMs: 1000, logger: captureLogger(), ...extra });

  test('get, publish and remove over gRPC, seen over HTTP and in the journal; a missing config is null', async () => {
    const c = client({ appName: 'orders-app', srcUser: 'alice' });
    assert.equal(await c.getConfig('grpc-orders.yaml'), null);
    await c.publishConfig('grpc-orders.yaml', 'DEFAULT_GROUP', 'level: info\n', { type: 'yaml' });
    assert.equal((await rawGet(server.url, '/v1/cs/configs?dataId=grpc-orders.yaml&group=DEFAULT_GROUP')).body, 'level: info\n');
    assert.deepEqual(await c.getConfig('grpc-orders.yaml'), {
      dataId: 'grpc-orders.yaml',
      group: 'DEFAULT_GROUP',
      namespace: '',
      content: 'level: info\n',
      md5: md5('level: info\n'),
      type: 'yaml',
      fromSnapshot: false,
    });
    const [published] = await journal(server.url, 'cause=CONFIG_PUBLISHED&dataId=grpc-orders.yaml');
    assert.equal(published.evidence.agent, 'Cairn-SDK:0.1.0');
    assert.equal(published.evidence.claimedUser, 'alice');
    const opened = await journal(server.url, 'cause=CONNECTION_OPENED');
    assert.ok(
      opened.some((e) => e.evidence.appName === 'orders-app' && JSON.stringify(e.evidence).includes('config')),
      JSON.stringify(opened),
    );
    await c.removeConfig('grpc-orders.yaml');
    await c.removeConfig('grpc-orders.yaml'); // removing a missing config succeeds
    assert.equal((await rawGet(server.url, '/v1/cs/configs?dataId=grpc-orders.yaml&group=DEFAULT_GROUP')).status, 404);
    assert.equal(await c.getConfig('grpc-orders.yaml'), null);
    assert.equal((await journal(server.url, 'cause=CONFIG_REMOVED&dataId=grpc-orders.yaml')).length, 1);
    await c.close();
  });

  test('compare-and-set: a stale md5 throws CairnConflictError and changes nothing; bad input is a client error naming the field', async () => {
    const c = client();
    await c.publishConfig('grpc-cas.props', 'DEFAULT_GROUP', 'v=1');
    const v1 = (await c.getConfig('grpc-cas.props'))!;
    await c.publishConfig('grpc-cas.props', 'DEFAULT_GROUP', 'v=2', { casMd5: v1.md5 });
    const conflict = await c.publishConfig('grpc-cas.props', 'DEFAULT_GROUP', 'v=3', { casMd5: v1.md5 }).catch((e: unknown) => e);
    assert.ok(conflict instanceof CairnConflictError, String(conflict));
    assert.equal(conflict.retryable, false);
    assert.equal((await c.getConfig('grpc-cas.props'))?.content, 'v=2');
    const bad = await c.publishConfig('grpc-cas.props', 'DEFAULT_GROUP', 'v=4', { betaIps: ['not-an-ip'] }).catch((e: unknown) => e);
    assert.ok(bad instanceof CairnRequestError && bad.kind === 'client-error' && !bad.retryable, String(bad));
    assert.match(bad.message, /betaIps/);
    await c.close();
  });

  test('betaIps and tag publish gray versions; this client (127.0.0.1, in the beta list) reads the beta', async () => {
    const c = client();
    await c.publishConfig('grpc-gray.props', 'G', 'v=main');
    await c.publishConfig('grpc-gray.props', 'G', 'v=beta', { betaIps: ['127.0.0.1', '10.0.0.7'] });
    await c.publishConfig('grpc-gray.props', 'G', 'v=canary', { tag: 'canary' });
    assert.deepEqual(await grayVersions(server.url, 'grpc-gray.props', 'G'), ['beta=v=beta', 'tag_canary=v=canary']);
    assert.equal((await c.getConfig('grpc-gray.props', 'G'))?.content, 'v=beta');
    await c.close();
  });

  test('a change published over HTTP is pushed to a gRPC watch within seconds, each version once, and the deletion', async () => {
    await httpPublish(server.url, 'grpc-watched.props', 'n=0');
    const c = client();
    const changes: ConfigChange[] = [];
    const watch = c.watch('grpc-watched.props', 'DEFAULT_GROUP', (change) => changes.push(change));
    await ready(watch);
    await waitFor('the listen is held', async () => (await journal(server.url, 'cause=CONFIG_LISTENER_HELD&dataId=grpc-watched.props')).length > 0, 5000);
    await httpPublish(server.url, 'grpc-watched.props', 'n=1');
    await waitFor('the push of n=1', () => changes.some((ch) => ch.content === 'n=1'), 5000);
    await httpPublish(server.url, 'grpc-watched.props', 'n=2');
    await waitFor('the push of n=2', () => changes.some((ch) => ch.content === 'n=2'), 5000);
    await c.removeConfig('grpc-watched.props');
    await waitFor('the deletion', () => changes.some((ch) => ch.deleted), 5000);
    assert.deepEqual(
      changes.map((ch) => ch.content),
      ['n=1', 'n=2', null],
    );
    const notified = await journal(server.url, 'cause=CONFIG_LISTENER_NOTIFIED&dataId=grpc-watched.props');
    assert.ok(notified.length >= 3 && notified.every((e) => e.evidence.via !== 'long-poll' && String(e.evidence.agent).startsWith('Cairn-SDK')), JSON.stringify(notified));
    await c.close();
  });

  test('a refused gRPC port first in the list: the client fails over; with no server left, a read answers the snapshot', async () => {
    const refused = await freePortPair(); // nothing listens on it, nor on its gRPC port
    const c = new ConfigClient({ serverAddresses: [`127.0.0.1:${refused}`, `127.0.0.1:${port}`], protocol: 'grpc', random: () => 0, requestTimeoutMs: 1000, logger: captureLogger(), snapshotDir: dir });
    await c.publishConfig('grpc-failover.props', 'DEFAULT_GROUP', 'x=1');
    assert.equal((await c.getConfig('grpc-failover.props'))?.content, 'x=1');
    const [first, second] = (c as unknown as { store: { pool: { health(): Array<{ healthy: boolean; lastFailure?: string }> } } }).store.pool.health();
    assert.deepEqual([first.healthy, first.lastFailure, second.healthy], [false, 'refused', true]);
    await c.close();
    const offline = new ConfigClient({ serverAddresses: [`127.0.0.1:${refused}`], protocol: 'grpc', requestTimeoutMs: 1000, logger: captureLogger(), snapshotDir: dir });
    assert.deepEqual(await offline.getConfig('grpc-failover.props'), { dataId: 'grpc-failover.props', group: 'DEFAULT_GROUP', namespace: '', content: 'x=1', md5: md5('x=1'), type: 'text', fromSnapshot: true });
    await offline.close();
  });
});

describe('a gRPC config watch whose server restarts', () => {
  test('the watch resumes on the restarted server, and a change made while it was cut off is delivered once', async () => {
    const port = await freePortPair();
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-sdk-grpc-restart-'));
    const args = ['--port', String(port), '--data-dir', dataDir];
    let server = await spawnServer(args);
    // The client reaches the gRPC port through a proxy, so it stays cut off until the proxy lets it through.
    const proxyPort = await freePortPair();
    const proxy = await new FaultProxy(port + 1000).start(proxyPort + 1000);
    const c = new ConfigClient({ serverAddresses: [`127.0.0.1:${proxyPort}`], protocol: 'grpc', requestTimeoutMs: 1000, watchRetryBaseMs: 50, watchRetryMaxMs: 500, logger: captureLogger() });
    try {
      await httpPublish(server.url, 'grpc-restart.props', 'v=1');
      const changes: ConfigChange[] = [];
      const watch = c.watch('grpc-restart.props', 'DEFAULT_GROUP', (change) => changes.push(change));
      await ready(watch);
      await waitFor('the listen is held', async () => (await journal(server.url, 'cause=CONFIG_LISTENER_HELD&dataId=grpc-restart.props')).length > 0, 5000);

      await proxy.setMode('refuse');
      await server.stop();
      server = await spawnServer(args);
      await httpPublish(server.url, 'grpc-restart.props', 'v=2'); // while the client cannot reach the server
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(changes.length, 0, 'nothing can reach the client while it is cut off');
      await proxy.setMode('pass');
      await waitFor('the change made meanwhile', () => changes.some((ch) => ch.content === 'v=2'), 15_000);
      await waitFor('listening on the new server', async () => (await journal(server.url, 'cause=CONFIG_LISTENER_HELD&dataId=grpc-restart.props')).length > 0, 5000);
      await httpPublish(server.url, 'grpc-restart.props', 'v=3');
      await waitFor('a push from the restarted server', () => changes.some((ch) => ch.content === 'v=3'), 5000);
      assert.deepEqual(
        changes.map((ch) => ch.content),
        ['v=2', 'v=3'],
        'each version once',
      );
    } finally {
      await c.close();
      await proxy.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
