import { openStores } from '@cairn/storage';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import pino from 'pino';
import { createServer } from '../../../app.js';
import { TokenSecretError } from '../../../auth/signing-keys.js';
import { hashPassword } from '../../../auth/passwords.js';
import { resolveOptions } from '../../../config/options.js';
import { loginToken, startTestServer, TEST_ADMIN_PASSWORD } from '../../../testing/test-server.js';

const ACTOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: 'root' };
const TTL_SECONDS = 600;

interface KeysJson {
  signing: string;
  keys: { kid: string; createdAt?: number; retiredAt?: number; expiresAt?: number; signing: boolean; configured: boolean }[];
}

/** The kid in a token's header. */
function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;
}

/** A request with a Bearer token; status and body text. */
async function send(base: string, method: string, path: string, token: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

const readNamespaces = (base: string, token: string) => send(base, 'GET', '/v1/console/namespaces', token);

test('a rotation: the new key signs new tokens, tokens signed before keep working until they expire, then the old key is gone', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-rotate-'));
  try {
    const ts = await startTestServer({ authEnabled: true, dataDir, tokenTtlSeconds: TTL_SECONDS }, { fakeTime: true });
    let before: string;
    let after: string;
    let oldKid: string;
    try {
      before = await loginToken(ts.url);
      oldKid = kidOf(before);
      const rotated = await send(ts.url, 'POST', '/v1/cairn/auth/keys/rotate', before);
      assert.equal(rotated.status, 200, rotated.text);
      const keys = JSON.parse(rotated.text) as KeysJson;
      assert.notEqual(keys.signing, oldKid);
      assert.doesNotMatch(rotated.text, /secret/i, 'no secret is shown');
      const retired = keys.keys.find((k) => k.kid === oldKid);
      assert.equal(retired?.signing, false);
      assert.equal(retired?.expiresAt, (retired?.retiredAt ?? 0) + TTL_SECONDS * 1000);
      // The rotation is journaled with the key ids and the verified admin, never a secret.
      const [event] = ts.server.ctx.journal.query({ cause: 'SIGNING_KEY_ROTATED' }).events;
      assert.deepEqual({ kid: event?.evidence.kid, retired: event?.evidence.retired, user: event?.evidence.user }, { kid: keys.signing, retired: oldKid, user: 'nacos' });

      assert.equal((await readNamespaces(ts.url, before)).status, 200, 'a token signed before the rotation still works');
      after = await loginToken(ts.url);
      assert.equal(kidOf(after), keys.signing, 'a new login is signed with the new key');

      // Just before the old key's tokens expire it still verifies; once they have, it is gone and refused.
      ts.time?.advance(TTL_SECONDS * 1000 - 1_000);
      const fresh = await loginToken(ts.url);
      assert.equal((await readNamespaces(ts.url, before)).status, 200);
      ts.time?.advance(1_000);
      const refused = await readNamespaces(ts.url, before);
      assert.equal(refused.status, 403);
      assert.match(refused.text, /token invalid!/, 'refused for its key, not for its expiry');
      const listed = JSON.parse((await send(ts.url, 'GET', '/v1/cairn/auth/keys', fresh)).text) as KeysJson;
      assert.deepEqual(
        listed.keys.map((k) => k.kid),
        [keys.signing],
      );
      assert.equal((await readNamespaces(ts.url, fresh)).status, 200);
    } finally {
      await ts.close();
    }
    // The rotation and the removal survive a restart: the new key signs and verifies, the old one is not stored.
    const again = await startTestServer({ authEnabled: true, dataDir, tokenTtlSeconds: TTL_SECONDS });
    try {
      assert.equal(kidOf(await loginToken(again.url)), kidOf(after));
      const stored = await openStores(`sqlite:${join(dataDir, 'cairn.db')}`, dataDir);
      try {
        assert.deepEqual(
          (await stored.auth.loadAuth()).keys.map((k) => k.kid),
          [kidOf(after)],
        );
      } finally {
        await stored.close();
      }
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a rotation survives a restart before the old tokens expire: both keys verify, the new one signs', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-rotate-restart-'));
  try {
    const ts = await startTestServer({ authEnabled: true, dataDir, tokenTtlSeconds: TTL_SECONDS });
    let before: string;
    let newKid: string;
    try {
      before = await loginToken(ts.url);
      const rotated = await send(ts.url, 'POST', '/v1/cairn/auth/keys/rotate', before);
      newKid = (JSON.parse(rotated.text) as KeysJson).signing;
    } finally {
      await ts.close();
    }
    const again = await startTestServer({ authEnabled: true, dataDir, tokenTtlSeconds: TTL_SECONDS });
    try {
      assert.equal((await readNamespaces(again.url, before)).status, 200);
      assert.equal(kidOf(await loginToken(again.url)), newKid);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('only an admin may list or rotate the signing keys', async () => {
  const ts = await startTestServer({ authEnabled: true });
  try {
    const { auth, authPersistence } = ts.server.ctx;
    auth.createUser('alice', await hashPassword('alice-password'), ACTOR);
    auth.assignRole('everything', 'alice', ACTOR);
    auth.addGrant({ role: 'everything', resource: '*:*:*', action: 'rw' }, ACTOR);
    await authPersistence.durable(authPersistence.lastChange, 5_000);
    const alice = await loginToken(ts.url, 'alice', 'alice-password');
    const signing = (await authPersistence.signingKeys()).current.kid;
    for (const [method, path] of [
      ['POST', '/v1/cairn/auth/keys/rotate'],
      ['GET', '/v1/cairn/auth/keys'],
    ]) {
      const refused = await send(ts.url, method, path, alice);
      assert.equal(refused.status, 403, `${method} ${path}: ${refused.text}`);
      const anonymous = await fetch(`${ts.url}${path}`, { method });
      assert.equal(anonymous.status, 403, `${method} ${path} without credentials`);
    }
    assert.equal((await authPersistence.signingKeys()).current.kid, signing, 'nothing rotated');
  } finally {
    await ts.close();
  }
});

test('a configured secret signs (its kid is a hash, not the secret), stored keys still verify, and it verifies after a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-secret-'));
  const secret = randomBytes(32).toString('base64');
  try {
    const plain = await startTestServer({ authEnabled: true, dataDir });
    let storedToken: string;
    try {
      storedToken = await loginToken(plain.url);
    } finally {
      await plain.close();
    }
    const first = await startTestServer({ authEnabled: true, dataDir }, { tokenSecret: secret });
    let token: string;
    try {
      token = await loginToken(first.url);
      const kid = kidOf(token);
      assert.match(kid, /^cfg-[0-9a-f]{16}$/);
      assert.ok(!kid.includes(secret) && !secret.includes(kid.slice(4)));
      assert.equal((await readNamespaces(first.url, storedToken)).status, 200, 'a token of the stored key still verifies');
      const listed = await send(first.url, 'GET', '/v1/cairn/auth/keys', token);
      assert.equal((JSON.parse(listed.text) as KeysJson).signing, kid);
      assert.ok(!listed.text.includes(secret), 'the listing does not show the secret');
      const rotate = await send(first.url, 'POST', '/v1/cairn/auth/keys/rotate', token);
      assert.equal(rotate.status, 409);
      assert.match(rotate.text, /CAIRN_TOKEN_SECRET/);
    } finally {
      await first.close();
    }
    const second = await startTestServer({ authEnabled: true, dataDir }, { tokenSecret: secret });
    try {
      assert.equal((await readNamespaces(second.url, token)).status, 200, 'same secret after a restart: the token verifies');
      assert.equal(kidOf(await loginToken(second.url)), kidOf(token));
    } finally {
      await second.close();
    }
    const other = await startTestServer({ authEnabled: true, dataDir }, { tokenSecret: randomBytes(32).toString('base64') });
    try {
      assert.equal((await readNamespaces(other.url, token)).status, 403, 'another secret: the token is refused');
    } finally {
      await other.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a short, non-Base64 or published default secret stops createServer with the reason, before anything is opened', async () => {
  const short = randomBytes(16).toString('base64');
  const cases: [string, RegExp][] = [
    [short, /it has 16 bytes; HS256 needs at least 32/],
    ['SecretKey012345678901234567890123456789012345678901234567890123456789', /Nacos's published default secret/],
    ['not base64 at all!', /not Base64/],
    ['', /empty/],
  ];
  for (const [secret, reason] of cases) {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-bad-secret-'));
    try {
      const options = resolveOptions({ port: 0, host: '127.0.0.1', logLevel: 'silent', dataDir, authEnabled: true });
      await assert.rejects(createServer({ options, logger: pino({ level: 'silent' }), adminPassword: TEST_ADMIN_PASSWORD, tokenSecret: secret }), (e: unknown) => {
        assert.ok(e instanceof TokenSecretError, String(e));
        assert.match(e.message, /^CAIRN_TOKEN_SECRET cannot be used: /);
        assert.match(e.message, reason);
        if (secret !== '') assert.ok(!e.message.includes(secret), 'the message does not hold the secret');
        return true;
      });
      assert.deepEqual(readdirSync(dataDir), [], 'no database was opened');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
});
