import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';

/** Heartbeats as Nacos 2.5.1 answers them: the v2 beat names its service `group@@service`, both report the switch. */
describe('beat answers (v1 and v2)', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  const beatV2 = (params: Record<string, string>) => call(ts.url, 'PUT', '/v2/ns/instance/beat', params);

  it('v2 beat takes the grouped name group@@service, and the group comes from it, not from groupName', async () => {
    await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'beats', groupName: 'shop', ip: '127.0.0.11', port: '7000' });
    const known = await beatV2({ serviceName: 'shop@@beats', ip: '127.0.0.11', port: '7000' });
    assert.equal(known.status, 200, known.text);
    assert.deepEqual(known.json(), { clientBeatInterval: 5000, code: 10200, lightBeatEnabled: true });
    // Nacos reads the group from the grouped name only; a groupName beside it changes nothing.
    const ignored = await beatV2({ serviceName: 'shop@@beats', groupName: 'elsewhere', ip: '127.0.0.11', port: '7000' });
    assert.equal(ignored.json().code, 10200);
    const lost = await beatV2({ serviceName: 'other@@beats', ip: '127.0.0.11', port: '7000' });
    assert.equal(lost.json().code, 20404, 'the same name in another group is another service');
  });

  it('v2 beat with beat JSON re-creates the instance in the group of the grouped name', async () => {
    const beat = JSON.stringify({ serviceName: 'shop@@reborn', ip: '127.0.0.12', port: 7001, cluster: 'c1', weight: 2, metadata: { k: 'v' } });
    const res = await beatV2({ serviceName: 'shop@@reborn', beat });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().code, 10200);
    const hosts = (await call(ts.url, 'GET', '/v2/ns/instance/list?serviceName=reborn&groupName=shop')).json().data.hosts;
    assert.deepEqual(
      hosts.map((h: { ip: string; port: number; clusterName: string }) => `${h.ip}:${h.port} ${h.clusterName}`),
      ['127.0.0.12:7001 c1'],
    );
  });

  it('v2 beat with a bare service name is a 400 (code 20002) naming serviceName, as in Nacos', async () => {
    await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'bare', ip: '127.0.0.13', port: '7002' });
    for (const serviceName of ['bare', '@@bare', 'DEFAULT_GROUP@@']) {
      const res = await beatV2({ serviceName, groupName: 'DEFAULT_GROUP', ip: '127.0.0.13', port: '7002' });
      assert.equal(res.status, 400, `${serviceName}: ${res.text}`);
      assert.equal(res.json().code, 20002, serviceName);
      assert.match(res.json().data, /serviceName/, serviceName);
    }
    assert.match((await beatV2({ serviceName: 'bare', ip: '127.0.0.13', port: '7002' })).json().data, /groupName@@serviceName/);
    const missing = await beatV2({ ip: '127.0.0.13', port: '7002' });
    assert.equal(missing.status, 400);
    assert.equal(missing.json().code, 10000);
  });

  it('v1 and v2 beats report the lightBeatEnabled switch as it is now', async () => {
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'light', ip: '127.0.0.14', port: '7003' });
    const v1 = () => call(ts.url, 'PUT', '/v1/ns/instance/beat', { serviceName: 'DEFAULT_GROUP@@light', ip: '127.0.0.14', port: '7003' });
    const v2 = () => beatV2({ serviceName: 'DEFAULT_GROUP@@light', ip: '127.0.0.14', port: '7003' });
    try {
      assert.equal((await call(ts.url, 'PUT', '/v1/ns/operator/switches', { entry: 'lightBeatEnabled', value: 'false' })).status, 200);
      assert.deepEqual((await v1()).json(), { clientBeatInterval: 5000, code: 10200, lightBeatEnabled: false });
      assert.deepEqual((await v2()).json(), { clientBeatInterval: 5000, code: 10200, lightBeatEnabled: false });
      assert.equal((await call(ts.url, 'GET', '/v1/ns/operator/switches')).json().lightBeatEnabled, false);
      assert.deepEqual((await call(ts.url, 'GET', '/v1/ns/operator/switches')).json().notInEffect, [], 'the switch is applied');
    } finally {
      await call(ts.url, 'PUT', '/v2/ns/operator/switches', { entry: 'lightBeatEnabled', value: 'true' });
    }
    assert.equal((await v1()).json().lightBeatEnabled, true);
    assert.equal((await v2()).json().lightBeatEnabled, true);
  });
});
