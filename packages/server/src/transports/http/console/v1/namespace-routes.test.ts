import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

describe('/v1/console/namespaces', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  it('lists public first, as namespace "" like Nacos 2.x', async () => {
    const res = (await call(ts.url, 'GET', '/v1/console/namespaces')).json();
    assert.equal(res.code, 200);
    assert.deepEqual(res.data[0], {
      namespace: '',
      namespaceShowName: 'public',
      namespaceDesc: 'Default Namespace',
      quota: 200,
      configCount: 0,
      type: 0,
      namespaceId: 'public',
    });
  });

  it('creates, checks, shows, edits and deletes a namespace', async () => {
    const created = await call(ts.url, 'POST', '/v1/console/namespaces', { customNamespaceId: 'dev', namespaceName: 'Development', namespaceDesc: 'for devs' });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.text, 'true');
    assert.equal((await call(ts.url, 'GET', '/v1/console/namespaces?checkNamespaceIdExist=true&customNamespaceId=dev')).text, 'true');
    assert.equal((await call(ts.url, 'GET', '/v1/console/namespaces?checkNamespaceIdExist=true&customNamespaceId=prod')).text, 'false');

    const shown = (await call(ts.url, 'GET', '/v1/console/namespaces?show=all&namespaceId=dev')).json();
    assert.deepEqual(shown, { namespace: 'dev', namespaceShowName: 'Development', namespaceDesc: 'for devs', quota: 200, configCount: 0, type: 2, namespaceId: 'dev' });
    assert.equal((await call(ts.url, 'GET', '/v1/console/namespaces?show=all&namespaceId=')).json().namespaceId, 'public');

    const edited = await call(ts.url, 'PUT', '/v1/console/namespaces', { namespace: 'dev', namespaceShowName: 'Dev', namespaceDesc: 'renamed' });
    assert.equal(edited.text, 'true');
    const list = (await call(ts.url, 'GET', '/v1/console/namespaces')).json().data;
    assert.deepEqual(
      list.map((n: { namespace: string; namespaceShowName: string }) => [n.namespace, n.namespaceShowName]),
      [
        ['', 'public'],
        ['dev', 'Dev'],
      ],
    );

    assert.equal((await call(ts.url, 'DELETE', '/v1/console/namespaces?namespaceId=dev')).text, 'true');
    assert.equal((await call(ts.url, 'GET', '/v1/console/namespaces?checkNamespaceIdExist=true&customNamespaceId=dev')).text, 'false');
  });

  it('generates an id when none is given', async () => {
    const res = await call(ts.url, 'POST', '/v1/console/namespaces', { customNamespaceId: ' ', namespaceName: 'Generated' });
    assert.equal(res.text, 'true');
    const entry = (await call(ts.url, 'GET', '/v1/console/namespaces')).json().data.find((n: { namespaceShowName: string }) => n.namespaceShowName === 'Generated');
    assert.match(entry.namespace, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('refuses to delete a namespace that still has services', async () => {
    await call(ts.url, 'POST', '/v1/console/namespaces', { customNamespaceId: 'busy', namespaceName: 'Busy' });
    await call(ts.url, 'POST', '/v1/ns/instance', { namespaceId: 'busy', serviceName: 'svc', ip: '10.0.5.1', port: '80' });
    const refused = await call(ts.url, 'DELETE', '/v1/console/namespaces', { namespaceId: 'busy' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /still has 1 service\(s\)/);

    await call(ts.url, 'DELETE', '/v1/ns/instance', { namespaceId: 'busy', serviceName: 'svc', ip: '10.0.5.1', port: '80' });
    await call(ts.url, 'DELETE', '/v1/ns/service', { namespaceId: 'busy', serviceName: 'svc' });
    assert.equal((await call(ts.url, 'DELETE', '/v1/console/namespaces', { namespaceId: 'busy' })).text, 'true');
  });

  it('counts configs per namespace and refuses to delete one that still has configs', async () => {
    await call(ts.url, 'POST', '/v1/console/namespaces', { customNamespaceId: 'cfg', namespaceName: 'Configs' });
    assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { tenant: 'cfg', dataId: 'a.yaml', group: 'G', content: 'a: 1' })).text, 'true');
    const shown = (await call(ts.url, 'GET', '/v1/console/namespaces?show=all&namespaceId=cfg')).json();
    assert.equal(shown.configCount, 1);
    const refused = await call(ts.url, 'DELETE', '/v1/console/namespaces', { namespaceId: 'cfg' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /still has 1 config\(s\)/);

    assert.equal((await call(ts.url, 'DELETE', '/v1/cs/configs', { tenant: 'cfg', dataId: 'a.yaml', group: 'G' })).text, 'true');
    assert.equal((await call(ts.url, 'DELETE', '/v1/console/namespaces', { namespaceId: 'cfg' })).text, 'true');
  });

  it('answers bad input with 400 naming the field', async () => {
    await call(ts.url, 'POST', '/v1/console/namespaces', { customNamespaceId: 'taken', namespaceName: 'Taken' });
    const cases: [string, string, Record<string, string> | undefined, RegExp][] = [
      ['POST', '/v1/console/namespaces', { customNamespaceId: 'bad id!', namespaceName: 'x' }, /customNamespaceId/],
      ['POST', '/v1/console/namespaces', { customNamespaceId: 'taken', namespaceName: 'x' }, /already exists/],
      ['POST', '/v1/console/namespaces', { customNamespaceId: 'ok-id', namespaceName: 'a#b' }, /namespaceName/],
      ['POST', '/v1/console/namespaces', { customNamespaceId: 'ok-id' }, /namespaceName/],
      ['PUT', '/v1/console/namespaces', { namespace: 'nope', namespaceShowName: 'x' }, /does not exist/],
      ['PUT', '/v1/console/namespaces', { namespace: '', namespaceShowName: 'x' }, /public namespace/],
      ['PUT', '/v1/console/namespaces', { namespaceShowName: 'x' }, /namespace/],
      ['DELETE', '/v1/console/namespaces', { namespaceId: 'public' }, /public namespace/],
      ['DELETE', '/v1/console/namespaces', { namespaceId: 'nope' }, /does not exist/],
      ['GET', '/v1/console/namespaces?show=all&namespaceId=nope', undefined, /does not exist/],
      ['GET', '/v1/console/namespaces?checkNamespaceIdExist=perhaps', undefined, /checkNamespaceIdExist/],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(ts.url, method, path, body);
      assert.equal(res.status, 400, `${method} ${JSON.stringify(body)}: ${res.text}`);
      assert.match(res.text, field, `${method} ${JSON.stringify(body)}`);
    }
  });
});
