import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NacosNamingClient, type NpmHost, type NpmNamingClient } from '../testing/nacos-npm-naming.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/*
 * The published `nacos` npm client (2.6.3) against a real Cairn server. It speaks HTTP v1 only, with UDP push
 * for subscriptions. Its beat loop starts when the client is created and first fires 10 s later, so the
 * server runs with short lifecycle timeouts to keep the whole run under about 20 s.
 */

const BEAT_INTERVAL_MS = 500;
const BEAT_TIMEOUT_MS = 1_500;
const DELETE_TIMEOUT_MS = 3_000;
// Instances of the subscription steps must outlive the client's first beat (10 s after its creation).
const LONG_LIVED = { 'preserved.heart.beat.timeout': '30000', 'preserved.ip.delete.timeout': '60000' };

let ts: TestServer;
let client: NpmNamingClient;
const complaints: string[] = [];
const quiet = {
  info() {},
  debug() {},
  warn: (...args: unknown[]) => complaints.push(`warn ${args.map(String).join(' ')}`),
  error: (...args: unknown[]) => complaints.push(`error ${args.map(String).join(' ')}`),
};

before(async () => {
  ts = await startTestServer({ beatIntervalMs: BEAT_INTERVAL_MS, beatTimeoutMs: BEAT_TIMEOUT_MS, deleteTimeoutMs: DELETE_TIMEOUT_MS });
  const port = new URL(ts.url).port;
  client = new NacosNamingClient({ logger: quiet, serverList: `127.0.0.1:${port}`, namespace: 'public' });
  await client.ready();
});

let closed = false;
after(async () => {
  if (!closed) await client?.close();
  await ts?.close();
});

const ref = (name: string) => ({ namespace: 'public', group: 'DEFAULT_GROUP', name });

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) assert.fail(`${what}: not within ${timeoutMs} ms (client said: ${complaints.slice(-3).join(' | ') || 'nothing'})`);
    await sleep(25);
  }
  return Date.now() - started;
}

test('the real nacos npm client against Cairn', async (t) => {
  await t.test('getServerStatus reads UP', async (st) => {
    if (!ts.server.app.hasRoute({ method: 'GET', url: '/nacos/v1/ns/operator/metrics' })) {
      st.skip('GET /nacos/v1/ns/operator/metrics is not served yet');
      return;
    }
    assert.equal(await client.getServerStatus(), 'UP');
  });

  await t.test('registerInstance, then getAllInstances sees it', async () => {
    await client.registerInstance('compat-orders', { ip: '127.0.0.1', port: 9001, metadata: { k: 'v', ...LONG_LIVED } });
    const hosts = await client.getAllInstances('compat-orders');
    assert.equal(hosts.length, 1);
    assert.equal(hosts[0].ip, '127.0.0.1');
    assert.equal(hosts[0].port, 9001);
    assert.equal(hosts[0].healthy, true);
    assert.equal(hosts[0].enabled, true);
    assert.equal(hosts[0].weight, 1);
    assert.equal(hosts[0].metadata.k, 'v');
  });

  await t.test('the client announces 127.0.0.1 as clientIP, so pushes stay on loopback', async () => {
    const subs = ts.server.ctx.push.subscribers(ref('compat-orders'));
    // A loopback server refuses any other clientIP, so an empty list here means the pin did not take.
    assert.ok(subs.length >= 1, 'getAllInstances subscribed for push from 127.0.0.1');
    for (const s of subs) {
      assert.equal(s.clientIP, '127.0.0.1');
      assert.ok(s.udpPort > 0);
      assert.match(s.agent, /^Nacos-Java-Client:v1\.0\.0/);
    }
  });

  await t.test('subscribe: a new instance reaches the listener by UDP push, long before the next poll', async () => {
    const calls: NpmHost[][] = [];
    client.subscribe({ serviceName: 'compat-orders' }, (hosts) => calls.push(hosts));
    await until('first listener call', () => calls.length > 0, 3_000);
    assert.deepEqual(
      calls[0].map((h) => h.port),
      [9001],
    );
    // The client re-polls 1 s after its first fetch and then every cacheMillis (10 s): wait out the first one.
    await sleep(1_200);
    const ackedBefore = ts.server.ctx.push.stats.acked;
    const callsBefore = calls.length;
    await client.registerInstance('compat-orders', { ip: '127.0.0.1', port: 9002, metadata: LONG_LIVED });
    const tookMs = await until('listener called with 2 hosts', () => calls.slice(callsBefore).some((h) => h.length === 2), 3_000);
    assert.ok(tookMs < 3_000, `arrived after ${tookMs} ms; the next poll is ~9 s away`);
    const latest = calls.at(-1)!;
    assert.deepEqual(latest.map((h) => h.port).sort(), [9001, 9002]);
    await until('the client acked the push', () => ts.server.ctx.push.stats.acked > ackedBefore, 2_000);
  });

  await t.test('beats keep an instance alive through several timeouts', async () => {
    // The client's beat loop first runs 10 s after the client was created.
    await until('first beat', () => (ts.server.ctx.registry.findInstance(ref('compat-orders'), '127.0.0.1', 9001)?.instance.beats?.count ?? 0) > 0, 12_000);
    await client.registerInstance('compat-beats', { ip: '127.0.0.1', port: 9101 });
    const watchUntil = Date.now() + 3 * BEAT_TIMEOUT_MS;
    let samples = 0;
    while (Date.now() < watchUntil) {
      const found = ts.server.ctx.registry.findInstance(ref('compat-beats'), '127.0.0.1', 9101);
      assert.ok(found, `still registered after ${samples} samples`);
      assert.equal(found.instance.healthy, true, 'still healthy');
      samples++;
      await sleep(100);
    }
    const beats = ts.server.ctx.registry.findInstance(ref('compat-beats'), '127.0.0.1', 9101)!.instance.beats?.count ?? 0;
    assert.ok(beats >= 5, `beats at the server's interval (${beats} beats in ${3 * BEAT_TIMEOUT_MS} ms)`);
  });

  await t.test('after a server-side delete, the next beat re-creates the instance', async () => {
    const port = new URL(ts.url).port;
    const res = await fetch(`http://127.0.0.1:${port}/nacos/v1/ns/instance?serviceName=compat-beats&ip=127.0.0.1&port=9101`, { method: 'DELETE' });
    assert.equal(res.status, 200);
    // The client beats every 500 ms, so a beat may re-create it before this line runs: the journal says it was removed.
    assert.equal(ts.server.ctx.journal.query({ service: 'compat-beats', cause: 'INSTANCE_DEREGISTERED' }).total, 1);
    await until('re-created by a beat', () => ts.server.ctx.registry.findInstance(ref('compat-beats'), '127.0.0.1', 9101) !== undefined, 2_000);
    const events = ts.server.ctx.journal.query({ service: 'compat-beats', cause: 'INSTANCE_RECREATED_FROM_BEAT' });
    assert.equal(events.total, 1);
  });

  await t.test('deregisterInstance removes it, and no beat brings it back', async () => {
    await client.deregisterInstance('compat-beats', { ip: '127.0.0.1', port: 9101 });
    assert.equal(ts.server.ctx.registry.findInstance(ref('compat-beats'), '127.0.0.1', 9101), undefined);
    await sleep(3 * BEAT_INTERVAL_MS);
    assert.equal(ts.server.ctx.registry.findInstance(ref('compat-beats'), '127.0.0.1', 9101), undefined);
    for (const port of [9001, 9002]) await client.deregisterInstance('compat-orders', { ip: '127.0.0.1', port });
    assert.deepEqual(ts.server.ctx.registry.query(ref('compat-orders'), { clusters: [], healthyOnly: false }).hosts, []);
  });

  await t.test('close() stops the client without errors on the server side', async () => {
    await client.close();
    closed = true;
    const status = await fetch(`${ts.url}/v1/ns/instance/list?serviceName=compat-orders`);
    assert.equal(status.status, 200);
  });
});
