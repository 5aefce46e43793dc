import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePortPair } from '../../../testing/free-port-pair.js';
import { GrpcTestClient, instanceRequest } from '../../../testing/grpc-test-client.js';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';
import { MAX_BATCH_INSTANCES } from './naming-handlers.js';

const SETUP = { clientVersion: 'Nacos-Java-Client:v2.3.2', tenant: '', labels: { source: 'sdk', module: 'naming', AppName: 'orders' }, abilityTable: null };

let ts: TestServer;
let grpcPort: number;
before(async () => {
  const port = await freePortPair();
  ts = await startTestServer({ port }, { grpc: { pushTimeoutMs: 100 } });
  grpcPort = port + 1000;
});
after(() => ts.close());

/** A raw client with its stream set up (Java order: ServerCheck, then the stream). */
async function connected(t: { after(fn: () => void): void }): Promise<GrpcTestClient> {
  const client = new GrpcTestClient(grpcPort);
  t.after(() => client.close());
  await client.request('ServerCheckRequest', { headers: {} });
  client.openStream();
  client.send('ConnectionSetupRequest', SETUP);
  // The connection is registered once a request is no longer answered 301.
  while ((await client.request('HealthCheckRequest', { headers: {} })).type !== 'HealthCheckResponse') await sleep(10);
  return client;
}

async function listed(service: string): Promise<number[]> {
  return (await call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=${service}`)).json().hosts.map((h: any) => h.port);
}

test('a persistent instance in an InstanceRequest is refused with 400, pointing to PersistentInstanceRequest', async (t) => {
  const client = await connected(t);
  const answer = await client.request('InstanceRequest', instanceRequest('persist', 'registerInstance', { ip: '127.0.0.1', port: 8001, ephemeral: false }));
  assert.equal(answer.type, 'ErrorResponse');
  // Nacos 2.4+ answers the INVALID_PARAM its handlers throw with that code as the resultCode too.
  assert.equal(answer.body.resultCode, 400);
  assert.equal(answer.body.errorCode, 400);
  assert.match(answer.body.message, /PersistentInstanceRequest/);
  assert.deepEqual(await listed('persist'), []);
});

test('bad naming requests are answered 400 naming the field', async (t) => {
  const client = await connected(t);
  const noService = await client.request('InstanceRequest', { ...instanceRequest('x', 'registerInstance', { ip: '127.0.0.1', port: 8001 }), serviceName: null });
  assert.deepEqual([noService.type, noService.body.errorCode], ['ErrorResponse', 400]);
  assert.match(noService.body.message, /serviceName/);
  const badPort = await client.request('InstanceRequest', instanceRequest('x', 'registerInstance', { ip: '127.0.0.1', port: 'eighty' }));
  assert.match(badPort.body.message, /instance\.port/);
  const badType = await client.request('InstanceRequest', instanceRequest('x', 'moveInstance', { ip: '127.0.0.1', port: 8001 }));
  assert.deepEqual([badType.body.errorCode, /type/.test(badType.body.message)], [400, true]);
  const badBatch = await client.request('BatchInstanceRequest', { namespace: '', serviceName: 'x', groupName: 'DEFAULT_GROUP', type: 'batchRegisterInstance', instances: {} });
  assert.match(badBatch.body.message, /instances/);
  for (const answer of [noService, badPort, badType, badBatch]) assert.deepEqual([answer.type, answer.body.resultCode, answer.body.errorCode, answer.body.success], ['ErrorResponse', 400, 400, false]);
  assert.equal((await client.request('HealthCheckRequest', {})).type, 'HealthCheckResponse', 'the connection stays usable');
});

test(`a BatchInstanceRequest of more than ${MAX_BATCH_INSTANCES} instances is refused whole, naming the field and the limit`, async (t) => {
  const client = await connected(t);
  const batch = (n: number) => ({ namespace: '', serviceName: 'big-batch', groupName: 'DEFAULT_GROUP', type: 'batchRegisterInstance', instances: Array.from({ length: n }, (_, i) => ({ ip: '10.1.0.1', port: i + 1 })) });
  const over = await client.request('BatchInstanceRequest', batch(MAX_BATCH_INSTANCES + 1));
  assert.deepEqual([over.type, over.body.errorCode], ['ErrorResponse', 400]);
  assert.match(over.body.message, new RegExp(`'instances' lists ${MAX_BATCH_INSTANCES + 1} instances, over the maximum of ${MAX_BATCH_INSTANCES}`));
  assert.deepEqual(await listed('big-batch'), []);
  const at = await client.request('BatchInstanceRequest', batch(MAX_BATCH_INSTANCES));
  assert.deepEqual([at.type, at.body.resultCode], ['BatchInstanceResponse', 200]);
  assert.equal((await listed('big-batch')).length, MAX_BATCH_INSTANCES);
});

test('a second stream on a connection takes it over: its instances and subscriptions stay, and go when the connection ends', async (t) => {
  const client = await connected(t);
  const grpc = ts.server.grpc!;
  const ref = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'taken-over' };
  await client.request('InstanceRequest', instanceRequest('taken-over', 'registerInstance', { ip: '10.1.0.2', port: 9001 }));
  await client.request('SubscribeServiceRequest', { headers: {}, namespace: 'public', serviceName: 'taken-over', groupName: 'DEFAULT_GROUP', subscribe: true, clusters: '' });
  const connections = grpc.connections.size;
  client.openStream();
  client.send('ConnectionSetupRequest', SETUP);
  assert.deepEqual(await client.next(), { ended: 'end' }, 'the older stream is ended');
  assert.equal(grpc.connections.size, connections);
  assert.deepEqual(await listed('taken-over'), [9001], 'the instance stays with its connection');
  assert.equal(ts.server.grpcPush!.subscribers(ref).length, 1);

  await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'taken-over', ip: '127.0.0.1', port: '9002' });
  const pushed = await client.next();
  assert.ok('type' in pushed && pushed.type === 'NotifySubscriberRequest', 'pushes come on the newer stream');
  client.send('NotifySubscriberResponse', { requestId: pushed.body.requestId, resultCode: 200 });

  client.endStream();
  while ((await listed('taken-over')).includes(9001)) await sleep(20);
  assert.equal(grpc.connections.size, connections - 1, 'nothing is left of the connection');
  assert.equal(ts.server.grpcPush!.subscribers(ref).length, 0);
});

test('ServiceQueryRequest in namespace "" answers QueryServiceResponse with the serviceInfo the Rust client requires', async (t) => {
  const client = await connected(t);
  const registered = await client.request('InstanceRequest', instanceRequest('query-me', 'registerInstance', { ip: '127.0.0.1', port: 8002, metadata: { v: '1' } }, ''));
  assert.deepEqual([registered.type, registered.body.type, registered.body.resultCode], ['InstanceResponse', 'registerInstance', 200]);
  const answer = await client.request('ServiceQueryRequest', { headers: {}, requestId: null, namespace: 'public', serviceName: 'query-me', groupName: 'DEFAULT_GROUP', cluster: '', healthyOnly: false, udpPort: 0 });
  assert.equal(answer.type, 'QueryServiceResponse');
  const info = answer.body.serviceInfo;
  assert.equal(info.name, 'query-me', 'gRPC serviceInfo carries the bare name');
  assert.equal(info.groupName, 'DEFAULT_GROUP');
  assert.equal(info.clusters, '');
  assert.equal(info.cacheMillis, 10_000);
  assert.equal(info.checksum, '');
  assert.equal(info.reachProtectionThreshold, false);
  assert.equal(typeof info.lastRefTime, 'number');
  assert.equal(info.hosts.length, 1);
  const host = info.hosts[0];
  assert.deepEqual([host.ip, host.port, host.weight, host.healthy, host.enabled, host.ephemeral, host.metadata], ['127.0.0.1', 8002, 1, true, true, true, { v: '1' }]);
});

test('a subscriber that never answers its pushes is tried 3 times per change, then given up', async (t) => {
  const client = await connected(t);
  const push = ts.server.grpcPush;
  assert.ok(push);
  const subscribed = await client.request('SubscribeServiceRequest', { headers: {}, namespace: 'public', serviceName: 'silent', groupName: 'DEFAULT_GROUP', subscribe: true, clusters: '' });
  assert.deepEqual([subscribed.type, subscribed.body.serviceInfo.hosts], ['SubscribeServiceResponse', []]);
  const failedBefore = push.stats.failed;
  const registered = await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'silent', ip: '127.0.0.1', port: '8003' });
  assert.equal(registered.text, 'ok');
  const notifies = [];
  for (let i = 0; i < 3; i++) notifies.push(await client.next());
  for (const n of notifies) {
    assert.ok('type' in n);
    assert.equal(n.type, 'NotifySubscriberRequest');
    assert.deepEqual(
      n.body.serviceInfo.hosts.map((h: any) => h.port),
      [8003],
    );
  }
  while (push.stats.failed === failedBefore) await sleep(20);
  assert.equal(push.stats.failed, failedBefore + 1);
});

test('a subscriber that answers gets each change once; unsubscribing stops the pushes', async (t) => {
  const client = await connected(t);
  const push = ts.server.grpcPush!;
  await client.request('SubscribeServiceRequest', { headers: {}, namespace: '', serviceName: 'acked', groupName: 'DEFAULT_GROUP', subscribe: true, clusters: '' });
  const ackedBefore = push.stats.acked;
  await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'acked', ip: '127.0.0.1', port: '8004' });
  const n = await client.next();
  assert.ok('type' in n && n.type === 'NotifySubscriberRequest');
  client.send('NotifySubscriberResponse', { requestId: n.body.requestId, resultCode: 200, errorCode: 0 });
  while (push.stats.acked === ackedBefore) await sleep(20);
  assert.equal(push.subscribers({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'acked' }).length, 1);
  await client.request('SubscribeServiceRequest', { headers: {}, namespace: '', serviceName: 'acked', groupName: 'DEFAULT_GROUP', subscribe: false, clusters: '' });
  assert.equal(push.subscribers({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'acked' }).length, 0);
});

test('a connection closed by its client takes its instances and subscriptions along (CLIENT_CLOSED)', async (t) => {
  const client = await connected(t);
  await client.request('BatchInstanceRequest', {
    headers: {},
    namespace: 'public',
    serviceName: 'closing',
    groupName: 'DEFAULT_GROUP',
    type: 'batchRegisterInstance',
    instances: [
      { ip: '127.0.0.1', port: 8005 },
      { ip: '127.0.0.1', port: 8006 },
    ],
  });
  await client.request('SubscribeServiceRequest', { headers: {}, namespace: 'public', serviceName: 'closing', groupName: 'DEFAULT_GROUP', subscribe: true, clusters: '' });
  assert.deepEqual((await listed('closing')).sort(), [8005, 8006]);
  client.endStream();
  while ((await listed('closing')).length > 0) await sleep(20);
  const removed = (await call(ts.url, 'GET', '/v1/cairn/events?cause=CONNECTION_INSTANCE_REMOVED')).json().events.filter((e: any) => e.service === 'closing' || e.port === 8005 || e.port === 8006);
  assert.equal(removed.length, 2);
  for (const e of removed) assert.equal(e.evidence.endedBy, 'CLIENT_CLOSED');
  assert.equal(ts.server.grpcPush!.subscribers({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'closing' }).length, 0);
});

test('ServiceListRequest pages the bare names of a group in the namespace, with the count of all', async (t) => {
  const client = await connected(t);
  for (const name of ['list-b', 'list-a', 'list-c']) {
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: name, groupName: 'LISTED', ip: '127.0.0.1', port: '8010' });
  }
  const page = await client.request('ServiceListRequest', { headers: {}, namespace: '', groupName: 'LISTED', pageNo: 2, pageSize: 2, selector: null });
  assert.equal(page.type, 'ServiceListResponse');
  assert.deepEqual([page.body.count, page.body.serviceNames], [3, ['list-c']]);
  const bad = await client.request('ServiceListRequest', { headers: {}, namespace: '', groupName: 'LISTED', pageNo: 0, pageSize: 2 });
  assert.deepEqual([bad.body.errorCode, /pageNo/.test(bad.body.message)], [400, true]);
});

test('PersistentInstanceRequest registers a persistent instance that outlives its connection, and deregisters it', async (t) => {
  const client = await connected(t);
  const persistent = (type: string) => ({ headers: {}, requestId: '3', namespace: '', serviceName: 'kept', groupName: 'DEFAULT_GROUP', type, instance: { ip: '127.0.0.1', port: 8020, ephemeral: false } });
  const registered = await client.request('PersistentInstanceRequest', persistent('registerInstance'));
  assert.deepEqual([registered.type, registered.body.type], ['InstanceResponse', 'registerInstance']);
  const host = (await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=kept')).json().hosts[0];
  assert.deepEqual([host.port, host.ephemeral], [8020, false]);
  const other = await connected(t);
  client.endStream();
  while (ts.server.grpc!.connections.size > 1) await sleep(20);
  assert.deepEqual(await listed('kept'), [8020], 'the connection that registered it ended; the instance stays');
  const gone = await other.request('PersistentInstanceRequest', persistent('deregisterInstance'));
  assert.equal(gone.type, 'InstanceResponse');
  assert.deepEqual(await listed('kept'), []);
});

test('control characters in names and metadata keys, and a __proto__ metadata key, are answered 400 naming the field', async (t) => {
  const client = await connected(t);
  const refused = async (body: Record<string, unknown>, field: RegExp) => {
    const answer = await client.request(body.instances ? 'BatchInstanceRequest' : 'InstanceRequest', body);
    assert.deepEqual([answer.type, answer.body.errorCode], ['ErrorResponse', 400], JSON.stringify(answer.body));
    assert.match(answer.body.message, field);
  };
  await refused(instanceRequest('grpc\u0000ctl', 'registerInstance', { ip: '127.0.0.1', port: 8003 }), /serviceName.*control characters/);
  await refused(instanceRequest('grpc-ctl', 'registerInstance', { ip: '127.0.0.1', port: 8003, metadata: { 'k\u001f': 'v' } }), /metadata.*control character/);
  await refused(instanceRequest('grpc-ctl', 'registerInstance', { ip: '127.0.0.1', port: 8003, clusterName: 'C\u0000' }), /clusterName/);
  await refused({ ...instanceRequest('grpc-ctl', 'registerInstance', { ip: '127.0.0.1', port: 8003 }), groupName: 'G\u0000' }, /groupName/);
  await refused({ ...instanceRequest('grpc-ctl', 'registerInstance', { ip: '127.0.0.1', port: 8003 }), namespace: 'ns\u0000' }, /namespace/);
  // JSON.parse keeps '__proto__' as a key of its own: it must reach the check, not vanish on the way.
  const proto = JSON.parse('{"ip":"127.0.0.1","port":8003,"metadata":{"__proto__":"x"}}');
  await refused(instanceRequest('grpc-ctl', 'registerInstance', proto), /metadata.*reserved key '__proto__'/);
  assert.deepEqual(await listed('grpc-ctl'), []);
});
