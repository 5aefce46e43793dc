import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePortPair } from '../testing/free-port-pair.js';
import { GrpcTestClient } from '../testing/grpc-test-client.js';
import { call, startTestServer, type TestServer } from '../testing/test-server.js';

// Probes may go to 127.0.0.1 ports 20000-20099 only: everything else (other loopback addresses, other ports) is outside.
const LIMIT = '127.0.0.1/32@20000-20099';

async function hosts(ts: TestServer, service: string): Promise<{ ip: string; port: number }[]> {
  return (await call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=${service}`)).json().hosts;
}

describe('--probe-targets refuses persistent instances the server would probe outside it', () => {
  let ts: TestServer;
  let grpcPort: number;
  before(async () => {
    const port = await freePortPair();
    ts = await startTestServer({ port, probeTargets: LIMIT });
    grpcPort = port + 1000;
  });
  after(() => ts.close());

  test('HTTP v1 and v2: 400 naming ip and saying why; nothing registered; inside the limit registers', async () => {
    const v1 = await call(ts.url, 'POST', '/v1/ns/instance?serviceName=scan&ip=127.0.0.1&port=22&ephemeral=false');
    assert.equal(v1.status, 400, v1.text);
    assert.match(v1.text, /Param 'ip': the server would health-check persistent instance 127\.0\.0\.1:22 at 127\.0\.0\.1:22, but it is outside the probe targets the operator allows \(--probe-targets 127\.0\.0\.1\/32@20000-20099\)/);
    const v2 = await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'scan', ip: '127.0.0.2', port: '20001', ephemeral: 'false' });
    assert.equal(v2.status, 400, v2.text);
    assert.match(v2.json().data ?? v2.json().message, /Param 'ip'.*127\.0\.0\.2:20001.*outside the probe targets/);
    assert.deepEqual(await hosts(ts, 'scan'), []);
    const rejected = (await call(ts.url, 'GET', '/v1/cairn/events?serviceName=scan&cause=REGISTRATION_REJECTED')).json();
    assert.equal(rejected.total, 2, 'each refusal is journaled');

    const inside = await call(ts.url, 'POST', '/v1/ns/instance?serviceName=scan&ip=127.0.0.1&port=20000&ephemeral=false');
    assert.equal(inside.status, 200, inside.text);
    const ephemeral = await call(ts.url, 'POST', '/v1/ns/instance?serviceName=beating&ip=127.0.0.3&port=22');
    assert.equal(ephemeral.status, 200, 'ephemeral instances are never probed: the limit does not apply');
  });

  test('a cluster health-check change that would probe outside is refused naming the field; NONE is allowed', async () => {
    assert.equal((await call(ts.url, 'POST', '/v1/ns/instance?serviceName=checked&ip=127.0.0.1&port=20010&ephemeral=false')).status, 200);
    const cluster = (extra: string) => call(ts.url, 'PUT', `/v1/ns/cluster?serviceName=checked&clusterName=DEFAULT&${extra}`);
    const otherPort = await cluster('checkPort=3306&useInstancePort4Check=false&healthChecker=%7B%22type%22%3A%22TCP%22%7D');
    assert.equal(otherPort.status, 400, otherPort.text);
    assert.match(otherPort.text, /Param 'checkPort'.*127\.0\.0\.1:20010 at 127\.0\.0\.1:3306.*outside the probe targets/);
    const none = await cluster('checkPort=3306&useInstancePort4Check=false&healthChecker=%7B%22type%22%3A%22NONE%22%7D');
    assert.equal(none.status, 200, none.text);
    // With NONE nothing is probed, so an instance anywhere may register into the cluster.
    assert.equal((await call(ts.url, 'POST', '/v1/ns/instance?serviceName=checked&ip=127.0.0.5&port=22&ephemeral=false')).status, 200);
    const back = await cluster('checkPort=80&useInstancePort4Check=true&healthChecker=%7B%22type%22%3A%22TCP%22%7D');
    assert.equal(back.status, 400, 'probing by instance port again would reach 127.0.0.5:22');
    assert.match(back.text, /Param 'healthChecker'.*127\.0\.0\.5:22/);
  });

  test('gRPC PersistentInstanceRequest: an ErrorResponse with code 400 naming the field', async (t) => {
    const client = new GrpcTestClient(grpcPort);
    t.after(() => client.close());
    await client.request('ServerCheckRequest', { headers: {} });
    client.openStream();
    client.send('ConnectionSetupRequest', { clientVersion: 'Nacos-Java-Client:v2.3.2', tenant: '', labels: { source: 'sdk', module: 'naming' }, abilityTable: null });
    while ((await client.request('HealthCheckRequest', { headers: {} })).type !== 'HealthCheckResponse') await sleep(10);
    const request = (port: number) => ({ headers: {}, requestId: '1', namespace: '', serviceName: 'grpc-scan', groupName: 'DEFAULT_GROUP', type: 'registerInstance', instance: { ip: '127.0.0.1', port, ephemeral: false } });
    const answer = await client.request('PersistentInstanceRequest', request(6379));
    assert.deepEqual([answer.type, answer.body.resultCode, answer.body.errorCode], ['ErrorResponse', 400, 400]);
    assert.match(answer.body.message, /Param 'ip'.*127\.0\.0\.1:6379.*outside the probe targets/);
    assert.deepEqual(await hosts(ts, 'grpc-scan'), []);
    assert.equal((await client.request('PersistentInstanceRequest', request(20050))).type, 'InstanceResponse');
  });
});

test('persistent instances stored before the limit are not probed, and the diagnosis says so', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-probe-targets-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const probed = { inside: 0, outside: 0 };
  const sockets = new Set<Socket>();
  const listen = async (ip: string, side: keyof typeof probed): Promise<Server> => {
    const server = createServer((socket) => {
      probed[side]++;
      sockets.add(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, ip, resolve));
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return server;
  };
  const inside = await listen('127.0.0.1', 'inside');
  const outside = await listen('127.0.0.2', 'outside');
  const insidePort = (inside.address() as { port: number }).port;
  const outsidePort = (outside.address() as { port: number }).port;

  const first = await startTestServer({ dataDir });
  for (const [ip, port] of [
    ['127.0.0.1', insidePort],
    ['127.0.0.2', outsidePort],
  ] as const) {
    assert.equal((await call(first.url, 'POST', `/v1/ns/instance?serviceName=stored&ip=${ip}&port=${port}&ephemeral=false`)).status, 200);
  }
  await first.close();

  const ts = await startTestServer({ dataDir, probeTargets: `127.0.0.1@${insidePort}`, healthCheckEnabled: true, probeIntervalMs: 100, probeTimeoutMs: 500 });
  after(() => ts.close());
  assert.equal((await hosts(ts, 'stored')).length, 2, 'both were restored');
  // The one inside is probed several times; the one outside, scheduled alike, never.
  while (probed.inside < 3) await sleep(20);
  assert.equal(probed.outside, 0);
  const d = (await call(ts.url, 'GET', `/v1/cairn/diagnosis?serviceName=stored&ip=127.0.0.2&port=${outsidePort}`)).json();
  assert.match(
    d.explanation,
    new RegExp(`Not probed: TCP to 127\\.0\\.0\\.2:${outsidePort} is not allowed \\(it is outside the probe targets the operator allows \\(--probe-targets 127\\.0\\.0\\.1@${insidePort}\\)\\), so its health changes only by hand\\.`),
  );
  const ok = (await call(ts.url, 'GET', `/v1/cairn/diagnosis?serviceName=stored&ip=127.0.0.1&port=${insidePort}`)).json();
  assert.doesNotMatch(ok.explanation, /Not probed/);
});
