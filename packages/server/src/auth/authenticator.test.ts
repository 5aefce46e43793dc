import { type AuthEvent, AuthDirectory, type CairnEvent, EventBus, FakeTime, LoginThrottle } from '@cairn/core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Authenticator } from './authenticator.js';
import { hashPassword } from './passwords.js';
import { newSigningKey, signingKeysOf } from './signing-keys.js';

const ACTOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: '' };
const PASSWORD = 'correct horse battery';

/** A throttle that counts the password checks it is asked about (one per password hash verified). */
class CountingThrottle extends LoginThrottle {
  checks = 0;
  override check(username: string, address: string, now: number) {
    this.checks++;
    return super.check(username, address, now);
  }
}

async function setUp() {
  const time = new FakeTime();
  const bus = new EventBus<CairnEvent>();
  const refusals: AuthEvent[] = [];
  bus.on('auth', (e) => {
    if (e.cause === 'LOGIN_FAILED') refusals.push(e);
  });
  const directory = new AuthDirectory({ clock: time, events: bus });
  directory.createFirstAdmin('nacos', await hashPassword(PASSWORD), ACTOR);
  const keys = signingKeysOf([newSigningKey(time.now())]);
  assert.ok(keys);
  const throttle = new CountingThrottle();
  const authenticator = new Authenticator({ directory, signingKeys: async () => keys, now: () => time.now(), throttle }, { tokenTtlSeconds: 600, credentialCacheMs: 60_000 });
  return { time, directory, authenticator, throttle, refusals };
}

test('raw credentials: a remembered pair costs no password check, a wrong password is refused beside it, a password change invalidates it', async () => {
  const { time, directory, authenticator, throttle } = await setUp();
  assert.equal((await authenticator.verify({ username: 'nacos', password: PASSWORD }, ACTOR)).ok, true);
  assert.equal(throttle.checks, 1);
  assert.equal((await authenticator.verify({ username: 'nacos', password: PASSWORD }, ACTOR)).ok, true);
  assert.equal(throttle.checks, 1, 'the second call was answered from the cache');
  const wrong = await authenticator.verify({ username: 'nacos', password: `${PASSWORD}!` }, ACTOR);
  assert.equal(wrong.ok, false);
  assert.equal(!wrong.ok && wrong.refusal.reason, 'bad-password');

  directory.changePassword('nacos', await hashPassword('a new password'), ACTOR);
  assert.equal((await authenticator.verify({ username: 'nacos', password: PASSWORD }, ACTOR)).ok, false, 'the old password no longer passes');
  assert.equal((await authenticator.verify({ username: 'nacos', password: 'a new password' }, ACTOR)).ok, true);

  time.advance(60_000);
  const before = throttle.checks;
  assert.equal((await authenticator.verify({ username: 'nacos', password: 'a new password' }, ACTOR)).ok, true);
  assert.equal(throttle.checks, before + 1, 'checked again once the TTL ended');
});

test('raw credentials: calls carrying the same pair while it is being checked share one check; other pairs do not', async () => {
  const { authenticator, throttle, refusals } = await setUp();
  const right = await Promise.all(Array.from({ length: 8 }, () => authenticator.verify({ username: 'nacos', password: PASSWORD }, ACTOR)));
  assert.ok(right.every((v) => v.ok));
  assert.equal(throttle.checks, 1);

  const mixed = await Promise.all([
    authenticator.verify({ username: 'nacos', password: 'guess-1' }, ACTOR),
    authenticator.verify({ username: 'nacos', password: 'guess-1' }, ACTOR),
    authenticator.verify({ username: 'nacos', password: 'guess-2' }, ACTOR),
  ]);
  assert.deepEqual(
    mixed.map((v) => v.ok),
    [false, false, false],
  );
  assert.equal(throttle.checks, 3, 'guess-1 checked once, guess-2 once');
  assert.equal(refusals.length, 2);
});

test('tokens: a remembered token is still refused once expired, after a password change, or with another signature', async () => {
  const { time, directory, authenticator } = await setUp();
  const login = await authenticator.login('nacos', PASSWORD, ACTOR);
  assert.ok(login.ok);
  assert.equal((await authenticator.verify({ token: login.token }, ACTOR)).ok, true);
  assert.equal((await authenticator.verify({ token: login.token }, ACTOR)).ok, true, 'remembered');

  const [head, body, signature] = login.token.split('.');
  const forged = `${head}.${body}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
  const refused = await authenticator.verify({ token: forged }, ACTOR);
  assert.equal(!refused.ok && refused.refusal.reason, 'bad-signature');

  time.advance(601_000);
  const expired = await authenticator.verify({ token: login.token }, ACTOR);
  assert.equal(!expired.ok && expired.refusal.reason, 'expired');

  const again = await authenticator.login('nacos', PASSWORD, ACTOR);
  assert.ok(again.ok);
  assert.equal((await authenticator.verify({ token: again.token }, ACTOR)).ok, true);
  directory.changePassword('nacos', await hashPassword('a new password'), ACTOR);
  const revoked = await authenticator.verify({ token: again.token }, ACTOR);
  assert.equal(!revoked.ok && revoked.refusal.reason, 'token-revoked');
});

test('verifyRemembered answers at once only for credentials verified before, for the user as it is now', async () => {
  const { time, directory, authenticator } = await setUp();
  const pair = { username: 'nacos', password: PASSWORD };
  assert.equal(authenticator.verifyRemembered(pair), undefined, 'never verified');
  await authenticator.verify(pair, ACTOR);
  assert.equal(authenticator.verifyRemembered(pair)?.ok, true);
  assert.equal(authenticator.verifyRemembered({ username: 'nacos', password: `${PASSWORD}!` }), undefined);

  const login = await authenticator.login('nacos', PASSWORD, ACTOR);
  assert.ok(login.ok);
  assert.equal(authenticator.verifyRemembered({ token: login.token }), undefined, 'never verified');
  await authenticator.verify({ token: login.token }, ACTOR);
  assert.equal(authenticator.verifyRemembered({ token: login.token })?.ok, true);

  directory.changePassword('nacos', await hashPassword('a new password'), ACTOR);
  assert.equal(authenticator.verifyRemembered(pair), undefined, 'password changed');
  assert.equal(authenticator.verifyRemembered({ token: login.token }), undefined, 'token revoked');

  const again = await authenticator.login('nacos', 'a new password', ACTOR);
  assert.ok(again.ok);
  await authenticator.verify({ token: again.token }, ACTOR);
  time.advance(601_000);
  assert.equal(authenticator.verifyRemembered({ token: again.token }), undefined, 'expired');
});
