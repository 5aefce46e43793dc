import assert from 'node:assert/strict';
import { createServer as createTcpServer } from 'node:net';
import { test } from 'node:test';
import { freePortPair } from '../../testing/free-port-pair.js';
import { startTestServer } from '../../testing/test-server.js';

test('gRPC listens on the HTTP port + 1000 by default', async (t) => {
  const port = await freePortPair();
  const ts = await startTestServer({ port });
  t.after(() => ts.close());
  assert.equal(ts.server.grpcPort, port + 1000);
});

test('--grpc-port 0 turns gRPC off', async (t) => {
  const ts = await startTestServer({ grpcPort: 0 });
  t.after(() => ts.close());
  assert.equal(ts.server.grpc, undefined);
  assert.equal(ts.server.grpcPort, undefined);
});

test('a gRPC port that is taken stops the start with a message naming it, and frees the HTTP port', async (t) => {
  const blocker = createTcpServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const taken = (blocker.address() as { port: number }).port;
  const port = await freePortPair();
  await assert.rejects(startTestServer({ port, grpcPort: taken }), new RegExp(`gRPC port 127\\.0\\.0\\.1:${taken} cannot be bound.*--grpc-port`));
  const again = await startTestServer({ port, grpcPort: 0 });
  await again.close();
});
