import { freePortPair, spawnServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrpcTestClient, javaSetup } from '../testing/grpc-test-client.js';
import { parseSamples, sampleKey } from '../testing/prometheus-samples.js';

// A real `cairn start` with a small heap, flooded with registrations that carry large metadata: it refuses new ones
// with 503 naming the heap and keeps running (without the heap watch V8 aborts with "Reached heap limit").

const BATCH = 1_000;

function batch(service: number): Record<string, unknown> {
  const metadata = { blob: `${service}-${'m'.repeat(1_000)}` };
  return {
    headers: {},
    namespace: 'public',
    serviceName: `flood-${service}`,
    groupName: 'DEFAULT_GROUP',
    type: 'batchRegisterInstance',
    // Ephemeral and held by the connection: made-up 10.x addresses, never probed nor dialled.
    instances: Array.from({ length: BATCH }, (_, i) => ({ ip: `10.${service % 250}.${i >> 8}.${i & 255}`, port: 8080, ephemeral: true, metadata })),
  };
}

test('a server with a small heap flooded with registrations refuses them with 503 naming the heap, and keeps running', async (t) => {
  const grpcPort = await freePortPair();
  const server = await spawnServer(['--grpc-port', String(grpcPort), '--max-instances', '10000000', '--max-services-per-namespace', '10000000'], { NODE_OPTIONS: '--max-old-space-size=96' });
  t.after(() => server.stop());
  const client = new GrpcTestClient(grpcPort);
  t.after(() => client.close());
  await client.request('ServerCheckRequest', { headers: {} });
  client.openStream();
  client.send('ConnectionSetupRequest', javaSetup('naming'));
  while ((await client.request('HealthCheckRequest', { headers: {} })).type !== 'HealthCheckResponse') await new Promise((r) => setTimeout(r, 10));

  // Until refused: 96 MB hold a few ten thousand such instances, so this ends well before the 2,000th batch.
  let refusal: Record<string, any> | undefined;
  let accepted = 0;
  for (let service = 0; service < 2_000 && !refusal && server.process.exitCode === null; service++) {
    const answer = await client.request('BatchInstanceRequest', batch(service)).catch((err: Error) => ({ type: 'failed', body: { message: err.message } }));
    if (answer.type === 'BatchInstanceResponse') accepted++;
    else refusal = answer.body;
  }
  assert.equal(server.process.exitCode, null, `the server died:\n${server.output().slice(-2_000)}`);
  assert.ok(refusal, 'a refusal came');
  assert.equal(refusal.errorCode, 503, `${JSON.stringify(refusal)} after ${accepted} batches:\n${server.output().slice(-3_000)}`);
  assert.match(refusal.message, /Limit 'heap' reached: the server uses \d+ MB of its \d+ MB heap/);
  assert.ok(accepted > 0, 'the server took batches before its heap filled');
  // The flood goes on: every answer is an acceptance (room again) or the same refusal, and the server stays up.
  for (let service = 2_000; service < 2_030; service++) {
    const answer = await client.request('BatchInstanceRequest', batch(service));
    if (answer.type !== 'BatchInstanceResponse') assert.equal(answer.body.errorCode, 503, JSON.stringify(answer.body));
  }
  assert.equal(server.process.exitCode, null);

  // Still serving: reads over HTTP, and the refusals in the metrics and the log.
  const list = await fetch(`${server.url}/v1/ns/instance/list?serviceName=flood-0`);
  assert.equal(list.status, 200);
  const metrics = parseSamples(await (await fetch(`${server.url}/actuator/prometheus`)).text());
  assert.ok((metrics.get(sampleKey('cairn_limit_refusals_total', { limit: 'heap' })) ?? 0) >= 1);
  assert.equal(metrics.get('cairn_heap_pressure'), 1);
  assert.match(server.output(), /heap pressure: new instances and services are refused/);
});
