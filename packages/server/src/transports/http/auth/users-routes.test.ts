import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loginToken, sendAs, sendForm, startTestServer, TEST_ADMIN_PASSWORD } from '../../../testing/test-server.js';

type Answer = Awaited<ReturnType<typeof sendForm>>;

const json = (a: Answer) => JSON.parse(a.text);

test('an admin creates, lists, searches, disables and deletes users; lists never carry password hashes', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const admin = sendAs(ts.url, await loginToken(ts.url));
    const created = await admin('POST', '/v1/auth/users', { username: 'alice', password: 'alice-password' });
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(json(created), { code: 200, message: null, data: 'create user ok!' });
    await admin('POST', '/v1/auth/users', { username: 'bob', password: 'bob-password' });
    assert.ok(await loginToken(ts.url, 'alice', 'alice-password'));

    const page = json(await admin('GET', '/v1/auth/users', { search: 'accurate', pageNo: '1', pageSize: '10', username: '' }));
    assert.deepEqual(
      page.pageItems.map((u: { username: string }) => u.username),
      ['alice', 'bob', 'nacos'],
    );
    assert.deepEqual({ totalCount: page.totalCount, pageNumber: page.pageNumber, pagesAvailable: page.pagesAvailable }, { totalCount: 3, pageNumber: 1, pagesAvailable: 1 });
    for (const u of page.pageItems) assert.equal(u.password, '', 'no hash is sent');
    const text = (await admin('GET', '/v1/auth/users', { search: 'blur', pageNo: '1', pageSize: '1', username: 'o' })).text;
    assert.ok(!text.includes('scrypt') && !text.includes('$2'), text);
    assert.deepEqual(JSON.parse(text).pageItems, [{ username: 'bob', password: '', enabled: true }]);
    assert.equal(JSON.parse(text).totalCount, 2);
    assert.deepEqual(json(await admin('GET', '/v1/auth/users', { search: 'accurate', pageNo: '1', pageSize: '10', username: 'ali' })).pageItems, []);
    assert.deepEqual(json(await admin('GET', '/v1/auth/users/search', { username: 'a' })), ['alice', 'nacos']);

    const disabled = await admin('PUT', '/v1/auth/users/enabled', { username: 'bob', enabled: 'false' });
    assert.equal(disabled.status, 200, disabled.text);
    await assert.rejects(loginToken(ts.url, 'bob', 'bob-password'), /403/);
    await admin('PUT', '/v1/auth/users/enabled', { username: 'bob', enabled: 'true' });
    assert.ok(await loginToken(ts.url, 'bob', 'bob-password'));

    const deleted = await admin('DELETE', '/v1/auth/users', { username: 'bob' });
    assert.deepEqual(json(deleted), { code: 200, message: null, data: 'delete user ok!' });
    await assert.rejects(loginToken(ts.url, 'bob', 'bob-password'), /403/);
  } finally {
    await ts.close();
  }
});

test('the users API refuses: non-admins 403, missing or bad fields 400 naming them, the reserved name and a second admin 409, the last admin', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const admin = sendAs(ts.url, await loginToken(ts.url));
    await admin('POST', '/v1/auth/users', { username: 'alice', password: 'alice-password' });
    const alice = sendAs(ts.url, await loginToken(ts.url, 'alice', 'alice-password'));
    const anonymous = sendAs(ts.url, undefined);
    for (const [method, path, params] of [
      ['POST', '/v1/auth/users', { username: 'eve', password: 'eve-password' }],
      ['DELETE', '/v1/auth/users', { username: 'nacos' }],
      ['GET', '/v1/auth/users', { pageNo: '1', pageSize: '10' }],
      ['GET', '/v1/auth/users/search', { username: 'a' }],
      ['PUT', '/v1/auth/users/enabled', { username: 'nacos', enabled: 'false' }],
      ['POST', '/v1/auth/users/admin', {}],
    ] as const) {
      assert.equal((await alice(method, path, params)).status, 403, `${method} ${path} as a non-admin`);
      assert.equal((await anonymous(method, path, params)).status, 403, `${method} ${path} anonymously`);
    }
    assert.equal(ts.server.ctx.auth.user('eve'), undefined);

    const noPassword = await admin('POST', '/v1/auth/users', { username: 'eve' });
    assert.equal(noPassword.status, 400);
    assert.match(noPassword.text, /'password' is required/);
    const noName = await admin('POST', '/v1/auth/users', { password: 'eve-password' });
    assert.match(noName.text, /'username' is required/);
    const short = await admin('POST', '/v1/auth/users', { username: 'eve', password: 'short' });
    assert.equal(short.status, 400);
    assert.match(short.text, /'password' has fewer than 8 characters/);
    assert.ok(!short.text.includes("'short'"), 'the password is not repeated');
    const long = await admin('POST', '/v1/auth/users', { username: 'eve', password: 'x'.repeat(1025) });
    assert.match(long.text, /'password' is over 1024 bytes/);
    const badName = await admin('POST', '/v1/auth/users', { username: 'eve smith', password: 'eve-password' });
    assert.equal(badName.status, 400);
    assert.match(badName.text, /'username'/);

    const reserved = await admin('POST', '/v1/auth/users', { username: 'nacos', password: 'other-password' });
    assert.equal(reserved.status, 409);
    assert.equal(json(reserved).code, 409);
    const exists = await admin('POST', '/v1/auth/users', { username: 'alice', password: 'alice-password' });
    assert.equal(exists.status, 400);
    assert.match(exists.text, /user 'alice' already exist!/);

    const secondAdmin = await admin('POST', '/v1/auth/users/admin', { password: 'admin-password' });
    assert.equal(secondAdmin.status, 409);
    assert.match(json(secondAdmin).message, /first admin .* at its first start/);

    const lastAdmin = await admin('DELETE', '/v1/auth/users', { username: 'nacos' });
    assert.equal(lastAdmin.status, 400);
    assert.match(lastAdmin.text, /last enabled user holding ROLE_ADMIN/);
    assert.equal((await admin('PUT', '/v1/auth/users/enabled', { username: 'nacos', enabled: 'false' })).status, 400);
    assert.ok(ts.server.ctx.auth.isAdmin('nacos'));
    const unknown = await admin('DELETE', '/v1/auth/users', { username: 'nobody' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /user 'nobody' not found/);
  } finally {
    await ts.close();
  }
});

test('a password is changed by its user or an admin; the change revokes the older tokens', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const admin = sendAs(ts.url, await loginToken(ts.url));
    await admin('POST', '/v1/auth/users', { username: 'alice', password: 'alice-password' });
    await admin('POST', '/v1/auth/users', { username: 'bob', password: 'bob-password' });
    const aliceToken = await loginToken(ts.url, 'alice', 'alice-password');
    const alice = sendAs(ts.url, aliceToken);

    const others = await alice('PUT', '/v1/auth/users', { username: 'bob', newPassword: 'taken-over' });
    assert.equal(others.status, 403);
    assert.ok(await loginToken(ts.url, 'bob', 'bob-password'), "bob's password is unchanged");
    assert.equal((await sendAs(ts.url, undefined)('PUT', '/v1/auth/users', { username: 'alice', newPassword: 'anonymous-pw' })).status, 403);
    const short = await alice('PUT', '/v1/auth/users', { username: 'alice', newPassword: 'short' });
    assert.equal(short.status, 400);
    assert.match(short.text, /'newPassword' has fewer than 8 characters/);

    const own = await alice('PUT', '/v1/auth/users', { username: 'alice', newPassword: 'alice-new-password' });
    assert.deepEqual(json(own), { code: 200, message: null, data: 'update user ok!' });
    const stale = await alice('PUT', '/v1/auth/users', { username: 'alice', newPassword: 'alice-third-password' });
    assert.equal(stale.status, 403, 'the token issued before the change is refused');
    assert.match(stale.text, /log in again/);
    await assert.rejects(loginToken(ts.url, 'alice', 'alice-password'), /403/);
    const fresh = sendAs(ts.url, await loginToken(ts.url, 'alice', 'alice-new-password'));
    assert.equal((await fresh('PUT', '/v1/auth/users', { username: 'alice', newPassword: 'alice-third-password' })).status, 200);

    assert.equal((await admin('PUT', '/v1/auth/users', { username: 'bob', newPassword: 'bob-new-password' })).status, 200);
    assert.ok(await loginToken(ts.url, 'bob', 'bob-new-password'));
    const missing = await admin('PUT', '/v1/auth/users', { username: 'nobody', newPassword: 'whatever-pw' });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /user 'nobody' not found/);
  } finally {
    await ts.close();
  }
});

test('a password change forgets remembered raw credentials (username and password on each request)', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const admin = sendAs(ts.url, await loginToken(ts.url));
    const rawAdmin = (password: string) => sendForm(ts.url, 'GET', '/v1/auth/users/search', { username: 'nacos', password });
    assert.equal((await rawAdmin(TEST_ADMIN_PASSWORD)).status, 200);
    assert.equal((await admin('PUT', '/v1/auth/users', { username: 'nacos', newPassword: 'changed-admin-pw' })).status, 200);
    assert.equal((await rawAdmin(TEST_ADMIN_PASSWORD)).status, 403, 'the old password no longer passes, even remembered');
    assert.equal((await rawAdmin('changed-admin-pw')).status, 200);
  } finally {
    await ts.close();
  }
});

test('users, roles and grants made over HTTP survive a restart, and the journal names the verified admin', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-users-restart-'));
  try {
    const first = await startTestServer({ authEnabled: true, dataDir });
    try {
      await changeOverHttp(first.url);
    } finally {
      await first.close();
    }

    const second = await startTestServer({ authEnabled: true, dataDir });
    try {
      await assert.rejects(loginToken(second.url, 'alice', 'alice-password'), /403/);
      const alice = sendAs(second.url, await loginToken(second.url, 'alice', 'alice-new-password'));
      assert.equal((await alice('GET', '/v1/ns/instance/list', { serviceName: 'orders' })).status, 200, 'the grant came back');
      const readAdmin = sendAs(second.url, await loginToken(second.url));
      assert.deepEqual(json(await readAdmin('GET', '/v1/auth/roles', { pageNo: '1', pageSize: '10', username: 'alice' })).pageItems, [{ role: 'dev', username: 'alice' }]);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('with auth off the API works without credentials from this machine, as in Nacos; a remote anonymous change is refused', async () => {
  const ts = await startTestServer({ authEnabled: false, trustedProxies: '127.0.0.1' });
  try {
    const local = sendAs(ts.url, undefined);
    assert.equal((await local('POST', '/v1/auth/users', { username: 'alice', password: 'alice-password' })).status, 200);
    assert.equal((await local('PUT', '/v1/auth/users', { username: 'alice', newPassword: 'alice-new-password' })).status, 200);
    assert.equal(json(await local('GET', '/v1/auth/users', { pageNo: '1', pageSize: '10' })).totalCount, 1);
    const noAdmin = await local('POST', '/v1/auth/users/admin', {});
    assert.equal(noAdmin.status, 409, 'never first-caller-wins');
    assert.match(json(noAdmin).message, /never creates an admin through this call/);

    const remote = (method: string, path: string, params: Record<string, string>) => sendForm(ts.url, method, path, params, { 'x-forwarded-for': '10.9.8.7' });
    const planted = await remote('POST', '/v1/auth/users', { username: 'mallory', password: 'mallory-password' });
    assert.equal(planted.status, 403, planted.text);
    assert.equal((await remote('POST', '/v1/auth/roles', { role: 'dev', username: 'alice' })).status, 403);
    assert.equal((await remote('PUT', '/v1/auth/users', { username: 'alice', newPassword: 'mallory-password' })).status, 403);
    assert.equal(ts.server.ctx.auth.user('mallory'), undefined);
    assert.equal((await remote('GET', '/v1/auth/users', { pageNo: '1', pageSize: '10' })).status, 200, 'reads stay open, as everything is with auth off');
  } finally {
    await ts.close();
  }
});

/** Makes alice (role dev, a naming grant), changes her password, and checks the journal names the verified admin. */
async function changeOverHttp(base: string): Promise<void> {
  const admin = sendAs(base, await loginToken(base));
  await admin('POST', '/v1/auth/users', { username: 'alice', password: 'alice-password' });
  await admin('POST', '/v1/auth/roles', { role: 'dev', username: 'alice' });
  await admin('POST', '/v1/auth/permissions', { role: 'dev', resource: ':*:naming/*', action: 'rw' });
  await admin('PUT', '/v1/auth/users', { username: 'alice', newPassword: 'alice-new-password' });
  const events = json(await admin('GET', '/v1/cairn/events', { cause: 'USER_CREATED' })).events;
  const created = events.find((e: { evidence: { username: string } }) => e.evidence.username === 'alice');
  assert.equal(created.evidence.claimedUser, 'nacos', 'the verified user, not the username parameter');
  const changed = json(await admin('GET', '/v1/cairn/events', { cause: 'USER_PASSWORD_CHANGED' })).events;
  assert.equal(changed[0].evidence.username, 'alice');
  assert.ok(!JSON.stringify(changed).includes('alice-new-password'));
}
