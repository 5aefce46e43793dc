import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CredentialCache } from './credential-cache.js';

test('a remembered pair is verified for its generation until the TTL ends; another password never is', () => {
  const cache = new CredentialCache(1_000, 10);
  cache.remember('nacos', 'pw', 0, 0);
  assert.equal(cache.verified('nacos', 'pw', 0, 999), true);
  assert.equal(cache.verified('nacos', 'pw', 0, 1_000), false, 'expired');
  assert.equal(cache.verified('nacos', 'pw2', 0, 10), false);
  assert.equal(cache.verified('nacos', 'pw', 1, 10), false, 'a password change raised the generation');
  assert.equal(cache.verified('other', 'pw', 0, 10), false);
  cache.forget('nacos');
  assert.equal(cache.verified('nacos', 'pw', 0, 10), false);
});

test('the cache is bounded, dropping the oldest entry first', () => {
  const cache = new CredentialCache(1_000, 3);
  for (const user of ['a', 'b', 'c', 'd']) cache.remember(user, 'pw', 0, 0);
  assert.equal(cache.size, 3);
  assert.equal(cache.verified('a', 'pw', 0, 1), false);
  assert.equal(cache.verified('d', 'pw', 0, 1), true);
});
