import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

describe('naming v2 client and operator routes', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
    await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'web', ip: '10.0.0.1', port: '80' });
    await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'api', groupName: 'g', ip: '10.0.0.1', port: '80', clusterName: 'east' });
    await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'db', ip: '10.0.0.2', port: '3306', ephemeral: 'false' });
  });
  after(() => ts.close());

  it('derives one HTTP client per address and kind', async () => {
    const list = await call(ts.url, 'GET', '/v2/ns/client/list');
    assert.deepEqual(list.json(), { code: 0, message: 'success', data: ['10.0.0.1:80#true', '10.0.0.2:3306#false'] });

    const detail = await call(ts.url, 'GET', `/v2/ns/client?clientId=${encodeURIComponent('10.0.0.2:3306#false')}`);
    const data = detail.json().data;
    assert.equal(data.clientType, 'ipPort');
    assert.equal(data.ephemeral, false);
    assert.equal(data.clientIp, '10.0.0.2');
    assert.equal(data.clientPort, 3306);
    assert.ok(data.lastUpdatedTime > 0);
  });

  it('lists what a client publishes, and who publishes a service', async () => {
    const published = await call(ts.url, 'GET', `/v2/ns/client/publish/list?clientId=${encodeURIComponent('10.0.0.1:80#true')}`);
    const items = published.json().data.sort((a: { serviceName: string }, b: { serviceName: string }) => a.serviceName.localeCompare(b.serviceName));
    assert.deepEqual(items, [
      { namespace: 'public', group: 'g', serviceName: 'api', registeredInstance: { ip: '10.0.0.1', port: 80, cluster: 'east' } },
      { namespace: 'public', group: 'DEFAULT_GROUP', serviceName: 'web', registeredInstance: { ip: '10.0.0.1', port: 80, cluster: 'DEFAULT' } },
    ]);
    const subscribed = await call(ts.url, 'GET', `/v2/ns/client/subscribe/list?clientId=${encodeURIComponent('10.0.0.1:80#true')}`);
    assert.deepEqual(subscribed.json().data, []);

    const publishers = await call(ts.url, 'GET', '/v2/ns/client/service/publisher/list?serviceName=db&ephemeral=false');
    assert.deepEqual(publishers.json().data, [{ clientId: '10.0.0.2:3306#false', ip: '10.0.0.2', port: 3306 }]);
    const ephemeralOnly = await call(ts.url, 'GET', '/v2/ns/client/service/publisher/list?serviceName=db');
    assert.deepEqual(ephemeralOnly.json().data, []);
  });

  it('counts a v2 list with ip and port as an ephemeral subscribing client', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    try {
      const port = socket.address().port;
      await call(ts.url, 'GET', `/v2/ns/instance/list?serviceName=web&ip=127.0.0.1&port=${port}`);
      const clientId = `127.0.0.1:${port}#true`;
      const subs = await call(ts.url, 'GET', `/v2/ns/client/subscribe/list?clientId=${encodeURIComponent(clientId)}`);
      assert.equal(subs.status, 200);
      assert.deepEqual(
        subs.json().data.map((s: { serviceName: string; subscriberInfo: { addrStr: string } }) => [s.serviceName, s.subscriberInfo.addrStr]),
        [['web', `127.0.0.1:${port}`]],
      );
      const subscribers = await call(ts.url, 'GET', '/v2/ns/client/service/subscriber/list?serviceName=web');
      assert.deepEqual(subscribers.json().data, [{ clientId, ip: '127.0.0.1', port }]);
    } finally {
      socket.close();
    }
  });

  it('answers 404 for an unknown client and 10000 without clientId', async () => {
    const unknown = await call(ts.url, 'GET', `/v2/ns/client?clientId=${encodeURIComponent('1.2.3.4:5#true')}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json().code, 20004);
    const none = await call(ts.url, 'GET', '/v2/ns/client/publish/list');
    assert.equal(none.status, 400);
    assert.equal(none.json().code, 10000);
  });

  it('reports metrics under operator and ops', async () => {
    const status = await call(ts.url, 'GET', '/v2/ns/operator/metrics');
    assert.deepEqual(status.json(), { code: 0, message: 'success', data: { status: 'UP' } });
    const full = (await call(ts.url, 'GET', '/v2/ns/ops/metrics?onlyStatus=false')).json().data;
    assert.equal(full.status, 'UP');
    assert.equal(full.serviceCount, 3);
    assert.equal(full.instanceCount, 3);
    assert.equal(full.clientCount, 3, 'two publishers and one UDP subscriber');
    assert.equal(full.ephemeralIpPortClientCount, 2);
    assert.equal(full.subscribeCount, 1);
    assert.equal(full.persistentIpPortClientCount, 1);
    assert.equal(full.connectionBasedClientCount, 0);
    for (const key of ['cpu', 'load', 'mem', 'subscribeCount', 'responsibleClientCount']) assert.equal(typeof full[key], 'number', key);
  });
});
