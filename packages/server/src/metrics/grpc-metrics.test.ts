import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectedClient, javaSetup } from '../testing/grpc-test-client.js';
import { parseSamples, sampleKey } from '../testing/prometheus-samples.js';
import { call, startGrpcTestServer, type TestServer } from '../testing/test-server.js';

// gRPC metrics scraped from the real endpoint after real pushes over real connections.
let ts: TestServer & { grpcPort: number };
before(async () => {
  ts = await startGrpcTestServer({ grpc: { pushTimeoutMs: 100 } });
});
after(() => ts.close());

async function scrape(): Promise<(name: string, labels?: Record<string, string>) => number> {
  const res = await call(ts.url, 'GET', '/actuator/prometheus');
  assert.equal(res.status, 200);
  const samples = parseSamples(res.text);
  return (name, labels) => samples.get(sampleKey(name, labels)) ?? Number.NaN;
}

const NOTIFY = 'NotifySubscriberRequest';
const CONFIG = 'ConfigChangeNotifyRequest';

test('every push type is exported from zero', async () => {
  const value = await scrape();
  for (const type of [NOTIFY, CONFIG, 'ClientDetectionRequest', 'ConnectResetRequest']) {
    for (const outcome of ['sent', 'acked', 'failed']) assert.equal(value('cairn_grpc_pushes_total', { type, outcome }), 0, `${type} ${outcome}`);
  }
  assert.equal(value('cairn_grpc_connections', { module: 'naming' }), 0);
});

test('connections by module; an answered naming push and an unanswered config push', { timeout: 20_000 }, async (t) => {
  const naming = await connectedClient(ts.grpcPort, javaSetup('naming'));
  t.after(() => naming.client.close());
  const config = await connectedClient(ts.grpcPort, javaSetup('config'));
  t.after(() => config.client.close());
  const other = await connectedClient(ts.grpcPort, { clientVersion: 'x', labels: { module: 'lock' } });
  t.after(() => other.client.close());
  let value = await scrape();
  assert.deepEqual(
    ['naming', 'config', 'other'].map((module) => value('cairn_grpc_connections', { module })),
    [1, 1, 1],
  );

  // Naming: subscribe, change the service, answer the push.
  await naming.client.request('SubscribeServiceRequest', { namespace: '', serviceName: 'metered', groupName: 'DEFAULT_GROUP', subscribe: true, clusters: '' });
  await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'metered', ip: '10.2.0.1', port: '80' });
  const notify = await naming.client.next();
  assert.ok('type' in notify && notify.type === NOTIFY);
  naming.client.send('NotifySubscriberResponse', { requestId: notify.body.requestId, resultCode: 200 });

  // Config: listen, publish, never answer: each of the 3 tries fails.
  await config.client.request('ConfigBatchListenRequest', { listen: true, configListenContexts: [{ dataId: 'metered', group: 'DEFAULT_GROUP', tenant: '', md5: '' }] });
  await call(ts.url, 'POST', '/v1/cs/configs', { dataId: 'metered', group: 'DEFAULT_GROUP', content: 'a=1' });

  for (;;) {
    value = await scrape();
    if (value('cairn_grpc_pushes_total', { type: CONFIG, outcome: 'failed' }) >= 3 && value('cairn_grpc_pushes_total', { type: NOTIFY, outcome: 'acked' }) >= 1) break;
    await sleep(50);
  }
  assert.equal(value('cairn_grpc_pushes_total', { type: NOTIFY, outcome: 'sent' }), 1);
  assert.equal(value('cairn_grpc_pushes_total', { type: NOTIFY, outcome: 'acked' }), 1);
  assert.equal(value('cairn_grpc_pushes_total', { type: NOTIFY, outcome: 'failed' }), 0);
  assert.equal(value('cairn_grpc_push_ack_seconds_count', { type: NOTIFY }), 1);
  assert.ok(value('cairn_grpc_push_ack_seconds_sum', { type: NOTIFY }) > 0);
  assert.equal(value('cairn_grpc_pushes_total', { type: CONFIG, outcome: 'sent' }), 3);
  assert.equal(value('cairn_grpc_pushes_total', { type: CONFIG, outcome: 'acked' }), 0);
  assert.equal(value('cairn_grpc_pushes_total', { type: CONFIG, outcome: 'failed' }), 3);
  assert.ok(Number.isNaN(value('cairn_grpc_push_ack_seconds_count', { type: CONFIG })), 'no answer, no latency sample');

  naming.client.endStream();
  while ((await scrape())('cairn_grpc_connections', { module: 'naming' }) !== 0) await sleep(20);
});
