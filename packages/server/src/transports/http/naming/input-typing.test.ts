import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';

/** Input typing on the HTTP naming routes: a wrongly typed or unsafe value is a 400 naming its field, never coerced or dropped. */
describe('input typing (HTTP naming)', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  const beat = (json: Record<string, unknown>) => call(ts.url, 'PUT', '/v1/ns/instance/beat', { serviceName: 'typed', beat: JSON.stringify(json) });
  const listed = async (service: string) => (await call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=${encodeURIComponent(service)}`)).json().hosts;

  it('a beat JSON field of the wrong type is a 400 naming beat and the field, not a coerced value', async () => {
    const good = { serviceName: 'DEFAULT_GROUP@@typed', ip: '127.0.0.21', port: 8080, cluster: 'DEFAULT', weight: 1, metadata: { k: 'v' }, scheduled: true, period: 5000, stopped: false };
    const wrong: [string, unknown][] = [
      ['port', true],
      ['port', [8080]],
      ['port', { n: 8080 }],
      ['port', 'eighty'],
      ['port', 70000],
      ['port', 0],
      ['ip', 127],
      ['weight', false],
      ['weight', [2]],
      ['cluster', ['DEFAULT']],
      ['serviceName', 5],
      ['metadata', ['k', 'v']],
      ['metadata', 'k=v'],
      ['scheduled', 'yes'],
      ['period', true],
    ];
    for (const [field, value] of wrong) {
      const res = await beat({ ...good, [field]: value });
      assert.equal(res.status, 400, `${field}=${JSON.stringify(value)}: ${res.text}`);
      assert.match(res.text, new RegExp(`beat.*'${field}'`), `${field}=${JSON.stringify(value)}`);
    }
    assert.deepEqual(await listed('typed'), [], 'no wrongly typed beat created an instance');
    // The Java client's own JSON, and numbers written as strings (which Nacos's JSON reader accepts too), still work.
    assert.equal((await beat(good)).status, 200);
    assert.equal((await beat({ ...good, ip: '127.0.0.22', port: '8081', weight: '2' })).status, 200);
    assert.deepEqual(
      (await listed('typed')).map((h: { ip: string; port: number; weight: number }) => `${h.ip}:${h.port}/${h.weight}`),
      ['127.0.0.21:8080/1', '127.0.0.22:8081/2'],
    );
  });

  it('a service name with a control character is refused on v1 and v2, registering and querying', async () => {
    for (const c of ['\u0000', '\u0001', '\u001b', '\u007f']) {
      const name = `ctl${c}svc`;
      const attempts = [
        await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: name, ip: '127.0.0.23', port: '8080' }),
        await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: name, ip: '127.0.0.23', port: '8080' }),
        await call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=${encodeURIComponent(name)}`),
        await call(ts.url, 'POST', '/v1/ns/service', { serviceName: name }),
      ];
      for (const res of attempts) {
        assert.equal(res.status, 400, `U+${c.charCodeAt(0).toString(16)}: ${res.text}`);
        assert.match(res.text, /serviceName/);
        assert.match(res.text, /control characters/);
        assert.doesNotMatch(res.text, /[\u0000-\u001f\u007f]/, 'the message shows the character escaped');
      }
    }
    assert.equal((await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'ctl-svc', ip: '127.0.0.23', port: '8080' })).status, 200);
  });

  it('a metadata key with a control character is refused on registration, edit and service definition', async () => {
    const bad = JSON.stringify({ 'zo\u0000ne': 'a' });
    const attempts = [
      await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'meta-ctl', ip: '127.0.0.24', port: '8080', metadata: bad }),
      await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'meta-ctl', ip: '127.0.0.24', port: '8080', metadata: bad }),
      await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'meta-ctl', ip: '127.0.0.24', port: '8080', metadata: 'a\u0007b=c' }),
      await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'meta-ctl-svc', metadata: bad }),
    ];
    for (const res of attempts) {
      assert.equal(res.status, 400, res.text);
      assert.match(res.text, /metadata.*control character/);
    }
    assert.equal((await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'meta-ctl', ip: '127.0.0.24', port: '8080', metadata: JSON.stringify({ zone: 'a\u0000' }) })).status, 200, 'values are free text');
  });

  it("a '__proto__' metadata key is refused with a 400 naming metadata, in every form; 'constructor' is an ordinary key", async () => {
    const attempts = [
      await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'proto', ip: '127.0.0.25', port: '8080', metadata: '{"__proto__":"x","zone":"a"}' }),
      await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'proto', ip: '127.0.0.25', port: '8080', metadata: '__proto__=x,zone=a' }),
      await call(ts.url, 'POST', '/v2/ns/instance', { serviceName: 'proto', ip: '127.0.0.25', port: '8080', metadata: '{"__proto__":"x"}' }),
      await call(ts.url, 'PUT', '/v1/ns/instance/beat', { serviceName: 'proto', beat: JSON.stringify({ ip: '127.0.0.25', port: 8080 }).replace('}', ',"metadata":{"__proto__":"x"}}') }),
      await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'proto-svc', metadata: '{"__proto__":"x"}' }),
    ];
    for (const res of attempts) {
      assert.equal(res.status, 400, res.text);
      assert.match(res.text, /metadata.*reserved key '__proto__'/);
    }
    assert.deepEqual(await listed('proto'), []);
    assert.equal((await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'proto', ip: '127.0.0.25', port: '8080', metadata: '{"constructor":"c","prototype":"p"}' })).status, 200);
    assert.deepEqual((await listed('proto'))[0].metadata, { constructor: 'c', prototype: 'p' });
  });

  it('a namespace name with a control character is refused', async () => {
    const res = await call(ts.url, 'POST', '/v1/console/namespaces', { customNamespaceId: 'ctl-ns', namespaceName: 'bad\u0000name' });
    assert.equal(res.status, 400, res.text);
    assert.match(res.text, /namespaceName/);
  });

  it('config keys with a control character are refused naming dataId, group or tenant (v1 and v2)', async () => {
    const cases: [string, string][] = [
      ['/v1/cs/configs?dataId=a%00b&group=g', 'dataId'],
      ['/v1/cs/configs?dataId=ab&group=g%01', 'group'],
      ['/v1/cs/configs?dataId=ab&group=g&tenant=t%7F', 'tenant'],
      ['/v2/cs/config?dataId=a%1Bb&group=g', 'dataId'],
    ];
    for (const [path, field] of cases) {
      const res = await call(ts.url, 'GET', path);
      assert.equal(res.status, 400, `${path}: ${res.text}`);
      assert.match(res.text, new RegExp(field), path);
    }
  });
});
