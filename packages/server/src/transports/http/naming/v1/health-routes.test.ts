import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

describe('/v1/ns/health and /v1/ns/cluster', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  async function hostOf(service: string, ip: string): Promise<{ healthy: boolean }> {
    const list = (await call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=${service}`)).json();
    return list.hosts.find((h: { ip: string }) => h.ip === ip);
  }

  it('says hello with the service count and port', async () => {
    await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'hello' });
    const res = (await call(ts.url, 'GET', '/v1/ns/health/server')).json();
    const port = new URL(ts.url).port;
    assert.match(res.msg, new RegExp(`^Hello! I am Nacos-Naming and healthy! total services: \\d+, local port:${port}$`));
  });

  it('lists the default health checkers', async () => {
    const res = (await call(ts.url, 'GET', '/v1/ns/health/checkers')).json();
    assert.deepEqual(Object.keys(res).sort(), ['HTTP', 'MYSQL', 'NONE', 'TCP']);
    assert.equal(res.HTTP.expectedResponseCode, 200);
  });

  it('marks a persistent instance by hand once its cluster checker is NONE', async () => {
    const reg = await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'db', ip: '10.0.3.1', port: '3306', ephemeral: 'false' });
    assert.equal(reg.status, 200, reg.text);

    const refused = await call(ts.url, 'PUT', '/v1/ns/health', { serviceName: 'db', ip: '10.0.3.1', port: '3306', healthy: 'false' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /health check is still working/);

    const cluster = await call(ts.url, 'PUT', '/v1/ns/cluster', {
      serviceName: 'db',
      clusterName: 'DEFAULT',
      checkPort: '0',
      useInstancePort4Check: 'true',
      healthChecker: '{"type":"NONE"}',
      metadata: 'rack=r1',
    });
    assert.equal(cluster.status, 200, cluster.text);
    const detail = (await call(ts.url, 'GET', '/v1/ns/service?serviceName=db')).json();
    assert.deepEqual(detail.clusters, [{ name: 'DEFAULT', healthChecker: { type: 'NONE' }, metadata: { rack: 'r1' } }]);

    const down = await call(ts.url, 'PUT', '/v1/ns/health', { serviceName: 'db', ip: '10.0.3.1', port: '3306', healthy: 'false' });
    assert.equal(down.status, 200, down.text);
    assert.equal((await hostOf('db', '10.0.3.1')).healthy, false);

    const up = await call(ts.url, 'PUT', '/v1/ns/health/instance', { serviceName: 'db', ip: '10.0.3.1', port: '3306', valid: 'true' });
    assert.equal(up.status, 200, up.text);
    assert.equal((await hostOf('db', '10.0.3.1')).healthy, true);
  });

  it('refuses manual marking of an ephemeral instance', async () => {
    await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'web', ip: '10.0.3.2', port: '80' });
    await call(ts.url, 'PUT', '/v1/ns/cluster', { serviceName: 'web', clusterName: 'DEFAULT', checkPort: '80', useInstancePort4Check: 'true', healthChecker: '{"type":"NONE"}' });
    const res = await call(ts.url, 'PUT', '/v1/ns/health', { serviceName: 'web', ip: '10.0.3.2', port: '80', healthy: 'false' });
    assert.equal(res.status, 400);
  });

  it('keeps an HTTP checker with its settings', async () => {
    await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'api' });
    const res = await call(ts.url, 'PUT', '/v1/ns/cluster', {
      serviceName: 'api',
      clusterName: 'east',
      checkPort: '8080',
      useInstancePort4Check: 'false',
      healthChecker: '{"type":"HTTP","path":"/health","headers":"a:b","expectedResponseCode":204}',
    });
    assert.equal(res.status, 200, res.text);
    const body = (await call(ts.url, 'GET', '/v1/ns/catalog/service?serviceName=api')).json();
    assert.deepEqual(body.clusters[0], {
      serviceName: 'api',
      name: 'east',
      healthChecker: { type: 'HTTP', path: '/health', headers: 'a:b', expectedResponseCode: 204 },
      metadata: {},
      useIPPort4Check: false,
      defaultPort: 80,
      defaultCheckPort: 8080,
    });
  });

  it('answers the console probes', async () => {
    for (const probe of ['liveness', 'readiness']) {
      const res = await call(ts.url, 'GET', `/v1/console/health/${probe}`);
      assert.equal(res.status, 200);
      assert.equal(res.text, 'OK');
    }
  });

  it('answers bad input with 400 naming the field', async () => {
    await call(ts.url, 'POST', '/v1/ns/service', { serviceName: 'target' });
    const cluster = { serviceName: 'target', clusterName: 'DEFAULT', checkPort: '80', useInstancePort4Check: 'true', healthChecker: '{"type":"TCP"}' };
    const cases: [string, string, Record<string, string>, RegExp][] = [
      ['PUT', '/v1/ns/cluster', { ...cluster, healthChecker: '{"type":"PING"}' }, /healthChecker/],
      ['PUT', '/v1/ns/cluster', { ...cluster, healthChecker: 'TCP' }, /healthChecker/],
      ['PUT', '/v1/ns/cluster', { ...cluster, healthChecker: '{"type":"HTTP","path":7}' }, /healthChecker/],
      ['PUT', '/v1/ns/cluster', { ...cluster, healthChecker: '' }, /healthChecker/],
      ['PUT', '/v1/ns/cluster', { ...cluster, checkPort: 'eighty' }, /checkPort/],
      ['PUT', '/v1/ns/cluster', { ...cluster, checkPort: '70000' }, /checkPort/],
      ['PUT', '/v1/ns/cluster', { ...cluster, useInstancePort4Check: '' }, /useInstancePort4Check/],
      ['PUT', '/v1/ns/cluster', { ...cluster, clusterName: 'bad name' }, /clusterName/],
      ['PUT', '/v1/ns/cluster', { ...cluster, serviceName: 'missing-service' }, /service DEFAULT_GROUP@@missing-service is not found/],
      ['PUT', '/v1/ns/health', { serviceName: 'target', ip: '10.0.0.1', port: '80' }, /healthy/],
      ['PUT', '/v1/ns/health', { serviceName: 'target', ip: '10.0.0.1', port: 'x', healthy: 'true' }, /port/],
      ['PUT', '/v1/ns/health', { serviceName: 'target', ip: '10.0.0.1', port: '80', healthy: 'sometimes' }, /healthy/],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(ts.url, method, path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${res.text}`);
      assert.match(res.text, field, `${path} ${JSON.stringify(body)}`);
    }
  });
});
