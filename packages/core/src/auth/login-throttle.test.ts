import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoginThrottle } from './login-throttle.js';

const settings = { freeFailures: 3, baseDelayMs: 1_000, maxDelayMs: 8_000, forgetAfterMs: 60_000, maxKeys: 4 };

test('a user may fail a few times freely; then each attempt waits, doubling up to the cap', () => {
  const t = new LoginThrottle(settings);
  let now = 0;
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(t.check('nacos', '127.0.0.1', now), { allowed: true });
    t.failed('nacos', '127.0.0.1', now);
  }
  assert.deepEqual(t.check('nacos', '127.0.0.1', now), { allowed: false, retryAfterMs: 1_000, limitedBy: 'user' });
  now += 1_000;
  assert.deepEqual(t.check('nacos', '127.0.0.1', now), { allowed: true });
  t.failed('nacos', '127.0.0.1', now);
  assert.deepEqual(t.check('nacos', '127.0.0.1', now), { allowed: false, retryAfterMs: 2_000, limitedBy: 'user' });
  for (let i = 0; i < 10; i++) t.failed('nacos', '127.0.0.1', now);
  assert.deepEqual(t.check('nacos', '127.0.0.1', now), { allowed: false, retryAfterMs: 8_000, limitedBy: 'user' }, 'capped');
});

test('an address guessing for many users is limited even though each user failed once', () => {
  const t = new LoginThrottle({ ...settings, maxKeys: 100 });
  for (const user of ['a', 'b', 'c']) t.failed(user, '127.0.0.9', 0);
  assert.deepEqual(t.check('e', '127.0.0.9', 0), { allowed: false, retryAfterMs: 1_000, limitedBy: 'address' });
  assert.deepEqual(t.check('e', '127.0.0.10', 0), { allowed: true }, 'another address is not limited');
});

test("a success clears the user's failures but not the address's; failures are forgotten after a quiet hour", () => {
  const t = new LoginThrottle({ ...settings, maxKeys: 100 });
  for (let i = 0; i < 5; i++) t.failed('nacos', '127.0.0.1', 0);
  t.succeeded('nacos');
  assert.deepEqual(t.check('nacos', '127.0.0.2', 0), { allowed: true });
  assert.equal(t.check('other', '127.0.0.1', 0).allowed, false);
  assert.deepEqual(t.check('other', '127.0.0.1', 60_000), { allowed: true });
});

test('the table is bounded: the stalest keys go first', () => {
  const t = new LoginThrottle(settings);
  for (let i = 0; i < 10; i++) t.failed(`user${i}`, `127.0.0.${i}`, i);
  assert.equal(t.size, 4);
  assert.deepEqual(t.check('user0', '127.0.0.0', 10), { allowed: true });
});
