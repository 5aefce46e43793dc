import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckedTokens, CredentialCache } from './credential-cache.js';

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

test('pairKey names a pair without the password: equal for the same pair, different for another password or user', () => {
  const cache = new CredentialCache();
  assert.equal(cache.pairKey('nacos', 'pw-secret'), cache.pairKey('nacos', 'pw-secret'));
  assert.notEqual(cache.pairKey('nacos', 'pw-secret'), cache.pairKey('nacos', 'pw-secret2'));
  assert.notEqual(cache.pairKey('nacos', 'pw-secret'), cache.pairKey('other', 'pw-secret'));
  assert.equal(cache.pairKey('nacos', 'pw-secret').includes('pw-secret'), false);
});

test('a checked token is remembered by its exact text until it expires; the table is bounded', () => {
  const tokens = new CheckedTokens(2);
  const check = (exp: number) => ({ ok: true as const, kid: 'k1', claims: { sub: 'nacos', iat: 0, exp, gen: 0 } });
  tokens.remember('t1', check(10));
  assert.equal(tokens.get('t1', 9_999)?.claims.sub, 'nacos');
  assert.equal(tokens.get('t1x', 0), undefined);
  assert.equal(tokens.get('t1', 10_000), undefined, 'expired');
  assert.equal(tokens.size, 0, 'an expired token is dropped');
  for (const t of ['a', 'b', 'c']) tokens.remember(t, check(10));
  assert.equal(tokens.size, 2);
  assert.equal(tokens.get('a', 0), undefined);
  assert.ok(tokens.get('c', 0));
});
