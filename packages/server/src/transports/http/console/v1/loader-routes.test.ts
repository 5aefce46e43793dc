import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectedClient, javaSetup } from '../../../../testing/grpc-test-client.js';
import { call, startGrpcTestServer, type TestServer } from '../../../../testing/test-server.js';

let ts: TestServer & { grpcPort: number };
before(async () => {
  ts = await startGrpcTestServer();
});
after(() => ts.close());

const enc = encodeURIComponent;

test('/core/loader/current maps each connection id to its metadata, under v1 and v2', async (t) => {
  const { client, connectionId } = await connectedClient(ts.grpcPort, javaSetup('naming', 'orders'));
  t.after(() => client.close());
  for (const path of ['/v1/core/loader/current', '/v2/core/loader/current']) {
    const res = await call(ts.url, 'GET', path);
    assert.equal(res.status, 200);
    const meta = res.json()[connectionId]?.metaInfo;
    assert.ok(meta, `${path} lists ${connectionId}`);
    const [, ip, port] = connectionId.split('_');
    assert.deepEqual(
      [meta.connectionId, meta.connectType, meta.clientIp, meta.remotePort, meta.version, meta.appName, meta.namespaceId, meta.labels.module, meta.sdkSource],
      [connectionId, 'GRPC', ip, Number(port), 'Nacos-Java-Client:v2.3.2', 'orders', 'public', 'naming', true],
    );
    assert.equal(typeof meta.lastActiveTime, 'number');
    // The id carries the time of the ServerCheck; the connection is created at its setup, just after.
    assert.ok(Date.parse(meta.createTime) >= Number(connectionId.split('_')[0]), meta.createTime);
  }
});

test('ServerLoaderInfoRequest answers the connection counts and machine load as Nacos strings', async (t) => {
  const sdk = await connectedClient(ts.grpcPort, javaSetup('naming'));
  t.after(() => sdk.client.close());
  const other = await connectedClient(ts.grpcPort, { clientVersion: 'probe', labels: { source: 'cluster' } });
  t.after(() => other.client.close());
  const open = Object.keys((await call(ts.url, 'GET', '/v1/core/loader/current')).json()).length;
  const answer = await sdk.client.request('ServerLoaderInfoRequest', { headers: {} });
  assert.equal(answer.type, 'ServerLoaderInfoResponse');
  assert.equal(answer.body.resultCode, 200);
  const m = answer.body.loaderMetrics;
  assert.equal(m.conCount, String(open));
  assert.equal(Number(m.sdkConCount), open - 1, 'the cluster-source connection is no SDK connection');
  assert.ok(Number.isFinite(Number(m.load)) && Number.isFinite(Number(m.cpu)), JSON.stringify(m));
  assert.match(answer.body.address, /^127\.0\.0\.1:\d+$/);
});

test('reloadClient sends ConnectResetRequest; the client that then leaves is journaled reset-requested', async (t) => {
  const { client, connectionId } = await connectedClient(ts.grpcPort, javaSetup('naming'));
  t.after(() => client.close());
  const res = await call(ts.url, 'GET', `/v1/core/loader/reloadClient?connectionId=${enc(connectionId)}&redirectAddress=127.0.0.2:8848`);
  assert.deepEqual([res.status, res.text], [200, 'success']);
  const reset = await client.next();
  assert.ok('type' in reset, JSON.stringify(reset));
  assert.equal(reset.type, 'ConnectResetRequest');
  assert.deepEqual([reset.body.serverIp, reset.body.serverPort, reset.body.connectionId], ['127.0.0.2', '8848', connectionId]);
  client.send('ConnectResetResponse', { requestId: reset.body.requestId, resultCode: 200, errorCode: 0 });
  client.endStream();
  let events: any[] = [];
  while (events.length === 0) {
    events = (await call(ts.url, 'GET', '/v1/cairn/events?cause=CONNECTION_CLOSED')).json().events.filter((e: any) => e.evidence.connectionId === connectionId);
    if (events.length === 0) await sleep(20);
  }
  assert.equal(events[0].evidence.ended, 'reset-requested');
});

test('reloadClient refuses a missing or unknown connection and a bad redirect', async () => {
  const missing = await call(ts.url, 'GET', '/v1/core/loader/reloadClient');
  assert.equal(missing.status, 400);
  assert.match(missing.text, /connectionId/);
  const unknown = await call(ts.url, 'GET', '/v2/core/loader/reloadClient?connectionId=1_127.0.0.1_1');
  assert.equal(unknown.status, 404);
  assert.match(unknown.text, /1_127\.0\.0\.1_1/);
  const bad = await call(ts.url, 'GET', '/v1/core/loader/reloadClient?connectionId=x&redirectAddress=nowhere');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /redirectAddress/);
});
