import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../testing/test-server.js';

/** Paging as Nacos 2.5.1 reads it: page 0 is the first page; the v2 service list cuts a page at 500. */
describe('paging (pageNo and pageSize)', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
    for (const name of ['p1', 'p2', 'p3']) await call(ts.url, 'POST', '/v1/ns/service', { serviceName: name, groupName: 'paged' });
    for (const port of ['1', '2', '3']) await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'paged@@p1', ip: '127.0.0.31', port });
  });
  after(() => ts.close());

  const get = async (path: string) => {
    const res = await call(ts.url, 'GET', path);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    return res.json();
  };

  it('pageNo=0 is the first page on every paged endpoint', async () => {
    assert.deepEqual(await get('/v1/ns/service/list?groupName=paged&pageNo=0&pageSize=2'), { count: 3, doms: ['p1', 'p2'] });
    const catalog = await get('/v1/ns/catalog/services?groupNameParam=paged&pageNo=0&pageSize=2');
    assert.deepEqual(
      catalog.serviceList.map((s: { name: string }) => s.name),
      ['p1', 'p2'],
    );
    const instances = await get('/v1/ns/catalog/instances?serviceName=paged@@p1&clusterName=DEFAULT&pageNo=0&pageSize=2');
    assert.deepEqual(
      instances.list.map((i: { port: number }) => i.port),
      [1, 2],
    );
    assert.equal((await get('/v1/ns/service/subscribers?serviceName=paged@@p1&pageNo=0')).count, 0);
    assert.deepEqual((await get('/v2/ns/service/list?groupName=paged&pageNo=0&pageSize=2')).data, { count: 3, services: ['p1', 'p2'] });
    const v2Instances = await get('/v2/ns/catalog/instances?serviceName=paged@@p1&pageNo=0&pageSize=2');
    assert.deepEqual(
      v2Instances.data.instances.map((i: { port: number }) => i.port),
      [1, 2],
    );
  });

  it('a v2 service list page asked larger than 500 holds 500', async () => {
    const names = Array.from({ length: 501 }, (_, i) => `s${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((serviceName) => call(ts.url, 'POST', '/v2/ns/service', { serviceName, groupName: 'many' })));
    }
    const big = (await get('/v2/ns/service/list?groupName=many&pageSize=1000')).data;
    assert.equal(big.count, 501);
    assert.equal(big.services.length, 500);
    assert.deepEqual(big.services.slice(0, 2), ['s000', 's001']);
    // The cap is Nacos's v2 service list rule; the catalog's instance page has none there.
    assert.equal((await get('/v2/ns/catalog/instances?serviceName=paged@@p1&pageNo=1&pageSize=1000')).data.instances.length, 3);
  });

  it('a pageSize below 1 or a pageNo that is not a number is still a 400 naming the field', async () => {
    for (const [path, field] of [
      ['/v1/ns/service/list?pageNo=1&pageSize=0', /pageSize/],
      ['/v1/ns/service/list?pageNo=first&pageSize=10', /pageNo/],
      ['/v2/ns/service/list?pageSize=-1', /pageSize/],
    ] as const) {
      const res = await call(ts.url, 'GET', path);
      assert.equal(res.status, 400, path);
      assert.match(res.text, field, path);
    }
  });
});
