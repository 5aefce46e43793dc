import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePortPair } from '../../../testing/free-port-pair.js';
import { portsOf, RustNamingClient, type Host } from '../../../testing/rust-naming-client.js';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';

async function listedPorts(ts: TestServer, service: string): Promise<number[]> {
  const res = await call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=${service}`);
  return portsOf(res.json().hosts);
}

test('the Rust SDK registers, lists, subscribes, deregisters and batch registers over gRPC; a killed client takes its instances along and subscribers are pushed', { timeout: 90_000 }, async (t) => {
  const port = await freePortPair();
  const ts = await startTestServer({ port });
  t.after(() => ts.close());
  const [holder, watcher] = await Promise.all([RustNamingClient.start(port), RustNamingClient.start(port)]);
  t.after(() => {
    holder.dispose();
    watcher.dispose();
  });

  await holder.run('registerInstance', 'orders', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7001, metadata: { zone: 'a' } });
  assert.deepEqual(await listedPorts(ts, 'orders'), [7001], 'a gRPC registration is seen by HTTP clients');
  const all: Host[] = await watcher.run('getAllInstances', 'orders', 'DEFAULT_GROUP', [], false);
  assert.deepEqual(portsOf(all), [7001]);
  assert.deepEqual(all[0]?.metadata, { zone: 'a' });

  await watcher.run('subscribe', 'orders', 'DEFAULT_GROUP', []);
  let mark = watcher.pushes.length;
  // An HTTP client's instance joins the same service; the gRPC subscriber is pushed both.
  const registered = await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'orders', ip: '127.0.0.1', port: '7002', ephemeral: 'true' });
  assert.equal(registered.text, 'ok');
  await watcher.pushed([7001, 7002], mark);

  mark = watcher.pushes.length;
  await holder.run('deregisterInstance', 'orders', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7001 });
  await watcher.pushed([7002], mark);
  assert.deepEqual(await listedPorts(ts, 'orders'), [7002]);

  mark = watcher.pushes.length;
  await holder.run('batchRegisterInstance', 'orders', 'DEFAULT_GROUP', [
    { ip: '127.0.0.1', port: 7003 },
    { ip: '127.0.0.1', port: 7004 },
  ]);
  await watcher.pushed([7002, 7003, 7004], mark);
  assert.deepEqual(await listedPorts(ts, 'orders'), [7002, 7003, 7004]);

  // Both clients' connections are naming clients of kind `connection`, with what the real client sent at setup.
  const v2 = async (path: string) => (await call(ts.url, 'GET', path)).json().data;
  const publishers: { clientId: string; port: number }[] = await v2('/v2/ns/client/service/publisher/list?serviceName=orders');
  const held = publishers.filter((p) => p.clientId.includes('_'));
  assert.deepEqual(held.map((p) => p.port).sort(), [7003, 7004]);
  const holderId = held[0].clientId;
  const detail = await v2(`/v2/ns/client?clientId=${encodeURIComponent(holderId)}`);
  assert.deepEqual([detail.clientType, detail.connectType, detail.appName], ['connection', 'GRPC', 'naming-test']);
  assert.match(detail.version, /^Nacos-Rust-Client:/);
  const published = await v2(`/v2/ns/client/publish/list?clientId=${encodeURIComponent(holderId)}`);
  assert.deepEqual(published.map((p: any) => p.registeredInstance.port).sort(), [7003, 7004]);
  const subscribers: { clientId: string }[] = await v2('/v2/ns/client/service/subscriber/list?serviceName=orders');
  assert.equal(subscribers.length, 1);
  const subscribed = await v2(`/v2/ns/client/subscribe/list?clientId=${encodeURIComponent(subscribers[0].clientId)}`);
  assert.deepEqual(
    subscribed.map((s: any) => [s.serviceName, s.subscriberInfo.app]),
    [['orders', 'naming-test']],
  );

  mark = watcher.pushes.length;
  holder.kill();
  await watcher.pushed([7002], mark);
  assert.deepEqual(await listedPorts(ts, 'orders'), [7002], "the killed client's instances are gone, the HTTP client's stays");
  const removed = (await call(ts.url, 'GET', '/v1/cairn/events?cause=CONNECTION_INSTANCE_REMOVED')).json().events;
  assert.deepEqual(removed.map((e: any) => e.port).sort(), [7003, 7004]);
  for (const e of removed) assert.equal(e.evidence.endedBy, 'RESET');
});
