import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { loginToken, startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../../../testing/test-server.js';

let ts: TestServer;
let logged = '';
before(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged += String(chunk);
      done();
    },
  });
  ts = await startTestServer({ authEnabled: true, logLevel: 'debug' }, { logger: pino({ level: 'debug' }, sink) });
});
after(() => ts.close());

test('passwords and tokens sent in the URL, the body or a header never reach the log, at debug level', async () => {
  const wrong = ['wrong-password-1', 'wrong-password-2', 'wrong-password-3'];
  const bogusToken = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJuYWNvcyJ9.bogus-token-signature';
  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const statuses: number[] = [];
  const go = async (path: string, init?: RequestInit) => statuses.push((await fetch(`${ts.url}${path}`, init)).status);

  await go(`/v1/auth/login?username=nacos&password=${wrong[0]}`, { method: 'POST' });
  await go('/v1/auth/login', form({ username: 'nacos', password: wrong[1] }));
  const token = await loginToken(ts.url);
  await go(`/v1/auth/users/login?username=nacos&password=${TEST_ADMIN_PASSWORD}`, { method: 'POST' });
  await go(`/v1/ns/instance?serviceName=logged&ip=127.0.0.1&port=9000&username=nacos&password=${TEST_ADMIN_PASSWORD}`, { method: 'POST' });
  await go(`/v1/ns/instance?serviceName=logged&ip=127.0.0.1&port=9001&username=nacos&password=${wrong[2]}`, { method: 'POST' });
  await go('/v1/cs/configs', form({ dataId: 'logged.yaml', group: 'DEFAULT_GROUP', content: 'a: 1', username: 'nacos', password: TEST_ADMIN_PASSWORD }));
  await go(`/v1/ns/instance/list?serviceName=logged&accessToken=${token}`);
  await go('/v1/ns/instance/list?serviceName=logged', { headers: { authorization: `Bearer ${token}` } });
  await go('/v1/ns/instance/list?serviceName=logged', { headers: { accessToken: token } });
  await go(`/v1/ns/instance/list?serviceName=logged&accessToken=${bogusToken}`);
  await go(`/v1/ns/instance/list%zz?serviceName=logged&accessToken=${token}`);
  await go(`/v1/cs/configs?dataId=logged.yaml&group=DEFAULT_GROUP&accessToken=${token}&tenant=${'x'.repeat(300)}`);
  assert.deepEqual(statuses, [403, 403, 200, 200, 403, 200, 200, 200, 200, 403, 400, 400]);

  assert.ok(logged.includes('restored from storage'), 'the log was written at debug level');
  for (const secret of [TEST_ADMIN_PASSWORD, ...wrong, token, token.split('.')[2], bogusToken]) {
    assert.ok(!logged.includes(secret), `the log holds '${secret.slice(0, 12)}…'`);
  }
});
