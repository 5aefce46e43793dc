import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { OptionsError, resolveOptions } from '../../config/options.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import { hostCheck } from './browser-guard.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request to the test server's loopback port with headers fetch will not set (`Host`). */
function send(ts: TestServer, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  const url = new URL(`${ts.url}${path}`);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: url.port, method, path: `${url.pathname}${url.search}`, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const portOf = (ts: TestServer) => new URL(ts.url).port;
const createService = (name: string) => `/v1/ns/service?serviceName=${name}&protectThreshold=0`;
const exists = (ts: TestServer, name: string) => [...ts.server.ctx.registry.allServices()].some((s) => s.name === name);

describe('a loopback server refuses what a hostile page makes a browser send', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  test('DNS rebinding replay: a POST with a foreign Host and Origin creates nothing', async () => {
    const evil = `rebind.attacker.example:${portOf(ts)}`;
    const res = await send(ts, 'POST', createService('rebound'), { host: evil, origin: `http://${evil}` });
    assert.equal(res.status, 403);
    assert.match(res.body, /the Host header names 'rebind\.attacker\.example:\d+'.*--allowed-hosts/);
    assert.equal(exists(ts, 'rebound'), false);
  });

  test('a GET with a foreign Host is refused (a rebound page cannot read the registry)', async () => {
    const res = await send(ts, 'GET', '/v1/ns/service/list?pageNo=1&pageSize=10', { host: `attacker.example:${portOf(ts)}` });
    assert.equal(res.status, 403);
    assert.match(res.body, /Host header/);
  });

  test("a POST from another site's page (right Host, foreign Origin) creates nothing", async () => {
    const res = await send(ts, 'POST', createService('csrf'), { host: `127.0.0.1:${portOf(ts)}`, origin: 'https://attacker.example' });
    assert.equal(res.status, 403);
    assert.match(res.body, /the Origin header 'https:\/\/attacker\.example'.*--allowed-origins/);
    const opaque = await send(ts, 'POST', createService('csrf'), { host: `127.0.0.1:${portOf(ts)}`, origin: 'null' });
    assert.equal(opaque.status, 403);
    // Same name, another port: another origin.
    const otherPort = await send(ts, 'POST', createService('csrf'), { host: `127.0.0.1:${portOf(ts)}`, origin: 'http://127.0.0.1:1' });
    assert.equal(otherPort.status, 403);
    assert.equal(exists(ts, 'csrf'), false);
  });

  test('same-origin requests (the console) and requests without Origin (clients) are served', async () => {
    const port = portOf(ts);
    for (const [name, host] of [
      ['same-origin', `127.0.0.1:${port}`],
      ['by-name', `localhost:${port}`],
      ['other-loopback', `127.0.0.2:${port}`],
    ]) {
      const res = await send(ts, 'POST', createService(name), { host, origin: `http://${host}` });
      assert.equal(res.status, 200, `${name}: ${res.body}`);
      assert.equal(exists(ts, name), true, name);
    }
    const client = await send(ts, 'POST', createService('client'), { host: `127.0.0.1:${port}` });
    assert.equal(client.status, 200, client.body);
    const v6 = await send(ts, 'GET', '/v1/ns/service/list?pageNo=1&pageSize=10', { host: `[::1]:${port}` });
    assert.equal(v6.status, 200, v6.body);
  });

  test('every answer, a refusal too, carries X-Content-Type-Options: nosniff', async () => {
    const ok = await send(ts, 'GET', '/v1/ns/service/list?pageNo=1&pageSize=10', { host: `127.0.0.1:${portOf(ts)}` });
    assert.equal(ok.headers['x-content-type-options'], 'nosniff');
    const refused = await send(ts, 'GET', '/v1/ns/service/list', { host: 'attacker.example' });
    assert.equal(refused.headers['x-content-type-options'], 'nosniff');
  });
});

describe('--allowed-hosts and --allowed-origins', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ allowedHosts: 'registry.internal,[fd00::7]', allowedOrigins: 'https://ops.example.com' });
  });
  after(() => ts.close());

  test('a listed name passes as Host, and its own origin as Origin; others are still refused', async () => {
    const port = portOf(ts);
    const listed = await send(ts, 'POST', createService('listed'), { host: `registry.internal:${port}`, origin: `http://registry.internal:${port}` });
    assert.equal(listed.status, 200, listed.body);
    const v6 = await send(ts, 'GET', '/v1/ns/service/list?pageNo=1&pageSize=10', { host: `[fd00::7]:${port}` });
    assert.equal(v6.status, 200, v6.body);
    const other = await send(ts, 'GET', '/v1/ns/service/list?pageNo=1&pageSize=10', { host: `registry.internal.attacker.example:${port}` });
    assert.equal(other.status, 403);
  });

  test('a listed origin may call from its own site', async () => {
    const res = await send(ts, 'POST', createService('from-ops'), { host: `127.0.0.1:${portOf(ts)}`, origin: 'https://ops.example.com' });
    assert.equal(res.status, 200, res.body);
    const unlisted = await send(ts, 'POST', createService('from-elsewhere'), { host: `127.0.0.1:${portOf(ts)}`, origin: 'https://ops.example.com.attacker.example' });
    assert.equal(unlisted.status, 403);
    assert.equal(exists(ts, 'from-elsewhere'), false);
  });

  test('bad entries stop the start, naming the option', () => {
    assert.throws(
      () => resolveOptions({ allowedHosts: 'ok.example,bad host' }),
      (e: Error) => e instanceof OptionsError && /allowedHosts.*'bad host'/.test(e.message),
    );
    assert.throws(
      () => resolveOptions({}, ['--allowed-origins', 'https://ops.example.com/path']),
      (e: Error) => e instanceof OptionsError && /--allowed-origins.*no path.*'https:\/\/ops\.example\.com\/path'/.test(e.message),
    );
    assert.throws(() => resolveOptions({}, ['--allowed-origins', 'ftp://ops.example.com']), /--allowed-origins/);
    assert.equal(resolveOptions({}, ['--allowed-origins', 'HTTPS://Ops.Example.com/']).allowedOrigins, 'https://ops.example.com');
    assert.equal(resolveOptions({}, ['--allowed-hosts', ' A.example. , [::1] ,*']).allowedHosts, 'a.example,::1,*');
  });
});

describe('behind a trusted proxy', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ trustedProxies: '127.0.0.1', allowedHosts: 'cairn.example.com' });
  });
  after(() => ts.close());

  test("the proxy's X-Forwarded-Host is the name checked: the public name passes, with its https origin", async () => {
    const res = await send(ts, 'POST', createService('proxied'), { host: `127.0.0.1:${portOf(ts)}`, 'x-forwarded-host': 'cairn.example.com', origin: 'https://cairn.example.com' });
    assert.equal(res.status, 200, res.body);
    const rebound = await send(ts, 'POST', createService('proxied-evil'), { host: `127.0.0.1:${portOf(ts)}`, 'x-forwarded-host': 'attacker.example', origin: 'https://attacker.example' });
    assert.equal(rebound.status, 403);
    assert.match(rebound.body, /X-Forwarded-Host header names 'attacker\.example'/);
    assert.equal(exists(ts, 'proxied-evil'), false);
  });

  test('from a peer that is not a trusted proxy, X-Forwarded-Host is ignored', async () => {
    const other = await startTestServer({ allowedHosts: 'cairn.example.com' });
    try {
      const res = await send(other, 'POST', createService('spoofed'), { host: `127.0.0.1:${portOf(other)}`, 'x-forwarded-host': 'cairn.example.com', origin: 'https://cairn.example.com' });
      assert.equal(res.status, 403);
      assert.match(res.body, /Origin header/);
    } finally {
      await other.close();
    }
  });
});

describe('which Host names a server accepts', () => {
  const interfaces = () => ['127.0.0.1', '10.1.2.3', 'fe80::1', '::1'];

  test('beyond loopback without --allowed-hosts: any name (auth guards such a server; its clients dial names it cannot know)', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5']) {
      const allowed = hostCheck({ host, allowedHosts: '' }, interfaces);
      assert.equal(allowed('nacos.internal'), true, host);
      assert.equal(allowed('10.9.9.9'), true, host);
    }
  });

  test('on every address (0.0.0.0, ::) with --allowed-hosts: those, any address of this machine, not other names or addresses', () => {
    for (const host of ['0.0.0.0', '::']) {
      const allowed = hostCheck({ host, allowedHosts: 'registry.example' }, interfaces);
      assert.equal(allowed('registry.example'), true, host);
      assert.equal(allowed('10.1.2.3'), true, host);
      assert.equal(allowed('fe80::1'), true, host);
      assert.equal(allowed('localhost'), true, host);
      assert.equal(allowed('10.9.9.9'), false, host);
      assert.equal(allowed('nacos.internal'), false, host);
    }
  });

  test('on one address with --allowed-hosts: that address, the listed names and loopback names only; * allows any', () => {
    const allowed = hostCheck({ host: '10.0.0.5', allowedHosts: 'registry.example' }, interfaces);
    assert.equal(allowed('10.0.0.5'), true);
    assert.equal(allowed('127.0.0.1'), true);
    assert.equal(allowed('registry.example'), true);
    assert.equal(allowed('10.1.2.3'), false);
    assert.equal(hostCheck({ host: '127.0.0.1', allowedHosts: '*' }, interfaces)('anything.example'), true);
  });

  test('on loopback: loopback names and addresses only, without any option', () => {
    const allowed = hostCheck({ host: '127.0.0.1', allowedHosts: '' }, interfaces);
    assert.equal(allowed('localhost'), true);
    assert.equal(allowed('127.0.0.2'), true);
    assert.equal(allowed('rebind.attacker.test'), false);
    assert.equal(allowed('10.1.2.3'), false);
  });
});
