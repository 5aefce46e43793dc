import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

describe('/v1/ns/operator', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ beatIntervalMs: 4000 });
  });
  after(() => ts.close());

  it('shares one switch object between v1 and v2', async () => {
    assert.equal((await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'serverStatusSynchronizationPeriodMillis', value: '3000' })).status, 200);
    const v2 = (await call(ts.url, 'GET', '/v2/ns/operator/switches')).json();
    assert.equal(v2.code, 0);
    assert.equal(v2.data.serverStatusSynchronizationPeriodMillis, 3000);
    const bad = await call(ts.url, 'PUT', '/v2/ns/ops/switches', { entry: 'distroThreshold', value: 'x' });
    assert.equal(bad.status, 400);
    assert.match(bad.json().data, /value/);
  });

  it('reports status UP, and the counts when asked', async () => {
    assert.deepEqual((await call(ts.url, 'GET', '/v1/ns/operator/metrics')).json(), { status: 'UP' });
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'm1', ip: '10.0.4.1', port: '80' });
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'm1', ip: '10.0.4.2', port: '80' });
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'm2', ip: '10.0.4.1', port: '80' });
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'm3', ip: '10.0.4.3', port: '3306', ephemeral: 'false' });
    const res = (await call(ts.url, 'GET', '/v1/ns/ops/metrics?onlyStatus=false')).json();
    assert.equal(res.status, 'UP');
    assert.equal(res.serviceCount, 3);
    assert.equal(res.instanceCount, 4);
    assert.equal(res.subscribeCount, 0);
    assert.equal(res.ephemeralIpPortClientCount, 2);
    assert.equal(res.persistentIpPortClientCount, 1);
    assert.equal(res.clientCount, 3);
    for (const key of ['cpu', 'load', 'mem']) assert.equal(typeof res[key], 'number', key);
  });

  it('shows the switches with Nacos field names and the real settings', async () => {
    const res = (await call(ts.url, 'GET', '/v1/ns/operator/switches')).json();
    assert.equal(res.name, '00-00---000-NACOS_SWITCH_DOMAIN-000---00-00');
    assert.equal(res.clientBeatInterval, 4000, 'from the server options');
    assert.equal(res.defaultPushCacheMillis, 10000);
    assert.equal(res.pushEnabled, true);
    assert.equal(res.healthCheckEnabled, false, 'test servers start with probes off, and the switch says so');
    assert.equal(res.defaultInstanceEphemeral, true);
    assert.equal(res.distroThreshold, 0.7);
    assert.deepEqual(res.notInEffect, []);
  });

  it('updates a switch and says when the server does not apply it', async () => {
    assert.equal((await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'distroThreshold', value: '0.9' })).text, 'ok');
    assert.equal((await call(ts.url, 'PUT', '/v1/ns/ops/switches', { entry: 'clientBeatInterval', value: '6000' })).text, 'ok');
    assert.equal((await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'pushVersion', type: 'java', value: '1.2.0' })).text, 'ok');
    assert.equal((await call(ts.url, 'PUT', '/v1/ns/operator/switches?entry=overriddenServerStatus&value=')).status, 200);
    const res = (await call(ts.url, 'GET', '/v1/ns/ops/switches')).json();
    assert.equal(res.distroThreshold, 0.9);
    assert.equal(res.clientBeatInterval, 6000);
    assert.equal(res.pushJavaVersion, '1.2.0');
    assert.equal(res.overriddenServerStatus, null);
    assert.deepEqual(res.notInEffect, ['clientBeatInterval']);
    await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'clientBeatInterval', value: '4000' });
    assert.deepEqual((await call(ts.url, 'GET', '/v1/ns/operator/switches')).json().notInEffect, []);
  });

  it('applies defaultInstanceEphemeral and pushEnabled at once', async () => {
    assert.equal((await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'defaultInstanceEphemeral', value: 'false' })).status, 200);
    assert.equal((await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'sw-kind', ip: '127.0.0.1', port: '81' })).status, 200);
    assert.equal((await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=sw-kind')).json().hosts[0].ephemeral, false);
    await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'defaultInstanceEphemeral', value: 'true' });
    assert.equal((await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'sw-kind2', ip: '127.0.0.1', port: '81' })).status, 200);
    assert.equal((await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=sw-kind2')).json().hosts[0].ephemeral, true);

    assert.equal((await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'pushEnabled', value: 'false' })).status, 200);
    await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=sw-kind2&udpPort=40001&clientIP=127.0.0.1');
    assert.equal(ts.server.ctx.push.subscribers({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'sw-kind2' }).length, 0);
    assert.equal((await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'pushEnabled', value: 'true' })).status, 200);
    await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=sw-kind2&udpPort=40001&clientIP=127.0.0.1');
    assert.equal(ts.server.ctx.push.subscribers({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'sw-kind2' }).length, 1);
    assert.deepEqual((await call(ts.url, 'GET', '/v1/ns/operator/switches')).json().notInEffect, []);
  });

  it('refuses bad switch updates with 400 naming the field', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ entry: 'clientBeatInterval', value: 'soon' }, /'value'.*clientBeatInterval/],
      [{ entry: 'pushCacheMillis', value: '5000' }, /'value'.*pushCacheMillis/],
      [{ entry: 'distroThreshold', value: '0' }, /'value'/],
      [{ entry: 'pushEnabled', value: 'yes please' }, /'value'/],
      [{ entry: 'overriddenServerStatus', value: 'SLEEPING' }, /'value'/],
      [{ entry: 'limitedUrl', value: '/nacos/v1/ns:abc' }, /'value'/],
      [{ entry: 'noSuchSwitch', value: '1' }, /'entry'/],
      [{ entry: 'pushVersion', value: '1.0.0' }, /'type'/],
      [{ entry: 'pushVersion', type: 'cobol', value: '1.0.0' }, /'type'/],
      [{ value: '1' }, /'entry'/],
      [{ entry: 'distroThreshold' }, /'value'/],
    ];
    for (const [body, field] of cases) {
      const res = await call(ts.url, 'PUT', '/v1/ns/operator/switches', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.match(res.text, field, JSON.stringify(body));
    }
    assert.equal((await call(ts.url, 'GET', '/v1/ns/operator/switches')).json().pushEnabled, true, 'nothing changed');
  });

  it('reports the push state', async () => {
    const res = (await call(ts.url, 'GET', '/v1/ns/operator/push/state?detail=true&reset=true')).json();
    assert.deepEqual(Object.keys(res).sort(), ['detail', 'ratio', 'reset', 'succeed', 'total']);
    assert.equal(res.reset, true);
    assert.ok(Array.isArray(res.detail));
    assert.equal((await call(ts.url, 'GET', '/v1/ns/operator/push/state?reset=maybe')).status, 400);
  });

  it('answers the console server state', async () => {
    const res = (await call(ts.url, 'GET', '/v1/console/server/state')).json();
    assert.equal(res.standalone_mode, 'standalone');
    assert.equal(res.server_port, new URL(ts.url).port);
    assert.equal(typeof res.version, 'string');
    assert.equal(res.auth_enabled, 'false');
  });

  it('answers a bad onlyStatus with 400', async () => {
    const res = await call(ts.url, 'GET', '/v1/ns/operator/metrics?onlyStatus=perhaps');
    assert.equal(res.status, 400);
    assert.match(res.text, /onlyStatus/);
  });
});
