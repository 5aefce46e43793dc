import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { call, startTestServer } from '../testing/test-server.js';

// Issue scope "v1 and v2 parity for persistent instances and cluster health-check settings": what v2 writes is
// stored like v1, and what v1 set up for a cluster is what v2 shows, before and after a restart.
test('v2 persistent instances and v1 cluster settings survive a restart and read the same on v1 and v2', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-v2-parity-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await startTestServer({ dataDir });
  const reg = (port: number) =>
    call(first.url, 'POST', '/v2/ns/instance', {
      serviceName: 'ledger',
      groupName: 'fin',
      ip: '127.0.0.1',
      port: String(port),
      ephemeral: 'false',
      weight: '3',
      metadata: '{"role":"replica"}',
    });
  assert.deepEqual((await reg(5432)).json(), { code: 0, message: 'success', data: 'ok' });
  assert.equal((await reg(5433)).json().code, 0);
  const checker = encodeURIComponent('{"type":"HTTP","path":"/ready","headers":"X-Probe:cairn"}');
  assert.equal((await call(first.url, 'PUT', `/v1/ns/cluster?serviceName=fin@@ledger&clusterName=DEFAULT&checkPort=9000&useInstancePort4Check=false&healthChecker=${checker}`)).text, 'ok');
  const v2Deregister = await call(first.url, 'DELETE', '/v2/ns/instance', { serviceName: 'ledger', groupName: 'fin', ip: '127.0.0.1', port: '5433', ephemeral: 'false' });
  assert.equal(v2Deregister.json().code, 0);
  // An ephemeral instance into the persistent service is refused on v2 as on v1, with the reason.
  const wrongKind = await call(first.url, 'POST', '/v2/ns/instance', { serviceName: 'ledger', groupName: 'fin', ip: '127.0.0.1', port: '5434' });
  assert.equal(wrongKind.status, 400);
  assert.match(JSON.stringify(wrongKind.json()), /persistent/);
  await first.close();

  const second = await startTestServer({ dataDir });
  after(() => second.close());
  const v2List = (await call(second.url, 'GET', '/v2/ns/instance/list?serviceName=ledger&groupName=fin')).json();
  assert.equal(v2List.code, 0);
  assert.deepEqual(
    v2List.data.hosts.map((h: { port: number; ephemeral: boolean; weight: number; metadata: unknown }) => [h.port, h.ephemeral, h.weight, h.metadata]),
    [[5432, false, 3, { role: 'replica' }]],
    'the v2 registration survived; the v2 deregistration stayed done',
  );
  const v1List = (await call(second.url, 'GET', '/v1/ns/instance/list?serviceName=fin@@ledger')).json();
  assert.deepEqual(
    v1List.hosts.map((h: { port: number }) => h.port),
    [5432],
  );
  const v2Detail = (await call(second.url, 'GET', '/v2/ns/instance?serviceName=ledger&groupName=fin&ip=127.0.0.1&port=5432')).json();
  assert.equal(v2Detail.code, 0);
  assert.equal(v2Detail.data.healthy, true);

  const service = (await call(second.url, 'GET', '/v2/ns/service?serviceName=ledger&groupName=fin')).json().data;
  assert.equal(service.ephemeral, false);
  assert.equal(service.clusterMap.DEFAULT.healthChecker.type, 'HTTP');
  assert.equal(service.clusterMap.DEFAULT.healthChecker.path, '/ready');
  assert.equal(service.clusterMap.DEFAULT.healthChecker.headers, 'X-Probe:cairn');
  const v1Cluster = (await call(second.url, 'GET', '/v1/ns/catalog/service?serviceName=ledger&groupName=fin')).json().clusters[0];
  assert.equal(v1Cluster.healthChecker.type, 'HTTP');
  assert.equal(v1Cluster.defaultCheckPort, 9000);
  assert.equal(v1Cluster.useIPPort4Check, false);
});
