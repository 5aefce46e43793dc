import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { call, startTestServer, type TestServer } from '../testing/test-server.js';
import { ProbeScheduler } from './probe-scheduler.js';

// A real server on a random port, a scheduler on its registry as app.ts wires it, and a client speaking HTTP.
let ts: TestServer;
let scheduler: ProbeScheduler;
let upPort = 0;
let downPort = 0;
let up: Server;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 3_000;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  up = createServer((socket) => socket.destroy());
  await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
  upPort = (up.address() as { port: number }).port;
  downPort = await freePort();
  ts = await startTestServer();
  scheduler = new ProbeScheduler(ts.server.ctx.registry, ts.server.ctx.events, { intervalMs: 50, timeoutMs: 500, concurrency: 8, enabled: true, firstProbeJitterMs: 20 }, pino({ level: 'silent' }));
  scheduler.start();
});

after(async () => {
  await scheduler.stop();
  await ts.close();
  await new Promise((r) => up.close(r));
});

const register = (service: string, port: number) => call(ts.url, 'POST', '/v1/ns/instance', { serviceName: service, ip: '127.0.0.1', port: String(port), ephemeral: 'false' });

test('a persistent instance on a closed port turns unhealthy, stays registered, and the diagnosis says why', async () => {
  assert.equal((await register('web', downPort)).text, 'ok');
  assert.equal((await register('web', upPort)).text, 'ok');
  const hosts = async () => (await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=web')).json().hosts as { port: number; healthy: boolean }[];
  await waitFor('the closed port to turn unhealthy', async () => (await hosts()).some((h) => h.port === downPort && !h.healthy));
  assert.deepEqual(
    (await hosts()).map((h) => [h.port, h.healthy]).sort(),
    [
      [downPort, false],
      [upPort, true],
    ].sort(),
  );
  const d = (await call(ts.url, 'GET', `/v1/cairn/diagnosis?serviceName=web&ip=127.0.0.1&port=${downPort}`)).json();
  assert.equal(d.state, 'unhealthy');
  assert.match(d.explanation, new RegExp(`^Unhealthy since \\d\\d:\\d\\d:\\d\\d: 1 TCP probe to 127\\.0\\.0\\.1:${downPort} failed with ECONNREFUSED`));
  assert.equal(d.probe.type, 'TCP');
  assert.equal(d.probe.last.error, 'ECONNREFUSED');
  const events = (await call(ts.url, 'GET', `/v1/cairn/events?serviceName=web&cause=PROBE_FAILED&port=${downPort}`)).json().events;
  assert.equal(events.at(-1).evidence.error, 'ECONNREFUSED');
  assert.equal(events.at(-1).evidence.flipped, true);
  assert.equal(events.length, 1, 'while it stays unhealthy, one failure a minute at most');
});

test('manual marking is refused while probes run, and works once the cluster is NONE, which is never probed', async () => {
  assert.equal((await register('manual', upPort)).text, 'ok');
  const mark = (healthy: string) => call(ts.url, 'PUT', '/v1/ns/health', { serviceName: 'manual', ip: '127.0.0.1', port: String(upPort), healthy, username: 'ops' });
  const refused = await mark('false');
  assert.equal(refused.status, 400);
  assert.match(refused.text, /health check is still working/);
  const cluster = await call(ts.url, 'PUT', '/v1/ns/cluster', {
    serviceName: 'manual',
    clusterName: 'DEFAULT',
    checkPort: '80',
    useInstancePort4Check: 'true',
    healthChecker: '{"type":"NONE"}',
  });
  assert.equal(cluster.text, 'ok');
  const probed = () => ts.server.ctx.registry.findInstance({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'manual' }, '127.0.0.1', upPort)!.instance.probe?.lastAt;
  const before = probed();
  assert.equal((await mark('false')).text, 'ok');
  await new Promise((r) => setTimeout(r, 200)); // four intervals
  assert.equal(probed(), before, 'a NONE cluster is not probed');
  const d = (await call(ts.url, 'GET', `/v1/cairn/diagnosis?serviceName=manual&ip=127.0.0.1&port=${upPort}`)).json();
  assert.equal(d.state, 'unhealthy', 'probes would have found it healthy; only the mark counts');
  assert.match(d.explanation, /^Marked unhealthy by hand at \d\d:\d\d:\d\d by 127\.0\.0\.1 \(claiming to be user ops; not verified\) \(PUT \/nacos\/v1\/ns\/health\); its cluster's health checker is NONE/);
  const [marked] = (await call(ts.url, 'GET', '/v1/cairn/events?serviceName=manual&cause=HEALTH_MARKED')).json().events;
  assert.deepEqual([marked.evidence.healthy, marked.evidence.claimedUser, marked.evidence.by], [false, 'ops', '127.0.0.1']);
});

test('a deregistered persistent instance is no longer probed', async () => {
  assert.equal((await register('gone', upPort)).text, 'ok');
  const ref = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'gone' };
  await waitFor('a first probe', async () => ts.server.ctx.registry.findInstance(ref, '127.0.0.1', upPort)?.instance.probe !== undefined);
  const tracked = scheduler.stats.tracked;
  const removed = await call(ts.url, 'DELETE', `/v1/ns/instance?serviceName=gone&ip=127.0.0.1&port=${upPort}&ephemeral=false`);
  assert.equal(removed.text, 'ok');
  assert.equal(scheduler.stats.tracked, tracked - 1);
});
