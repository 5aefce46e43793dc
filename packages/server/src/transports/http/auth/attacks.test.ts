import type { AuthActor } from '@cairn/core';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../../auth/passwords.js';
import { NACOS_PUBLISHED_SECRET, signToken } from '../../../auth/tokens.js';
import { loginToken, startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../../../testing/test-server.js';

/**
 * Attacks that worked against Nacos, replayed against a server with auth on over real HTTP: each is refused with
 * the status and a message that says why, and the registry, the configs and the users are as before.
 */

const SETUP: AuthActor = { sourceIp: 'server', clientAgent: 'attacks.test', claimedUser: '' };

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function send(ts: TestServer, method: string, path: string, options: { token?: string; headers?: Record<string, string>; form?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await fetch(`${ts.url}${path}`, { method, headers, body });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** A user holding one role with the given grants (`[resource, action]`). */
async function addUser(ts: TestServer, username: string, password: string, grants: [string, 'r' | 'w' | 'rw'][]): Promise<void> {
  const auth = ts.server.ctx.auth;
  auth.createUser(username, await hashPassword(password), SETUP);
  if (grants.length === 0) return;
  auth.assignRole(`${username}-role`, username, SETUP);
  for (const [resource, action] of grants) auth.addGrant({ role: `${username}-role`, resource, action }, SETUP);
}

/** Everything an attack could change: services and instances, configs, users (with hashes and token generations), roles, grants. */
function state(ts: TestServer): string {
  const { registry, config, auth } = ts.server.ctx;
  const services = [...registry.allServices()].map((s) => `${s.namespace}/${s.group}/${s.name}:${[...s.instances.values()].map((i) => `${i.ip}:${i.port}:${i.ephemeral}`).sort()}`);
  const configs = ['public', 'dev'].flatMap((ns) => config.listIn(ns).map((c) => `${ns}/${c.group}/${c.dataId}:${c.md5}`));
  const users = auth.searchUsers('blur').map((u) => `${u.username}:${u.enabled}:${u.tokenGeneration}:${u.passwordHash}`);
  return JSON.stringify({ services: services.sort(), configs, users, roles: auth.searchRoles('blur'), grants: auth.searchGrants('blur') });
}

/** Requests that would change or read the registry and the configs, v1 and v2. */
const WRITES: [string, string, Record<string, string>?][] = [
  ['POST', '/v1/ns/instance?serviceName=orders&ip=127.0.0.1&port=9001'],
  ['POST', '/v2/ns/instance', { serviceName: 'orders', ip: '127.0.0.1', port: '9002' }],
  ['POST', '/v1/cs/configs', { dataId: 'orders.yaml', group: 'DEFAULT_GROUP', content: 'pwned: true' }],
  ['POST', '/v2/cs/config', { dataId: 'orders.yaml', group: 'DEFAULT_GROUP', content: 'pwned: true' }],
];
const READS: [string, string][] = [
  ['GET', '/v1/ns/instance/list?serviceName=orders'],
  ['GET', '/v2/ns/instance/list?serviceName=orders'],
  ['GET', '/v1/cs/configs?dataId=orders.yaml&group=DEFAULT_GROUP'],
  ['GET', '/v2/cs/config?dataId=orders.yaml&group=DEFAULT_GROUP'],
];

function tokenOf(header: Record<string, unknown>, payload: Record<string, unknown>, sign: (data: string) => string): string {
  const head = Buffer.from(JSON.stringify(header)).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${head}.${body}.${sign(`${head}.${body}`)}`;
}

const hmac = (algorithm: string, secret: Buffer | string) => (data: string) => createHmac(algorithm, secret).update(data).digest('base64url');

describe('attacks on a server with auth on', () => {
  let ts: TestServer;
  let admin: string;
  let before0: string;

  before(async () => {
    ts = await startTestServer({ authEnabled: true });
    admin = await loginToken(ts.url);
    // Something to attack: a service and a config the admin made.
    assert.equal((await send(ts, 'POST', '/v1/ns/instance?serviceName=orders&ip=127.0.0.1&port=9000', { token: admin })).status, 200);
    assert.equal((await send(ts, 'POST', '/v1/cs/configs', { token: admin, form: { dataId: 'orders.yaml', group: 'DEFAULT_GROUP', content: 'a: 1' } })).status, 200);
    await addUser(ts, 'alice', 'alice-password', [
      [':DEFAULT_GROUP:naming/orders', 'rw'],
      [':DEFAULT_GROUP:config/orders.yaml', 'rw'],
    ]);
    await addUser(ts, 'reader', 'reader-password', [
      [':*:naming/*', 'r'],
      [':*:config/*', 'r'],
    ]);
    await addUser(ts, 'nobody', 'nobody-password', []);
    before0 = state(ts);
  });
  after(() => ts.close());

  /** Sends every request and expects each refused with `status` and a text matching `why`; the state is unchanged. */
  async function refusedAll(label: string, status: number, why: RegExp, options: { token?: string; headers?: Record<string, string> }): Promise<void> {
    const before = state(ts);
    for (const [method, path, form] of [...WRITES, ...READS]) {
      const answer = await send(ts, method, path, { ...options, form });
      assert.equal(answer.status, status, `${label}: ${method} ${path} answered ${answer.status} ${answer.text}`);
      assert.match(answer.text, why, `${label}: ${method} ${path}`);
    }
    assert.equal(state(ts), before, `${label} changed nothing`);
  }

  test('the requests below work with a valid token (so their refusals below are the attacks failing)', async () => {
    for (const [method, path] of READS) assert.equal((await send(ts, method, path, { token: admin })).status, 200, `${method} ${path}`);
  });

  test('CVE-2021-29441: User-Agent Nacos-Server and the server-identity header pair grant nothing', async () => {
    const noCredentials = /user not found! \(no credentials/;
    for (const headers of [{ 'user-agent': 'Nacos-Server' }, { 'user-agent': 'Nacos-Server:1.4.0' }, { 'user-agent': 'Nacos-Server:2.2.0', serverIdentity: 'security' }, { serverIdentity: 'security', 'nacos-server': 'true' }] as Record<
      string,
      string
    >[]) {
      await refusedAll(JSON.stringify(headers), 403, noCredentials, { headers });
    }
  });

  test('the URL-shape bypasses of the CVE-2021-29441 fix reach no unguarded handler', async () => {
    const before = state(ts);
    for (const path of [
      '/v1/ns/instance/?serviceName=orders&ip=127.0.0.1&port=9003',
      '//v1/ns/instance?serviceName=orders&ip=127.0.0.1&port=9003',
      '/v1/ns/instance;x?serviceName=orders&ip=127.0.0.1&port=9003',
      '/v1/ns/%69nstance?serviceName=orders&ip=127.0.0.1&port=9003',
      '/V1/NS/INSTANCE?serviceName=orders&ip=127.0.0.1&port=9003',
    ]) {
      const answer = await send(ts, 'POST', path, { headers: { 'user-agent': 'Nacos-Server' } });
      assert.ok([403, 404].includes(answer.status), `${path} answered ${answer.status} ${answer.text}`);
    }
    assert.equal(state(ts), before);
  });

  test("a token signed with Nacos's published default secret is refused, with or without a key id", async () => {
    const { current } = await ts.server.ctx.authPersistence.signingKeys();
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'nacos', iat: now, exp: now + 3600, gen: 0 };
    for (const secret of [Buffer.from(NACOS_PUBLISHED_SECRET, 'base64'), Buffer.from(NACOS_PUBLISHED_SECRET)]) {
      const withKid = tokenOf({ alg: 'HS256', typ: 'JWT', kid: current.kid }, claims, hmac('sha256', secret));
      await refusedAll('forged with kid', 403, /token invalid! \(Invalid signature\)/, { token: withKid });
      // Nacos's own tokens: no kid, `{sub, exp}` only.
      const nacosShaped = tokenOf({ alg: 'HS256' }, { sub: 'nacos', exp: now + 3600 }, hmac('sha256', secret));
      await refusedAll('forged as Nacos signs', 403, /token invalid! \(no signing key of this server has its key id\)/, { token: nacosShaped });
    }
  });

  test('alg none, HS384 and HS512 tokens are refused as unsupported, even signed with the real key', async () => {
    const { current } = await ts.server.ctx.authPersistence.signingKeys();
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'nacos', iat: now, exp: now + 3600, gen: 0 };
    const unsupported = /token invalid! \(unsupported signature algorithm: only HS256 is accepted\)/;
    await refusedAll('alg none', 403, unsupported, { token: tokenOf({ alg: 'none', typ: 'JWT', kid: current.kid }, claims, () => '') });
    await refusedAll('alg None', 403, unsupported, { token: tokenOf({ alg: 'None', kid: current.kid }, claims, () => '') });
    await refusedAll('HS384', 403, unsupported, { token: tokenOf({ alg: 'HS384', kid: current.kid }, claims, hmac('sha384', current.secret)) });
    await refusedAll('HS512', 403, unsupported, { token: tokenOf({ alg: 'HS512', kid: current.kid }, claims, hmac('sha512', current.secret)) });
  });

  test('an expired token is refused, though signed with the real key', async () => {
    const { current } = await ts.server.ctx.authPersistence.signingKeys();
    const past = Math.floor(Date.now() / 1000) - 7200;
    const gen = ts.server.ctx.auth.user('nacos')!.tokenGeneration;
    await refusedAll('expired', 403, /token expired!/, { token: signToken({ sub: 'nacos', iat: past, exp: past + 3600, gen }, current) });
  });

  test("a tampered token (alice's, with sub changed to nacos and the signature kept) is refused", async () => {
    const [head, body, signature] = (await loginToken(ts.url, 'alice', 'alice-password')).split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    assert.equal(claims.sub, 'alice');
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'nacos' })).toString('base64url');
    await refusedAll('tampered', 403, /token invalid! \(Invalid signature\)/, { token: `${head}.${forged}.${signature}` });
    await refusedAll('garbage', 403, /token invalid! \(it is not a well-formed token\)/, { token: 'not.a-token' });
  });

  test('the token of a deleted user is refused', async () => {
    await addUser(ts, 'leaver', 'leaver-password', [[':*:naming/*', 'rw']]);
    const token = await loginToken(ts.url, 'leaver', 'leaver-password');
    assert.equal((await send(ts, 'GET', READS[0][1], { token })).status, 200);
    ts.server.ctx.auth.deleteUser('leaver', SETUP);
    await refusedAll('deleted user', 403, /user not found!/, { token });
  });

  test('a token issued before a password change is refused; a new login works', async () => {
    await addUser(ts, 'rotating', 'old-password', [[':*:naming/*', 'rw']]);
    const old = await loginToken(ts.url, 'rotating', 'old-password');
    ts.server.ctx.auth.changePassword('rotating', await hashPassword('new-password'), SETUP);
    ts.server.ctx.authenticator.forget('rotating');
    await refusedAll('before the password change', 403, /token invalid! \(it was issued before the password was changed; log in again\)/, { token: old });
    const fresh = await loginToken(ts.url, 'rotating', 'new-password');
    assert.equal((await send(ts, 'GET', READS[0][1], { token: fresh })).status, 200);
  });

  test('CVE-2021-29442: no endpoint runs SQL, whoever asks', async () => {
    const before = state(ts);
    for (const [method, path] of [
      ['GET', '/v1/cs/ops/derby?sql=select%20*%20from%20users'],
      ['POST', '/v1/cs/ops/derby/import'],
      ['POST', '/v1/cs/ops/data/removal'],
      ['GET', '/v1/cs/ops/localCache'],
      ['GET', '/v1/core/ops/raft'],
    ]) {
      for (const token of [undefined, admin]) {
        const answer = await send(ts, method, path, { token, headers: { 'user-agent': 'Nacos-Server' } });
        assert.equal(answer.status, 404, `${method} ${path} answered ${answer.status} ${answer.text}`);
      }
    }
    assert.equal(state(ts), before);
  });

  test('first admin: POST /v1/auth/users/admin cannot make or reset an admin once one exists', async () => {
    const before = state(ts);
    for (const token of [undefined, await loginToken(ts.url, 'alice', 'alice-password')]) {
      const answer = await send(ts, 'POST', '/v1/auth/users/admin', { token, form: { username: 'nacos', password: 'attacker-password' } });
      // 404 while the route does not exist; once it does, 409 (an admin exists) or 403 (not an admin).
      assert.ok([403, 404, 409].includes(answer.status), `answered ${answer.status} ${answer.text}`);
    }
    assert.equal(state(ts), before);
    assert.equal((await send(ts, 'POST', '/v1/auth/login', { form: { username: 'nacos', password: 'attacker-password' } })).status, 403);
    assert.ok(await loginToken(ts.url, 'nacos', TEST_ADMIN_PASSWORD));
  });

  test('a grant on one service and one config reaches nothing else (naming and config, v1 and v2, other namespaces)', async () => {
    const alice = await loginToken(ts.url, 'alice', 'alice-password');
    const before = state(ts);
    // What alice may do.
    assert.equal((await send(ts, 'GET', '/v1/ns/instance/list?serviceName=orders', { token: alice })).status, 200);
    assert.equal((await send(ts, 'GET', '/v2/cs/config?dataId=orders.yaml&group=DEFAULT_GROUP', { token: alice })).status, 200);
    const denied = /authorization failed! /;
    for (const [method, path, form] of [
      ['POST', '/v1/ns/instance?serviceName=payments&ip=127.0.0.1&port=9100'],
      ['POST', '/v2/ns/instance', { serviceName: 'payments', ip: '127.0.0.1', port: '9100' }],
      ['POST', '/v1/ns/instance?serviceName=orders&groupName=OTHER&ip=127.0.0.1&port=9100'],
      ['POST', '/v1/ns/instance?serviceName=orders&namespaceId=dev&ip=127.0.0.1&port=9100'],
      ['DELETE', '/v1/ns/instance?serviceName=payments&ip=127.0.0.1&port=9100'],
      ['PUT', '/v1/ns/health/instance?serviceName=payments&ip=127.0.0.1&port=9100&healthy=false'],
      ['GET', '/v1/ns/instance/list?serviceName=payments'],
      ['GET', '/v2/ns/instance/list?serviceName=payments'],
      ['GET', '/v1/ns/instance/list?serviceName=orders&namespaceId=dev'],
      ['POST', '/v1/cs/configs', { dataId: 'payments.yaml', group: 'DEFAULT_GROUP', content: 'x: 1' }],
      ['POST', '/v2/cs/config', { dataId: 'payments.yaml', group: 'DEFAULT_GROUP', content: 'x: 1' }],
      ['POST', '/v1/cs/configs', { dataId: 'orders.yaml', group: 'DEFAULT_GROUP', tenant: 'dev', content: 'x: 1' }],
      ['GET', '/v1/cs/configs?dataId=payments.yaml&group=DEFAULT_GROUP'],
      ['GET', '/v2/cs/config?dataId=payments.yaml&group=DEFAULT_GROUP'],
      ['GET', '/v1/cs/configs?dataId=orders.yaml&group=DEFAULT_GROUP&tenant=dev'],
      ['GET', '/v1/cs/configs?search=blur&dataId=&group=&pageNo=1&pageSize=10'],
      ['DELETE', '/v1/cs/configs?dataId=payments.yaml&group=DEFAULT_GROUP'],
    ] as [string, string, Record<string, string>?][]) {
      const answer = await send(ts, method, path, { token: alice, form });
      assert.equal(answer.status, 403, `${method} ${path} answered ${answer.status} ${answer.text}`);
      assert.match(answer.text, denied, `${method} ${path}`);
    }
    // Lists and the journal show alice only what she may read.
    const list = JSON.parse((await send(ts, 'GET', '/v1/ns/service/list?pageNo=1&pageSize=100', { token: alice })).text);
    assert.deepEqual(list.doms, ['orders']);
    const events = JSON.parse((await send(ts, 'GET', '/v1/cairn/events?pageSize=1000', { token: alice })).text).events as { service: string; dataId?: string }[];
    assert.ok(events.length > 0);
    assert.deepEqual(new Set(events.map((e) => e.dataId ?? e.service)), new Set(['orders', 'orders.yaml']));
    const loginsFailed = async (token: string) => (JSON.parse((await send(ts, 'GET', '/v1/cairn/events?cause=LOGIN_FAILED', { token })).text) as { total: number }).total;
    assert.ok((await loginsFailed(admin)) > 0, 'the first-admin attack above left one');
    assert.equal(await loginsFailed(alice), 0, 'no server-wide auth events for a limited user');
    assert.equal(state(ts), before);
  });

  test('registering a persistent instance needs naming write: a reader and an anonymous caller are refused', async () => {
    const reader = await loginToken(ts.url, 'reader', 'reader-password');
    const before = state(ts);
    for (const [path, form] of [
      ['/v1/ns/instance?serviceName=db&ip=127.0.0.1&port=3306&ephemeral=false', undefined],
      ['/v2/ns/instance', { serviceName: 'db', ip: '127.0.0.1', port: '3306', ephemeral: 'false' }],
    ] as [string, Record<string, string>?][]) {
      const asReader = await send(ts, 'POST', path, { token: reader, form });
      assert.equal(asReader.status, 403, asReader.text);
      assert.match(asReader.text, /authorization failed! no role of this user may write ':DEFAULT_GROUP:naming\/db'/);
      const anonymous = await send(ts, 'POST', path, { form });
      assert.equal(anonymous.status, 403, anonymous.text);
      assert.match(anonymous.text, /no credentials/);
    }
    assert.equal(state(ts), before);
  });

  test('probe details in the diagnosis need naming read: refused to a user without it and to an anonymous caller', async () => {
    const path = '/v1/cairn/diagnosis?serviceName=orders&ip=127.0.0.1&port=9000';
    const nobody = await send(ts, 'GET', path, { token: await loginToken(ts.url, 'nobody', 'nobody-password') });
    assert.equal(nobody.status, 403, nobody.text);
    assert.match(nobody.text, /authorization failed! /);
    assert.equal((await send(ts, 'GET', path)).status, 403);
    const payments = await send(ts, 'GET', '/v1/cairn/diagnosis?serviceName=payments&ip=127.0.0.1&port=9000', { token: await loginToken(ts.url, 'alice', 'alice-password') });
    assert.equal(payments.status, 403, 'alice reads orders only');
    const reader = await send(ts, 'GET', path, { token: await loginToken(ts.url, 'reader', 'reader-password') });
    assert.equal(reader.status, 200, reader.text);
    assert.match(JSON.parse(reader.text).explanation, /./);
  });

  test('none of the attacks above changed what the admin set up, but for the users the tests added', () => {
    const now = JSON.parse(state(ts));
    const then = JSON.parse(before0);
    assert.deepEqual([now.services, now.configs], [then.services, then.configs]);
  });
});

describe('password guessing', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ authEnabled: true }, { fakeTime: true });
  });
  after(() => ts.close());

  test('repeated wrong passwords answer 429 with Retry-After, the right one too while throttled; both are journaled', async () => {
    const admin = await loginToken(ts.url);
    const login = (password: string) => send(ts, 'POST', '/v1/auth/login', { form: { username: 'nacos', password } });
    for (let i = 0; i < 5; i++) {
      const wrong = await login(`guess-${i}`);
      assert.equal(wrong.status, 403, `attempt ${i}: ${wrong.text}`);
      assert.match(wrong.text, /user not found!/);
    }
    const throttled = await login('guess-5');
    assert.equal(throttled.status, 429, throttled.text);
    assert.match(throttled.text, /too many failed logins for this (user|address); try again in \d+ s/);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    assert.ok(retryAfter >= 1, `Retry-After: ${throttled.headers.get('retry-after')}`);
    const right = await login(TEST_ADMIN_PASSWORD);
    assert.equal(right.status, 429, 'the right password waits too: a guess that hits must not be told apart');
    // Raw credentials on an ordinary request are the same password check, throttled alike.
    const raw = await send(ts, 'GET', `/v1/ns/instance/list?serviceName=orders&username=nacos&password=${TEST_ADMIN_PASSWORD}`);
    assert.equal(raw.status, 429, raw.text);

    const journaled = async (cause: string) => {
      const answer = await send(ts, 'GET', `/v1/cairn/events?cause=${cause}&pageSize=100`, { token: admin });
      assert.equal(answer.status, 200, answer.text);
      return JSON.parse(answer.text).events as { evidence: Record<string, unknown> }[];
    };
    const failed = await journaled('LOGIN_FAILED');
    assert.equal(failed.length, 5);
    assert.deepEqual(new Set(failed.map((e) => [e.evidence.username, e.evidence.reason, e.evidence.from].join())), new Set(['nacos,bad-password,127.0.0.1']));
    const limited = await journaled('LOGIN_THROTTLED');
    assert.equal(limited.length, 1, 'one event per throttle window, not one per refused attempt');
    assert.equal(limited[0].evidence.username, 'nacos');
    assert.ok(JSON.stringify([...failed, ...limited]).includes('guess') === false, 'no password reaches the journal');

    ts.time!.advance(retryAfter * 1000);
    assert.equal((await login(TEST_ADMIN_PASSWORD)).status, 200, 'once the wait is over the right password works');
  });
});
