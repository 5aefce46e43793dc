import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import pino from 'pino';
import { createServer } from '../../../app.js';
import { resolveOptions } from '../../../config/options.js';
import { call, grantedUser, loginToken, startTestServer, TEST_ADMIN_PASSWORD } from '../../../testing/test-server.js';

const form = (body: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body).toString(),
});

test('login answers as Nacos at its three paths: token, ttl, admin flag, name, and the Bearer header', async () => {
  const ts = await startTestServer({ authEnabled: true, tokenTtlSeconds: 600 });
  try {
    for (const path of ['/v1/auth/login', '/v1/auth/users/login', '/v3/auth/user/login']) {
      const res = await fetch(`${ts.url}${path}`, form({ username: 'nacos', password: TEST_ADMIN_PASSWORD }));
      assert.equal(res.status, 200, path);
      const body = (await res.json()) as { accessToken: string; tokenTtl: number; globalAdmin: boolean; username: string };
      assert.deepEqual({ ...body, accessToken: typeof body.accessToken }, { accessToken: 'string', tokenTtl: 600, globalAdmin: true, username: 'nacos' });
      assert.equal(res.headers.get('authorization'), `Bearer ${body.accessToken}`);
    }
    // The Java client puts the username in the query and the password in the form.
    const split = await fetch(`${ts.url}/v1/auth/login?username=nacos`, form({ password: TEST_ADMIN_PASSWORD }));
    assert.equal(split.status, 200);
  } finally {
    await ts.close();
  }
});

test('a wrong password and an unknown user get the same 403; a missing username is a 400 naming it', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const wrong = await call(ts.url, 'POST', '/v1/auth/login', { username: 'nacos', password: 'not-the-password' });
    const unknown = await call(ts.url, 'POST', '/v1/auth/login', { username: 'nobody', password: 'not-the-password' });
    assert.deepEqual([wrong.status, wrong.text], [403, 'user not found!']);
    assert.deepEqual([unknown.status, unknown.text], [403, 'user not found!']);
    const missing = await call(ts.url, 'POST', '/v1/auth/login', { password: 'x' });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /username/);
  } finally {
    await ts.close();
  }
});

test('a protected route refuses a request without credentials, and accepts every way Nacos clients send them', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const register = (query: string, init: RequestInit = { method: 'POST' }) => fetch(`${ts.url}/v1/ns/instance?serviceName=orders&ip=10.0.0.1&port=80${query}`, init);
    const anonymous = await register('');
    assert.equal(anonymous.status, 403);
    assert.match(await anonymous.text(), /no credentials/);
    assert.equal(ts.server.ctx.registry.serviceCount, 0, 'the refused request changed nothing');

    const token = await loginToken(ts.url);
    const ways: [string, RequestInit][] = [
      [`&accessToken=${token}`, { method: 'POST' }],
      ['', { method: 'POST', headers: { authorization: `Bearer ${token}` } }],
      ['', { method: 'POST', headers: { accessToken: token } }],
      ['', form({ accessToken: token })],
      [`&username=nacos&password=${TEST_ADMIN_PASSWORD}`, { method: 'POST' }],
      ['', form({ username: 'nacos', password: TEST_ADMIN_PASSWORD })],
    ];
    for (const [query, init] of ways) {
      const res = await register(query, init);
      assert.equal(res.status, 200, `${query} ${JSON.stringify(init.headers ?? init.body ?? '')}: ${await res.text()}`);
    }
    const badToken = await register('', { method: 'POST', headers: { authorization: `Bearer ${token.slice(0, -2)}xx` } });
    assert.equal(badToken.status, 403);
    assert.equal(await badToken.text(), 'token invalid! (Invalid signature)');
    // v2 answers in its own shape, with Nacos's `access denied` code.
    const v2 = await call(ts.url, 'GET', '/v2/ns/instance/list?serviceName=orders');
    assert.equal(v2.status, 403);
    assert.equal(v2.json().code, 10001);
  } finally {
    await ts.close();
  }
});

test('repeated wrong passwords are throttled with 429 and Retry-After, even for the right password, and journaled', async () => {
  // The fake clock stands still: the wait never passes during the test.
  const ts = await startTestServer({ authEnabled: true }, { fakeTime: true });
  try {
    for (let i = 0; i < 5; i++) assert.equal((await call(ts.url, 'POST', '/v1/auth/login', { username: 'nacos', password: `guess-${i}` })).status, 403);
    const throttled = await fetch(`${ts.url}/v1/auth/login`, form({ username: 'nacos', password: TEST_ADMIN_PASSWORD }));
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '1');
    assert.match(await throttled.text(), /too many failed logins for this user; try again in 1 s/);
    // Raw credentials on an API call go through the same throttle.
    assert.equal((await call(ts.url, 'GET', `/v1/ns/service/list?username=nacos&password=${TEST_ADMIN_PASSWORD}`)).status, 429);
    const causes = ts.server.ctx.journal.query({}).events.map((e) => e.cause);
    assert.equal(causes.filter((c) => c === 'LOGIN_FAILED').length, 5);
    assert.equal(causes.filter((c) => c === 'LOGIN_THROTTLED').length, 1, 'one event per wait, not per refused attempt');
    ts.time?.advance(2_000);
    assert.equal((await call(ts.url, 'POST', '/v1/auth/login', { username: 'nacos', password: TEST_ADMIN_PASSWORD })).status, 200);
  } finally {
    await ts.close();
  }
});

test('a grant limits a user to its resources; a disabled user is refused', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const token = await grantedUser(ts, 'alice', [{ resource: ':DEFAULT_GROUP:naming/orders', action: 'rw' }]);
    const own = await call(ts.url, 'POST', `/v1/ns/instance?serviceName=orders&ip=10.0.0.1&port=80&accessToken=${token}`);
    assert.equal(own.status, 200, own.text);
    const other = await call(ts.url, 'POST', `/v1/ns/instance?serviceName=payments&ip=10.0.0.1&port=80&accessToken=${token}`);
    assert.equal(other.status, 403);
    assert.equal(other.text, "authorization failed! no role of this user may write ':DEFAULT_GROUP:naming/payments'");
    const admin = await call(ts.url, 'PUT', `/v1/ns/operator/switches?entry=pushEnabled&value=false&accessToken=${token}`);
    assert.equal(admin.status, 403);
    ts.server.ctx.auth.setEnabled('alice', false, { sourceIp: 'test', clientAgent: 'test', claimedUser: '' });
    const disabled = await call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=orders&accessToken=${token}`);
    assert.deepEqual([disabled.status, disabled.text], [403, "user 'alice' is disabled"]);
  } finally {
    await ts.close();
  }
});

test('service lists show a limited user only the services it may read, over v1, the catalog and v2', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const admin = await loginToken(ts.url);
    for (const name of ['orders', 'orders-eu', 'payments']) {
      assert.equal((await call(ts.url, 'POST', `/v1/ns/instance?serviceName=${name}&ip=10.0.0.1&port=80&accessToken=${admin}`)).status, 200);
    }
    const bob = await grantedUser(ts, 'bob', [{ resource: ':DEFAULT_GROUP:naming/orders*', action: 'r' }]);
    const v1 = await call(ts.url, 'GET', `/v1/ns/service/list?pageNo=1&pageSize=10&accessToken=${bob}`);
    assert.deepEqual(v1.json(), { count: 2, doms: ['orders', 'orders-eu'] });
    const catalog = await call(ts.url, 'GET', `/v1/ns/catalog/services?accessToken=${bob}`);
    assert.deepEqual(
      catalog.json().serviceList.map((s: { name: string }) => s.name),
      ['orders', 'orders-eu'],
    );
    const v2 = await call(ts.url, 'GET', `/v2/ns/service/list?accessToken=${bob}`);
    assert.deepEqual(v2.json().data, { count: 2, services: ['orders', 'orders-eu'] });
    const names = await call(ts.url, 'GET', `/v1/ns/service/names?accessToken=${bob}`);
    assert.equal(names.json().count, 2);
    // The admin sees all three; a list without credentials is still refused.
    assert.equal((await call(ts.url, 'GET', `/v2/ns/service/list?accessToken=${admin}`)).json().data.count, 3);
    assert.equal((await call(ts.url, 'GET', '/v2/ns/service/list')).status, 403);
  } finally {
    await ts.close();
  }
});

test('the journal shows a limited user only the events of what it may read; auth events are for admins', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const admin = await loginToken(ts.url);
    await call(ts.url, 'POST', `/v1/ns/instance?serviceName=orders&ip=10.0.0.1&port=80&accessToken=${admin}`);
    await call(ts.url, 'POST', `/v1/ns/instance?serviceName=orders&groupName=SECRET&ip=10.0.0.2&port=80&accessToken=${admin}`);
    await call(ts.url, 'POST', `/v1/cs/configs?dataId=db.yaml&group=SECRET&content=x&accessToken=${admin}`);
    const carol = await grantedUser(ts, 'carol', [{ resource: ':DEFAULT_GROUP:naming/orders', action: 'r' }]);
    // A bare service name matches the name in every group: the SECRET group's event must still stay hidden.
    for (const query of ['', '&serviceName=orders', '&dataId=db.yaml&group=SECRET', '&cause=USER_CREATED']) {
      const seen = await call(ts.url, 'GET', `/v1/cairn/events?accessToken=${carol}${query}`);
      assert.equal(seen.status, 200, seen.text);
      const events = seen.json().events as { group: string; service: string; cause: string }[];
      assert.ok(
        events.every((e) => e.group === 'DEFAULT_GROUP' && e.service === 'orders'),
        `${query}: ${JSON.stringify(events)}`,
      );
      assert.equal(seen.json().total, events.length);
    }
    const all = await call(ts.url, 'GET', `/v1/cairn/events?accessToken=${admin}`);
    assert.ok(all.json().events.some((e: { cause: string }) => e.cause === 'USER_CREATED'));
    assert.ok(all.json().events.some((e: { group: string }) => e.group === 'SECRET'));
  } finally {
    await ts.close();
  }
});

test('a check reads the resource exactly as the handler does: no parameter mix reaches another service or namespace', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const admin = await loginToken(ts.url);
    await call(ts.url, 'POST', `/v1/console/namespaces?customNamespaceId=secret-ns&namespaceName=secret&accessToken=${admin}`);
    await call(ts.url, 'POST', `/v1/ns/instance?serviceName=SECRET@@orders&ip=10.0.0.9&port=80&accessToken=${admin}`);
    await call(ts.url, 'POST', `/v2/cs/config?dataId=db.yaml&group=G&namespaceId=secret-ns&content=password%3Dx&accessToken=${admin}`);
    const dave = await grantedUser(ts, 'dave', [
      { resource: ':DEFAULT_GROUP:naming/*', action: 'rw' },
      { resource: ':*:config/*', action: 'rw' },
    ]);
    const refused = async (method: string, path: string) => {
      const res = await call(ts.url, method, `${path}${path.includes('?') ? '&' : '?'}accessToken=${dave}`);
      assert.equal(res.status, 403, `${method} ${path}: ${res.status} ${res.text}`);
    };
    // The `group@@` of serviceName wins over groupName in the handlers, so it must in the check.
    await refused('GET', '/v1/ns/instance/list?serviceName=SECRET@@orders&groupName=DEFAULT_GROUP');
    await refused('DELETE', '/v1/ns/instance?serviceName=SECRET@@orders&groupName=DEFAULT_GROUP&ip=10.0.0.9&port=80');
    // v2 reads namespaceId, not tenant; Cairn's v1 routes read tenant.
    await refused('GET', '/v2/cs/config?dataId=db.yaml&group=G&namespaceId=secret-ns&tenant=public');
    await refused('GET', '/v1/cs/configs?dataId=db.yaml&group=G&tenant=secret-ns&namespaceId=public');
    // The service of the v2 statuses route is in its path.
    await refused('GET', '/v2/ns/instance/statuses/public%23%23SECRET@@orders');
    // Operations naming configs by id reach any namespace: the admin's.
    const id = (await call(ts.url, 'GET', `/v1/cs/configs?search=accurate&dataId=db.yaml&group=G&tenant=secret-ns&pageNo=1&pageSize=10&accessToken=${admin}`)).json().pageItems[0].id;
    await refused('DELETE', `/v1/cs/configs?delType=ids&ids=${id}`);
    await refused('GET', `/v1/cs/configs?export=true&ids=${id}`);
    await refused('POST', `/v1/cs/configs?clone=true&tenant=public&policy=OVERWRITE`);
    assert.equal((await call(ts.url, 'GET', `/v2/cs/config?dataId=db.yaml&group=G&namespaceId=secret-ns&accessToken=${admin}`)).status, 200, 'the config is still there');
    // What the grants do cover still works.
    const own = await call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=orders&accessToken=${dave}`);
    assert.equal(own.status, 200, own.text);
  } finally {
    await ts.close();
  }
});

test('with auth off nothing is checked and login answers AUTH_DISABLED', async () => {
  const ts = await startTestServer();
  try {
    assert.equal((await call(ts.url, 'POST', '/v1/ns/instance?serviceName=orders&ip=10.0.0.1&port=80')).status, 200);
    const login = await call(ts.url, 'POST', '/v1/auth/login', { username: 'anyone', password: 'anything' });
    assert.equal(login.status, 200);
    assert.equal(login.json().accessToken, 'AUTH_DISABLED');
    assert.equal(ts.server.ctx.auth.hasAdmin, false, 'no admin is made while auth is off');
  } finally {
    await ts.close();
  }
});

test('the first admin: a generated password is announced once (never logged), a configured or file password is used, a restart changes nothing', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-first-admin-'));
  const logged: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => logged.push(line) });
  const start = async (extra: { adminPassword?: string; adminPasswordFile?: string }) => {
    const announced: string[] = [];
    const server = await createServer({
      options: resolveOptions({ port: 0, dataDir, authEnabled: true, healthCheckEnabled: false, grpcPort: 0, adminPasswordFile: extra.adminPasswordFile }),
      logger,
      adminPassword: extra.adminPassword,
      announce: (text) => announced.push(text),
    });
    const url = await server.listen();
    return { server, url, announced };
  };
  try {
    const first = await start({});
    const password = first.announced.join('').match(/password (\S+)/)?.[1] ?? '';
    assert.equal(password.length, 24);
    assert.ok(await loginToken(first.url, 'nacos', password));
    await first.server.close();
    assert.ok(!logged.join('').includes(password), 'the generated password is not in the log');

    // A configured password does not reset an existing admin.
    const second = await start({ adminPassword: 'another-password' });
    assert.deepEqual(second.announced, []);
    await assert.rejects(loginToken(second.url, 'nacos', 'another-password'), /403/);
    assert.ok(await loginToken(second.url, 'nacos', password));
    await second.server.close();

    rmSync(dataDir, { recursive: true, force: true });
    const file = join(tmpdir(), `cairn-admin-pw-${process.pid}`);
    writeFileSync(file, 'from-a-file-password\n');
    const third = await start({ adminPasswordFile: file });
    assert.deepEqual(third.announced, []);
    assert.ok(await loginToken(third.url, 'nacos', 'from-a-file-password'), 'the trailing newline is not part of the password');
    await third.server.close();
    rmSync(file);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('once an admin exists the password file is not read, and an empty CAIRN_ADMIN_PASSWORD counts as unset', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-first-admin-file-'));
  const file = join(dataDir, 'admin-password');
  writeFileSync(file, 'file-password-1\n');
  const start = async (adminPassword: string | undefined) => {
    const server = await createServer({
      options: resolveOptions({ port: 0, dataDir, authEnabled: true, healthCheckEnabled: false, grpcPort: 0, adminPasswordFile: file, logLevel: 'silent' }),
      adminPassword,
      announce: () => {},
    });
    return { server, url: await server.listen() };
  };
  try {
    const first = await start('');
    assert.ok(await loginToken(first.url, 'nacos', 'file-password-1'), 'the empty variable did not hide the file');
    await first.server.close();
    rmSync(file);
    const second = await start(undefined);
    assert.ok(await loginToken(second.url, 'nacos', 'file-password-1'), 'a restart does not need the file any more');
    await second.server.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
