import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { freePortPair } from '../../../testing/free-port-pair.js';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';

// The real Nacos 2.x client (the Node binding of nacos-group's Rust SDK) in a child process: its constructor blocks
// its thread, and a test must be able to kill it. The child runs the calls it is sent, one JSON line each, and
// reports every push its subscription listener gets.
const BINDING = createRequire(import.meta.url).resolve('nacos-sdk-rust-binding-node');

const CHILD = `
const { NacosNamingClient } = require(process.env.BINDING);
const client = new NacosNamingClient({ serverAddr: process.env.SERVER_ADDR, namespace: '', appName: 'naming-test', namingPushEmptyProtection: false });
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
out({ ready: true });
require('node:readline').createInterface({ input: process.stdin }).on('line', async (line) => {
  const { id, op, args } = JSON.parse(line);
  try {
    const result = op === 'subscribe'
      ? await client.subscribe(...args, (err, instances) => out({ push: instances, err: err ? String(err) : null }))
      : await client[op](...args);
    out({ id, result: result ?? null });
  } catch (e) {
    out({ id, error: String((e && e.message) || e) });
  }
});
`;

interface Host {
  ip: string;
  port: number;
  metadata?: Record<string, string>;
}

class RustNamingClient {
  readonly pushes: Host[][] = [];
  private readonly waiting = new Map<number, (m: any) => void>();
  private nextId = 1;

  private constructor(
    readonly child: ChildProcess,
    readonly home: string,
  ) {}

  static async start(port: number): Promise<RustNamingClient> {
    const home = mkdtempSync(join(tmpdir(), 'cairn-rust-naming-'));
    const child = spawn(process.execPath, ['-e', CHILD], { env: { ...process.env, HOME: home, BINDING, SERVER_ADDR: `127.0.0.1:${port}` }, stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new RustNamingClient(child, home);
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = JSON.parse(line);
        if (m.ready) resolve();
        else if (m.push) client.pushes.push(m.push);
        else client.waiting.get(m.id)?.(m);
      });
      child.on('exit', (code) => reject(new Error(`client process exited (${code}) before it connected: ${stderr}`)));
    });
    return client;
  }

  async run(op: string, ...args: unknown[]): Promise<any> {
    const id = this.nextId++;
    const answer = new Promise<any>((resolve) => this.waiting.set(id, resolve));
    this.child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
    const m = await answer;
    if (m.error) throw new Error(`${op} failed: ${m.error}`);
    return m.result;
  }

  /** Waits (bounded by the test's timeout) for a push, after the `since`-th, whose hosts are exactly `ports`. */
  async pushed(ports: number[], since: number): Promise<void> {
    const want = JSON.stringify([...ports].sort());
    while (!this.pushes.slice(since).some((hosts) => JSON.stringify(portsOf(hosts)) === want)) await sleep(20);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  dispose(): void {
    this.kill();
    rmSync(this.home, { recursive: true, force: true });
  }
}

function portsOf(hosts: Host[]): number[] {
  return hosts.map((h) => h.port).sort();
}

async function listedPorts(ts: TestServer, service: string): Promise<number[]> {
  const res = await call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=${service}`);
  return portsOf(res.json().hosts);
}

test('the Rust SDK registers, lists, subscribes, deregisters and batch registers over gRPC; a killed client takes its instances along and subscribers are pushed', { timeout: 90_000 }, async (t) => {
  const port = await freePortPair();
  const ts = await startTestServer({ port });
  t.after(() => ts.close());
  const [holder, watcher] = await Promise.all([RustNamingClient.start(port), RustNamingClient.start(port)]);
  t.after(() => {
    holder.dispose();
    watcher.dispose();
  });

  await holder.run('registerInstance', 'orders', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7001, metadata: { zone: 'a' } });
  assert.deepEqual(await listedPorts(ts, 'orders'), [7001], 'a gRPC registration is seen by HTTP clients');
  const all: Host[] = await watcher.run('getAllInstances', 'orders', 'DEFAULT_GROUP', [], false);
  assert.deepEqual(portsOf(all), [7001]);
  assert.deepEqual(all[0]?.metadata, { zone: 'a' });

  await watcher.run('subscribe', 'orders', 'DEFAULT_GROUP', []);
  let mark = watcher.pushes.length;
  // An HTTP client's instance joins the same service; the gRPC subscriber is pushed both.
  const registered = await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'orders', ip: '127.0.0.1', port: '7002', ephemeral: 'true' });
  assert.equal(registered.text, 'ok');
  await watcher.pushed([7001, 7002], mark);

  mark = watcher.pushes.length;
  await holder.run('deregisterInstance', 'orders', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7001 });
  await watcher.pushed([7002], mark);
  assert.deepEqual(await listedPorts(ts, 'orders'), [7002]);

  mark = watcher.pushes.length;
  await holder.run('batchRegisterInstance', 'orders', 'DEFAULT_GROUP', [
    { ip: '127.0.0.1', port: 7003 },
    { ip: '127.0.0.1', port: 7004 },
  ]);
  await watcher.pushed([7002, 7003, 7004], mark);
  assert.deepEqual(await listedPorts(ts, 'orders'), [7002, 7003, 7004]);

  // Both clients' connections are naming clients of kind `connection`, with what the real client sent at setup.
  const v2 = async (path: string) => (await call(ts.url, 'GET', path)).json().data;
  const publishers: { clientId: string; port: number }[] = await v2('/v2/ns/client/service/publisher/list?serviceName=orders');
  const held = publishers.filter((p) => p.clientId.includes('_'));
  assert.deepEqual(held.map((p) => p.port).sort(), [7003, 7004]);
  const holderId = held[0].clientId;
  const detail = await v2(`/v2/ns/client?clientId=${encodeURIComponent(holderId)}`);
  assert.deepEqual([detail.clientType, detail.connectType, detail.appName], ['connection', 'GRPC', 'naming-test']);
  assert.match(detail.version, /^Nacos-Rust-Client:/);
  const published = await v2(`/v2/ns/client/publish/list?clientId=${encodeURIComponent(holderId)}`);
  assert.deepEqual(published.map((p: any) => p.registeredInstance.port).sort(), [7003, 7004]);
  const subscribers: { clientId: string }[] = await v2('/v2/ns/client/service/subscriber/list?serviceName=orders');
  assert.equal(subscribers.length, 1);
  const subscribed = await v2(`/v2/ns/client/subscribe/list?clientId=${encodeURIComponent(subscribers[0].clientId)}`);
  assert.deepEqual(
    subscribed.map((s: any) => [s.serviceName, s.subscriberInfo.app]),
    [['orders', 'naming-test']],
  );

  mark = watcher.pushes.length;
  holder.kill();
  await watcher.pushed([7002], mark);
  assert.deepEqual(await listedPorts(ts, 'orders'), [7002], "the killed client's instances are gone, the HTTP client's stays");
  const removed = (await call(ts.url, 'GET', '/v1/cairn/events?cause=CONNECTION_INSTANCE_REMOVED')).json().events;
  assert.deepEqual(removed.map((e: any) => e.port).sort(), [7003, 7004]);
  for (const e of removed) assert.equal(e.evidence.endedBy, 'RESET');
});
