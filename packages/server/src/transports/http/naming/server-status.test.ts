import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';

/**
 * The `overriddenServerStatus` switch: what the metrics report, which requests a status refuses (Nacos's
 * TrafficReviseFilter rule), and that the operator endpoints stay reachable to set it back.
 */
describe('server status (overriddenServerStatus)', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'gated', ip: '127.0.0.21', port: '8000' });
  });
  after(() => ts.close());
  afterEach(async () => {
    await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'overriddenServerStatus', value: '' });
  });

  const setStatus = async (value: string) => {
    const res = await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'overriddenServerStatus', value });
    assert.equal(res.status, 200, res.text);
  };
  const register = (port: string) => call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'gated', ip: '127.0.0.21', port });
  const listV1 = () => call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=gated');
  const registerV2 = (port: string) => call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'gated', ip: '127.0.0.21', port });
  const listV2 = () => call(ts.url, 'GET', '/v2/ns/instance/list?serviceName=gated');

  it('metrics report the switch as status, v1 and v2, with and without onlyStatus', async () => {
    assert.deepEqual((await call(ts.url, 'GET', '/v1/ns/operator/metrics')).json(), { status: 'UP' });
    await setStatus('DOWN');
    assert.deepEqual((await call(ts.url, 'GET', '/v1/ns/operator/metrics')).json(), { status: 'DOWN' });
    assert.equal((await call(ts.url, 'GET', '/v1/ns/ops/metrics?onlyStatus=false')).json().status, 'DOWN');
    assert.deepEqual((await call(ts.url, 'GET', '/v2/ns/operator/metrics')).json().data, { status: 'DOWN' });
    assert.equal((await call(ts.url, 'GET', '/v2/ns/ops/metrics?onlyStatus=false')).json().data.status, 'DOWN');
    assert.equal((await call(ts.url, 'GET', '/v1/ns/operator/switches')).json().overriddenServerStatus, 'DOWN');
  });

  for (const status of ['DOWN', 'STARTING', 'PAUSED']) {
    it(`${status} refuses every client API with 503 naming the status; operator endpoints still answer`, async () => {
      await setStatus(status.toLowerCase());
      for (const res of [await register('8001'), await listV1(), await call(ts.url, 'PUT', '/v1/ns/instance/beat', { serviceName: 'gated', ip: '127.0.0.21', port: '8000' })]) {
        assert.equal(res.status, 503, res.text);
        assert.match(res.text, new RegExp(`server is ${status} now`));
      }
      for (const res of [await registerV2('8001'), await listV2(), await call(ts.url, 'GET', '/v2/ns/service/list')]) {
        assert.equal(res.status, 503, res.text);
        assert.equal(res.json().code, 30000);
        assert.match(res.json().data, new RegExp(`server is ${status} now`));
      }
      assert.equal(ts.server.ctx.registry.findInstance({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'gated' }, '127.0.0.21', 8001), undefined, 'nothing was registered');
      // Reachable: the operator endpoints (to set the status back), the console namespaces and server state, Cairn's own.
      for (const path of ['/v1/ns/operator/switches', '/v1/ns/ops/metrics', '/v2/ns/operator/switches', '/v1/ns/operator/push/state', '/v1/console/namespaces', '/v1/console/server/state', '/v1/cairn/events']) {
        assert.equal((await call(ts.url, 'GET', path)).status, 200, path);
      }
    });
  }

  it('WRITE_ONLY refuses reads and lets writes through; READ_ONLY the reverse', async () => {
    await setStatus('WRITE_ONLY');
    assert.equal((await register('8002')).status, 200);
    assert.equal((await registerV2('8003')).status, 200);
    const read = await listV1();
    assert.equal(read.status, 503);
    assert.match(read.text, /server is WRITE_ONLY now/);
    assert.equal((await listV2()).status, 503);

    await setStatus('READ_ONLY');
    assert.equal((await listV1()).status, 200);
    assert.equal((await listV2()).status, 200);
    const write = await register('8004');
    assert.equal(write.status, 503);
    assert.match(write.text, /server is READ_ONLY now/);
    assert.equal((await registerV2('8004')).status, 503);
    assert.equal((await call(ts.url, 'DELETE', '/v1/ns/instance?serviceName=gated&ip=127.0.0.21&port=8002')).status, 503);
  });

  it('readiness fails while the status is not UP, liveness does not', async () => {
    await setStatus('PAUSED');
    const ready = await call(ts.url, 'GET', '/v1/console/health/readiness');
    assert.equal(ready.status, 500);
    assert.match(ready.text, /naming not in readiness.*PAUSED/);
    assert.equal((await call(ts.url, 'GET', '/v1/console/health/liveness')).status, 200);
    await setStatus('');
    assert.equal((await call(ts.url, 'GET', '/v1/console/health/readiness')).text, 'OK');
  });

  it('an empty value or "null" restores UP; an unknown status is a 400 naming the field', async () => {
    for (const reset of ['', 'null']) {
      await setStatus('DOWN');
      assert.equal((await listV1()).status, 503);
      await setStatus(reset);
      assert.equal((await listV1()).status, 200, `reset with '${reset}'`);
      assert.deepEqual((await call(ts.url, 'GET', '/v1/ns/operator/metrics')).json(), { status: 'UP' });
      assert.equal((await call(ts.url, 'GET', '/v1/ns/operator/switches')).json().overriddenServerStatus, null);
    }
    await setStatus('DOWN');
    await call(ts.url, 'PUT', '/v2/ns/operator/switches', { entry: 'overriddenServerStatus', value: 'null' });
    assert.equal((await listV1()).status, 200, 'the v2 switch route sets it back too');

    const bad = await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'overriddenServerStatus', value: 'SLEEPING' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /'value'.*overriddenServerStatus/);
    assert.equal((await call(ts.url, 'GET', '/v1/ns/operator/metrics')).json().status, 'UP', 'a refused value changes nothing');
  });
});
