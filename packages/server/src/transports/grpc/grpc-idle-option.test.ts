import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveOptions } from '../../config/options.js';
import { freePortPair } from '../../testing/free-port-pair.js';
import { GrpcTestClient, type StreamItem } from '../../testing/grpc-test-client.js';
import { startTestServer } from '../../testing/test-server.js';

const SETUP = { clientVersion: 'Nacos-Java-Client:v2.3.2', tenant: '', labels: { source: 'sdk', module: 'naming' }, abilityTable: null };

test('--grpc-idle-ms and CAIRN_GRPC_IDLE_MS set the idle time before a liveness check (default 20 s, as Nacos)', () => {
  assert.equal(resolveOptions().grpcIdleMs, 20_000);
  assert.equal(resolveOptions({}, ['--grpc-idle-ms', '1500']).grpcIdleMs, 1500);
  assert.equal(resolveOptions({}, [], { CAIRN_GRPC_IDLE_MS: '2500' }).grpcIdleMs, 2500);
  assert.throws(() => resolveOptions({}, ['--grpc-idle-ms', '10']), /--grpc-idle-ms must be an integer from 1000/);
});

test('a server started with a short --grpc-idle-ms asks a silent connection a ClientDetectionRequest', { timeout: 20_000 }, async (t) => {
  const port = await freePortPair();
  // Only the sweep interval is shortened through the test hook; the idle time comes from the option.
  const ts = await startTestServer({ port, grpcIdleMs: 1000 }, { grpc: { sweepEveryMs: 50 } });
  t.after(() => ts.close());
  assert.equal(ts.server.grpc?.settings.idleMs, 1000);
  const client = new GrpcTestClient(port + 1000);
  t.after(() => client.close());
  client.openStream();
  client.send('ConnectionSetupRequest', SETUP);
  while ((await client.request('HealthCheckRequest', { headers: {} })).type !== 'HealthCheckResponse') await sleep(10);
  // With the 20 s default nothing would arrive within this wait.
  const probe = await Promise.race([client.next(), sleep(8_000, undefined, { ref: false }).then((): StreamItem => ({ ended: 'no liveness check within 8 s' }))]);
  assert.ok('type' in probe, 'ended' in probe ? probe.ended : '');
  assert.equal(probe.type, 'ClientDetectionRequest');
});
