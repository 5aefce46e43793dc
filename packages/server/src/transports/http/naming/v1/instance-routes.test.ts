import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Service, ServiceTable } from '@cairn/core';
import { startTestServer, type TestServer } from '../../../../testing/test-server.js';

interface Answer {
  status: number;
  text: string;
  json: () => any;
}

/**
 * A request the way the npm `nacos` client sends it: every parameter in the query string, whatever the method,
 * an empty body and no Content-Type.
 */
async function query(base: string, method: string, path: string, params: Record<string, string | number> = {}): Promise<Answer> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const res = await fetch(`${base}${path}${qs ? `?${qs}` : ''}`, { method });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

/** The same parameters as a form body (older Java clients). */
async function form(base: string, method: string, path: string, params: Record<string, string | number>): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString(),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

async function list(base: string, params: Record<string, string | number>): Promise<any> {
  const res = await query(base, 'GET', '/v1/ns/instance/list', params);
  assert.equal(res.status, 200, res.text);
  return res.json();
}

async function register(base: string, params: Record<string, string | number>): Promise<void> {
  const res = await query(base, 'POST', '/v1/ns/instance', params);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text, 'ok');
}

describe('v1 instance API', () => {
  let ts: TestServer;
  let base: string;
  before(async () => {
    ts = await startTestServer();
    base = ts.url;
  });
  after(() => ts.close());

  test('registers exactly like the npm client: query only, empty body, no Content-Type', async () => {
    await register(base, {
      namespaceId: 'public',
      serviceName: 'DEFAULT_GROUP@@npm-style',
      groupName: 'DEFAULT_GROUP',
      clusterName: 'DEFAULT',
      ip: '127.0.0.1',
      port: 9001,
      weight: 1,
      enable: 'true',
      healthy: 'true',
      ephemeral: 'true',
      metadata: '{"k":"v"}',
    });
    const info = await list(base, { namespaceId: 'public', serviceName: 'DEFAULT_GROUP@@npm-style', clusters: '', healthyOnly: 'false' });
    assert.equal(info.hosts.length, 1);
    const host = info.hosts[0];
    assert.equal(host.ip, '127.0.0.1');
    assert.equal(host.port, 9001);
    assert.equal(host.weight, 1);
    assert.equal(host.healthy, true);
    assert.equal(host.enabled, true);
    assert.equal(host.ephemeral, true);
    assert.equal(host.clusterName, 'DEFAULT');
    assert.equal(host.serviceName, 'DEFAULT_GROUP@@npm-style');
    assert.equal(host.instanceId, '127.0.0.1#9001#DEFAULT#DEFAULT_GROUP@@npm-style');
    assert.deepEqual(host.metadata, { k: 'v' });
  });

  test('registers from a form body', async () => {
    const res = await form(base, 'POST', '/v1/ns/instance', { serviceName: 'form-svc', ip: '10.0.0.5', port: 8080, weight: 2.5, metadata: '{"zone":"a"}' });
    assert.equal(res.status, 200, res.text);
    const info = await list(base, { serviceName: 'form-svc' });
    assert.equal(info.hosts.length, 1);
    assert.equal(info.hosts[0].weight, 2.5);
    assert.deepEqual(info.hosts[0].metadata, { zone: 'a' });
  });

  test('`enable` is an alias of `enabled`, and disabled hosts are left out of the list', async () => {
    await register(base, { serviceName: 'alias', ip: '10.0.0.1', port: 1, enable: 'false' });
    await register(base, { serviceName: 'alias', ip: '10.0.0.2', port: 1, enabled: 'false' });
    await register(base, { serviceName: 'alias', ip: '10.0.0.3', port: 1 });
    const info = await list(base, { serviceName: 'alias' });
    assert.deepEqual(
      info.hosts.map((h: any) => h.ip),
      ['10.0.0.3'],
    );
    const stored = ts.server.ctx.registry.findInstance({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'alias' }, '10.0.0.1', 1);
    assert.equal(stored?.instance.enabled, false);
  });

  test('metadata accepts a JSON object and the k=v,k=v form', async () => {
    await register(base, { serviceName: 'meta', ip: '10.0.0.1', port: 1, metadata: '{"a":"1","n":2,"b":true}' });
    await register(base, { serviceName: 'meta', ip: '10.0.0.2', port: 1, metadata: 'a=1, b=two' });
    const info = await list(base, { serviceName: 'meta' });
    const byIp = Object.fromEntries(info.hosts.map((h: any) => [h.ip, h.metadata]));
    assert.deepEqual(byIp['10.0.0.1'], { a: '1', n: '2', b: 'true' });
    assert.deepEqual(byIp['10.0.0.2'], { a: '1', b: 'two' });
  });

  test('a grouped name `group@@svc` wins over groupName, and list echoes `name` grouped', async () => {
    await register(base, { serviceName: 'grp1@@orders', groupName: 'ignored', ip: '10.0.1.1', port: 80 });
    const bySplit = await list(base, { serviceName: 'orders', groupName: 'grp1' });
    assert.equal(bySplit.name, 'grp1@@orders');
    assert.equal(bySplit.groupName, 'grp1');
    assert.equal(bySplit.hosts.length, 1);
    assert.equal(bySplit.hosts[0].serviceName, 'grp1@@orders');
    const byGrouped = await list(base, { serviceName: 'grp1@@orders' });
    assert.equal(byGrouped.name, 'grp1@@orders');
    assert.equal(byGrouped.hosts.length, 1);
    assert.equal((await list(base, { serviceName: 'ignored@@orders' })).hosts.length, 0);
    assert.equal((await list(base, { serviceName: 'orders' })).hosts.length, 0, 'DEFAULT_GROUP is another service');
  });

  test('defaults: namespace public, group DEFAULT_GROUP, cluster DEFAULT, weight 1, ephemeral', async () => {
    await register(base, { serviceName: 'defaults', ip: '10.0.2.1', port: 7 });
    const info = await list(base, { namespaceId: 'public', serviceName: 'DEFAULT_GROUP@@defaults' });
    assert.equal(info.hosts.length, 1);
    const host = info.hosts[0];
    assert.equal(host.clusterName, 'DEFAULT');
    assert.equal(host.weight, 1);
    assert.equal(host.ephemeral, true);
    assert.equal(host.instanceId, '10.0.2.1#7#DEFAULT#DEFAULT_GROUP@@defaults');
    assert.equal((await list(base, { namespaceId: 'other', serviceName: 'defaults' })).hosts.length, 0);
  });

  test('list shape: echoes clusters exactly, cacheMillis, lastRefTime is the answer time and never goes back', async () => {
    await register(base, { serviceName: 'shape', ip: '10.0.3.1', port: 1, clusterName: 'c1' });
    await register(base, { serviceName: 'shape', ip: '10.0.3.2', port: 1, clusterName: 'c2' });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const info = await list(base, { serviceName: 'DEFAULT_GROUP@@shape', clusters: 'c1, c3' });
      assert.equal(info.name, 'DEFAULT_GROUP@@shape');
      assert.equal(info.clusters, 'c1, c3');
      assert.equal(info.cacheMillis, 10000);
      assert.equal(info.reachProtectionThreshold, false);
      assert.equal(info.valid, true);
      assert.equal(info.allIPs, false);
      assert.equal(typeof info.checksum, 'string');
      assert.deepEqual(
        info.hosts.map((h: any) => h.ip),
        ['10.0.3.1'],
      );
      times.push(info.lastRefTime);
    }
    for (let i = 1; i < times.length; i++) assert.ok(times[i] >= times[i - 1], `lastRefTime ${times[i]} after ${times[i - 1]}`);
    assert.ok(Math.abs(times[times.length - 1] - Date.now()) < 5_000, 'lastRefTime is the time of the answer');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = (await list(base, { serviceName: 'DEFAULT_GROUP@@shape', clusters: 'c1, c3' })).lastRefTime;
    assert.ok(later > times[times.length - 1], `a later answer has a later lastRefTime: ${later}`);
    const all = await list(base, { serviceName: 'shape', clusters: '' });
    assert.equal(all.clusters, '');
    assert.equal(all.hosts.length, 2);
  });

  test('an unknown service answers 200 with empty hosts', async () => {
    const info = await list(base, { serviceName: 'DEFAULT_GROUP@@nobody-here', clusters: 'DEFAULT' });
    assert.deepEqual(info.hosts, []);
    assert.equal(info.name, 'DEFAULT_GROUP@@nobody-here');
    assert.equal(info.clusters, 'DEFAULT');
  });

  test('a re-created service is listed with its new hosts, not a cached answer of the old one', async () => {
    const ref = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'recreated' };
    await register(base, { serviceName: 'recreated', ip: '10.0.4.1', port: 1 });
    assert.deepEqual(
      (await list(base, { serviceName: 'recreated' })).hosts.map((h: any) => h.ip),
      ['10.0.4.1'],
    );
    const service = ts.server.ctx.registry.service(ref)!;
    const listedRevision = service.revision;
    // White box: the service vanishes without a deregistration (as an empty-service cleanup racing a list would).
    (ts.server.ctx.registry as unknown as { services: ServiceTable }).services.remove(service as Service, 'SERVICE_REMOVED', {});
    await register(base, { serviceName: 'recreated', ip: '10.0.4.2', port: 1 });
    assert.equal(ts.server.ctx.registry.service(ref)!.revision, listedRevision, 'the new service has the revision of the cached answer');
    assert.deepEqual(
      (await list(base, { serviceName: 'recreated' })).hosts.map((h: any) => h.ip),
      ['10.0.4.2'],
    );
  });

  test('beats: 10200 with clientBeatInterval for a known instance, preserved interval honoured', async () => {
    await register(base, { serviceName: 'beats', ip: '10.0.5.1', port: 1 });
    await register(base, { serviceName: 'beats', ip: '10.0.5.2', port: 1, metadata: '{"preserved.heart.beat.interval":"3000"}' });
    const plain = await query(base, 'PUT', '/v1/ns/instance/beat', { serviceName: 'DEFAULT_GROUP@@beats', ip: '10.0.5.1', port: 1 });
    assert.equal(plain.status, 200, plain.text);
    assert.deepEqual(plain.json(), { clientBeatInterval: 5000, code: 10200, lightBeatEnabled: true });
    const beat = JSON.stringify({ serviceName: 'DEFAULT_GROUP@@beats', ip: '10.0.5.2', port: 1, cluster: 'DEFAULT', weight: 1, metadata: {}, scheduled: true });
    const custom = await query(base, 'PUT', '/v1/ns/instance/beat', { beat, namespaceId: 'public', serviceName: 'DEFAULT_GROUP@@beats' });
    assert.equal(custom.json().clientBeatInterval, 3000);
    assert.equal(custom.json().code, 10200);
  });

  test('beats: an unknown instance answers 20404 without beat JSON, and is re-created from beat JSON', async () => {
    const lost = await query(base, 'PUT', '/v1/ns/instance/beat', { serviceName: 'DEFAULT_GROUP@@lost', ip: '10.0.6.1', port: 5 });
    assert.equal(lost.status, 200, lost.text);
    assert.equal(lost.json().code, 20404);
    assert.equal((await list(base, { serviceName: 'lost' })).hosts.length, 0, 'a bare beat creates nothing');

    const beat = JSON.stringify({ serviceName: 'DEFAULT_GROUP@@lost', ip: '10.0.6.1', port: 5, cluster: 'c9', weight: 3, metadata: { k: 'v' }, scheduled: true });
    const res = await query(base, 'PUT', '/v1/ns/instance/beat', { beat, namespaceId: 'public', serviceName: 'DEFAULT_GROUP@@lost' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().code, 10200);
    assert.equal(res.json().clientBeatInterval, 5000);
    const [host] = (await list(base, { serviceName: 'lost' })).hosts;
    assert.equal(host.ip, '10.0.6.1');
    assert.equal(host.port, 5);
    assert.equal(host.clusterName, 'c9');
    assert.equal(host.weight, 3);
    assert.equal(host.healthy, true);
    assert.equal(host.ephemeral, true);
    assert.deepEqual(host.metadata, { k: 'v' });
  });

  test('deregister by query removes the instance; deregistering nothing still answers ok', async () => {
    await register(base, { serviceName: 'gone', ip: '10.0.7.1', port: 1 });
    await register(base, { serviceName: 'gone', ip: '10.0.7.2', port: 1 });
    const res = await query(base, 'DELETE', '/v1/ns/instance', { namespaceId: 'public', serviceName: 'DEFAULT_GROUP@@gone', clusterName: 'DEFAULT', ip: '10.0.7.1', port: 1, ephemeral: 'true' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, 'ok');
    assert.deepEqual(
      (await list(base, { serviceName: 'gone' })).hosts.map((h: any) => h.ip),
      ['10.0.7.2'],
    );
    const again = await query(base, 'DELETE', '/v1/ns/instance', { serviceName: 'gone', ip: '10.0.7.1', port: 1 });
    assert.equal(again.status, 200);
  });

  test('detail answers the instance, 404 when missing or in another cluster', async () => {
    await register(base, { serviceName: 'detail', ip: '10.0.8.1', port: 3, clusterName: 'east', weight: 2, metadata: 'x=y' });
    const ok = await query(base, 'GET', '/v1/ns/instance', { serviceName: 'detail', ip: '10.0.8.1', port: 3, clusterName: 'east' });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json(), {
      service: 'DEFAULT_GROUP@@detail',
      ip: '10.0.8.1',
      port: 3,
      clusterName: 'east',
      weight: 2,
      healthy: true,
      instanceId: '10.0.8.1#3#east#DEFAULT_GROUP@@detail',
      metadata: { x: 'y' },
    });
    const missing = await query(base, 'GET', '/v1/ns/instance', { serviceName: 'detail', ip: '10.0.8.9', port: 3 });
    assert.equal(missing.status, 404);
    assert.match(missing.text, /no matched ip found/);
    const otherCluster = await query(base, 'GET', '/v1/ns/instance', { serviceName: 'detail', ip: '10.0.8.1', port: 3 });
    assert.equal(otherCluster.status, 404);
  });

  test('statuses lists ip:port_healthy by key, with or without the namespace prefix', async () => {
    await register(base, { serviceName: 'stat', ip: '10.0.9.1', port: 4 });
    for (const key of ['DEFAULT_GROUP@@stat', 'public##DEFAULT_GROUP@@stat']) {
      const res = await query(base, 'GET', '/v1/ns/instance/statuses', { key });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json(), { ips: ['10.0.9.1:4_true'] });
    }
    const missing = await query(base, 'GET', '/v1/ns/instance/statuses', {});
    assert.equal(missing.status, 400);
    assert.match(missing.text, /'key'/);
  });

  test('an instance of the other kind is refused with 400 saying why', async () => {
    await register(base, { serviceName: 'kinds', ip: '10.0.10.1', port: 1, ephemeral: 'false' });
    const res = await query(base, 'POST', '/v1/ns/instance', { serviceName: 'kinds', ip: '10.0.10.2', port: 1, ephemeral: 'true' });
    assert.equal(res.status, 400);
    assert.match(res.text, /persistent service/);
    assert.match(res.text, /can't register ephemeral/);
    await register(base, { serviceName: 'kinds2', ip: '10.0.10.1', port: 1 });
    const back = await query(base, 'POST', '/v1/ns/instance', { serviceName: 'kinds2', ip: '10.0.10.2', port: 1, ephemeral: 'false' });
    assert.equal(back.status, 400);
    assert.match(back.text, /ephemeral service/);
    assert.match(back.text, /can't register persistent/);
  });

  const good = { serviceName: 'bad-input', ip: '10.0.11.1', port: '80' };
  const badInputs: Array<[string, Record<string, string>, string]> = [
    ['port 0', { ...good, port: '0' }, 'port'],
    ['port 70000', { ...good, port: '70000' }, 'port'],
    ['port abc', { ...good, port: 'abc' }, 'port'],
    ['port 1.5', { ...good, port: '1.5' }, 'port'],
    ['weight -1', { ...good, weight: '-1' }, 'weight'],
    ['weight 10001', { ...good, weight: '10001' }, 'weight'],
    ['weight NaN', { ...good, weight: 'NaN' }, 'weight'],
    ['ip with a space', { ...good, ip: 'not an ip' }, 'ip'],
    ['ip 999.1.1.1', { ...good, ip: '999.1.1.1' }, 'ip'],
    ['cluster name', { ...good, clusterName: 'bad cluster!' }, 'clusterName'],
    ['cluster name with _ (Nacos refuses it at registration)', { ...good, clusterName: 'zone_a' }, 'clusterName'],
    ['metadata JSON', { ...good, metadata: '{"k":' }, 'metadata'],
    ['metadata pair', { ...good, metadata: 'novalue' }, 'metadata'],
    ['metadata nested', { ...good, metadata: '{"k":{"a":1}}' }, 'metadata'],
    ['healthy', { ...good, healthy: 'maybe' }, 'healthy'],
    ['missing serviceName', { ip: '10.0.11.1', port: '80' }, 'serviceName'],
    ['missing ip', { serviceName: 'bad-input', port: '80' }, 'ip'],
    ['missing port', { serviceName: 'bad-input', ip: '10.0.11.1' }, 'port'],
    ['grouped name without a group', { ...good, serviceName: '@@svc' }, 'serviceName'],
    ['namespace', { ...good, namespaceId: 'a b' }, 'namespaceId'],
  ];
  for (const [what, params, field] of badInputs) {
    test(`register with bad ${what} answers 400 naming '${field}'`, async () => {
      const res = await query(base, 'POST', '/v1/ns/instance', params);
      assert.equal(res.status, 400, `${res.status} ${res.text}`);
      assert.ok(res.text.includes(field), `message names ${field}: ${res.text}`);
    });
  }

  test('bad input on the other routes answers 400 naming the field', async () => {
    const cases: Array<[string, string, Record<string, string>, string]> = [
      ['PUT', '/v1/ns/instance/beat', { serviceName: 'x', beat: '{not json' }, 'beat'],
      ['PUT', '/v1/ns/instance/beat', { serviceName: 'x', beat: JSON.stringify({ ip: '10.0.0.1', port: 'abc' }) }, 'beat'],
      ['PUT', '/v1/ns/instance/beat', { serviceName: 'x', beat: JSON.stringify({ ip: '10.0.0.1', port: 70000 }) }, 'port'],
      ['PUT', '/v1/ns/instance/beat', { serviceName: 'x', beat: JSON.stringify({ ip: '10.0.0.1', port: 1, metadata: [1] }) }, 'metadata'],
      ['PUT', '/v1/ns/instance/beat', { serviceName: 'x' }, 'ip'],
      ['GET', '/v1/ns/instance/list', {}, 'serviceName'],
      ['GET', '/v1/ns/instance/list', { serviceName: 'x', udpPort: '70000', clientIP: '127.0.0.1' }, 'udpPort'],
      ['GET', '/v1/ns/instance/list', { serviceName: 'x', healthyOnly: 'perhaps' }, 'healthyOnly'],
      ['DELETE', '/v1/ns/instance', { serviceName: 'x', ip: '10.0.0.1', port: 'p' }, 'port'],
      ['GET', '/v1/ns/instance', { serviceName: 'x', ip: '10.0.0.1' }, 'port'],
    ];
    for (const [method, path, params, field] of cases) {
      const res = await query(base, method, path, params);
      assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(params)} → ${res.status} ${res.text}`);
      assert.ok(res.text.includes(field), `${method} ${path} names ${field}: ${res.text}`);
    }
  });
});

describe('ephemeral lifecycle over HTTP (fake time)', () => {
  let ts: TestServer;
  let base: string;
  before(async () => {
    ts = await startTestServer({}, { fakeTime: true });
    base = ts.url;
  });
  after(() => ts.close());

  const healthOf = async (service: string): Promise<Record<string, boolean>> => Object.fromEntries((await list(base, { serviceName: service })).hosts.map((h: any) => [`${h.ip}:${h.port}`, h.healthy]));

  test('unhealthy at 15 s without a beat, removed at 30 s', async () => {
    await register(base, { serviceName: 'life', ip: '10.1.0.1', port: 1 });
    ts.time!.advance(14_999);
    assert.deepEqual(await healthOf('life'), { '10.1.0.1:1': true });
    ts.time!.advance(1);
    assert.deepEqual(await healthOf('life'), { '10.1.0.1:1': false });
    ts.time!.advance(14_999);
    assert.deepEqual(await healthOf('life'), { '10.1.0.1:1': false });
    ts.time!.advance(1);
    assert.deepEqual(await healthOf('life'), {});
  });

  test('a beat keeps an instance healthy and revives an unhealthy one', async () => {
    await register(base, { serviceName: 'revive', ip: '10.1.1.1', port: 1 });
    for (let i = 0; i < 6; i++) {
      ts.time!.advance(5_000);
      const res = await query(base, 'PUT', '/v1/ns/instance/beat', { serviceName: 'revive', ip: '10.1.1.1', port: 1 });
      assert.equal(res.json().code, 10200);
    }
    assert.deepEqual(await healthOf('revive'), { '10.1.1.1:1': true }, 'alive after 30 s of beats');
    ts.time!.advance(20_000);
    assert.deepEqual(await healthOf('revive'), { '10.1.1.1:1': false });
    await query(base, 'PUT', '/v1/ns/instance/beat', { serviceName: 'revive', ip: '10.1.1.1', port: 1 });
    assert.deepEqual(await healthOf('revive'), { '10.1.1.1:1': true });
    ts.time!.advance(14_999);
    assert.deepEqual(await healthOf('revive'), { '10.1.1.1:1': true }, 'the deadline restarts from the reviving beat');
  });

  test('after removal a beat with JSON re-creates the instance', async () => {
    await register(base, { serviceName: 'phoenix', ip: '10.1.2.1', port: 1, metadata: '{"v":"1"}' });
    ts.time!.advance(30_000);
    assert.deepEqual(await healthOf('phoenix'), {});
    const beat = JSON.stringify({ serviceName: 'DEFAULT_GROUP@@phoenix', ip: '10.1.2.1', port: 1, cluster: 'DEFAULT', weight: 1, metadata: { v: '1' }, scheduled: true });
    const res = await query(base, 'PUT', '/v1/ns/instance/beat', { beat, serviceName: 'DEFAULT_GROUP@@phoenix' });
    assert.equal(res.json().code, 10200);
    assert.deepEqual(await healthOf('phoenix'), { '10.1.2.1:1': true });
  });

  test('preserved.heart.beat.timeout and preserved.ip.delete.timeout override the defaults', async () => {
    await register(base, {
      serviceName: 'custom',
      ip: '10.1.3.1',
      port: 1,
      metadata: JSON.stringify({ 'preserved.heart.beat.timeout': '6000', 'preserved.ip.delete.timeout': '9000' }),
    });
    ts.time!.advance(5_999);
    assert.deepEqual(await healthOf('custom'), { '10.1.3.1:1': true });
    ts.time!.advance(1);
    assert.deepEqual(await healthOf('custom'), { '10.1.3.1:1': false });
    ts.time!.advance(3_000);
    assert.deepEqual(await healthOf('custom'), {});
  });

  test('a delete timeout shorter than the beat interval is refused', async () => {
    const res = await query(base, 'POST', '/v1/ns/instance', { serviceName: 'custom-bad', ip: '10.1.3.2', port: 1, metadata: '{"preserved.ip.delete.timeout":"1000"}' });
    assert.equal(res.status, 400);
    assert.match(res.text, /timeout/);
  });

  test('protect threshold: at or below it every host is returned healthy and the answer says so', async () => {
    await register(base, { serviceName: 'protected', ip: '10.1.4.1', port: 1 });
    await register(base, { serviceName: 'protected', ip: '10.1.4.2', port: 1 });
    ts.server.ctx.registry.updateService({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'protected' }, { protectThreshold: 0.5 }, { ip: '127.0.0.1', via: 'test' });
    ts.time!.advance(10_000);
    await query(base, 'PUT', '/v1/ns/instance/beat', { serviceName: 'protected', ip: '10.1.4.1', port: 1 });
    ts.time!.advance(5_000);
    const info = await list(base, { serviceName: 'protected' });
    assert.equal(info.reachProtectionThreshold, true);
    assert.deepEqual(
      info.hosts.map((h: any) => h.healthy),
      [true, true],
    );
    const stored = ts.server.ctx.registry.findInstance({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'protected' }, '10.1.4.2', 1);
    assert.equal(stored?.instance.healthy, false, 'really unhealthy, only reported healthy');
    await query(base, 'PUT', '/v1/ns/instance/beat', { serviceName: 'protected', ip: '10.1.4.2', port: 1 });
    assert.equal((await list(base, { serviceName: 'protected' })).reachProtectionThreshold, false);
  });
});
