import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

describe('/v1/ns/instance/metadata/batch', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'cart', ip: '10.0.7.1', port: '80', metadata: 'version=1' });
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'cart', ip: '10.0.7.2', port: '80', clusterName: 'east' });
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'ledger', ip: '10.0.7.3', port: '5432', ephemeral: 'false' });
  });
  after(() => ts.close());

  async function metadataOf(service: string): Promise<Record<string, Record<string, string>>> {
    const list = (await call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=${service}`)).json();
    return Object.fromEntries(list.hosts.map((h: { ip: string; metadata: Record<string, string> }) => [h.ip, h.metadata]));
  }

  it('merges keys into every instance when no instances are named', async () => {
    const res = await call(ts.url, 'PUT', '/v1/ns/instance/metadata/batch', { serviceName: 'cart', metadata: '{"zone":"a"}' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json().updated.sort(), ['10.0.7.1:80:unknown:DEFAULT:ephemeral', '10.0.7.2:80:unknown:east:ephemeral']);
    assert.deepEqual(await metadataOf('cart'), { '10.0.7.1': { version: '1', zone: 'a' }, '10.0.7.2': { zone: 'a' } });
  });

  it('touches only the named instances, matching the cluster when given', async () => {
    const instances = JSON.stringify([
      { ip: '10.0.7.2', port: 80, clusterName: 'east' },
      { ip: '10.0.7.1', port: '80', clusterName: 'west' },
    ]);
    const res = await call(ts.url, 'PUT', '/v1/ns/instance/metadata/batch', { serviceName: 'cart', metadata: 'owner=team-b', instances });
    assert.deepEqual(res.json().updated, ['10.0.7.2:80:unknown:east:ephemeral']);
    const md = await metadataOf('cart');
    assert.equal(md['10.0.7.2'].owner, 'team-b');
    assert.equal(md['10.0.7.1'].owner, undefined);
  });

  it('removes keys with DELETE', async () => {
    const res = await call(ts.url, 'DELETE', '/v1/ns/instance/metadata/batch', { serviceName: 'cart', metadata: '{"zone":""}' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().updated.length, 2);
    assert.deepEqual(await metadataOf('cart'), { '10.0.7.1': { version: '1' }, '10.0.7.2': { owner: 'team-b' } });
  });

  it('selects persistent instances with consistencyType=persist', async () => {
    const eph = await call(ts.url, 'PUT', '/v1/ns/instance/metadata/batch', { serviceName: 'ledger', metadata: 'role=primary' });
    assert.deepEqual(eph.json().updated, [], 'ledger has no ephemeral instances');
    const persist = await call(ts.url, 'PUT', '/v1/ns/instance/metadata/batch', { serviceName: 'ledger', metadata: 'role=primary', consistencyType: 'persist' });
    assert.deepEqual(persist.json().updated, ['10.0.7.3:5432:unknown:DEFAULT:persist']);
    assert.deepEqual((await metadataOf('ledger'))['10.0.7.3'], { role: 'primary' });
  });

  it('answers an unknown service with nothing updated', async () => {
    const res = await call(ts.url, 'PUT', '/v1/ns/instance/metadata/batch', { serviceName: 'ghost', metadata: 'a=b' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { updated: [] });
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['PUT', { serviceName: 'cart' }, /metadata/],
      ['PUT', { metadata: 'a=b' }, /serviceName/],
      ['PUT', { serviceName: 'cart', metadata: 'a' }, /metadata/],
      ['PUT', { serviceName: 'cart', metadata: 'a=b', instances: 'not json' }, /instances/],
      ['PUT', { serviceName: 'cart', metadata: 'a=b', instances: '{"ip":"10.0.7.1"}' }, /instances/],
      ['PUT', { serviceName: 'cart', metadata: 'a=b', instances: '[{"ip":"10.0.7.1"}]' }, /instances/],
      ['DELETE', { serviceName: 'cart', metadata: 'a=b', instances: '[{"ip":"10.0.7.1","port":99999}]' }, /instances/],
      ['DELETE', { serviceName: 'cart', metadata: 'a=b', instances: '[{"ip":"no such host!","port":80}]' }, /instances/],
      ['PUT', { serviceName: 'cart', metadata: JSON.stringify({ big: 'x'.repeat(2000) }) }, /metadata/],
    ];
    for (const [method, body, field] of cases) {
      const res = await call(ts.url, method, '/v1/ns/instance/metadata/batch', body);
      assert.equal(res.status, 400, `${method} ${JSON.stringify(body).slice(0, 80)}: ${res.text}`);
      assert.match(res.text, field, JSON.stringify(body).slice(0, 80));
    }
  });
});
