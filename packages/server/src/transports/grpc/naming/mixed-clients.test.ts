import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { freePortPair } from '../../../testing/free-port-pair.js';
import { NacosNamingClient, type NpmHost } from '../../../testing/nacos-npm-naming.js';
import { portsOf, RustNamingClient } from '../../../testing/rust-naming-client.js';
import { call, startTestServer } from '../../../testing/test-server.js';

// Short lifecycle timeouts, so an HTTP instance without beats expires within the test.
const BEAT_TIMEOUT_MS = 1_500;
const DELETE_TIMEOUT_MS = 3_000;
// The npm client's own instance must outlive its first beat (10 s after the client was created).
const LONG_LIVED = { 'preserved.heart.beat.timeout': '30000', 'preserved.ip.delete.timeout': '60000' };

// The deadline only ends a hung test. That a change reached the UDP subscriber by push, not by its 10 s poll, is
// checked on the server's push counters, not by the clock.
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(25);
  }
}

test('HTTP (1.x) and gRPC (2.x) clients share one service: each instance keeps its own lifecycle, and UDP and gRPC subscribers both see every change', { timeout: 90_000 }, async (t) => {
  const port = await freePortPair();
  const ts = await startTestServer({ port, beatIntervalMs: 500, beatTimeoutMs: BEAT_TIMEOUT_MS, deleteTimeoutMs: DELETE_TIMEOUT_MS });
  t.after(() => ts.close());
  const [holder, watcher] = await Promise.all([RustNamingClient.start(port), RustNamingClient.start(port)]);
  t.after(() => {
    holder.dispose();
    watcher.dispose();
  });
  const quiet = { info() {}, debug() {}, warn() {}, error() {} };
  const npm = new NacosNamingClient({ logger: quiet, serverList: `127.0.0.1:${port}`, namespace: 'public' });
  t.after(() => npm.close());
  await npm.ready();

  const listed = async () => portsOf((await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=mixed')).json().hosts);
  const udpSeen: NpmHost[][] = [];
  const udpSaw = (ports: number[], since: number) => udpSeen.slice(since).some((hosts) => JSON.stringify(portsOf(hosts)) === JSON.stringify(ports));
  const acked = () => ts.server.ctx.push.stats.acked;
  // The subscriber saw `ports`, and a UDP push sent after the mark was acked by it: what it saw came by push.
  const udpPushed = (what: string, ports: number[], since: number, ackedBefore: number) => until(what, () => udpSaw(ports, since) && acked() > ackedBefore);

  // A gRPC client's instance; both kinds of subscriber see it.
  await holder.run('registerInstance', 'mixed', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7101 });
  await watcher.run('subscribe', 'mixed', 'DEFAULT_GROUP', []);
  npm.subscribe({ serviceName: 'mixed' }, (hosts) => udpSeen.push(hosts));
  await until('the UDP subscriber lists the gRPC instance', () => udpSaw([7101], 0));

  // An HTTP registration without beats joins it: pushed to both kinds of subscriber.
  let udpMark = udpSeen.length;
  let ackMark = acked();
  let grpcMark = watcher.pushes.length;
  const posted = await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'mixed', ip: '127.0.0.1', port: '7102', ephemeral: 'true' });
  assert.equal(posted.text, 'ok');
  await watcher.pushed([7101, 7102], grpcMark);
  await udpPushed('the UDP subscriber is pushed the HTTP instance', [7101, 7102], udpMark, ackMark);

  // No beat comes for it: it expires on its own timeouts, while the gRPC instance, held by its connection, stays.
  udpMark = udpSeen.length;
  ackMark = acked();
  grpcMark = watcher.pushes.length;
  await watcher.pushed([7101], grpcMark);
  await udpPushed('the UDP subscriber is pushed the expiry', [7101], udpMark, ackMark);
  assert.deepEqual(await listed(), [7101]);
  const expired = (await call(ts.url, 'GET', '/v1/cairn/events?service=mixed&port=7102')).json().events.map((e: { cause: string }) => e.cause);
  assert.ok(expired.includes('INSTANCE_EXPIRED'), `journal of the HTTP instance: ${expired.join(', ')}`);
  const grpcInstance = (await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=mixed')).json().hosts[0];
  assert.equal(grpcInstance.healthy, true, 'no beats are expected of a connection-held instance');

  // A beating HTTP client's instance, then the gRPC client dies: only its instance goes, and both subscribers see it.
  grpcMark = watcher.pushes.length;
  await npm.registerInstance('mixed', { ip: '127.0.0.1', port: 7104, metadata: LONG_LIVED });
  await watcher.pushed([7101, 7104], grpcMark);
  udpMark = udpSeen.length;
  ackMark = acked();
  grpcMark = watcher.pushes.length;
  holder.kill();
  await watcher.pushed([7104], grpcMark);
  await udpPushed('the UDP subscriber is pushed the connection-held instance removal', [7104], udpMark, ackMark);
  assert.deepEqual(await listed(), [7104]);
});
