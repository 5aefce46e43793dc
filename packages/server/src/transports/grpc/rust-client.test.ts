import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { freePortPair } from '../../testing/free-port-pair.js';
import { call, startTestServer, type TestServer } from '../../testing/test-server.js';

// The real Nacos 2.x client: the Node binding of nacos-group's Rust SDK. Its constructors block their thread
// until the handshake is done, so the clients live in a child process (which also lets a test kill it).
const BINDING = createRequire(import.meta.url).resolve('nacos-sdk-rust-binding-node');

const CHILD = `
const { NacosNamingClient, NacosConfigClient } = require(process.env.BINDING);
const serverAddr = process.env.SERVER_ADDR;
new NacosNamingClient({ serverAddr, namespace: '', appName: 'grpc-test' });
new NacosConfigClient({ serverAddr, namespace: '' });
process.stdout.write('ready\\n');
setInterval(() => {}, 60000);
`;

interface Held {
  child: ChildProcess;
  home: string;
}

/** Starts a child process holding a naming and a config client; resolves once both constructors returned. */
async function holdClients(port: number): Promise<Held> {
  const home = mkdtempSync(join(tmpdir(), 'cairn-rust-client-'));
  const child = spawn(process.execPath, ['-e', CHILD], { env: { ...process.env, HOME: home, BINDING, SERVER_ADDR: `127.0.0.1:${port}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      if (String(d).includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`client process exited (${code}) before it connected: ${stderr}`)));
  });
  return { child, home };
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
    held.child.kill('SIGKILL');
    rmSync(held.home, { recursive: true, force: true });
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
