import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NacosNamingClient, type NpmHost } from '../testing/nacos-npm-naming.js';
import { startTestServer, TEST_ADMIN_PASSWORD } from '../testing/test-server.js';

/*
 * The published `nacos` npm client (HTTP v1) against a server with auth on. It never logs in: it sends `username`
 * and `password` as parameters of every call, beats included. Its first beat comes 10 s after it was created.
 */

const quiet = { info() {}, debug() {}, warn() {}, error() {} };

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

test('the nacos npm client with a username and password registers, beats and subscribes with auth on; with a wrong password it is refused', { timeout: 60_000 }, async (t) => {
  const ts = await startTestServer({ authEnabled: true, beatIntervalMs: 500 });
  const serverList = `127.0.0.1:${new URL(ts.url).port}`;
  const client = new NacosNamingClient({ logger: quiet, serverList, namespace: 'public', username: 'nacos', password: TEST_ADMIN_PASSWORD });
  const guesser = new NacosNamingClient({ logger: quiet, serverList, namespace: 'public', username: 'nacos', password: 'not-the-password' });
  t.after(async () => {
    await Promise.all([client.close(), guesser.close()]);
    await ts.close();
  });
  const ref = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'npm-orders' };
  const found = (port: number) => ts.server.ctx.registry.findInstance(ref, '127.0.0.1', port);

  await client.registerInstance('npm-orders', { ip: '127.0.0.1', port: 9001 });
  assert.ok(found(9001));

  const calls: NpmHost[][] = [];
  client.subscribe({ serviceName: 'npm-orders' }, (hosts) => calls.push(hosts));
  await until('the listener is called with the instance', () => calls.some((hosts) => hosts.some((h) => h.port === 9001)), 5_000);

  await assert.rejects(guesser.registerInstance('npm-orders', { ip: '127.0.0.1', port: 9002 }), /failed to req API/);
  await assert.rejects(guesser.getAllInstances('npm-orders', 'DEFAULT_GROUP', '', false), /failed to req API/);
  assert.equal(found(9002), undefined);

  // The client's beat loop first runs 10 s after it was created; its beats carry the credentials too.
  await until('a beat arrives', () => (found(9001)?.instance.beats?.count ?? 0) > 0, 15_000);
  assert.equal(found(9002), undefined, "the refused client's beats did not create its instance");
});
