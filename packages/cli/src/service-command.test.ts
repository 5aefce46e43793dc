import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from './testing/test-server.js';
import { hostPort, runCli } from './testing/run-cli.js';

describe('cairn service list | get', { timeout: 60_000 }, () => {
  let ts: TestServer;
  let server: string;
  before(async () => {
    ts = await startTestServer({}, { fakeTime: true });
    server = hostPort(ts.url);
    const register = (serviceName: string, groupName: string, port: string, extra: Record<string, string> = {}) => call(ts.url, 'POST', '/v1/ns/instance', { serviceName, groupName, ip: '127.0.0.1', port, ...extra });
    await register('orders', 'DEFAULT_GROUP', '8080', { metadata: 'zone=a' });
    await register('billing', 'PAY', '9090');
    assert.equal((await call(ts.url, 'POST', '/v1/console/namespaces', { customNamespaceId: 'dev', namespaceName: 'Dev' })).status, 200);
  });
  after(() => ts.close());

  it('lists every service of the namespace with its counts', async () => {
    const run = await runCli(['service', 'list', '--server', server]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^SERVICE\s+GROUP\s+CLUSTERS\s+INSTANCES\s+HEALTHY$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/)),
      [
        ['orders', 'DEFAULT_GROUP', '1', '1', '1'],
        ['billing', 'PAY', '1', '1', '1'],
      ],
    );

    const pay = JSON.parse((await runCli(['service', 'list', '--server', server, '--group', 'PAY', '--json'])).stdout) as { name: string }[];
    assert.deepEqual(
      pay.map((s) => s.name),
      ['billing'],
    );
    assert.equal((await runCli(['service', 'list', '--server', server, '--namespace', 'dev'])).stdout, 'No services.\n');
  });

  it('shows one service and its instances', async () => {
    const run = await runCli(['service', 'get', '--server', server, '--service', 'orders']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^service\s+orders\ngroup\s+DEFAULT_GROUP\nnamespace\s+public\nkind\s+ephemeral\n/);
    assert.match(run.stdout, /\n\nIP\s+PORT\s+CLUSTER.*\n127\.0\.0\.1\s+8080\s+DEFAULT\s+1\s+true\s+true\s+true\s+zone=a\n$/);

    const json = JSON.parse((await runCli(['service', 'get', '--server', server, '--service', 'billing', '--group', 'PAY', '--json'])).stdout) as { name: string; groupName: string; instances: { port: number }[] };
    assert.deepEqual([json.name, json.groupName, json.instances.map((i) => i.port)], ['billing', 'PAY', [9090]]);
  });

  it("reports an unknown service with the server's words and exit code 1", async () => {
    const run = await runCli(['service', 'get', '--server', server, '--service', 'ghost']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^cairn service get: the server refused \(HTTP 400\): service DEFAULT_GROUP@@ghost is not found!/);
  });
});
