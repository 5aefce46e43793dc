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
