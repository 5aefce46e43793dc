import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { checkToken, secretProblem, signToken, type TokenKey } from './tokens.js';

const key: TokenKey = { kid: 'k1', secret: randomBytes(32) };
const keys = new Map([[key.kid, key]]);
const claims = { sub: 'nacos', iat: 1_000, exp: 19_000, gen: 2 };

test('a signed token checks out with its key until it expires', () => {
  const token = signToken(claims, key);
  assert.deepEqual(checkToken(token, keys, 18_999_999), { ok: true, kid: 'k1', claims });
  assert.deepEqual(checkToken(token, keys, 19_000_000), { ok: false, failure: 'expired' });
  const [head, body] = token
    .split('.')
    .slice(0, 2)
    .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
  assert.deepEqual(head, { alg: 'HS256', typ: 'JWT', kid: 'k1' });
  assert.equal(body.sub, 'nacos', 'Nacos clients read sub and exp');
});

test('a token is refused when signed by another key, altered, of another algorithm, or no token at all', () => {
  const token = signToken(claims, key);
  const other = { kid: 'k1', secret: randomBytes(32) };
  assert.deepEqual(checkToken(signToken(claims, other), keys, 0), { ok: false, failure: 'bad-signature' });
  assert.deepEqual(checkToken(signToken(claims, { ...other, kid: 'k9' }), keys, 0), { ok: false, failure: 'unknown-key' });
  const [head, , sig] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
  assert.deepEqual(checkToken(`${head}.${forged}.${sig}`, keys, 0), { ok: false, failure: 'bad-signature' });
  const none = Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url');
  assert.deepEqual(checkToken(`${none}.${token.split('.')[1]}.`, keys, 0), { ok: false, failure: 'unsupported-algorithm' });
  for (const junk of ['', 'a.b', 'a.b.c', '...', `${head}.${'x'.repeat(5000)}.${sig}`]) assert.deepEqual(checkToken(junk, keys, 0), { ok: false, failure: 'malformed' }, junk.slice(0, 20));
});

test('a validly signed token without the claims Cairn issues is malformed, not trusted', () => {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'k1' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ sub: 'nacos', exp: 99_999, iat: 1 })).toString('base64url');
  const sig = createHmac('sha256', key.secret).update(`${head}.${body}`).digest('base64url');
  assert.deepEqual(checkToken(`${head}.${body}.${sig}`, keys, 0), { ok: false, failure: 'malformed' });
});

test("short secrets and Nacos's published default are refused with the reason", () => {
  assert.match(secretProblem(Buffer.alloc(16)) ?? '', /16 bytes; HS256 needs at least 32/);
  assert.match(secretProblem(Buffer.from('SecretKey012345678901234567890123456789012345678901234567890123456789', 'base64')) ?? '', /published default/);
  assert.equal(secretProblem(randomBytes(32)), undefined);
});
