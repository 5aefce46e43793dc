import type { AuthSnapshot, AuthStore, StoredUser } from '@cairn/core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WithStore } from './with-store.js';

const user = (username: string, over: Partial<StoredUser> = {}): StoredUser => ({
  username,
  passwordHash: '$2a$10$EuWPZHzz32dJN7jexM34MOeYirDdFAZm2kuWj7VEOJhhZkDrxfvUu',
  enabled: true,
  tokenGeneration: 0,
  createdAt: 100,
  updatedAt: 100,
  ...over,
});

/** Only one test's rows (names start with `prefix`), so other tests' rows do not count. */
function mine(s: AuthSnapshot, prefix: string): AuthSnapshot {
  const ours = (name: string) => name.startsWith(prefix);
  return {
    users: s.users.filter((u) => ours(u.username)),
    roles: s.roles.filter((r) => ours(r.role)),
    grants: s.grants.filter((g) => ours(g.role)),
    keys: s.keys.filter((k) => ours(k.kid)),
  };
}

/** The behaviour every AuthStore must have. */
export function runAuthStoreContract(withStore: WithStore<AuthStore>): void {
  test("users round-trip byte-exact; saving again updates all but createdAt; deleting takes the user's roles along", async () => {
    await withStore(async (store) => {
      await store.saveUser(user('ac-alice'));
      await store.saveUser(user('ac-Alice', { passwordHash: 'scrypt$ü', enabled: false }));
      await store.saveUser(user('ac-alice', { passwordHash: 'new', tokenGeneration: 3, createdAt: 999, updatedAt: 200 }));
      await store.assignRole({ role: 'ac-dev', username: 'ac-alice' });
      await store.assignRole({ role: 'ac-dev', username: 'ac-Alice' });
      await store.assignRole({ role: 'ac-dev', username: 'ac-alice' });
      let s = mine(await store.loadAuth(), 'ac-');
      assert.deepEqual(s.users, [user('ac-Alice', { passwordHash: 'scrypt$ü', enabled: false }), user('ac-alice', { passwordHash: 'new', tokenGeneration: 3, updatedAt: 200 })]);
      assert.deepEqual(s.roles, [
        { role: 'ac-dev', username: 'ac-Alice' },
        { role: 'ac-dev', username: 'ac-alice' },
      ]);
      await store.deleteUser('ac-alice');
      await store.deleteUser('ac-nobody');
      s = mine(await store.loadAuth(), 'ac-');
      assert.deepEqual(
        s.users.map((u) => u.username),
        ['ac-Alice'],
      );
      assert.deepEqual(s.roles, [{ role: 'ac-dev', username: 'ac-Alice' }]);
    });
  });

  test('grants are kept once each; removing a role without a user removes its assignments and grants', async () => {
    await withStore(async (store) => {
      const read = { role: 'ag-ops', resource: ':*:naming/*', action: 'r' };
      const write = { role: 'ag-ops', resource: 'dev:*:config/app.yaml', action: 'rw' };
      await store.addGrant(read);
      await store.addGrant(read);
      await store.addGrant(write);
      await store.addGrant({ role: 'ag-keep', resource: '*', action: 'r' });
      await store.assignRole({ role: 'ag-ops', username: 'u1' });
      await store.assignRole({ role: 'ag-ops', username: 'u2' });
      await store.removeRole('ag-ops', 'u1');
      assert.deepEqual(mine(await store.loadAuth(), 'ag-').roles, [{ role: 'ag-ops', username: 'u2' }]);
      assert.deepEqual(
        mine(await store.loadAuth(), 'ag-').grants,
        [{ role: 'ag-keep', resource: '*', action: 'r' }, write, read].sort((a, b) => (a.role + a.resource < b.role + b.resource ? -1 : 1)),
      );
      await store.removeGrant(write);
      await store.removeGrant({ ...write, action: 'r' });
      await store.removeRole('ag-ops');
      const s = mine(await store.loadAuth(), 'ag-');
      assert.deepEqual(s.roles, []);
      assert.deepEqual(s.grants, [{ role: 'ag-keep', resource: '*', action: 'r' }]);
    });
  });

  test('a signing key is added once: a second key with the same kid leaves the first; keys come oldest first', async () => {
    await withStore(async (store) => {
      await Promise.all([store.addSigningKey({ kid: 'ak-k2', secret: 'c2Vjb25k', createdAt: 20 }), store.addSigningKey({ kid: 'ak-k1', secret: 'Zmlyc3Q=', createdAt: 20 })]);
      await store.addSigningKey({ kid: 'ak-k1', secret: 'b3RoZXI=', createdAt: 5 });
      await store.addSigningKey({ kid: 'ak-k0', secret: 'bGF0ZXI=', createdAt: 30 });
      assert.deepEqual(mine(await store.loadAuth(), 'ak-').keys, [
        { kid: 'ak-k1', secret: 'Zmlyc3Q=', createdAt: 20 },
        { kid: 'ak-k2', secret: 'c2Vjb25k', createdAt: 20 },
        { kid: 'ak-k0', secret: 'bGF0ZXI=', createdAt: 30 },
      ]);
    });
  });

  test('a rotation adds a key and retires the keys in use at its time; retired keys are removed once their time has come', async () => {
    await withStore(async (store) => {
      await store.addSigningKey({ kid: 'ar-k1', secret: 'Zmlyc3Q=', createdAt: 10 });
      await store.addSigningKey({ kid: 'ar-k2', secret: 'c2Vjb25k', createdAt: 11 });
      await store.rotateSigningKey({ kid: 'ar-k3', secret: 'dGhpcmQ=', createdAt: 50 });
      assert.deepEqual(mine(await store.loadAuth(), 'ar-').keys, [
        { kid: 'ar-k1', secret: 'Zmlyc3Q=', createdAt: 10, retiredAt: 50 },
        { kid: 'ar-k2', secret: 'c2Vjb25k', createdAt: 11, retiredAt: 50 },
        { kid: 'ar-k3', secret: 'dGhpcmQ=', createdAt: 50 },
      ]);
      // A second rotation retires the third key; the first two keep their time.
      await store.rotateSigningKey({ kid: 'ar-k4', secret: 'Zm91cnRo', createdAt: 90 });
      await store.rotateSigningKey({ kid: 'ar-k4', secret: 'b3RoZXI=', createdAt: 95 });
      assert.deepEqual(
        mine(await store.loadAuth(), 'ar-').keys.map((k) => [k.kid, k.retiredAt]),
        [
          ['ar-k1', 50],
          ['ar-k2', 50],
          ['ar-k3', 90],
          ['ar-k4', undefined],
        ],
      );
      await store.removeRetiredSigningKeys(49);
      assert.equal(mine(await store.loadAuth(), 'ar-').keys.length, 4);
      await store.removeRetiredSigningKeys(50);
      assert.deepEqual(
        mine(await store.loadAuth(), 'ar-').keys.map((k) => [k.kid, k.retiredAt]),
        [
          ['ar-k3', 90],
          ['ar-k4', undefined],
        ],
      );
      await store.removeRetiredSigningKeys(1_000);
      assert.deepEqual(mine(await store.loadAuth(), 'ar-').keys, [{ kid: 'ar-k4', secret: 'Zm91cnRo', createdAt: 90 }]);
    });
  });

  test('one user (with its roles), the holders and grants of one role, and the keys are read back alone', async () => {
    await withStore(async (store) => {
      await store.saveUser(user('rr-bob', { tokenGeneration: 2 }));
      await store.saveUser(user('rr-amy'));
      await store.assignRole({ role: 'rr-ops', username: 'rr-bob' });
      await store.assignRole({ role: 'rr-dev', username: 'rr-bob' });
      await store.assignRole({ role: 'rr-ops', username: 'rr-amy' });
      await store.assignRole({ role: 'rr-ops', username: 'rr-ghost' });
      await store.addGrant({ role: 'rr-ops', resource: 'b:*:naming/*', action: 'r' });
      await store.addGrant({ role: 'rr-ops', resource: 'a:*:naming/*', action: 'rw' });
      await store.addGrant({ role: 'rr-other', resource: '*:*:*', action: 'r' });
      await store.addSigningKey({ kid: 'rr-k1', secret: 'Zmlyc3Q=', createdAt: 7 });
      assert.deepEqual(await store.readUser('rr-bob'), { user: user('rr-bob', { tokenGeneration: 2 }), roles: ['rr-dev', 'rr-ops'] });
      assert.equal(await store.readUser('rr-ghost'), undefined);
      assert.equal(await store.readUser('rr-BOB'), undefined);
      // An assignment of a user that does not exist is not a holder (loading leaves it out too).
      assert.deepEqual(await store.readHolders('rr-ops'), ['rr-amy', 'rr-bob']);
      assert.deepEqual(await store.readHolders('rr-none'), []);
      assert.deepEqual(await store.readGrants('rr-ops'), [
        { role: 'rr-ops', resource: 'a:*:naming/*', action: 'rw' },
        { role: 'rr-ops', resource: 'b:*:naming/*', action: 'r' },
      ]);
      assert.deepEqual(await store.readGrants('rr-none'), []);
      assert.deepEqual(
        (await store.readSigningKeys()).filter((k) => k.kid.startsWith('rr-')),
        [{ kid: 'rr-k1', secret: 'Zmlyc3Q=', createdAt: 7 }],
      );
      await store.deleteUser('rr-bob');
      assert.equal(await store.readUser('rr-bob'), undefined);
      assert.deepEqual(await store.readHolders('rr-ops'), ['rr-amy']);
    });
  });

  test('the first admin is created once when two ask at once; an existing user of that name is never made admin', async () => {
    await withStore(async (store) => {
      const mineA = user('fa-admin', { passwordHash: 'hash-a' });
      const mineB = user('fa-admin', { passwordHash: 'hash-b', createdAt: 200 });
      await Promise.all([store.addFirstAdmin(mineA), store.addFirstAdmin(mineB)]);
      const kept = await store.readUser('fa-admin');
      assert.ok(kept?.user.passwordHash === 'hash-a' || kept?.user.passwordHash === 'hash-b', `kept ${JSON.stringify(kept)}`);
      assert.deepEqual(kept, { user: kept.user.passwordHash === 'hash-a' ? mineA : mineB, roles: ['ROLE_ADMIN'] });
      await store.saveUser(user('fa-plain', { passwordHash: 'plain' }));
      await store.addFirstAdmin(user('fa-plain', { passwordHash: 'other' }));
      assert.deepEqual(await store.readUser('fa-plain'), { user: user('fa-plain', { passwordHash: 'plain' }), roles: [] });
    });
  });
}
