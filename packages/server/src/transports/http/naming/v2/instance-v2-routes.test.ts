import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

describe('naming v2 instance routes', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  const reg = (extra: Record<string, string> = {}) => call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'orders', groupName: 'shop', ip: '10.0.0.1', port: '8080', ...extra });

  it('merges and removes metadata keys in a batch', async () => {
    await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'batch', ip: '10.0.9.1', port: '80' });
    await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'batch', ip: '10.0.9.2', port: '80' });
    const put = await call(ts.url, 'PUT', '/v2/ns/instance/metadata/batch', { serviceName: 'batch', metadata: '{"rack":"r1"}' });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json().data.updated.sort(), ['10.0.9.1:80:unknown:DEFAULT:ephemeral', '10.0.9.2:80:unknown:DEFAULT:ephemeral']);
    const hosts = (await call(ts.url, 'GET', '/v2/ns/instance/list?serviceName=batch')).json().data.hosts;
    assert.deepEqual(
      hosts.map((h: { metadata: Record<string, string> }) => h.metadata.rack),
      ['r1', 'r1'],
    );
    const del = await call(ts.url, 'DELETE', '/v2/ns/instance/metadata/batch', { serviceName: 'batch', metadata: '{"rack":""}', instances: '[{"ip":"10.0.9.1","port":80}]' });
    assert.equal(del.json().data.updated.length, 1);
    const after = (await call(ts.url, 'GET', '/v2/ns/instance/list?serviceName=batch')).json().data.hosts;
    assert.equal(after.find((h: { ip: string }) => h.ip === '10.0.9.1').metadata.rack, undefined);
    const missing = await call(ts.url, 'PUT', '/v2/ns/instance/metadata/batch', { serviceName: 'batch' });
    assert.equal(missing.status, 400);
    assert.equal(missing.json().code, 10000);
  });

  it('registers, lists, shows and deregisters an instance', async () => {
    const created = await reg({ weight: '2.5', metadata: '{"zone":"a"}' });
    assert.equal(created.status, 200);
    assert.deepEqual(created.json(), { code: 0, message: 'success', data: 'ok' });

    const list = await call(ts.url, 'GET', '/v2/ns/instance/list?serviceName=orders&groupName=shop');
    assert.equal(list.status, 200);
    const body = list.json();
    assert.equal(body.code, 0);
    assert.equal(body.data.name, 'shop@@orders');
    assert.equal(body.data.groupName, 'shop');
    assert.equal(body.data.hosts.length, 1);
    assert.equal(body.data.hosts[0].ip, '10.0.0.1');
    assert.equal(body.data.hosts[0].weight, 2.5);
    assert.deepEqual(body.data.hosts[0].metadata, { zone: 'a' });

    const detail = await call(ts.url, 'GET', '/v2/ns/instance?serviceName=orders&groupName=shop&ip=10.0.0.1&port=8080');
    assert.equal(detail.status, 200);
    assert.deepEqual(detail.json().data, {
      serviceName: 'shop@@orders',
      ip: '10.0.0.1',
      port: 8080,
      clusterName: 'DEFAULT',
      weight: 2.5,
      healthy: true,
      instanceId: '10.0.0.1#8080#DEFAULT#shop@@orders',
      metadata: { zone: 'a' },
    });

    const gone = await call(ts.url, 'DELETE', '/v2/ns/instance', { serviceName: 'orders', groupName: 'shop', ip: '10.0.0.1', port: '8080' });
    assert.deepEqual(gone.json(), { code: 0, message: 'success', data: 'ok' });
    const listed = await call(ts.url, 'GET', '/v2/ns/instance/list?serviceName=orders&groupName=shop');
    assert.deepEqual(listed.json().data.hosts, []);
    const missing = await call(ts.url, 'GET', '/v2/ns/instance?serviceName=orders&groupName=shop&ip=10.0.0.1&port=8080');
    assert.equal(missing.status, 404);
    assert.equal(missing.json().code, 21003);
  });

  it('answers 10000 for a missing parameter, naming it', async () => {
    const res = await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'orders', ip: '10.0.0.1' });
    assert.equal(res.status, 400);
    const body = res.json();
    assert.equal(body.code, 10000);
    assert.equal(body.message, 'parameter missing');
    assert.match(body.data, /port/);
  });

  it('answers 21001 for a weight out of range, on register and update', async () => {
    const res = await reg({ weight: '10001' });
    assert.equal(res.status, 400);
    assert.equal(res.json().code, 21001);
    assert.equal(res.json().message, 'weight error');
    assert.match(res.json().data, /weight/);
    await reg({ port: '8081' });
    const upd = await call(ts.url, 'PUT', '/v2/ns/instance', { serviceName: 'orders', groupName: 'shop', ip: '10.0.0.1', port: '8081', weight: '-1' });
    assert.equal(upd.status, 400);
    assert.equal(upd.json().code, 21001);
  });

  it('refuses a serviceName carrying @@ and bad values with 20002', async () => {
    const grouped = await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'shop@@orders', ip: '10.0.0.1', port: '8080' });
    assert.equal(grouped.status, 400);
    assert.equal(grouped.json().code, 20002);
    assert.match(grouped.json().data, /serviceName/);
    const badPort = await reg({ port: 'eighty' });
    assert.equal(badPort.status, 400);
    assert.equal(badPort.json().code, 20002);
    assert.match(badPort.json().data, /port/);
  });

  it('update writes an overlay; patch answers plain ok and changes only what it names', async () => {
    await reg({ port: '9000', metadata: '{"v":"1"}' });
    const put = await call(ts.url, 'PUT', '/v2/ns/instance', { serviceName: 'orders', groupName: 'shop', ip: '10.0.0.1', port: '9000', weight: '7', enabled: 'false' });
    assert.deepEqual(put.json(), { code: 0, message: 'success', data: 'ok' });
    let detail = await call(ts.url, 'GET', '/v2/ns/instance?serviceName=orders&groupName=shop&ip=10.0.0.1&port=9000');
    assert.equal(detail.json().data.weight, 7);
    const hidden = await call(ts.url, 'GET', '/v2/ns/instance/list?serviceName=orders&groupName=shop');
    assert.ok(!hidden.json().data.hosts.some((h: { port: number }) => h.port === 9000), 'disabled instance is hidden from consumers');

    const patch = await call(ts.url, 'PATCH', '/v2/ns/instance', { serviceName: 'shop@@orders', ip: '10.0.0.1', port: '9000', enabled: 'true' });
    assert.equal(patch.status, 200);
    assert.equal(patch.text, 'ok');
    detail = await call(ts.url, 'GET', '/v2/ns/instance?serviceName=orders&groupName=shop&ip=10.0.0.1&port=9000');
    assert.equal(detail.json().data.weight, 7);
    const shown = await call(ts.url, 'GET', '/v2/ns/instance/list?serviceName=orders&groupName=shop');
    assert.ok(shown.json().data.hosts.some((h: { port: number }) => h.port === 9000));

    const nowhere = await call(ts.url, 'PATCH', '/v2/ns/instance', { serviceName: 'orders', groupName: 'shop', ip: '10.9.9.9', port: '1', weight: '3' });
    assert.equal(nowhere.status, 404);
    assert.equal(nowhere.json().code, 21003);
  });

  it('update of an unknown service answers 21008', async () => {
    const res = await call(ts.url, 'PUT', '/v2/ns/instance', { serviceName: 'nobody', ip: '10.0.0.1', port: '80' });
    assert.equal(res.status, 400);
    assert.equal(res.json().code, 21008);
  });

  it('a malformed %-escape in the path is a 400 in the v2 shape, and in plain text on v1', async () => {
    const v2 = await call(ts.url, 'GET', '/v2/ns/instance/statuses/%ZZ');
    assert.equal(v2.status, 400);
    assert.equal(v2.json().code, 20002);
    assert.match(v2.json().data, /malformed request/);
    const v1 = await call(ts.url, 'GET', '/v1/ns/instance/list%ZZ');
    assert.equal(v1.status, 400);
    assert.match(v1.text, /^malformed request/);
  });

  it('beat answers the raw v1 beat JSON and statuses the raw ips list', async () => {
    // The v2 beat names its service `group@@service`, as Nacos requires (see beat-wire.test.ts).
    const unknown = await call(ts.url, 'PUT', '/v2/ns/instance/beat', { serviceName: 'DEFAULT_GROUP@@beats', ip: '10.0.0.2', port: '7000' });
    assert.equal(unknown.status, 200);
    assert.deepEqual(unknown.json(), { clientBeatInterval: 5000, code: 20404, lightBeatEnabled: true });
    await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'beats', ip: '10.0.0.2', port: '7000' });
    const known = await call(ts.url, 'PUT', '/v2/ns/instance/beat', { serviceName: 'DEFAULT_GROUP@@beats', ip: '10.0.0.2', port: '7000' });
    assert.deepEqual(known.json(), { clientBeatInterval: 5000, code: 10200, lightBeatEnabled: true });

    const statuses = await call(ts.url, 'GET', `/v2/ns/instance/statuses/${encodeURIComponent('public##DEFAULT_GROUP@@beats')}`);
    assert.equal(statuses.status, 200);
    assert.deepEqual(statuses.json(), { ips: ['10.0.0.2:7000_true'] });
  });

  it('v1 and v2 see the same registry', async () => {
    const v1 = await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'shared@@billing', ip: '10.1.1.1', port: '443', namespaceId: 'public' });
    assert.equal(v1.text, 'ok');
    const list = await call(ts.url, 'GET', '/v2/ns/instance/list?serviceName=billing&groupName=shared');
    assert.deepEqual(
      list.json().data.hosts.map((h: { ip: string; port: number }) => `${h.ip}:${h.port}`),
      ['10.1.1.1:443'],
    );

    await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'billing', groupName: 'shared', ip: '10.1.1.2', port: '443' });
    const v1list = await call(ts.url, 'GET', '/v1/ns/instance/list?serviceName=shared@@billing');
    assert.equal(v1list.json().hosts.length, 2);
  });
});
