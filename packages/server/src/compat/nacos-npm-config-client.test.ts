import { md5Hex } from '@cairn/core';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/*
 * The published `nacos` npm client's NacosConfigClient (nacos-config 2.6.3) against a real Cairn server, over HTTP
 * v1 on loopback. Its long poll sends `Long-Pulling-Timeout: 30000`; the subscription step checks in the journal
 * that a publish woke the held poll, rather than reaching the client after that timeout.
 */

const require = createRequire(import.meta.url);
const { NacosConfigClient } = require('nacos') as { NacosConfigClient: new (options: Record<string, unknown>) => ConfigClient };
// The client runs inside cluster-client, whose leader binds 127.0.0.1:7777 by default: give it a private port, so
// no other process on this machine becomes part of the test.
const cluster = createRequire(createRequire(require.resolve('nacos')).resolve('nacos-config'))('cluster-client') as (cls: unknown, options: Record<string, unknown>) => unknown;

interface ConfigClient {
  ready(): Promise<void>;
  getConfig(dataId: string, group: string): Promise<string | null>;
  publishSingle(dataId: string, group: string, content: string, options?: { type?: string }): Promise<boolean>;
  remove(dataId: string, group: string): Promise<boolean>;
  subscribe(reg: { dataId: string; group: string }, listener: (content: string | null) => void): void;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let ts: TestServer;
let client: ConfigClient;
let cacheDir: string;
const complaints: string[] = [];
const quiet = {
  info() {},
  debug() {},
  warn: (...args: unknown[]) => complaints.push(`warn ${args.map(String).join(' ')}`),
  error: (...args: unknown[]) => complaints.push(`error ${args.map(String).join(' ')}`),
};

before(async () => {
  ts = await startTestServer();
  cacheDir = mkdtempSync(join(tmpdir(), 'cairn-nacos-config-cache-'));
  const leaderPort = await freePort();
  client = new NacosConfigClient({
    serverAddr: `127.0.0.1:${new URL(ts.url).port}`,
    cacheDir,
    logger: quiet,
    cluster: (cls: unknown, options: Record<string, unknown>) => cluster(cls, { ...options, port: leaderPort, isLeader: true, logger: quiet }),
  });
  await client.ready();
});

after(async () => {
  await client.close();
  await ts.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

const DATA_ID = 'compat.properties';
const GROUP = 'DEFAULT_GROUP';
const CONTENT = 'a=1 & b=ü\nc=%2B+x';

test('publishSingle stores byte-exact content that getConfig and a plain GET read back; a missing config is null', async () => {
  assert.equal(await client.getConfig(DATA_ID, GROUP), null);
  assert.equal(await client.publishSingle(DATA_ID, GROUP, CONTENT, { type: 'properties' }), true);
  assert.equal(await client.getConfig(DATA_ID, GROUP), CONTENT);
  const res = await fetch(`${ts.url}/v1/cs/configs?dataId=${DATA_ID}&group=${GROUP}`);
  assert.equal(await res.text(), CONTENT);
  assert.equal(res.headers.get('config-type'), 'properties');
});

/**
 * Subscribes the client to a key: what its listener heard, and `next(n)` resolving once it heard n contents. Its
 * deadline only ends a hung test: it is beyond the client's 30 s poll timeout, and how a change arrived is checked
 * in the journal, not by the clock.
 */
function subscribeAndHear(dataId: string): { heard: (string | null)[]; next: (count: number) => Promise<void> } {
  const heard: (string | null)[] = [];
  let wake: () => void = () => {};
  const next = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`heard ${JSON.stringify(heard)}, waited for ${count}`)), 60_000);
      wake = () => {
        if (heard.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      };
      wake();
    });
  client.subscribe({ dataId, group: GROUP }, (content) => {
    heard.push(content);
    wake();
  });
  return { heard, next };
}

test('subscribe hears the current content, then a publish through the held long poll, then the removal', async () => {
  const { heard, next } = subscribeAndHear(DATA_ID);
  await next(1);
  assert.deepEqual(heard, [CONTENT]);
  // Wait until the client's long poll is held, so the change must be pushed to it.
  const deadline = Date.now() + 30_000;
  while (ts.server.ctx.longPolls.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(ts.server.ctx.longPolls.size, 1, 'the client holds one long poll');
  // A publish in the same millisecond as the poll arrived would leave heldMs 0: let the server's clock move first.
  await new Promise((r) => setTimeout(r, 5));
  await client.publishSingle(DATA_ID, GROUP, 'a=2');
  await next(2);
  assert.deepEqual(heard, [CONTENT, 'a=2']);
  // The held poll was woken by the publish (heldMs > 0), not answered at once on a later poll after its 30 s timeout
  // ran out (heldMs 0: the md5 it sent was stale by then).
  const notified = ts.server.ctx.journal.query({ dataId: DATA_ID, cause: 'CONFIG_LISTENER_NOTIFIED' }).events.filter((e) => e.evidence.md5 === md5Hex('a=2'));
  assert.equal(notified.length, 1, JSON.stringify(notified));
  assert.ok(Number(notified[0].evidence.heldMs) > 0, `the change reached the held poll: ${JSON.stringify(notified[0].evidence)}`);
  assert.equal(await client.remove(DATA_ID, GROUP), true);
  await next(3);
  assert.deepEqual(heard, [CONTENT, 'a=2', null]);
  assert.equal(await client.getConfig(DATA_ID, GROUP), null);
  assert.deepEqual(complaints, []);
});

test('a beta version for the client IP (127.0.0.1) reaches the real client: getConfig, then its subscription hears the stop', async () => {
  const dataId = 'gray.properties';
  const form = (params: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  assert.equal(await (await fetch(`${ts.url}/v1/cs/configs`, form({ dataId, group: GROUP, content: 'v=main' }))).text(), 'true');
  const beta = await fetch(`${ts.url}/v1/cs/configs`, { ...form({ dataId, group: GROUP, content: 'v=beta' }), headers: { 'content-type': 'application/x-www-form-urlencoded', betaIps: '127.0.0.1' } });
  assert.equal(await beta.text(), 'true');
  assert.equal(await client.getConfig(dataId, GROUP), 'v=beta');
  const { heard, next } = subscribeAndHear(dataId);
  await next(1);
  assert.deepEqual(heard, ['v=beta']);
  // The client adds a new key to its long poll only when the poll in flight ends: a change to the key the earlier
  // test subscribed ends it. Then wait until the journal shows the poll holding this key with the beta md5.
  assert.equal(await client.publishSingle(DATA_ID, GROUP, 'a=3'), true);
  const holding = () => ts.server.ctx.journal.query({ dataId, cause: 'CONFIG_LISTENER_HELD' }).events.some((e) => e.evidence.from === '127.0.0.1' && e.evidence.md5 === md5Hex('v=beta'));
  for (let i = 0; !holding(); i++) {
    assert.ok(i < 400, 'the client never long-polled the beta md5');
    await new Promise((r) => setTimeout(r, 20));
  }
  const stop = await fetch(`${ts.url}/v1/cs/configs?dataId=${dataId}&group=${GROUP}&beta=true`, { method: 'DELETE' });
  assert.equal(((await stop.json()) as { message: string }).message, 'stop beta ok');
  await next(2);
  assert.deepEqual(heard, ['v=beta', 'v=main']);
  // Let the client hold its next poll before the test ends: a client closed between polls polls once more.
  for (let i = 0; ts.server.ctx.longPolls.size === 0; i++) {
    assert.ok(i < 400, 'the client did not poll again');
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(complaints, []);
});
