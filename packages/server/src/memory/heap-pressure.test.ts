import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { connectedClient, instanceRequest, javaSetup } from '../testing/grpc-test-client.js';
import { parseSamples, sampleKey } from '../testing/prometheus-samples.js';
import { call, startGrpcTestServer, type TestServer } from '../testing/test-server.js';

// A server whose heap is past --heap-refuse-percent refuses new instances and services with 503 OVERLOADED naming
// `heap`, while what it holds keeps working; once pressure is gone it accepts again. The figures are the test's (a
// real heap of a few MB is under 1 % of a 4 GB limit); the spawned-server test fills a real heap.

function registerV1(ts: TestServer, serviceName: string, port: number) {
  return call(ts.url, 'POST', '/v1/ns/instance', { serviceName, ip: '127.0.0.1', port: String(port) });
}

async function samples(ts: TestServer): Promise<Map<string, number>> {
  return parseSamples((await call(ts.url, 'GET', '/actuator/prometheus')).text);
}

test('under heap pressure new instances and services are refused with 503 naming heap; beats, reads and deregistrations work', async (t) => {
  const logged: { level: number; msg: string; usedBytes?: number; limitBytes?: number }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged.push(JSON.parse(String(chunk)));
      done();
    },
  });
  // Every new entry samples, so no timer is waited for.
  const MB = 1_048_576;
  let usedBytes = 10 * MB;
  const read = () => ({ usedBytes, limitBytes: 100 * MB });
  const ts = await startGrpcTestServer({ logger: pino({ level: 'info' }, sink), heap: { read, sampleEveryChecks: 1 } }, { heapRefusePercent: 80, logLevel: 'info' });
  t.after(() => ts.close());
  const heapLogs = () => logged.filter((l) => l.msg.startsWith('heap pressure')).map((l) => [l.level, l.msg.split(':')[0]]);

  assert.equal((await registerV1(ts, 'held', 7001)).status, 200);
  assert.equal((await registerV1(ts, 'held', 7002)).status, 200);
  usedBytes = 81 * MB;

  const v1 = await registerV1(ts, 'held', 7003);
  assert.equal(v1.status, 503, v1.text);
  assert.match(v1.text, /^Limit 'heap' reached: the server uses 81 MB of its 100 MB heap \(81%, refusing from 80%\), so 127\.0\.0\.1:7003 is not added/);
  const v2 = await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'fresh', ip: '127.0.0.1', port: '7004' });
  assert.deepEqual([v2.status, v2.json().code], [503, 30000]);
  assert.match(v2.json().data, /Limit 'heap' reached/);
  const service = await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'created' });
  assert.equal(service.status, 503, service.text);
  assert.match(service.text, /Limit 'heap' reached: .* so service DEFAULT_GROUP@@created is not created/);

  const { client } = await connectedClient(ts.grpcPort, javaSetup('naming'));
  t.after(() => client.close());
  const grpc = await client.request('InstanceRequest', instanceRequest('held', 'registerInstance', { ip: '127.0.0.1', port: 7005, ephemeral: true }));
  assert.deepEqual([grpc.type, grpc.body.errorCode], ['ErrorResponse', 503]);
  assert.match(grpc.body.message, /Limit 'heap' reached/);

  // What the server holds keeps working: a beat, a re-registration, a read, a deregistration.
  const beat = await call(ts.url, 'PUT', '/v1/ns/instance/beat?serviceName=held&ip=127.0.0.1&port=7001');
  assert.equal(beat.status, 200, beat.text);
  assert.equal((await registerV1(ts, 'held', 7001)).status, 200);
  const hosts = (await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=held')).json().hosts;
  assert.deepEqual(hosts.map((h: { port: number }) => h.port).sort(), [7001, 7002]);
  assert.equal((await call(ts.url, 'DELETE', '/v1/ns/instance?serviceName=held&ip=127.0.0.1&port=7002')).status, 200);

  let metrics = await samples(ts);
  assert.equal(metrics.get(sampleKey('cairn_limit_refusals_total', { limit: 'heap' })), 4);
  assert.equal(metrics.get('cairn_heap_pressure'), 1);
  // The journal tells a refusal (at most one a second: a flood must not fill the heap with its own refusals).
  const rejected = (await call(ts.url, 'GET', '/v1/cairn/events?cause=REGISTRATION_REJECTED')).json().events;
  assert.deepEqual(
    rejected.map((e: { evidence: { code: string; field: string } }) => [e.evidence.code, e.evidence.field]),
    [['OVERLOADED', 'heap']],
  );

  // Below the threshold but above the recovery share (10 points under it), the refusal holds: no flapping.
  usedBytes = 75 * MB;
  assert.equal((await registerV1(ts, 'held', 7003)).status, 503);
  usedBytes = 69 * MB;
  assert.equal((await registerV1(ts, 'held', 7003)).status, 200, 'accepted again once the heap has room');
  metrics = await samples(ts);
  assert.equal(metrics.get('cairn_heap_pressure'), 0);
  assert.equal(metrics.get(sampleKey('cairn_limit_refusals_total', { limit: 'heap' })), 5);
  // One warning entering, one info leaving: never a line per request.
  assert.deepEqual(heapLogs(), [
    [40, 'heap pressure'],
    [30, 'heap pressure over'],
  ]);
});
