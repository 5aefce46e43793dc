import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

describe('naming v2 service, catalog and health routes', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  it('creates, shows, updates and deletes a service', async () => {
    const created = await call(ts.url, 'POST', '/v2/ns/service', { serviceName: 'cart', groupName: 'shop', protectThreshold: '0.5', metadata: '{"owner":"team-a"}' });
    assert.equal(created.status, 200);
    assert.deepEqual(created.json(), { code: 0, message: 'success', data: 'ok' });

    const detail = await call(ts.url, 'GET', '/v2/ns/service?serviceName=cart&groupName=shop');
    assert.equal(detail.status, 200);
    assert.deepEqual(detail.json().data, {
      namespace: 'public',
      groupName: 'shop',
      serviceName: 'cart',
      clusterMap: {},
      metadata: { owner: 'team-a' },
      protectThreshold: 0.5,
      selector: { type: 'none' },
      ephemeral: false,
    });

    const updated = await call(ts.url, 'PUT', '/v2/ns/service', { serviceName: 'cart', groupName: 'shop', protectThreshold: '0.2', selector: '{"type":"label","expression":"x"}' });
    assert.deepEqual(updated.json(), { code: 0, message: 'success', data: 'ok' });
    const after2 = (await call(ts.url, 'GET', '/v2/ns/service?serviceName=cart&groupName=shop')).json().data;
    assert.equal(after2.protectThreshold, 0.2);
    assert.deepEqual(after2.metadata, {}, 'an update replaces the metadata');
    assert.deepEqual(after2.selector, { type: 'label', expression: 'x' });

    const deleted = await call(ts.url, 'DELETE', '/v2/ns/service', { serviceName: 'cart', groupName: 'shop' });
    assert.deepEqual(deleted.json(), { code: 0, message: 'success', data: 'ok' });
    const gone = await call(ts.url, 'GET', '/v2/ns/service?serviceName=cart&groupName=shop');
    assert.equal(gone.status, 400);
    assert.equal(gone.json().code, 21008);
  });

  it('answers 21007 when the service exists, 21008 when it does not, 21009 when not empty', async () => {
    await call(ts.url, 'POST', '/v2/ns/service', { serviceName: 'dup' });
    const again = await call(ts.url, 'POST', '/v2/ns/service', { serviceName: 'dup' });
    assert.equal(again.status, 400);
    assert.deepEqual({ code: again.json().code, message: again.json().message }, { code: 21007, message: 'service already exist' });

    const del = await call(ts.url, 'DELETE', '/v2/ns/service', { serviceName: 'never' });
    assert.equal(del.status, 400);
    assert.deepEqual({ code: del.json().code, message: del.json().message }, { code: 21008, message: 'service not exist' });
    const upd = await call(ts.url, 'PUT', '/v2/ns/service', { serviceName: 'never' });
    assert.equal(upd.json().code, 21008);

    await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'busy', ip: '10.0.0.5', port: '80' });
    const busy = await call(ts.url, 'DELETE', '/v2/ns/service', { serviceName: 'busy' });
    assert.equal(busy.status, 400);
    assert.deepEqual({ code: busy.json().code, message: busy.json().message }, { code: 21009, message: 'service delete failure' });

    const missing = await call(ts.url, 'POST', '/v2/ns/service', { groupName: 'g' });
    assert.equal(missing.status, 400);
    assert.equal(missing.json().code, 10000);
    assert.match(missing.json().data, /serviceName/);
  });

  it('fixes the kind only when ephemeral is given; otherwise the first instance decides', async () => {
    await call(ts.url, 'POST', '/v2/ns/service', { serviceName: 'open' });
    const eph = await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'open', ip: '10.0.0.6', port: '80' });
    assert.equal(eph.json().code, 0);

    await call(ts.url, 'POST', '/v2/ns/service', { serviceName: 'durable', ephemeral: 'false' });
    const refused = await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'durable', ip: '10.0.0.6', port: '80' });
    assert.equal(refused.status, 400);
    assert.match(refused.json().data, /persistent service/);
    const detail = await call(ts.url, 'GET', '/v2/ns/service?serviceName=open');
    assert.equal(detail.json().data.ephemeral, true);
    assert.deepEqual(detail.json().data.clusterMap, { DEFAULT: { clusterName: 'DEFAULT', healthChecker: { type: 'TCP' }, metadata: {} } });
  });

  it('lists bare names of one group, paged, a pageSize over 500 cut to 500 (see paging.test.ts)', async () => {
    for (const name of ['a1', 'a2', 'a3']) await call(ts.url, 'POST', '/v2/ns/service', { serviceName: name, groupName: 'listing' });
    await call(ts.url, 'POST', '/v2/ns/service', { serviceName: 'other', groupName: 'elsewhere' });
    const all = await call(ts.url, 'GET', '/v2/ns/service/list?groupName=listing');
    assert.deepEqual(all.json().data, { count: 3, services: ['a1', 'a2', 'a3'] });
    const second = await call(ts.url, 'GET', '/v2/ns/service/list?groupName=listing&pageNo=2&pageSize=2');
    assert.deepEqual(second.json().data, { count: 3, services: ['a3'] });
    const tooBig = await call(ts.url, 'GET', '/v2/ns/service/list?groupName=listing&pageSize=501');
    assert.deepEqual(tooBig.json().data, { count: 3, services: ['a1', 'a2', 'a3'] });
  });

  it('catalog lists instances paged, disabled ones included, with filters', async () => {
    for (const port of ['1', '2', '3']) await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'cat', ip: '10.0.1.1', port });
    await call(ts.url, 'PUT', '/v2/ns/instance', { serviceName: 'cat', ip: '10.0.1.1', port: '2', enabled: 'false' });
    const page1 = await call(ts.url, 'GET', '/v2/ns/catalog/instances?serviceName=DEFAULT_GROUP@@cat&pageNo=1&pageSize=2');
    assert.equal(page1.status, 200);
    assert.equal(page1.json().data.count, 3);
    assert.deepEqual(
      page1.json().data.instances.map((i: { port: number }) => i.port),
      [1, 2],
    );
    const enabled = await call(ts.url, 'GET', '/v2/ns/catalog/instances?serviceName=cat&pageNo=1&pageSize=10&enabledOnly=true');
    assert.deepEqual(
      enabled.json().data.instances.map((i: { port: number }) => i.port),
      [1, 3],
    );
    const noPage = await call(ts.url, 'GET', '/v2/ns/catalog/instances?serviceName=cat');
    assert.equal(noPage.json().code, 10000);
  });

  it('health marking needs a persistent instance under a NONE checker (21011 otherwise)', async () => {
    await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'probed', ip: '10.0.2.1', port: '80', ephemeral: 'false' });
    const res = await call(ts.url, 'PUT', '/v2/ns/health/instance', { serviceName: 'probed', ip: '10.0.2.1', port: '80', healthy: 'false' });
    assert.equal(res.status, 400);
    assert.equal(res.json().code, 21011);
    const noFlag = await call(ts.url, 'PUT', '/v2/ns/health', { serviceName: 'probed', ip: '10.0.2.1', port: '80' });
    assert.equal(noFlag.json().code, 10000);
    assert.match(noFlag.json().data, /healthy/);
  });
});
