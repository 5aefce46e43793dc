import assert from 'node:assert/strict';
import { test } from 'node:test';
import { afterLogin, expiryNotice, loginFailure, needsLogin, parseSession, sessionOf } from './session.js';

test('a login answer becomes a session that asks for a new login at 90 % of the token life', () => {
  const s = sessionOf({ accessToken: 'tok', tokenTtl: 1000, globalAdmin: true, username: 'nacos' }, 'typed', 50_000);
  assert.deepEqual(s, { token: 'tok', username: 'nacos', admin: true, expiresAt: 1_050_000, renewAt: 950_000 });
  // The 1.x answer names no user: the typed name stands in.
  assert.equal(sessionOf({ accessToken: 't', tokenTtl: 60, globalAdmin: false }, 'alice', 0).username, 'alice');
  assert.equal(sessionOf({ accessToken: 't', tokenTtl: 60, globalAdmin: false }, 'alice', 0).admin, false);
});

test('a stored session is read back unless malformed or expired', () => {
  const s = sessionOf({ accessToken: 'tok', tokenTtl: 100, globalAdmin: false, username: 'bob' }, 'bob', 0);
  assert.deepEqual(parseSession(JSON.stringify(s), 1000), s);
  assert.equal(parseSession(JSON.stringify(s), 100_000), undefined);
  assert.equal(parseSession('{not json', 0), undefined);
  assert.equal(parseSession(JSON.stringify({ ...s, token: '' }), 0), undefined);
  assert.equal(parseSession(null, 0), undefined);
});

test('token refusals mean "log in again"; a refused permission does not', () => {
  assert.equal(needsLogin(403, 'token expired!'), true);
  assert.equal(needsLogin(403, 'token invalid!'), true);
  assert.equal(needsLogin(403, 'token invalid! (it was issued before the password was changed; log in again)'), true);
  assert.equal(needsLogin(403, 'user not found! (no credentials: log in at POST /v1/auth/login …)'), true);
  assert.equal(needsLogin(403, "authorization failed! no role of this user may write ':G:naming/s'"), false);
  assert.equal(needsLogin(400, 'token expired!'), false);
  assert.match(expiryNotice('token expired!'), /expired/);
  assert.match(expiryNotice('token invalid!'), /no longer valid/);
});

test('a refused login says why: wrong credentials, or how long to wait', () => {
  assert.equal(loginFailure(403, 'user not found!', null), 'Wrong username or password (the server said: user not found!).');
  assert.equal(loginFailure(429, 'too many failed logins', '37'), 'Too many failed logins. Try again in 37 s.');
  assert.equal(loginFailure(429, 'too many failed logins', null), 'Too many failed logins. Try again in a while.');
});

test('after the login, only the console’s own pages are followed', () => {
  assert.equal(afterLogin('/nacos/configs?namespace=dev', '/nacos'), '/nacos/configs?namespace=dev');
  assert.equal(afterLogin('', '/nacos'), '/nacos/services');
  assert.equal(afterLogin('https://evil.example/', '/nacos'), '/nacos/services');
  assert.equal(afterLogin('//evil.example/nacos/', '/nacos'), '/nacos/services');
  assert.equal(afterLogin('/nacos//evil.example', '/nacos'), '/nacos/services');
  assert.equal(afterLogin('/nacos/login?next=/nacos/x', '/nacos'), '/nacos/services');
  assert.equal(afterLogin('/nacosx/services', '/nacos'), '/nacos/services');
});
