import type { AuthEvent } from '@cairn/core';
import { openStores } from '@cairn/storage';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureSigningKeys, newSigningKey, signingKeysOf } from '../auth/signing-keys.js';
import { switchableStores } from '../testing/switchable-stores.js';
import { startTestServer } from '../testing/test-server.js';
import { NotDurableError } from './not-durable-error.js';

const ACTOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: 'root' };
const HASH = '$scrypt$stand-in-hash';

test('users, roles, grants, password generations and the signing key survive a restart on SQLite', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-auth-restart-'));
  try {
    const first = await startTestServer({ dataDir });
    const firstKeys = await first.server.ctx.authPersistence.signingKeys();
    assert.equal(firstKeys.current.secret.length, 32);
    const { auth, authPersistence } = first.server.ctx;
    auth.createFirstAdmin('nacos', HASH, ACTOR);
    auth.createUser('alice', HASH, ACTOR);
    auth.assignRole('dev', 'alice', ACTOR);
    auth.addGrant({ role: 'dev', resource: ':*:naming/*', action: 'rw' }, ACTOR);
    auth.addGrant({ role: 'dev', resource: 'prod:*:*', action: 'r' }, ACTOR);
    auth.removeGrant({ role: 'dev', resource: 'prod:*:*', action: 'r' }, ACTOR);
    auth.changePassword('alice', '$scrypt$changed', ACTOR);
    auth.createUser('bob', HASH, ACTOR);
    auth.assignRole('ops', 'bob', ACTOR);
    auth.deleteUser('bob', ACTOR);
    auth.createUser('carol', HASH, ACTOR);
    auth.setEnabled('carol', false, ACTOR);
    await authPersistence.durable(authPersistence.lastChange, 5_000);
    await first.close();

    const second = await startTestServer({ dataDir });
    try {
      const restored = second.server.ctx.auth;
      assert.equal((await second.server.ctx.authPersistence.signingKeys()).current.kid, firstKeys.current.kid, 'the first key is kept, not replaced');
      assert.deepEqual(
        restored.searchUsers('accurate').map((u) => `${u.username}:${u.passwordHash}:${u.tokenGeneration}:${u.enabled}`),
        ['alice:$scrypt$changed:1:true', `carol:${HASH}:0:false`, `nacos:${HASH}:0:true`],
      );
      assert.deepEqual(restored.searchRoles('accurate'), [
        { role: 'ROLE_ADMIN', username: 'nacos' },
        { role: 'dev', username: 'alice' },
      ]);
      assert.deepEqual(restored.searchGrants('accurate'), [{ role: 'dev', resource: ':*:naming/*', action: 'rw' }]);
      assert.equal(restored.decide('alice', { kind: 'naming', namespace: 'public', group: 'G', name: 'orders' }, 'w').allowed, true);
      assert.ok(restored.isAdmin('nacos'));
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a user deleted and created again within one write keeps none of its old roles', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-auth-recreate-'));
  try {
    const first = await startTestServer({ dataDir });
    const { auth, authPersistence } = first.server.ctx;
    auth.createUser('alice', HASH, ACTOR);
    auth.assignRole('dev', 'alice', ACTOR);
    await authPersistence.durable(authPersistence.lastChange, 5_000);
    auth.deleteUser('alice', ACTOR);
    auth.createUser('alice', '$scrypt$again', ACTOR);
    await authPersistence.durable(authPersistence.lastChange, 5_000);
    await first.close();
    const second = await startTestServer({ dataDir });
    try {
      assert.equal(second.server.ctx.auth.user('alice')?.passwordHash, '$scrypt$again');
      assert.deepEqual(second.server.ctx.auth.rolesOf('alice'), []);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('an auth change the store refuses is not durable (a request would get 503), and is stored once the store is back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-auth-outage-'));
  const db = await switchableStores(join(dir, 'cairn.db'), 'disk full (injected)');
  const ts = await startTestServer({}, { stores: db.stores });
  try {
    const { auth, authPersistence } = ts.server.ctx;
    db.setDown(true);
    auth.createUser('alice', HASH, ACTOR);
    auth.assignRole('dev', 'alice', ACTOR);
    const refused = await authPersistence.durable(authPersistence.lastChange, 200).then(
      () => undefined,
      (error: Error) => error,
    );
    assert.ok(refused instanceof NotDurableError, 'the change is not acknowledged as durable');
    assert.match(refused.message, /disk full \(injected\)/);
    assert.equal(authPersistence.status.pending, 2);
    db.setDown(false);
    await authPersistence.durable(authPersistence.lastChange, 5_000);
    assert.equal(authPersistence.status.pending, 0, 'the refused write was retried');
    const stored = await db.stores.auth.loadAuth();
    assert.deepEqual(
      stored.users.map((u) => u.username),
      ['alice'],
    );
    assert.deepEqual(stored.roles, [{ role: 'dev', username: 'alice' }]);
  } finally {
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store refusing writes at first start does not stop it; the signing key is made once the store takes it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-auth-key-outage-'));
  const db = await switchableStores(join(dir, 'cairn.db'), 'read-only (injected)');
  db.setDown(true);
  const ts = await startTestServer({}, { stores: db.stores });
  try {
    await assert.rejects(ts.server.ctx.authPersistence.signingKeys(), /read-only \(injected\)/);
    assert.deepEqual((await db.stores.auth.loadAuth()).keys, []);
    db.setDown(false);
    const keys = await ts.server.ctx.authPersistence.signingKeys();
    assert.deepEqual(
      (await db.stores.auth.loadAuth()).keys.map((k) => k.kid),
      [keys.current.kid],
    );
    assert.equal(await ts.server.ctx.authPersistence.signingKeys(), keys, 'made once, then kept');
  } finally {
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nodes starting together each add a key and all sign with the oldest; a stored short or published key stops the start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-auth-keys-'));
  const stores = await openStores(`sqlite:${join(dir, 'cairn.db')}`, dir);
  try {
    // Both saw no key at start, as two nodes do when they start at once.
    const [a, b] = await Promise.all([ensureSigningKeys(stores.auth, [], 1_000), ensureSigningKeys(stores.auth, [], 1_000)]);
    assert.equal((await stores.auth.loadAuth()).keys.length, 2, 'both added a key');
    assert.equal(a.current.kid, b.current.kid);
    assert.equal(a.byKid.size, 2);
    const later = await ensureSigningKeys(stores.auth, (await stores.auth.loadAuth()).keys, 2_000);
    assert.equal(later.current.kid, a.current.kid, 'a key is added only while there is none');
    assert.equal((await stores.auth.loadAuth()).keys.length, 2);
  } finally {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const fresh = newSigningKey(5);
  assert.equal(Buffer.from(fresh.secret, 'base64').length, 32);
  assert.notEqual(newSigningKey(5).secret, fresh.secret);
  assert.equal(signingKeysOf([]), undefined);
  const oldest = signingKeysOf([
    { ...fresh, kid: 'b', createdAt: 9 },
    { ...newSigningKey(5), kid: 'z', createdAt: 3 },
    { ...newSigningKey(5), kid: 'a', createdAt: 9 },
  ]);
  assert.equal(oldest?.current.kid, 'z');
  assert.throws(() => signingKeysOf([{ kid: 'short', secret: Buffer.alloc(16).toString('base64'), createdAt: 1 }]), /key 'short' cannot be used: it has 16 bytes/);
  const published = Buffer.from('SecretKey012345678901234567890123456789012345678901234567890123456789', 'base64').toString('base64');
  assert.throws(() => signingKeysOf([{ kid: 'nacos', secret: published, createdAt: 1 }]), /published default secret/);
});

test("a refresh makes memory match another node's rows without writing them back, and leaves what is changed here alone", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-auth-refresh-'));
  const stores = await openStores(`sqlite:${join(dir, 'cairn.db')}`, dir);
  const ts = await startTestServer({ dataDir: dir }, { stores });
  try {
    const { auth, authPersistence, events } = ts.server.ctx;
    const seen: AuthEvent[] = [];
    events.on('auth', (e) => seen.push(e));
    // Another node's writes: a user with a role, a grant, a rotated key.
    await stores.auth.saveUser({ username: 'dave', passwordHash: HASH, enabled: true, tokenGeneration: 2, createdAt: 1, updatedAt: 1 });
    await stores.auth.assignRole({ role: 'ops', username: 'dave' });
    await stores.auth.addGrant({ role: 'ops', resource: ':*:naming/*', action: 'r' });
    const before = authPersistence.lastChange;
    await authPersistence.refresh([{ user: 'dave' }, { grantsOf: 'ops' }, { unknown: 1 }, 'junk']);
    assert.equal(auth.user('dave')?.tokenGeneration, 2);
    assert.deepEqual(auth.rolesOf('dave'), ['ops']);
    assert.deepEqual(auth.grantsOfRole('ops'), [{ role: 'ops', resource: ':*:naming/*', action: 'r' }]);
    assert.equal(authPersistence.lastChange, before, 'nothing written back');
    assert.ok(seen.length > 0 && seen.every((e) => e.replicated === true));
    const kid = (await authPersistence.signingKeys()).current.kid;
    await stores.auth.rotateSigningKey(newSigningKey(Date.now()));
    await authPersistence.refresh([{ signingKeys: true }]);
    const rotated = await authPersistence.signingKeys();
    assert.notEqual(rotated.current.kid, kid);
    assert.ok(rotated.byKid.has(kid), 'the retired key still verifies');
    assert.deepEqual(seen.at(-1), { ...seen.at(-1), cause: 'SIGNING_KEY_ROTATED', kid: rotated.current.kid, retired: [kid], replicated: true });
    // A change made here and not yet stored wins over the rows read: its own write comes next.
    auth.createUser('erin', HASH, ACTOR);
    await authPersistence.refresh([{ user: 'erin' }]);
    assert.ok(auth.user('erin'), 'kept while not yet stored');
    await authPersistence.durable(authPersistence.lastChange, 5_000);
    assert.equal((await stores.auth.readUser('erin'))?.user.username, 'erin');
    // Once stored, a deletion elsewhere is applied.
    await stores.auth.deleteUser('erin');
    await authPersistence.refresh([{ user: 'erin' }]);
    assert.equal(auth.user('erin'), undefined);
  } finally {
    await ts.close();
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
