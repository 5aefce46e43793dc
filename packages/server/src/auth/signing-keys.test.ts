import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { configuredSigningKey, newSigningKey, signingKeysOf, TokenSecretError } from './signing-keys.js';

test('a configured secret is read as Base64 in either alphabet, padded or not, and names the same kid each way', () => {
  const bytes = randomBytes(33);
  const kids = [bytes.toString('base64'), bytes.toString('base64url'), `  ${bytes.toString('base64')}\n`].map((text) => {
    const key = configuredSigningKey(text);
    assert.ok(key.secret.equals(bytes));
    return key.kid;
  });
  assert.deepEqual(new Set(kids).size, 1);
  assert.notEqual(configuredSigningKey(randomBytes(32).toString('base64')).kid, kids[0]);
  // Raw text is not guessed at: it must be Base64.
  assert.throws(
    () => configuredSigningKey('correct horse battery staple, long enough to be 32+'),
    (e: unknown) => e instanceof TokenSecretError && /not Base64/.test(e.message),
  );
});

test('the oldest key in use signs; retired keys verify until the token lifetime after their retirement', () => {
  const rows = [
    { ...newSigningKey(10), kid: 'old', retiredAt: 100 },
    { ...newSigningKey(100), kid: 'new' },
    { ...newSigningKey(100), kid: 'other' },
  ];
  const at = (now: number) => signingKeysOf(rows, now, { tokenTtlMs: 50 });
  assert.equal(at(149)?.current.kid, 'new', 'the oldest in use, then the smallest kid; never a retired key');
  assert.deepEqual([...(at(149)?.byKid.keys() ?? [])], ['old', 'new', 'other']);
  assert.equal(at(149)?.nextExpiry, 150);
  assert.deepEqual([...(at(150)?.byKid.keys() ?? [])], ['new', 'other']);
  assert.equal(at(150)?.nextExpiry, Number.POSITIVE_INFINITY);
  const configured = configuredSigningKey(randomBytes(32).toString('base64'));
  const withSecret = signingKeysOf(rows, 149, { tokenTtlMs: 50, configured });
  assert.equal(withSecret?.current.kid, configured.kid);
  assert.equal(withSecret?.byKid.size, 4, 'stored keys still verify');
  assert.equal(signingKeysOf([{ ...newSigningKey(1), retiredAt: 5 }], 6, { tokenTtlMs: 50 }), undefined, 'no key in use: none signs');
});
