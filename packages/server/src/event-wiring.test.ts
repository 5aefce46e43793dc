import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer } from './testing/test-server.js';

test('push, persistence and probes follow the one event bus and unsubscribe when the server closes', async () => {
  const ts = await startTestServer({ healthCheckEnabled: true });
  const bus = ts.server.ctx.events;
  // instance: journal, metrics, persistence, probes; service-changed: UDP push, gRPC push, persistence; namespace: persistence.
  assert.deepEqual([bus.listenerCount('instance'), bus.listenerCount('service-changed'), bus.listenerCount('namespace')], [4, 3, 1]);
  await ts.close();
  // The journal and the metrics live as long as the process; the rest let go.
  assert.deepEqual([bus.listenerCount('instance'), bus.listenerCount('service-changed'), bus.listenerCount('namespace')], [2, 0, 0]);
});
