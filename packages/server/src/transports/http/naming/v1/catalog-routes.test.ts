import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

describe('/v1/ns/catalog', () => {
  let ts: TestServer;
  let beatAt: number;

  // One service with a healthy, an unhealthy (beat lost) and a disabled instance.
  before(async () => {
    ts = await startTestServer({}, { fakeTime: true });
    for (const ip of ['10.0.1.1', '10.0.1.2', '10.0.1.3']) {
      const res = await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'pay', groupName: 'shop', ip, port: '8080' });
      assert.equal(res.status, 200, res.text);
    }
    ts.time!.advance(10_000);
    beatAt = ts.time!.now();
    for (const ip of ['10.0.1.1', '10.0.1.3']) {
      const res = await call(ts.url, 'PUT', '/v1/ns/instance/beat', { serviceName: 'shop@@pay', ip, port: '8080' });
      assert.equal(res.json().code, 10200);
    }
    ts.time!.advance(5_000); // 10.0.1.2 is now 15 s without a beat
    const off = await call(ts.url, 'PUT', '/v1/ns/instance', { serviceName: 'shop@@pay', ip: '10.0.1.3', port: '8080', enabled: 'false' });
    assert.equal(off.status, 200, off.text);
    await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'empty-one', groupName: 'shop' });
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'search', groupName: 'web', ip: '10.0.2.1', port: '80' });
  });
  after(() => ts.close());

  it('counts healthy, unhealthy and disabled instances per service', async () => {
    const res = await call(ts.url, 'GET', '/v1/ns/catalog/services?pageNo=1&pageSize=10&serviceNameParam=pay');
    assert.equal(res.status, 200, res.text);
    const body = res.json();
    assert.equal(body.count, 1);
    assert.deepEqual(body.serviceList[0], {
      name: 'pay',
      groupName: 'shop',
      clusterCount: 1,
      ipCount: 3,
      healthyInstanceCount: 2,
      triggerFlag: 'false',
      unhealthyInstanceCount: 1,
      disabledInstanceCount: 1,
      protectThreshold: 0,
      reachProtectionThreshold: false,
    });
  });

  it('filters by name and group substrings and hides empty services with hasIpCount', async () => {
    const all = (await call(ts.url, 'GET', '/v1/ns/catalog/services?pageNo=1&pageSize=10')).json();
    assert.deepEqual(
      all.serviceList.map((s: { name: string }) => s.name),
      ['empty-one', 'pay', 'search'],
    );
    const shop = (await call(ts.url, 'GET', '/v1/ns/catalog/services?pageNo=1&pageSize=10&groupNameParam=SHO')).json();
    assert.deepEqual(
      shop.serviceList.map((s: { name: string }) => s.name),
      ['empty-one', 'pay'],
    );
    const withIps = (await call(ts.url, 'GET', '/v1/ns/catalog/services?pageNo=1&pageSize=10&groupNameParam=shop&hasIpCount=true')).json();
    assert.deepEqual(
      withIps.serviceList.map((s: { name: string }) => s.name),
      ['pay'],
    );
    const byIp = (await call(ts.url, 'GET', '/v1/ns/catalog/services?pageNo=1&pageSize=10&instance=10.0.2.1')).json();
    assert.deepEqual(
      byIp.serviceList.map((s: { name: string }) => s.name),
      ['search'],
    );
  });

  it('pages the service list', async () => {
    const page2 = (await call(ts.url, 'GET', '/v1/ns/catalog/services?pageNo=2&pageSize=2')).json();
    assert.equal(page2.count, 3);
    assert.deepEqual(
      page2.serviceList.map((s: { name: string }) => s.name),
      ['search'],
    );
  });

  it('lists services with their instances by cluster', async () => {
    const res = (await call(ts.url, 'GET', '/v1/ns/catalog/services?withInstances=true&pageNo=1&pageSize=10&serviceNameParam=pay')).json();
    assert.equal(res.length, 1);
    assert.equal(res[0].serviceName, 'pay');
    assert.equal(res[0].groupName, 'shop');
    const hosts = res[0].clusterMap.DEFAULT.hosts;
    assert.equal(hosts.length, 3);
    const third = hosts.find((h: { ip: string }) => h.ip === '10.0.1.3');
    assert.deepEqual(third, { ip: '10.0.1.3', port: 8080, valid: true, enabled: false, weight: 1, metadata: {} });
    assert.equal(hosts.find((h: { ip: string }) => h.ip === '10.0.1.2').valid, false);
    assert.equal(res[0].disabledInstanceCount, 1);
  });

  it('shows one service with its clusters', async () => {
    const res = await call(ts.url, 'GET', '/v1/ns/catalog/service?serviceName=shop@@pay');
    assert.equal(res.status, 200, res.text);
    const body = res.json();
    assert.equal(body.service.name, 'pay');
    assert.equal(body.service.groupName, 'shop');
    assert.equal(body.service.ephemeral, true);
    assert.deepEqual(body.clusters, [
      {
        serviceName: 'pay',
        name: 'DEFAULT',
        healthChecker: { type: 'TCP' },
        metadata: {},
        useIPPort4Check: true,
        defaultPort: 80,
        defaultCheckPort: 80,
      },
    ]);
    const missing = await call(ts.url, 'GET', '/v1/ns/catalog/service?serviceName=nope');
    assert.equal(missing.status, 404);
  });

  it('lists the instances of a cluster, disabled ones and last beats included', async () => {
    const res = await call(ts.url, 'GET', '/v1/ns/catalog/instances?serviceName=pay&groupName=shop&clusterName=DEFAULT&pageNo=1&pageSize=2');
    assert.equal(res.status, 200, res.text);
    const body = res.json();
    assert.equal(body.count, 3);
    assert.deepEqual(
      body.list.map((i: { ip: string }) => i.ip),
      ['10.0.1.1', '10.0.1.2'],
    );
    assert.equal(body.list[0].lastBeatAt, beatAt);
    assert.equal(body.list[1].healthy, false);
    const page2 = (await call(ts.url, 'GET', '/v1/ns/catalog/instances?serviceName=shop@@pay&clusterName=DEFAULT&pageNo=2&pageSize=2')).json();
    assert.equal(page2.list[0].ip, '10.0.1.3');
    assert.equal(page2.list[0].enabled, false);
    assert.equal((await call(ts.url, 'GET', '/v1/ns/catalog/instances?serviceName=shop@@pay&clusterName=OTHER&pageNo=1&pageSize=2')).status, 404);
    assert.equal((await call(ts.url, 'GET', '/v1/ns/catalog/instances?serviceName=nope&clusterName=DEFAULT&pageNo=1&pageSize=2')).status, 404);
  });

  it('reports the protect threshold once it is reached', async () => {
    // Enabled instances: one healthy of two, a share of 0.5.
    const put = await call(ts.url, 'PUT', '/v1/ns/service', { serviceName: 'shop@@pay', protectThreshold: '0.6' });
    assert.equal(put.status, 200, put.text);
    const entry = (await call(ts.url, 'GET', '/v1/ns/catalog/services?pageNo=1&pageSize=10&serviceNameParam=pay')).json().serviceList[0];
    assert.equal(entry.protectThreshold, 0.6);
    assert.equal(entry.reachProtectionThreshold, true);
    assert.equal(entry.triggerFlag, 'true');
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases: [string, RegExp][] = [
      ['/v1/ns/catalog/services?pageNo=x', /pageNo/],
      ['/v1/ns/catalog/services?pageSize=0', /pageSize/],
      ['/v1/ns/catalog/services?hasIpCount=perhaps', /hasIpCount/],
      ['/v1/ns/catalog/services?namespaceId=bad%20ns', /namespaceId/],
      ['/v1/ns/catalog/instances?serviceName=pay&groupName=shop&pageNo=1&pageSize=2', /clusterName/],
      ['/v1/ns/catalog/instances?serviceName=pay&groupName=shop&clusterName=DEFAULT&pageSize=2', /pageNo/],
      ['/v1/ns/catalog/service', /serviceName/],
    ];
    for (const [path, field] of cases) {
      const res = await call(ts.url, 'GET', path);
      assert.equal(res.status, 400, `${path}: ${res.text}`);
      assert.match(res.text, field, path);
    }
  });
});
