import Fastify from 'fastify';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../../../testing/test-server.js';
import { ruleOf } from '../auth/route-rules.js';
import { consoleStatic } from './console-static.js';

const INDEX = '<!doctype html><meta name="cairn-context-path" content="/nacos"><script src="/nacos/assets/app-1.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;

function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-1.js'), SCRIPT);
  return dir;
}

describe('console static files', () => {
  const app = Fastify();
  before(async () => {
    consoleStatic(app, '/nacos', fakeBuild());
    await app.ready();
  });
  after(() => app.close());

  test('the page is served at /nacos/ and /nacos/index.html, revalidated on every load', async () => {
    for (const url of ['/nacos/', '/nacos/index.html']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.equal(res.body, INDEX);
    }
    const bare = await app.inject({ url: '/nacos' });
    assert.equal(bare.statusCode, 302);
    assert.equal(bare.headers.location, '/nacos/');
  });

  test('assets are cached for a year, gzipped when asked, and answer 304 to their ETag', async () => {
    const plain = await app.inject({ url: '/nacos/assets/app-1.js' });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, SCRIPT);
    const gz = await app.inject({ url: '/nacos/assets/app-1.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(gz.rawPayload.length < SCRIPT.length / 4);
    assert.equal(gunzipSync(gz.rawPayload).toString(), SCRIPT);
    const again = await app.inject({ url: '/nacos/assets/app-1.js', headers: { 'if-none-match': String(plain.headers.etag) } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    const missing = await app.inject({ url: '/nacos/assets/nope.js' });
    assert.equal(missing.statusCode, 404);
  });

  test('every console answer forbids framing and sniffing and carries a policy that allows only its own files', async () => {
    for (const url of ['/nacos/', '/nacos/services', '/nacos/assets/app-1.js']) {
      const res = await app.inject({ url });
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.match(csp, /script-src 'self';/, url);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url);
    }
  });

  test("the console's page paths fall back to index.html; nothing else does", async () => {
    for (const url of [
      '/nacos/services',
      '/nacos/services/DEFAULT_GROUP/orders',
      '/nacos/services/G/s/instances/10.0.0.1:80?cluster=A',
      '/nacos/namespaces',
      '/nacos/configs?dataId=app',
      '/nacos/configs/new',
      '/nacos/configs/DEFAULT_GROUP/app.yaml/history?nid=3',
      '/nacos/connections',
      '/nacos/login?next=%2Fnacos%2Fconfigs',
      '/nacos/users?filter=al',
      '/nacos/roles',
      '/nacos/permissions?page=2',
    ]) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, INDEX, url);
    }
    for (const url of ['/nacos/v1/ns/nothing', '/nacos/other', '/services', '/nacos/configsx', '/nacos/loginx']) {
      assert.equal((await app.inject({ url })).statusCode, 404, url);
    }
  });

  test('with auth on, every console page is open (the login page must load); the APIs behind them are not', () => {
    for (const path of ['/', '/index.html', '/assets/*', '/login', '/users', '/roles', '/permissions', '/services/*', '/configs', '/namespaces', '/connections']) {
      assert.deepEqual(ruleOf('GET', path), { kind: 'open' }, path);
    }
    assert.equal(ruleOf('GET', '/v1/auth/users').kind, 'admin');
    assert.equal(ruleOf('POST', '/login').kind, 'admin');
  });
});

describe('console under another context path', () => {
  test('asset links and the base the app reads are rewritten', async () => {
    const app = Fastify();
    consoleStatic(app, '/registry', fakeBuild());
    const res = await app.inject({ url: '/registry/' });
    assert.match(res.body, /content="\/registry"/);
    assert.match(res.body, /src="\/registry\/assets\/app-1\.js"/);
    await app.close();
  });

  test('a missing build answers a page that says how to build it', async () => {
    const app = Fastify();
    consoleStatic(app, '/nacos', join(tmpdir(), 'cairn-no-such-console-build'));
    const res = await app.inject({ url: '/nacos/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /npm run build -w @cairn\/console/);
    await app.close();
  });
});

describe('console beside the APIs of a real server', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  test('API paths keep answering as before', async () => {
    const list = await fetch(`${ts.url}/v1/ns/service/list?pageNo=1&pageSize=10`);
    assert.equal(list.status, 200);
    assert.deepEqual(await list.json(), { count: 0, doms: [] });
    const unknown = await fetch(`${ts.url}/v1/ns/no-such-thing`);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /^no such endpoint/);
    const page = await fetch(`${ts.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  });
});
