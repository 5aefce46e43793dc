import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePortPair } from '../../testing/free-port-pair.js';
import { GrpcTestClient, type StreamItem } from '../../testing/grpc-test-client.js';
import { startTestServer } from '../../testing/test-server.js';

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
