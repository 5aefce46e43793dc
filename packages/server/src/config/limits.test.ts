import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { connectedClient, instanceRequest, javaSetup } from '../testing/grpc-test-client.js';
import { parseSamples, sampleKey } from '../testing/prometheus-samples.js';
import { call, startGrpcTestServer, startTestServer, type TestServer } from '../testing/test-server.js';
import type { Options } from './options.js';

// Each limit on a real server with small limits: a new instance, service or subscriber beyond it is refused (429
// LIMIT_EXCEEDED naming the limit over HTTP v1, v2 and gRPC), while what is held keeps working.

async function server(t: { after(fn: () => Promise<void>): void }, limits: Options): Promise<TestServer & { grpcPort: number }> {
  const ts = await startGrpcTestServer({}, limits);
  t.after(() => ts.close());
  return ts;
}

function registerV1(ts: TestServer, serviceName: string, port: number, extra: Record<string, string> = {}) {
  return call(ts.url, 'POST', '/v1/ns/instance', { serviceName, ip: '127.0.0.1', port: String(port), ...extra });
}

async function limitRefusals(ts: TestServer, limit: string): Promise<number> {
  const res = await call(ts.url, 'GET', '/actuator/prometheus');
  return parseSamples(res.text).get(sampleKey('cairn_limit_refusals_total', { limit })) ?? Number.NaN;
}

async function rejections(ts: TestServer, serviceName: string): Promise<{ evidence: Record<string, unknown> }[]> {
  return (await call(ts.url, 'GET', `/v1/cairn/events?serviceName=${serviceName}&cause=REGISTRATION_REJECTED`)).json().events;
}

test('maxInstancesPerService: one more instance is refused with 429 over v1, v2 and gRPC; held instances keep beating', async (t) => {
  const ts = await server(t, { maxInstancesPerService: 2 });
  assert.equal(await limitRefusals(ts, 'maxInstancesPerService'), 0, 'exported from zero');
  for (const port of [7001, 7002]) assert.equal((await registerV1(ts, 'full', port)).status, 200);

  const v1 = await registerV1(ts, 'full', 7003);
  assert.equal(v1.status, 429, v1.text);
  assert.match(v1.text, /Limit 'maxInstancesPerService' \(2\) reached: service DEFAULT_GROUP@@full in namespace public holds 2 instances, so 127\.0\.0\.1:7003 is not added/);

  const v2 = await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'full', ip: '127.0.0.1', port: '7004' });
  assert.equal(v2.status, 429, v2.text);
  assert.equal(v2.json().code, 23000);
  assert.match(v2.json().data, /Limit 'maxInstancesPerService' \(2\) reached/);

  const { client } = await connectedClient(ts.grpcPort, javaSetup('naming'));
  t.after(() => client.close());
  const grpc = await client.request('InstanceRequest', instanceRequest('full', 'registerInstance', { ip: '127.0.0.1', port: 7005, ephemeral: true }));
  assert.equal(grpc.type, 'ErrorResponse');
  assert.equal(grpc.body.errorCode, 429);
  assert.match(grpc.body.message, /maxInstancesPerService/);

  // What the service holds is never refused: a re-registration and a beat of a held instance are answered 200.
  assert.equal((await registerV1(ts, 'full', 7001, { weight: '2' })).status, 200);
  const beat = await call(ts.url, 'PUT', '/v1/ns/instance/beat?serviceName=full&ip=127.0.0.1&port=7002');
  assert.equal(beat.status, 200, beat.text);
  const hosts = (await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=full')).json().hosts;
  assert.deepEqual(hosts.map((h: { port: number }) => h.port).sort(), [7001, 7002]);

  // The journal explains each refusal, and the metric counts them.
  const rejected = await rejections(ts, 'full');
  assert.deepEqual(
    rejected.map((e) => [e.evidence.code, e.evidence.field]),
    [1, 2, 3].map(() => ['LIMIT_EXCEEDED', 'maxInstancesPerService']),
  );
  assert.equal(await limitRefusals(ts, 'maxInstancesPerService'), 3);
  const diagnosis = (await call(ts.url, 'GET', '/v1/cairn/diagnosis?serviceName=full&ip=127.0.0.1&port=7003')).json();
  assert.match(diagnosis.explanation, /was refused: Limit 'maxInstancesPerService' \(2\) reached/);
});

test('maxInstances: one more instance anywhere is refused; a removal makes room again', async (t) => {
  const ts = await server(t, { maxInstances: 3 });
  for (const [service, port] of [
    ['a', 7001],
    ['b', 7002],
    ['a', 7003],
  ] as const)
    assert.equal((await registerV1(ts, service, port)).status, 200);
  const refused = await registerV1(ts, 'c', 7004);
  assert.equal(refused.status, 429, refused.text);
  assert.match(refused.text, /Limit 'maxInstances' \(3\) reached: the server holds 3 instances/);
  // A beat that would re-create a lost instance adds one too, and is refused the same way.
  const recreate = await call(ts.url, 'PUT', '/v1/ns/instance/beat', { serviceName: 'b', ip: '127.0.0.1', port: '7009', beat: JSON.stringify({ ip: '127.0.0.1', port: 7009, serviceName: 'b' }) });
  assert.equal(recreate.status, 429, recreate.text);
  assert.equal((await call(ts.url, 'DELETE', '/v1/ns/instance?serviceName=a&ip=127.0.0.1&port=7001')).status, 200);
  assert.equal((await registerV1(ts, 'c', 7004)).status, 200, 'the deregistration freed a place');
  assert.equal((await registerV1(ts, 'c', 7005)).status, 429);
  assert.equal(await limitRefusals(ts, 'maxInstances'), 3);
});

test('maxServicesPerNamespace: a new service, created or registered into, is refused beyond the limit', async (t) => {
  const ts = await server(t, { maxServicesPerNamespace: 2 });
  assert.equal((await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 's1' })).status, 200);
  assert.equal((await registerV1(ts, 's2', 7001)).status, 200);
  const created = await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 's3' });
  assert.equal(created.status, 429, created.text);
  assert.match(created.text, /Limit 'maxServicesPerNamespace' \(2\) reached: namespace public holds 2 services, so DEFAULT_GROUP@@s3 is not created/);
  const v2 = await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 's4', ip: '127.0.0.1', port: '7002' });
  assert.equal(v2.status, 429, v2.text);
  assert.match(v2.text, /maxServicesPerNamespace/);
  // Services that exist still take instances.
  assert.equal((await registerV1(ts, 's1', 7003)).status, 200);
  assert.deepEqual(
    (await rejections(ts, 's4')).map((e) => e.evidence.field),
    ['maxServicesPerNamespace'],
  );
  // The refused explicit creation is journaled too, and counted.
  const refusedCreation = (await call(ts.url, 'GET', '/v1/cairn/events?serviceName=s3&cause=SERVICE_CREATE_REJECTED')).json().events;
  assert.deepEqual(
    refusedCreation.map((e: { evidence: Record<string, unknown> }) => [e.evidence.code, e.evidence.field, e.evidence.via]),
    [['LIMIT_EXCEEDED', 'maxServicesPerNamespace', 'POST /nacos/v1/ns/service']],
  );
  assert.match(String(refusedCreation[0].evidence.reason), /so DEFAULT_GROUP@@s3 is not created/);
  assert.equal(await limitRefusals(ts, 'maxServicesPerNamespace'), 2);
});

test('a gRPC BatchInstanceRequest crossing maxInstancesPerService is refused whole: nothing of it is applied', async (t) => {
  const ts = await server(t, { maxInstancesPerService: 3 });
  assert.equal((await registerV1(ts, 'batched', 7001)).status, 200);
  const { client } = await connectedClient(ts.grpcPort, javaSetup('naming'));
  t.after(() => client.close());
  const batch = (ports: number[]) =>
    client.request('BatchInstanceRequest', {
      headers: {},
      namespace: 'public',
      serviceName: 'batched',
      groupName: 'DEFAULT_GROUP',
      type: 'batchRegisterInstance',
      instances: ports.map((port) => ({ ip: '127.0.0.1', port, ephemeral: true })),
    });
  const ports = async () =>
    (await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=batched'))
      .json()
      .hosts.map((h: { port: number }) => h.port)
      .sort();

  // Each of the three new instances fits alone (1 held + 1 < 3); together they do not (1 + 3 > 3).
  const over = await batch([7002, 7003, 7004]);
  assert.deepEqual([over.type, over.body.errorCode], ['ErrorResponse', 429]);
  assert.match(over.body.message, /Limit 'maxInstancesPerService' \(3\) reached: service DEFAULT_GROUP@@batched in namespace public holds 1 instances, so the batch's 3 new instances are not added/);
  assert.deepEqual(await ports(), [7001], 'nothing of the batch applied');
  assert.deepEqual(
    (await rejections(ts, 'batched')).map((e) => e.evidence.field),
    ['maxInstancesPerService', 'maxInstancesPerService', 'maxInstancesPerService'],
  );

  // A batch that fits, then one that replaces it with as many new addresses as the service has room for.
  assert.equal((await batch([7002, 7003])).type, 'BatchInstanceResponse');
  assert.deepEqual(await ports(), [7001, 7002, 7003]);
  const held = await batch([7002, 7003, 7001]);
  assert.equal(held.type, 'BatchInstanceResponse', 'addresses the service holds add nothing');
});

test('UDP subscribers are bounded per client address and in total; the list call is still answered', async (t) => {
  const logged: { msg: string; clientIP?: string; limit?: string }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged.push(JSON.parse(String(chunk)));
      done();
    },
  });
  // On the fake clock no minute passes, so the log's once-a-minute throttle is what keeps it to one line per address.
  const ts = await startTestServer({ maxSubscribersPerAddress: 2, maxSubscribers: 3, logLevel: 'warn' }, { fakeTime: true, logger: pino({ level: 'warn' }, sink) });
  t.after(() => ts.close());
  const push = ts.server.ctx.push;
  const list = (clusters: string, clientIP: string) => call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=watched&udpPort=40000&clientIP=${clientIP}&clusters=${clusters}`);
  // One client varying `clusters` makes a new subscriber per value: only two are kept.
  for (const clusters of ['c1', 'c2', 'c3', 'c4']) {
    const res = await list(clusters, '127.0.0.1');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().name, 'DEFAULT_GROUP@@watched');
  }
  assert.equal(push.subscriberCount, 2);
  assert.equal((await list('c1', '127.0.0.1')).status, 200, 'a held subscriber still polls');
  assert.equal((await list('c1', '127.0.0.2')).status, 200);
  assert.equal((await list('c2', '127.0.0.3')).status, 200);
  assert.equal(push.subscriberCount, 3, 'the total limit holds across addresses');
  assert.deepEqual(
    push
      .subscribers()
      .map((s) => `${s.clientIP}/${s.clusters}`)
      .sort(),
    ['127.0.0.1/c1', '127.0.0.1/c2', '127.0.0.2/c1'],
  );
  assert.equal(await limitRefusals(ts, 'maxSubscribersPerAddress'), 2);
  assert.equal(await limitRefusals(ts, 'maxSubscribers'), 1);
  assert.deepEqual(
    logged.filter((l) => l.msg.startsWith('udp push subscriber not added')).map((l) => `${l.clientIP} ${l.limit}`),
    ['127.0.0.1 maxSubscribersPerAddress', '127.0.0.3 maxSubscribers'],
  );
});

test('a request body over --body-limit-bytes is answered 413 naming the limit', async (t) => {
  const ts = await startTestServer({ bodyLimitBytes: 1024 });
  t.after(() => ts.close());
  const big = { serviceName: 'big', ip: '127.0.0.1', port: '7001', metadata: 'x'.repeat(2000) };
  const v1 = await call(ts.url, 'POST', '/v1/ns/instance', big);
  assert.deepEqual([v1.status, v1.text], [413, 'Request body is too large: the limit is 1024 bytes (--body-limit-bytes)']);
  const v2 = await call(ts.url, 'POST', '/v2/ns/instance', big);
  assert.equal(v2.status, 413);
  assert.match(v2.json().data, /limit is 1024 bytes \(--body-limit-bytes\)/);
});
