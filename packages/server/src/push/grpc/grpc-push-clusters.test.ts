import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePortPair } from '../../testing/free-port-pair.js';
import { GrpcTestClient, type StreamItem } from '../../testing/grpc-test-client.js';
import { call, startGrpcTestServer, startTestServer } from '../../testing/test-server.js';

const SETUP = { clientVersion: 'Nacos-Java-Client:v2.3.2', tenant: '', labels: { source: 'sdk', module: 'naming' }, abilityTable: null };
const SERVICE = { namespace: 'public', serviceName: 'clustered', groupName: 'DEFAULT_GROUP' };

async function connected(port: number, t: { after(fn: () => void): void }): Promise<GrpcTestClient> {
  const client = new GrpcTestClient(port);
  t.after(() => client.close());
  client.openStream();
  client.send('ConnectionSetupRequest', SETUP);
  while ((await client.request('HealthCheckRequest', { headers: {} })).type !== 'HealthCheckResponse') await sleep(10);
  return client;
}

function pushOf(item: StreamItem): { type: string; body: Record<string, any> } {
  assert.ok('type' in item, 'ended' in item ? item.ended : '');
  return item;
}

test('one change pushes each subscriber the instances of its own clusters, each push with its own request id', async (t) => {
  const port = await freePortPair();
  const ts = await startTestServer({ port });
  t.after(() => ts.close());
  const grpcPort = port + 1000;
  const subscribers: Record<string, GrpcTestClient> = {};
  for (const clusters of ['', 'east', 'west', 'east,west']) {
    const client = await connected(grpcPort, t);
    const answer = await client.request('SubscribeServiceRequest', { headers: {}, ...SERVICE, subscribe: true, clusters });
    assert.equal(answer.type, 'SubscribeServiceResponse');
    subscribers[clusters] = client;
  }
  const owner = await connected(grpcPort, t);
  const registered = await owner.request('InstanceRequest', { headers: {}, ...SERVICE, type: 'registerInstance', instance: { ip: '10.1.2.3', port: 8080, clusterName: 'east' } });
  assert.equal(registered.type, 'InstanceResponse');
  const seen: Record<string, number> = {};
  for (const [clusters, client] of Object.entries(subscribers)) {
    const push = pushOf(await client.next());
    assert.equal(push.type, 'NotifySubscriberRequest');
    assert.equal(push.body.serviceInfo.clusters, clusters);
    assert.equal(typeof push.body.requestId, 'string');
    assert.ok(push.body.requestId !== '');
    seen[clusters] = push.body.serviceInfo.hosts.length;
    client.send('NotifySubscriberResponse', { requestId: push.body.requestId, resultCode: 200 });
  }
  assert.deepEqual(seen, { '': 1, east: 1, west: 0, 'east,west': 1 });
});

test('a change reaching 600 subscriptions goes out over several turns of the event loop, once to each', async (t) => {
  const port = await freePortPair();
  const ts = await startTestServer({ port });
  t.after(() => ts.close());
  const client = await connected(port + 1000, t);
  // One connection may subscribe to a service once per clusters value: 600 subscriptions of one real client.
  for (let i = 0; i < 600; i++) {
    const answer = await client.request('SubscribeServiceRequest', { headers: {}, ...SERVICE, subscribe: true, clusters: `c${i}` });
    assert.equal(answer.type, 'SubscribeServiceResponse');
  }
  const push = ts.server.grpcPush!;
  const sentBefore = push.stats.sent;
  ts.server.ctx.registry.registerInstance(
    { namespace: 'public', group: 'DEFAULT_GROUP', name: 'clustered', ip: '10.1.2.4', port: 8080, cluster: 'c1', weight: 1, healthy: true, enabled: true, ephemeral: true, metadata: {} },
    { ip: '127.0.0.1', via: 'test' },
  );
  assert.equal(push.stats.sent, sentBefore, 'nothing pushed inside the registration itself');
  await new Promise((resolve) => setImmediate(resolve));
  const afterOneTurn = push.stats.sent - sentBefore;
  assert.ok(afterOneTurn > 0 && afterOneTurn < 600, `one turn pushes a part (${afterOneTurn}), not all 600`);
  const clusters = new Set<string>();
  while (clusters.size < 600) {
    const item = pushOf(await client.next());
    assert.equal(item.type, 'NotifySubscriberRequest');
    assert.ok(!clusters.has(item.body.serviceInfo.clusters), `one push per subscription (${item.body.serviceInfo.clusters} twice)`);
    clusters.add(item.body.serviceInfo.clusters);
    client.send('NotifySubscriberResponse', { requestId: item.body.requestId, resultCode: 200 });
  }
  assert.equal(push.stats.sent - sentBefore, 600);
});

test('every subscriber of a change gets the whole push under an id its connection has not seen; a retry takes a fresh id, and an answer under an old one counts for nothing', { timeout: 20_000 }, async (t) => {
  const ts = await startGrpcTestServer({ grpc: { pushTimeoutMs: 300 } });
  t.after(() => ts.close());
  const service = { ...SERVICE, serviceName: 'shared-bytes' };
  const clients: GrpcTestClient[] = [];
  for (let i = 0; i < 3; i++) {
    const client = await connected(ts.grpcPort, t);
    await client.request('SubscribeServiceRequest', { headers: {}, ...service, subscribe: true, clusters: '' });
    clients.push(client);
  }
  const push = ts.server.grpcPush!;
  const ackedBefore = push.stats.acked;
  const seen = clients.map(() => new Set<string>());
  const hostsOf = (item: { body: Record<string, any> }) => item.body.serviceInfo.hosts.map((h: any) => `${h.ip}:${h.port}`).sort();
  for (const port of [8081, 8082]) {
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'shared-bytes', ip: '10.1.2.5', port: String(port) });
    for (const [i, client] of clients.entries()) {
      const item = pushOf(await client.next());
      assert.equal(item.type, 'NotifySubscriberRequest');
      assert.equal(item.body.serviceInfo.name, 'shared-bytes');
      assert.deepEqual(hostsOf(item), port === 8081 ? ['10.1.2.5:8081'] : ['10.1.2.5:8081', '10.1.2.5:8082']);
      assert.ok(typeof item.body.requestId === 'string' && !seen[i].has(item.body.requestId), `a fresh request id on connection ${i}`);
      seen[i].add(item.body.requestId);
      // The first two answer; the third lets its first try time out.
      if (i < 2) client.send('NotifySubscriberResponse', { requestId: item.body.requestId, resultCode: 200 });
      else if (port === 8082) {
        const retry = pushOf(await client.next());
        assert.deepEqual([retry.type, hostsOf(retry)], ['NotifySubscriberRequest', ['10.1.2.5:8081', '10.1.2.5:8082']]);
        assert.ok(!seen[i].has(retry.body.requestId), 'the retry carries an id of its own');
        // An answer under the first try's id matches nothing; the retry's own id settles it.
        client.send('NotifySubscriberResponse', { requestId: item.body.requestId, resultCode: 200 });
        client.send('NotifySubscriberResponse', { requestId: retry.body.requestId, resultCode: 200 });
      } else client.send('NotifySubscriberResponse', { requestId: item.body.requestId, resultCode: 200 });
    }
  }
  while (push.stats.acked < ackedBefore + 6) await sleep(10);
  await sleep(400);
  assert.equal(push.stats.acked, ackedBefore + 6, 'three answered pushes per change, none counted twice');
  assert.equal(push.stats.retried, 1);
});
