import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connectedClient, javaSetup, type GrpcTestClient } from '../../../../testing/grpc-test-client.js';
import { call, startGrpcTestServer, type TestServer } from '../../../../testing/test-server.js';

// gRPC connections as Nacos 2.x naming clients (`clientType: connection`), beside the HTTP ipPort clients.
let ts: TestServer & { grpcPort: number };
before(async () => {
  ts = await startGrpcTestServer();
});
after(() => ts.close());

async function data(path: string): Promise<any> {
  const res = await call(ts.url, 'GET', path);
  assert.equal(res.status, 200, `${path}: ${res.text}`);
  return res.json().data;
}

async function naming(t: { after(fn: () => void): void }, app = 'orders'): Promise<{ client: GrpcTestClient; connectionId: string }> {
  const c = await connectedClient(ts.grpcPort, javaSetup('naming', app));
  t.after(() => c.client.close());
  return c;
}

const enc = encodeURIComponent;

test('a naming connection is a client: detail, what it publishes and subscribes', async (t) => {
  const { client, connectionId } = await naming(t);
  const registered = await client.request('InstanceRequest', { namespace: 'public', serviceName: 'pay', groupName: 'DEFAULT_GROUP', type: 'registerInstance', instance: { ip: '10.1.0.1', port: 7001, clusterName: 'east' } });
  assert.equal(registered.type, 'InstanceResponse');
  await client.request('SubscribeServiceRequest', { namespace: '', serviceName: 'stock', groupName: 'g', subscribe: true, clusters: '' });

  assert.ok((await data('/v2/ns/client/list')).includes(connectionId));
  const detail = await data(`/v2/ns/client?clientId=${enc(connectionId)}`);
  const [, ip, port] = connectionId.split('_');
  assert.deepEqual(
    { ...detail, lastUpdatedTime: typeof detail.lastUpdatedTime, connectedSince: typeof detail.connectedSince, lastActive: typeof detail.lastActive },
    {
      clientId: connectionId,
      ephemeral: true,
      lastUpdatedTime: 'number',
      clientType: 'connection',
      connectType: 'GRPC',
      appName: 'orders',
      version: 'Nacos-Java-Client:v2.3.2',
      clientIp: ip,
      clientPort: Number(port),
      connectedSince: 'number',
      lastActive: 'number',
    },
  );
  assert.ok(detail.lastActive >= detail.connectedSince);

  assert.deepEqual(await data(`/v2/ns/client/publish/list?clientId=${enc(connectionId)}`), [{ namespace: 'public', group: 'DEFAULT_GROUP', serviceName: 'pay', registeredInstance: { ip: '10.1.0.1', port: 7001, cluster: 'east' } }]);
  const subs = await data(`/v2/ns/client/subscribe/list?clientId=${enc(connectionId)}`);
  assert.deepEqual(
    subs.map((s: any) => [s.namespace, s.group, s.serviceName, s.subscriberInfo.addr, s.subscriberInfo.agent, s.subscriberInfo.app]),
    [['public', 'g', 'stock', `${ip}:${port}`, 'Nacos-Java-Client:v2.3.2', 'orders']],
  );

  // The instance is the connection's alone: no ipPort client publishes it.
  assert.ok(!(await data('/v2/ns/client/list')).includes('10.1.0.1:7001#true'));
  assert.deepEqual(await data('/v2/ns/client/service/publisher/list?serviceName=pay'), [{ clientId: connectionId, ip: '10.1.0.1', port: 7001 }]);
  assert.deepEqual(await data('/v2/ns/client/service/subscriber/list?serviceName=stock&groupName=g'), [{ clientId: connectionId, ip, port: Number(port) }]);
  assert.deepEqual(await data(`/v2/ns/client/service/subscriber/list?serviceName=stock&groupName=g&ip=${ip}&port=1`), []);
  assert.deepEqual(await data('/v2/ns/client/service/subscriber/list?serviceName=stock&groupName=g&ephemeral=false'), []);

  // v1 lists the connection among the service's subscribers too.
  const v1 = (await call(ts.url, 'GET', '/v1/ns/service/subscribers?serviceName=g@@stock')).json();
  assert.deepEqual(
    v1.subscribers.map((s: any) => [s.addrStr, s.agent, s.app]),
    [[`${ip}:${port}`, 'Nacos-Java-Client:v2.3.2', 'orders']],
  );
  // Cairn's one-request view for the console tells the same.
  const cairn = (await call(ts.url, 'GET', '/v1/cairn/connections')).json().connections.find((c: any) => c.connectionId === connectionId);
  assert.deepEqual(
    [cairn.appName, cairn.module, cairn.published, cairn.subscribed],
    ['orders', 'naming', [{ namespace: 'public', group: 'DEFAULT_GROUP', serviceName: 'pay', ip: '10.1.0.1', port: 7001, cluster: 'east' }], [{ namespace: 'public', group: 'g', serviceName: 'stock', clusters: '' }]],
  );
  const metrics = await data('/v2/ns/operator/metrics?onlyStatus=false');
  assert.ok(metrics.connectionBasedClientCount >= 1);
  assert.ok(metrics.subscribeCount >= 1);
});

test('an address held by a connection and beaten over HTTP has two publishers', async (t) => {
  const { client, connectionId } = await naming(t);
  await client.request('InstanceRequest', { namespace: 'public', serviceName: 'both', groupName: 'DEFAULT_GROUP', type: 'registerInstance', instance: { ip: '10.1.0.2', port: 7002 } });
  const beat = await call(ts.url, 'PUT', `/v1/ns/instance/beat?serviceName=both&ip=10.1.0.2&port=7002&beat=${enc(JSON.stringify({ ip: '10.1.0.2', port: 7002, serviceName: 'DEFAULT_GROUP@@both' }))}`);
  assert.equal(beat.status, 200, beat.text);
  const publishers = await data('/v2/ns/client/service/publisher/list?serviceName=both');
  assert.deepEqual(publishers.map((p: any) => p.clientId).sort(), ['10.1.0.2:7002#true', connectionId].sort());
  assert.deepEqual(await data('/v2/ns/client/service/publisher/list?serviceName=both&ip=10.1.0.9'), []);
});

test('a connection leaves the list when it ends; a config-only connection is no naming client', async (t) => {
  const config = await connectedClient(ts.grpcPort, javaSetup('config'));
  t.after(() => config.client.close());
  const { client, connectionId } = await naming(t);
  assert.ok(!(await data('/v2/ns/client/list')).includes(config.connectionId));
  assert.ok((await data('/v2/ns/client/list')).includes(connectionId));
  client.endStream();
  while ((await data('/v2/ns/client/list')).includes(connectionId)) await new Promise((r) => setTimeout(r, 20));
  const gone = await call(ts.url, 'GET', `/v2/ns/client?clientId=${enc(connectionId)}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.json().code, 20004);
  assert.match(gone.json().data ?? gone.json().message, new RegExp(connectionId));
});
