import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { freePortPair } from '../../testing/free-port-pair.js';
import { type RustChild, startRustChild } from '../../testing/rust-child.js';
import { call, startTestServer, type TestServer } from '../../testing/test-server.js';

// The real Nacos 2.x naming and config clients, held by one child process until it is killed.
const CHILD = `
const { NacosNamingClient, NacosConfigClient } = require(process.env.BINDING);
const serverAddr = process.env.SERVER_ADDR;
new NacosNamingClient({ serverAddr, namespace: '', appName: 'grpc-test' });
new NacosConfigClient({ serverAddr, namespace: '' });
process.stdout.write(JSON.stringify({ ready: true }) + '\\n');
setInterval(() => {}, 60000);
`;

/** Starts a child process holding a naming and a config client; resolves once both constructors returned. */
function holdClients(port: number): Promise<RustChild> {
  return startRustChild(CHILD, port);
}

async function events(ts: TestServer, cause: string): Promise<any[]> {
  return (await call(ts.url, 'GET', `/v1/cairn/events?cause=${cause}`)).json().events;
}

/** Polls the journal until `count` events of the cause are there (the test's own timeout bounds the wait). */
async function waitForEvents(ts: TestServer, cause: string, count: number): Promise<any[]> {
  for (;;) {
    const found = await events(ts, cause);
    if (found.length >= count) return found;
    await sleep(50);
  }
}

test('the Rust SDK naming and config clients connect over gRPC, answer liveness checks, and a killed client process is journaled as reset', { timeout: 60_000 }, async (t) => {
  const port = await freePortPair();
  // Liveness checks within a second instead of after 20 s idle (the clients' own health checks come every 5 s).
  const ts = await startTestServer({ port }, { grpc: { idleMs: 200, sweepEveryMs: 50, detectionTimeoutMs: 3_000 } });
  t.after(() => ts.close());
  assert.equal(ts.server.grpcPort, port + 1000);
  const held = await holdClients(port);
  t.after(() => {
    held.dispose();
  });

  const opened = await events(ts, 'CONNECTION_OPENED');
  assert.deepEqual(opened.map((e) => e.evidence.module).sort(), ['config', 'naming']);
  for (const e of opened) {
    assert.equal(e.evidence.clientVersion, 'Nacos-Rust-Client:0.8.0');
    assert.equal(e.ip, '127.0.0.1');
    assert.match(e.evidence.connectionId, new RegExp(`^\\d+_127\\.0\\.0\\.1_${e.port}$`));
  }
  assert.equal(opened.find((e) => e.evidence.module === 'naming').evidence.appName, 'grpc-test');
  assert.equal(ts.server.grpc?.connections.size, 2);

  const grpc = ts.server.grpc;
  assert.ok(grpc);
  while (grpc.liveness.answered < 4 && grpc.liveness.unanswered === 0) await sleep(50);
  assert.equal(grpc.liveness.unanswered, 0);
  assert.equal(grpc.connections.size, 2, 'connections that answer their liveness checks stay open');
  assert.deepEqual(await events(ts, 'CONNECTION_CLOSED'), []);

  held.child.kill('SIGKILL');
  const closed = await waitForEvents(ts, 'CONNECTION_CLOSED', 2);
  assert.deepEqual(closed.map((e) => e.evidence.connectionId).sort(), opened.map((e) => e.evidence.connectionId).sort());
  for (const e of closed) assert.equal(e.evidence.ended, 'reset');
  assert.equal(ts.server.grpc?.connections.size, 0);
});
