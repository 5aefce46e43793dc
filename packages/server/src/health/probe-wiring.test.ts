import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, test } from 'node:test';
import { call, startTestServer } from '../testing/test-server.js';

async function listen(port = 0): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a running server probes persistent instances: closed port → unhealthy with the reason, open again → healthy', async () => {
  const ts = await startTestServer({ healthCheckEnabled: true, probeIntervalMs: 100, probeTimeoutMs: 200 });
  after(() => ts.close());
  let target = await listen();
  const port = (target.address() as { port: number }).port;
  const reg = await call(ts.url, 'POST', `/v1/ns/instance?serviceName=db&ip=127.0.0.1&port=${port}&ephemeral=false`);
  assert.equal(reg.status, 200);
  const healthy = async () => (await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=db')).json().hosts[0]?.healthy;

  await new Promise<void>((resolve) => target.close(() => resolve()));
  await until('the instance turns unhealthy', async () => (await healthy()) === false);
  const diagnosis = (await call(ts.url, 'GET', `/v1/cairn/diagnosis?serviceName=db&ip=127.0.0.1&port=${port}`)).json();
  assert.equal(diagnosis.state, 'unhealthy');
  assert.match(diagnosis.explanation, /TCP/);
  assert.match(diagnosis.explanation, /ECONNREFUSED/);

  target = await listen(port);
  after(() => new Promise<void>((resolve) => target.close(() => resolve())));
  await until('the instance is healthy again', async () => (await healthy()) === true);
  const causes = (await call(ts.url, 'GET', `/v1/cairn/events?serviceName=db&port=${port}`)).json().events.map((e: { cause: string }) => e.cause);
  assert.ok(causes.includes('PROBE_FAILED') && causes.includes('PROBE_RECOVERED'), causes.join(','));
});

test('the healthCheckEnabled switch reaches the probes: off at start, on by PUT check=true, off again by the v2 route', async () => {
  const ts = await startTestServer({ healthCheckEnabled: false, probeIntervalMs: 100, probeTimeoutMs: 200 });
  after(() => ts.close());
  const closed = await listen();
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  assert.equal((await call(ts.url, 'POST', `/v1/ns/instance?serviceName=switched&ip=127.0.0.1&port=${port}&ephemeral=false`)).status, 200);
  const switches = async () => (await call(ts.url, 'GET', '/v1/ns/operator/switches')).json();
  const healthy = async () => (await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=switched')).json().hosts[0]?.healthy;
  const probeEvents = async () => (await call(ts.url, 'GET', `/v1/cairn/events?serviceName=switched&cause=PROBE_FAILED`)).json().events.length;

  assert.equal((await switches()).healthCheckEnabled, false, 'the switch shows the server setting');
  await new Promise((resolve) => setTimeout(resolve, 400)); // four probe intervals
  assert.equal(await healthy(), true, 'not probed while the switch is off');
  assert.equal(await probeEvents(), 0);

  assert.equal((await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'check', value: 'true' })).text, 'ok');
  assert.deepEqual((await switches()).notInEffect, [], 'the switch is applied, not only kept');
  await until('the instance turns unhealthy once probes run', async () => (await healthy()) === false);

  assert.equal((await call(ts.url, 'PUT', '/v2/ns/operator/switches', { entry: 'healthCheckEnabled', value: 'false' })).json().code, 0);
  const s = await switches();
  assert.equal(s.healthCheckEnabled, false);
  assert.deepEqual(s.notInEffect, []);
  const failures = await probeEvents();
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(await probeEvents(), failures, 'no probe after the switch went off');
});
