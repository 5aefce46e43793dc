import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginToken, sendAs, startTestServer } from '../../../testing/test-server.js';

test('roles and grants: assign, list, search, the duplicate check, and the grant deciding what a user may do', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const admin = sendAs(ts.url, await loginToken(ts.url));
    await admin('POST', '/v1/auth/users', { username: 'alice', password: 'alice-password' });
    await admin('POST', '/v1/auth/users', { username: 'bob', password: 'bob-password' });
    const alice = sendAs(ts.url, await loginToken(ts.url, 'alice', 'alice-password'));
    const listInstances = () => alice('GET', '/v1/ns/instance/list', { serviceName: 'orders', namespaceId: 'dev' });
    assert.equal((await listInstances()).status, 403, 'no grant yet');

    const assigned = await admin('POST', '/v1/auth/roles', { role: 'dev', username: 'alice' });
    assert.deepEqual(JSON.parse(assigned.text), { code: 200, message: null, data: 'add role ok!' });
    await admin('POST', '/v1/auth/roles', { role: 'devops', username: 'bob' });
    const roles = JSON.parse((await admin('GET', '/v1/auth/roles', { search: 'blur', pageNo: '1', pageSize: '10', role: 'dev' })).text);
    assert.deepEqual(roles.pageItems, [
      { role: 'dev', username: 'alice' },
      { role: 'devops', username: 'bob' },
    ]);
    const exact = JSON.parse((await admin('GET', '/v1/auth/roles', { search: 'accurate', pageNo: '1', pageSize: '10', role: 'dev' })).text);
    assert.deepEqual(exact.pageItems, [{ role: 'dev', username: 'alice' }]);
    assert.deepEqual(JSON.parse((await admin('GET', '/v1/auth/roles/search', { role: 'ops' })).text), ['devops']);

    const granted = await admin('POST', '/v1/auth/permissions', { role: 'dev', resource: 'dev:*:naming/*', action: 'r' });
    assert.deepEqual(JSON.parse(granted.text), { code: 200, message: null, data: 'add permission ok!' });
    assert.equal((await listInstances()).status, 200, 'the grant lets alice read');
    const duplicate = (action: string) => admin('GET', '/v1/auth/permissions', { role: 'dev', resource: 'dev:*:naming/*', action });
    assert.deepEqual(JSON.parse((await duplicate('r')).text), { code: 0, message: 'success', data: true });
    assert.equal(JSON.parse((await duplicate('w')).text).data, false);
    const grants = JSON.parse((await admin('GET', '/v1/auth/permissions', { search: 'accurate', pageNo: '1', pageSize: '10', role: 'dev' })).text);
    assert.deepEqual(grants.pageItems, [{ role: 'dev', resource: 'dev:*:naming/*', action: 'r' }]);
    assert.equal(grants.totalCount, 1);

    const removed = await admin('DELETE', '/v1/auth/permissions', { role: 'dev', resource: 'dev:*:naming/*', action: 'r' });
    assert.deepEqual(JSON.parse(removed.text), { code: 200, message: null, data: 'delete permission ok!' });
    assert.equal((await listInstances()).status, 403, 'the grant is gone');

    const unbound = await admin('DELETE', '/v1/auth/roles', { role: 'devops', username: 'bob' });
    assert.deepEqual(JSON.parse(unbound.text), { code: 200, message: null, data: 'delete role of user bob ok!' });
    await admin('DELETE', '/v1/auth/roles', { role: 'dev' });
    assert.equal(JSON.parse((await admin('GET', '/v1/auth/roles', { pageNo: '1', pageSize: '10' })).text).totalCount, 1, 'only ROLE_ADMIN is left');
  } finally {
    await ts.close();
  }
});

test('roles and grants refuse: non-admins 403, missing and malformed fields 400 naming them, ROLE_ADMIN, a role nobody holds', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const admin = sendAs(ts.url, await loginToken(ts.url));
    await admin('POST', '/v1/auth/users', { username: 'alice', password: 'alice-password' });
    await admin('POST', '/v1/auth/roles', { role: 'dev', username: 'alice' });
    const alice = sendAs(ts.url, await loginToken(ts.url, 'alice', 'alice-password'));
    for (const [method, path, params] of [
      ['GET', '/v1/auth/roles', { pageNo: '1', pageSize: '10' }],
      ['GET', '/v1/auth/roles/search', { role: 'd' }],
      ['POST', '/v1/auth/roles', { role: 'ops', username: 'alice' }],
      ['DELETE', '/v1/auth/roles', { role: 'dev', username: 'alice' }],
      ['GET', '/v1/auth/permissions', { pageNo: '1', pageSize: '10' }],
      ['POST', '/v1/auth/permissions', { role: 'dev', resource: ':*:*', action: 'rw' }],
      ['DELETE', '/v1/auth/permissions', { role: 'dev', resource: ':*:*', action: 'rw' }],
    ] as const) {
      assert.equal((await alice(method, path, params)).status, 403, `${method} ${path} as a non-admin`);
    }
    assert.deepEqual(ts.server.ctx.auth.rolesOf('alice'), ['dev']);
    assert.deepEqual(ts.server.ctx.auth.grantsOfRole('dev'), []);

    const refusal = async (method: string, path: string, params: Record<string, string>, field: RegExp) => {
      const answer = await admin(method, path, params);
      assert.equal(answer.status, 400, `${method} ${path} ${JSON.stringify(params)}: ${answer.text}`);
      assert.match(answer.text, field);
    };
    await refusal('POST', '/v1/auth/roles', { username: 'alice' }, /'role' is required/);
    await refusal('POST', '/v1/auth/roles', { role: 'dev' }, /'username' is required/);
    await refusal('POST', '/v1/auth/roles', { role: 'ROLE_ADMIN', username: 'alice' }, /ROLE_ADMIN/);
    await refusal('DELETE', '/v1/auth/roles', { role: 'ROLE_ADMIN', username: 'nacos' }, /ROLE_ADMIN/);
    await refusal('POST', '/v1/auth/roles', { role: 'dev', username: 'nobody' }, /user 'nobody' not found/);
    await refusal('POST', '/v1/auth/permissions', { role: 'dev', action: 'r' }, /'resource' is required/);
    await refusal('POST', '/v1/auth/permissions', { role: 'dev', resource: 'no-colons', action: 'r' }, /'resource' must be/);
    await refusal('POST', '/v1/auth/permissions', { role: 'dev', resource: ':*:*' }, /'action' is required/);
    await refusal('POST', '/v1/auth/permissions', { role: 'dev', resource: ':*:*', action: 'x' }, /'action' must be r, w or rw/);
    await refusal('POST', '/v1/auth/permissions', { role: 'ghost', resource: ':*:*', action: 'r' }, /role 'ghost' not found/);
    await refusal('GET', '/v1/auth/roles', { pageSize: '10' }, /'pageNo' is required/);
    await refusal('GET', '/v1/auth/permissions', { pageNo: '1', pageSize: '10', search: 'fuzzy' }, /'search' must be accurate or blur/);
  } finally {
    await ts.close();
  }
});
