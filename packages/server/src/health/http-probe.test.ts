import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { httpProbe, parseHeaders } from './http-probe.js';
import { CLIENT, persistentInstance, probeHarness, REF } from './testing.js';

// One HTTP server whose answer the tests switch, and one TCP server that accepts and never answers.
let status = 200;
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
let web: Server;
let webPort = 0;
let hung: TcpServer;
let hungPort = 0;
const hungSockets = new Set<Socket>();

async function listen(server: Server | TcpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

before(async () => {
  web = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (status === 302) res.setHeader('location', '/elsewhere');
    res.statusCode = status;
    res.end('body');
  });
  webPort = await listen(web);
  hung = createTcpServer((socket) => {
    hungSockets.add(socket);
    socket.on('close', () => hungSockets.delete(socket));
  });
  hungPort = await listen(hung);
});

after(async () => {
  for (const socket of hungSockets) socket.destroy();
  await Promise.all([new Promise((r) => web.close(r)), new Promise((r) => hung.close(r))]);
});

const target = (port: number, checker: { path?: string; headers?: string } = {}) => ({ type: 'HTTP' as const, ip: '127.0.0.1', port, checker: { type: 'HTTP' as const, ...checker } });
const probe = (port: number, checker: { path?: string; headers?: string } = {}, timeoutMs = 500) => httpProbe(target(port, checker), timeoutMs, new AbortController().signal);

test('GET on the path with the checker headers; 200 passes', async () => {
  status = 200;
  seen.length = 0;
  const result = await probe(webPort, { path: 'health', headers: 'X-Probe:yes|Authorization: Bearer t0k|broken' });
  assert.deepEqual({ ...result, durationMs: 0 }, { ok: true, failNow: false, status: 200, probe: 'HTTP', target: `127.0.0.1:${webPort}/health`, durationMs: 0 });
  assert.equal(seen[0].url, '/health');
  assert.equal(seen[0].headers['x-probe'], 'yes');
  assert.equal(seen[0].headers.authorization, 'Bearer t0k');
  assert.equal(seen[0].headers['user-agent'], 'VIPServer');
});

test('503 and 302 are ordinary failures (redirects are not followed); other statuses and a refused connection fail now', async () => {
  status = 503;
  assert.deepEqual(pick(await probe(webPort)), { ok: false, failNow: false, status: 503, error: 'HTTP 503' });
  status = 302;
  seen.length = 0;
  assert.deepEqual(pick(await probe(webPort, { path: '/health' })), { ok: false, failNow: false, status: 302, error: 'HTTP 302' });
  assert.deepEqual(
    seen.map((s) => s.url),
    ['/health'],
    'the redirect was not followed',
  );
  status = 404;
  assert.deepEqual(pick(await probe(webPort)), { ok: false, failNow: true, status: 404, error: 'HTTP 404' });
  const closed = createServer();
  const closedPort = await listen(closed);
  await new Promise((r) => closed.close(r));
  assert.deepEqual(pick(await probe(closedPort)), { ok: false, failNow: true, status: undefined, error: 'ECONNREFUSED' });
});

test('a target that accepts but never answers times out (ETIMEDOUT, an ordinary failure)', async () => {
  const result = await probe(hungPort, {}, 150);
  assert.deepEqual(pick(result), { ok: false, failNow: false, status: undefined, error: 'ETIMEDOUT' });
  assert.ok(result.durationMs >= 140 && result.durationMs < 1_000, `took ${result.durationMs} ms`);
});

test('the headers setting: k:v|k2:v2, values may hold colons, entries without a name are skipped', () => {
  assert.deepEqual(parseHeaders('A:1|B: x:y | :nameless|junk|'), { a: '1', b: 'x:y' });
  assert.deepEqual(parseHeaders(undefined), {});
});

test('scheduled: three 503s in a row flip it unhealthy, three 200s flip it back (PROBE_RECOVERED)', async () => {
  const { registry, journal, scheduler, advance } = probeHarness({ firstProbeJitterMs: 0 });
  registry.registerInstance(persistentInstance('127.0.0.1', 1), CLIENT);
  registry.updateCluster({ ...REF, cluster: 'DEFAULT', healthChecker: { type: 'HTTP', path: '/health' }, checkPort: webPort, useInstancePortForCheck: false }, CLIENT);
  const healthy = () => registry.findInstance(REF, '127.0.0.1', 1)!.instance.healthy;
  status = 200;
  scheduler.start();
  await advance(0);
  assert.equal(healthy(), true);
  status = 503;
  await advance(5_000);
  await advance(5_000);
  assert.equal(healthy(), true, 'two failures are not enough');
  await advance(5_000);
  assert.equal(healthy(), false);
  const failures = journal.query({ cause: 'PROBE_FAILED' }).events.reverse();
  assert.deepEqual(
    failures.map((e) => [e.evidence.status, e.evidence.error, e.evidence.consecutive, e.evidence.flipped]),
    [
      [503, 'HTTP 503', 1, false],
      [503, 'HTTP 503', 2, false],
      [503, 'HTTP 503', 3, true],
    ],
  );
  assert.equal(failures[2].evidence.target, `127.0.0.1:${webPort}/health`);
  status = 200;
  await advance(5_000);
  await advance(5_000);
  assert.equal(healthy(), false);
  await advance(5_000);
  assert.equal(healthy(), true);
  const [recovered] = journal.query({ cause: 'PROBE_RECOVERED' }).events;
  assert.equal(recovered.evidence.consecutive, 3);
  assert.equal(recovered.evidence.unhealthyForMs, 15_000);
  await scheduler.stop();
});

test('scheduled: a hung target times out without delaying the probes of other instances', async () => {
  const { registry, scheduler, probeTime } = probeHarness({ firstProbeJitterMs: 0, timeoutMs: 1_000 });
  registry.registerInstance(persistentInstance('127.0.0.1', hungPort, { name: 'stuck' }), CLIENT);
  registry.updateCluster({ ...REF, name: 'stuck', cluster: 'DEFAULT', healthChecker: { type: 'HTTP' }, checkPort: 80, useInstancePortForCheck: true }, CLIENT);
  registry.registerInstance(persistentInstance('127.0.0.1', webPort), CLIENT);
  registry.updateCluster({ ...REF, cluster: 'DEFAULT', healthChecker: { type: 'HTTP' }, checkPort: 80, useInstancePortForCheck: true }, CLIENT);
  status = 200;
  scheduler.start();
  const started = performance.now();
  probeTime.advance(0); // both start now; the stuck one is listed first
  const fine = registry.findInstance(REF, '127.0.0.1', webPort)!.instance;
  while (!fine.probe?.lastResult && performance.now() - started < 2_000) await new Promise((r) => setTimeout(r, 5));
  const answeredAfter = performance.now() - started;
  assert.equal(fine.probe?.lastResult?.ok, true);
  assert.equal(scheduler.stats.running, 1, 'the stuck probe is still in flight');
  assert.ok(answeredAfter < 1_000, `the healthy instance's probe ended after ${answeredAfter} ms, before the stuck one's timeout`);
  await scheduler.settled();
  const stuck = registry.findInstance({ ...REF, name: 'stuck' }, '127.0.0.1', hungPort)!.instance;
  assert.equal(stuck.probe?.lastResult?.error, 'ETIMEDOUT');
  assert.ok(stuck.probe!.lastResult!.durationMs >= 990);
  assert.equal(stuck.healthy, true, 'a timeout is an ordinary failure: one is not enough');
  await scheduler.stop();
});

function pick(r: { ok: boolean; failNow: boolean; status?: number; error?: string }) {
  return { ok: r.ok, failNow: r.failNow, status: r.status, error: r.error };
}
