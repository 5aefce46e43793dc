import assert from 'node:assert/strict';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { hashPassword, needsRehash, verifyPassword } from './passwords.js';

test('a scrypt hash verifies its password only, and each hash has its own salt', async () => {
  const a = await hashPassword('s3cret ü');
  const b = await hashPassword('s3cret ü');
  assert.notEqual(a, b);
  assert.match(a, /^scrypt\$32768\$8\$1\$/);
  assert.equal(await verifyPassword('s3cret ü', a), true);
  assert.equal(await verifyPassword('s3cret u', a), false);
  assert.equal(needsRehash(a), false);
});

test('a BCrypt hash as Nacos stores it verifies, and asks to be rehashed', async () => {
  const nacos = bcrypt.hashSync('nacos', 4).replace(/^\$2b\$/, '$2a$');
  assert.equal(await verifyPassword('nacos', nacos), true);
  assert.equal(await verifyPassword('nacos2', nacos), false);
  assert.equal(needsRehash(nacos), true);
});

test('unknown, tampered or over-long input is refused, never thrown', async () => {
  const good = await hashPassword('pw');
  for (const stored of ['', 'plain', 'scrypt$1$8$1$c2FsdA==$a2V5', good.replace('$32768$', '$1073741824$'), good.replace('$32768$', '$1000$')]) {
    assert.equal(await verifyPassword('pw', stored), false, stored.slice(0, 30));
  }
  assert.equal(await verifyPassword('x'.repeat(2000), good), false);
});
