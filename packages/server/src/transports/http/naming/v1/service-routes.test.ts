import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

describe('/v1/ns/service', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  it('creates, shows, updates and deletes a service', async () => {
    const created = await call(ts.url, 'POST', '/v1/ns/service', {
      serviceName: 'orders',
      groupName: 'shop',
      protectThreshold: '0.5',
      metadata: 'team=core,tier=1',
      selector: JSON.stringify({ type: 'label', expression: 'CONSUMER.label.a = PROVIDER.label.a' }),
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.text, 'ok');

    const detail = await call(ts.url, 'GET', '/v1/ns/service?serviceName=shop@@orders');
    assert.equal(detail.status, 200, detail.text);
    const body = detail.json();
    assert.equal(body.namespaceId, 'public');
    assert.equal(body.groupName, 'shop');
    assert.equal(body.name, 'orders');
    assert.equal(body.protectThreshold, 0.5);
    assert.deepEqual(body.metadata, { team: 'core', tier: '1' });
    assert.deepEqual(body.selector, { type: 'label', expression: 'CONSUMER.label.a = PROVIDER.label.a' });
    assert.deepEqual(body.clusters, []);
    assert.equal(body.ephemeral, null, 'the first instance decides the kind');

    const updated = await call(ts.url, 'PUT', '/v1/ns/service', { serviceName: 'orders', groupName: 'shop', protectThreshold: '0.2', metadata: '{"team":"ops"}' });
    assert.equal(updated.status, 200, updated.text);
    const after = (await call(ts.url, 'GET', '/v1/ns/service?serviceName=orders&groupName=shop')).json();
    assert.equal(after.protectThreshold, 0.2);
    assert.deepEqual(after.metadata, { team: 'ops' }, 'PUT replaces the metadata map');
    assert.deepEqual(after.selector, { type: 'none' }, 'PUT without selector resets it, as in Nacos');

    assert.equal((await call(ts.url, 'DELETE', '/v1/ns/service?serviceName=shop@@orders')).text, 'ok');
    const gone = await call(ts.url, 'GET', '/v1/ns/service?serviceName=shop@@orders');
    assert.equal(gone.status, 400);
    assert.match(gone.text, /not found/);
    const again = await call(ts.url, 'DELETE', '/v1/ns/service?serviceName=shop@@orders');
    assert.equal(again.status, 400);
  });

  it('refuses a duplicate create', async () => {
    assert.equal((await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'dup' })).status, 200);
    const second = await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'dup' });
    assert.equal(second.status, 400);
    assert.match(second.text, /already exists/);
  });

  it('leaves the kind to the first instance unless ephemeral is given', async () => {
    await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'open-kind' });
    const eph = await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'open-kind', ip: '10.0.0.1', port: '80' });
    assert.equal(eph.status, 200, eph.text);
    assert.equal((await call(ts.url, 'GET', '/v1/ns/service?serviceName=open-kind')).json().ephemeral, true);

    await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'fixed-kind', ephemeral: 'false' });
    const refused = await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'fixed-kind', ip: '10.0.0.1', port: '80' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /persistent service/);
  });

  it('refuses to delete a service that still has instances', async () => {
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'busy', ip: '10.0.0.2', port: '80' });
    const res = await call(ts.url, 'DELETE', '/v1/ns/service', { serviceName: 'busy' });
    assert.equal(res.status, 400);
    assert.match(res.text, /not empty/);
    assert.equal((await call(ts.url, 'GET', '/v1/ns/service?serviceName=busy')).status, 200, 'still there');
  });

  it('lists names of one group, paged', async () => {
    for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) await call(ts.url, 'POST', '/v1/ns/service', { serviceName: n, groupName: 'paging' });
    await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'other', groupName: 'elsewhere' });
    const page2 = (await call(ts.url, 'GET', '/v1/ns/service/list?groupName=paging&pageNo=2&pageSize=2')).json();
    assert.deepEqual(page2, { count: 5, doms: ['p3', 'p4'] });
    const page3 = (await call(ts.url, 'GET', '/v1/ns/service/list?groupName=paging&pageNo=3&pageSize=2')).json();
    assert.deepEqual(page3.doms, ['p5']);
    const past = (await call(ts.url, 'GET', '/v1/ns/service/list?groupName=paging&pageNo=9&pageSize=2')).json();
    assert.deepEqual(past, { count: 5, doms: [] });
  });

  it('answers names under both the 2.2+ and the older key, filtered by expr', async () => {
    await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'names-a', groupName: 'nm' });
    await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'names-b', groupName: 'nm' });
    const res = (await call(ts.url, 'GET', '/v1/ns/service/names?expr=nm@@names-')).json();
    assert.deepEqual(res['META-INF/services'], { public: ['nm@@names-a', 'nm@@names-b'] });
    assert.deepEqual(res.services, res['META-INF/services']);
    assert.equal(res.count, 2);
    const none = (await call(ts.url, 'GET', '/v1/ns/service/names?namespaceId=nowhere')).json();
    assert.equal(none.count, 0);
  });

  it('lists UDP subscribers of a service', async () => {
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'watched', ip: '10.0.0.3', port: '80' });
    const list = await fetch(`${ts.url}/v1/ns/instance/list?serviceName=watched&clientIP=127.0.0.1&udpPort=45678`, { headers: { 'user-agent': 'Nacos-Java-Client:v1.4.8' } });
    assert.equal(list.status, 200);
    const res = (await call(ts.url, 'GET', '/v1/ns/service/subscribers?serviceName=watched')).json();
    assert.equal(res.count, 1);
    assert.deepEqual(res.subscribers[0], {
      addrStr: '127.0.0.1:45678',
      agent: 'Nacos-Java-Client:v1.4.8',
      app: 'unknown',
      ip: '127.0.0.1',
      port: 45678,
      namespaceId: 'public',
      serviceName: 'DEFAULT_GROUP@@watched',
      cluster: '',
    });
  });

  it('names the selector types', async () => {
    const res = (await call(ts.url, 'GET', '/v1/ns/service/selector/types')).json();
    assert.equal(res.code, 200);
    assert.deepEqual(res.data, ['none', 'label']);
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases: [string, string, Record<string, string> | undefined, RegExp][] = [
      ['POST', '/v1/ns/service', { serviceName: 'bad1', protectThreshold: 'abc' }, /protectThreshold/],
      ['POST', '/v1/ns/service', { serviceName: 'bad2', protectThreshold: '1.5' }, /protectThreshold/],
      ['POST', '/v1/ns/service', { serviceName: 'bad3', selector: '{"type":"cmdb"}' }, /selector/],
      ['POST', '/v1/ns/service', { serviceName: 'bad4', selector: 'not json' }, /selector/],
      ['POST', '/v1/ns/service', { serviceName: 'bad5', metadata: 'novalue' }, /metadata/],
      ['POST', '/v1/ns/service', { serviceName: 'bad6', ephemeral: 'maybe' }, /ephemeral/],
      ['POST', '/v1/ns/service', {}, /serviceName/],
      ['PUT', '/v1/ns/service', { serviceName: 'dup' }, /protectThreshold/],
      ['GET', '/v1/ns/service/list?pageSize=10', undefined, /pageNo/],
      ['GET', '/v1/ns/service/list?pageNo=first&pageSize=10', undefined, /pageNo/],
      ['GET', '/v1/ns/service/names?expr=(', undefined, /expr/],
      ['GET', '/v1/ns/service/subscribers?serviceName=x&pageSize=-1', undefined, /pageSize/],
      ['GET', '/v1/ns/service?serviceName=a@@b@@c', undefined, /serviceName/],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(ts.url, method, path, body);
      assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${res.text}`);
      assert.match(res.text, field, `${method} ${path}`);
    }
  });
});
