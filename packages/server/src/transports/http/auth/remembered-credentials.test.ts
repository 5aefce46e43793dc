import assert from 'node:assert/strict';
import test from 'node:test';
import { hashPassword } from '../../../auth/passwords.js';
import { call, loginToken, startTestServer } from '../../../testing/test-server.js';

// Credentials verified once are answered without waiting on later requests (http-auth.ts, verifyRemembered): these
// check that the shortcut still refuses what the full check refuses.

const actor = { sourceIp: 'test', clientAgent: 'test', claimedUser: '' };
const register = (service: string, credentials: string) => `/v1/ns/instance?serviceName=${service}&ip=10.0.0.1&port=80&${credentials}`;

/** A server with auth on and a user that may read and write the service `orders` only. */
async function withOrdersUser(username: string, password: string) {
  const ts = await startTestServer({ authEnabled: true });
  const { auth } = ts.server.ctx;
  auth.createUser(username, await hashPassword(password), actor);
  auth.assignRole('orders-team', username, actor);
  auth.addGrant({ role: 'orders-team', resource: ':DEFAULT_GROUP:naming/orders', action: 'rw' }, actor);
  return { ts, auth };
}

test('raw credentials remembered: the grant still decides, a wrong password is refused, a password change ends them', async () => {
  const { ts, auth } = await withOrdersUser('dana', 'dana-password');
  try {
    const raw = 'username=dana&password=dana-password';
    for (let i = 0; i < 2; i++) assert.equal((await call(ts.url, 'POST', register('orders', raw))).status, 200, `call ${i}`);
    const other = await call(ts.url, 'POST', register('payments', raw));
    assert.deepEqual([other.status, other.text], [403, "authorization failed! no role of this user may write ':DEFAULT_GROUP:naming/payments'"]);
    const wrong = await call(ts.url, 'POST', register('orders', 'username=dana&password=dana-passwordX'));
    assert.deepEqual([wrong.status, wrong.text], [403, 'user not found!']);

    auth.changePassword('dana', await hashPassword('new-dana-password'), actor);
    assert.equal((await call(ts.url, 'POST', register('orders', raw))).status, 403, 'the old password no longer passes');
    assert.equal((await call(ts.url, 'POST', register('orders', 'username=dana&password=new-dana-password'))).status, 200);
  } finally {
    await ts.close();
  }
});

test('a remembered token is refused once its user is disabled or its password changed', async () => {
  const { ts, auth } = await withOrdersUser('erin', 'erin-password');
  try {
    const token = await loginToken(ts.url, 'erin', 'erin-password');
    for (let i = 0; i < 2; i++) assert.equal((await call(ts.url, 'POST', register('orders', `accessToken=${token}`))).status, 200, `call ${i}`);
    auth.setEnabled('erin', false, actor);
    assert.deepEqual((await call(ts.url, 'POST', register('orders', `accessToken=${token}`))).text, "user 'erin' is disabled");
    auth.setEnabled('erin', true, actor);
    assert.equal((await call(ts.url, 'POST', register('orders', `accessToken=${token}`))).status, 200);
    auth.changePassword('erin', await hashPassword('new-erin-password'), actor);
    const revoked = await call(ts.url, 'POST', register('orders', `accessToken=${token}`));
    assert.equal(revoked.status, 403);
    assert.match(revoked.text, /issued before the password was changed/);
  } finally {
    await ts.close();
  }
});
