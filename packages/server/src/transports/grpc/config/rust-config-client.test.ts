import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { md5Hex } from '@cairn/core';
import { freePortPair } from '../../../testing/free-port-pair.js';
import { type RustChild, startRustChild } from '../../../testing/rust-child.js';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';

// The real Nacos 2.x config client in a child process. The child runs the calls the test sends on stdin (one JSON
// line each) and writes their results, and every change its listeners receive, as JSON lines.

const CHILD = `
const { NacosConfigClient } = require(process.env.BINDING);
const client = new NacosConfigClient({ serverAddr: process.env.SERVER_ADDR, namespace: '' });
const out = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
out({ ready: true });
require('readline').createInterface({ input: process.stdin }).on('line', async (line) => {
  const { id, op, args } = JSON.parse(line);
  try {
    const value = op === 'addListener'
      ? await client.addListener(args[0], args[1], (err, resp) => out({ change: err ? { error: String(err) } : resp }))
      : await client[op](...args);
    out({ id, value });
  } catch (err) {
    out({ id, error: String(err && err.message || err) });
  }
});
`;

interface Reply {
  id?: number;
  value?: unknown;
  error?: string;
  change?: Record<string, string>;
  ready?: boolean;
}

class RustConfigClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: Reply) => void>();
  private readonly changes: Record<string, string>[] = [];
  private changeWaiters: ((c: Record<string, string>) => void)[] = [];

  private constructor(private readonly proc: RustChild) {}

  static async start(port: number): Promise<RustConfigClient> {
    let client: RustConfigClient | undefined;
    const early: Reply[] = [];
    const proc = await startRustChild(CHILD, port, (reply: Reply) => (client ? client.deliver(reply) : early.push(reply)));
    client = new RustConfigClient(proc);
    for (const reply of early) client.deliver(reply);
    return client;
  }

  /** Runs one client call in the child; resolves with its value, rejects with its error text. */
  run(op: string, ...args: string[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (r) => (r.error === undefined ? resolve(r.value) : reject(new Error(r.error))));
      this.proc.child.stdin?.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  /** The next change a listener received. */
  nextChange(): Promise<Record<string, string>> {
    const c = this.changes.shift();
    return c ? Promise.resolve(c) : new Promise((resolve) => this.changeWaiters.push(resolve));
  }

  stop(): void {
    this.proc.dispose();
  }

  private deliver(reply: Reply): void {
    if (reply.change) {
      const waiter = this.changeWaiters.shift();
      if (waiter) waiter(reply.change);
      else this.changes.push(reply.change);
      return;
    }
    const done = reply.id === undefined ? undefined : this.waiting.get(reply.id);
    if (reply.id !== undefined) this.waiting.delete(reply.id);
    done?.(reply);
  }
}

/** Polls the journal until the server holds a listen of the key (the client sends it from a background task). */
async function listening(ts: TestServer, dataId: string): Promise<void> {
  for (;;) {
    const held = (await call(ts.url, 'GET', `/v1/cairn/events?cause=CONFIG_LISTENER_HELD&dataId=${dataId}&group=DEFAULT_GROUP`)).json().events;
    if (held.some((e: { evidence: { via: string } }) => e.evidence.via.startsWith('gRPC'))) return;
    await sleep(50);
  }
}

test('the Rust SDK config client gets, publishes, listens to (a change published over HTTP is pushed) and removes configs over gRPC', { timeout: 90_000 }, async (t) => {
  const port = await freePortPair();
  const ts = await startTestServer({ port });
  t.after(() => ts.close());
  const rust = await RustConfigClient.start(port);
  t.after(() => rust.stop());

  await assert.rejects(rust.run('getConfig', 'rust.props', 'DEFAULT_GROUP'), /not (found|exist)/i);

  assert.equal(await rust.run('publishConfig', 'rust.props', 'DEFAULT_GROUP', 'a=1'), true);
  assert.equal((await call(ts.url, 'GET', '/v1/cs/configs?dataId=rust.props&group=DEFAULT_GROUP')).text, 'a=1', 'HTTP reads what the gRPC client published');
  assert.equal(await rust.run('getConfig', 'rust.props', 'DEFAULT_GROUP'), 'a=1');
  const history = (await call(ts.url, 'GET', '/v1/cs/history?search=accurate&dataId=rust.props&group=DEFAULT_GROUP')).json();
  assert.equal(history.pageItems[0].srcIp, '127.0.0.1');

  await rust.run('addListener', 'rust.props', 'DEFAULT_GROUP');
  await listening(ts, 'rust.props');
  const published = await call(ts.url, 'POST', '/v1/cs/configs', { dataId: 'rust.props', group: 'DEFAULT_GROUP', content: 'a=2' });
  assert.equal(published.text, 'true');
  const change = await rust.nextChange();
  assert.deepEqual([change.dataId, change.group, change.content, change.md5], ['rust.props', 'DEFAULT_GROUP', 'a=2', md5Hex('a=2')]);
  // The client acknowledges the push on its stream.
  while (ts.server.configListenSets?.stats.acked !== 1) await sleep(20);

  assert.equal(await rust.run('removeConfig', 'rust.props', 'DEFAULT_GROUP'), true);
  assert.equal((await call(ts.url, 'GET', '/v1/cs/configs?dataId=rust.props&group=DEFAULT_GROUP')).status, 404);
  const ops = (await call(ts.url, 'GET', '/v1/cs/history?search=accurate&dataId=rust.props&group=DEFAULT_GROUP')).json().pageItems.map((h: { opType: string }) => h.opType);
  assert.deepEqual([...ops].sort(), ['D', 'I', 'U']);
});
