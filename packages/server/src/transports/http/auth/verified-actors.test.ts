import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hashPassword } from '../../../auth/passwords.js';
import { loginToken, startTestServer, type TestServer } from '../../../testing/test-server.js';

let ts: TestServer;
let admin: string;
let alice: string;
before(async () => {
  ts = await startTestServer({ authEnabled: true });
  const actor = { sourceIp: 'server', clientAgent: 'test', claimedUser: '' };
  ts.server.ctx.auth.createUser('alice', await hashPassword('alice-password'), actor);
  ts.server.ctx.auth.assignRole('dev', 'alice', actor);
  ts.server.ctx.auth.addGrant({ role: 'dev', resource: ':*:naming/*', action: 'rw' }, actor);
  ts.server.ctx.auth.addGrant({ role: 'dev', resource: ':*:config/*', action: 'rw' }, actor);
  admin = await loginToken(ts.url);
  alice = await loginToken(ts.url, 'alice', 'alice-password');
});
after(() => ts.close());

async function as(token: string, method: string, path: string): Promise<any> {
  const res = await fetch(`${ts.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  assert.equal(res.status, 200, `${method} ${path}: ${text}`);
  return text.startsWith('{') ? JSON.parse(text) : text;
}

test('naming events of an authenticated request name the verified user beside the claim, and the diagnosis says which is which', async () => {
  await as(alice, 'POST', '/v1/ns/instance?serviceName=orders&ip=127.0.0.1&port=9000&username=mallory');
  await as(alice, 'DELETE', '/v1/ns/instance?serviceName=orders&ip=127.0.0.1&port=9000');
  const events = (await as(admin, 'GET', '/v1/cairn/events?serviceName=orders')).events;
  assert.deepEqual(
    events.map((e: any) => [e.cause, e.evidence.user, e.evidence.claimedUser]),
    [
      ['INSTANCE_DEREGISTERED', 'alice', null],
      ['INSTANCE_REGISTERED', 'alice', 'mallory'],
    ],
  );
  const d = await as(admin, 'GET', '/v1/cairn/diagnosis?serviceName=orders&ip=127.0.0.1&port=9000');
  assert.match(d.explanation, /Deleted at \d\d:\d\d:\d\d by DELETE \/nacos\/v1\/ns\/instance from 127\.0\.0\.1 \(node\) \(user alice, verified\)\./);
});

test('config events and history name the verified user; src_user is the verified user, not the claim', async () => {
  await as(alice, 'POST', '/v1/cs/configs?dataId=app.yaml&group=DEFAULT_GROUP&content=a%3A%201&src_user=mallory');
  const [published] = (await as(admin, 'GET', '/v1/cairn/events?cause=CONFIG_PUBLISHED&dataId=app.yaml')).events;
  assert.deepEqual([published.evidence.user, published.evidence.claimedUser], ['alice', 'mallory']);
  const history = await as(admin, 'GET', '/v1/cs/history?search=accurate&dataId=app.yaml&group=DEFAULT_GROUP');
  assert.equal(history.pageItems[0].srcUser, 'alice');
});

test('a refused login names no verified user: only the claim it sent', async () => {
  const refused = await fetch(`${ts.url}/v1/auth/login?username=alice&password=wrong`, { method: 'POST' });
  assert.equal(refused.status, 403);
  const [failed] = (await as(admin, 'GET', '/v1/cairn/events?cause=LOGIN_FAILED')).events;
  assert.deepEqual([failed.evidence.username, failed.evidence.claimedUser, 'user' in failed.evidence], ['alice', 'alice', false]);
});
