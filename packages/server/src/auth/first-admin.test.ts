import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstAdmin } from './first-admin.js';

test('no admin and no configured password: nacos with a random password to show once, different each time', () => {
  const a = firstAdmin(false, undefined);
  const b = firstAdmin(false, '');
  assert.ok(a.create && b.create);
  assert.equal(a.username, 'nacos');
  assert.equal(a.generated, true);
  assert.match(a.password, /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(a.password, b.password);
});

test('a configured password is used as given; an existing admin is never replaced', () => {
  assert.deepEqual(firstAdmin(false, 'correct horse'), { create: true, username: 'nacos', password: 'correct horse', generated: false });
  assert.deepEqual(firstAdmin(true, 'correct horse'), { create: false });
  assert.deepEqual(firstAdmin(true, undefined), { create: false });
});

test('a configured password too short or too long is refused without repeating it', () => {
  assert.throws(
    () => firstAdmin(false, 'nacos'),
    (error: Error) => /fewer than 8 characters/.test(error.message) && !error.message.includes('nacos'),
  );
  assert.throws(() => firstAdmin(false, 'x'.repeat(1025)), /over 1024 bytes/);
  assert.equal(firstAdmin(false, 'x'.repeat(1024)).create, true);
});
