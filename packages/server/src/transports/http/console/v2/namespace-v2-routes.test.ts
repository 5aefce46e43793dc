import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

describe('/v2/console/namespace', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  it('creates, lists, shows, edits and deletes, Result-wrapped', async () => {
    const created = await call(ts.url, 'POST', '/v2/console/namespace', { namespaceId: 'qa', namespaceName: 'QA', namespaceDesc: 'testers' });
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(created.json(), { code: 0, message: 'success', data: true });

    const list = (await call(ts.url, 'GET', '/v2/console/namespace/list')).json();
    assert.equal(list.code, 0);
    assert.deepEqual(
      list.data.map((n: { namespaceId: string }) => n.namespaceId),
      ['public', 'qa'],
    );
    assert.equal(list.data[0].namespace, '');

    const one = (await call(ts.url, 'GET', '/v2/console/namespace?namespaceId=qa')).json();
    assert.equal(one.data.namespaceShowName, 'QA');
    assert.equal(one.data.namespaceDesc, 'testers');

    assert.equal((await call(ts.url, 'PUT', '/v2/console/namespace', { namespaceId: 'qa', namespaceName: 'Quality' })).json().data, true);
    assert.equal((await call(ts.url, 'GET', '/v2/console/namespace?namespaceId=qa')).json().data.namespaceShowName, 'Quality');

    assert.equal((await call(ts.url, 'DELETE', '/v2/console/namespace?namespaceId=qa')).json().data, true);
    const gone = await call(ts.url, 'GET', '/v2/console/namespace?namespaceId=qa');
    assert.equal(gone.status, 400);
    assert.equal(gone.json().code, 22001);
  });

  it('answers errors with Nacos codes', async () => {
    await call(ts.url, 'POST', '/v2/console/namespace', { namespaceId: 'used', namespaceName: 'Used' });
    await call(ts.url, 'POST', '/v1/ns/instance', { namespaceId: 'used', serviceName: 's', ip: '10.0.6.1', port: '80' });
    const cases: [string, string, Record<string, string> | undefined, number, RegExp][] = [
      ['POST', '/v2/console/namespace', { namespaceId: 'used', namespaceName: 'Again' }, 22002, /already exists/],
      ['DELETE', '/v2/console/namespace?namespaceId=used', undefined, 22000, /still has 1 service\(s\)/],
      ['DELETE', '/v2/console/namespace?namespaceId=nope', undefined, 22001, /does not exist/],
      ['PUT', '/v2/console/namespace', { namespaceId: 'nope', namespaceName: 'x' }, 22001, /does not exist/],
      ['POST', '/v2/console/namespace', { namespaceId: 'new' }, 10000, /namespaceName/],
      ['POST', '/v2/console/namespace', { namespaceId: 'bad id', namespaceName: 'x' }, 20002, /namespaceId/],
      ['GET', '/v2/console/namespace', undefined, 10000, /namespaceId/],
    ];
    for (const [method, path, body, code, detail] of cases) {
      const res = await call(ts.url, method, path, body);
      assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.json().code, code, `${method} ${path} ${JSON.stringify(body)}`);
      assert.match(res.json().data, detail, `${method} ${path}`);
    }
  });
});
