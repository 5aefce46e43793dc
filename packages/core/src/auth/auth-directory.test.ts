import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CairnEvent } from '../domain-events.js';
import { Journal } from '../journal/journal.js';
import { recordDomainEvents } from '../journal/record-domain-events.js';
import type { DomainError } from '../shared/errors.js';
import { EventBus } from '../shared/event-bus.js';
import { FakeTime } from '../shared/time/fake-time.js';
import { AuthDirectory } from './auth-directory.js';
import type { AuthEvent } from './auth-events.js';
import type { StoredUser } from './auth-store.js';
import { errorCodeOf } from '../shared/error-code-of.js';

const ACTOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: 'root' };
const HASH = '$scrypt$not-a-real-hash-but-secret-looking';
const NAMING = { kind: 'naming', namespace: 'public', group: 'DEFAULT_GROUP', name: 'orders' } as const;

function newDirectory() {
  const time = new FakeTime();
  const bus = new EventBus<CairnEvent>();
  const events: AuthEvent[] = [];
  bus.on('auth', (e) => events.push(e));
  const journal = new Journal({ maxEvents: 100, maxAgeMs: 3_600_000 });
  recordDomainEvents(journal, bus);
  const directory = new AuthDirectory({ clock: time, events: bus });
  return { time, events, journal, directory };
}

/** A directory with the first admin `nacos` and a user `alice` holding role `dev`. */
function seeded() {
  const d = newDirectory();
  d.directory.createFirstAdmin('nacos', HASH, ACTOR);
  d.directory.createUser('alice', HASH, ACTOR);
  d.directory.assignRole('dev', 'alice', ACTOR);
  d.events.length = 0;
  return d;
}

const codeOf = errorCodeOf;

test('createUser stores an enabled user at generation 0 and announces USER_CREATED without the hash', () => {
  const { time, events, directory } = newDirectory();
  time.advance(5_000);
  const user = directory.createUser('alice', HASH, ACTOR);
  assert.deepEqual(user, { username: 'alice', passwordHash: HASH, enabled: true, tokenGeneration: 0, createdAt: user.createdAt, updatedAt: user.createdAt });
  assert.equal(user.createdAt, time.now());
  assert.deepEqual(directory.user('alice'), user);
  assert.deepEqual(events, [{ type: 'auth', at: time.now(), actor: ACTOR, cause: 'USER_CREATED', username: 'alice' }]);
});

test('usernames and role names are checked for presence, length and charset, naming the field', () => {
  const { directory, events } = newDirectory();
  assert.equal(
    codeOf(() => directory.createUser('', HASH, ACTOR)),
    'MISSING_PARAM:username',
  );
  assert.equal(
    codeOf(() => directory.createUser('  ', HASH, ACTOR)),
    'MISSING_PARAM:username',
  );
  assert.equal(
    codeOf(() => directory.createUser('a'.repeat(51), HASH, ACTOR)),
    'INVALID_PARAM:username',
  );
  assert.equal(
    codeOf(() => directory.createUser('a b', HASH, ACTOR)),
    'INVALID_PARAM:username',
  );
  assert.equal(
    codeOf(() => directory.createUser('a:b', HASH, ACTOR)),
    'INVALID_PARAM:username',
  );
  assert.equal(
    codeOf(() => directory.createUser('ünï', HASH, ACTOR)),
    'INVALID_PARAM:username',
  );
  assert.equal(
    codeOf(() => directory.createUser('a'.repeat(50), HASH, ACTOR)),
    undefined,
  );
  assert.equal(
    codeOf(() => directory.createUser('ops.bot-1_x@corp', HASH, ACTOR)),
    undefined,
  );
  assert.equal(
    codeOf(() => directory.assignRole('dev ops', 'ops.bot-1_x@corp', ACTOR)),
    'INVALID_PARAM:role',
  );
  assert.equal(
    codeOf(() => directory.assignRole('', 'ops.bot-1_x@corp', ACTOR)),
    'MISSING_PARAM:role',
  );
  assert.equal(events.length, 2, 'only the two valid users were announced');
});

test('a user that exists is not created again', () => {
  const { directory } = seeded();
  assert.equal(
    codeOf(() => directory.createUser('alice', HASH, ACTOR)),
    'AUTH_USER_ALREADY_EXISTS:username',
  );
});

test('changePassword sets the new hash, raises the token generation and announces it without either hash', () => {
  const { time, events, directory } = seeded();
  time.advance(1_000);
  const user = directory.changePassword('alice', '$scrypt$new', ACTOR);
  assert.equal(user.passwordHash, '$scrypt$new');
  assert.equal(user.tokenGeneration, 1);
  assert.equal(user.updatedAt, time.now());
  assert.ok(user.createdAt < user.updatedAt);
  directory.changePassword('alice', '$scrypt$newer', ACTOR);
  assert.equal(directory.user('alice')?.tokenGeneration, 2);
  assert.deepEqual(
    events.map((e) => (e.cause === 'USER_PASSWORD_CHANGED' ? `${e.username}@${e.tokenGeneration}` : e.cause)),
    ['alice@1', 'alice@2'],
  );
  assert.doesNotMatch(JSON.stringify(events), /scrypt/);
  assert.equal(
    codeOf(() => directory.changePassword('bob', HASH, ACTOR)),
    'AUTH_USER_NOT_FOUND:username',
  );
});

test('setEnabled disables and enables a user; setting what is set announces nothing; the last admin stays enabled', () => {
  const { events, directory } = seeded();
  directory.setEnabled('alice', false, ACTOR);
  assert.equal(directory.user('alice')?.enabled, false);
  directory.setEnabled('alice', false, ACTOR);
  directory.setEnabled('alice', true, ACTOR);
  assert.deepEqual(
    events.map((e) => e.cause),
    ['USER_DISABLED', 'USER_ENABLED'],
  );
  assert.equal(
    codeOf(() => directory.setEnabled('nacos', false, ACTOR)),
    'AUTH_LAST_ADMIN:username',
  );
  assert.equal(directory.user('nacos')?.enabled, true);
  assert.equal(
    codeOf(() => directory.setEnabled('bob', true, ACTOR)),
    'AUTH_USER_NOT_FOUND:username',
  );
});

test('deleteUser removes the user and its roles; the last enabled admin cannot be deleted', () => {
  const { events, directory } = seeded();
  directory.assignRole('ops', 'alice', ACTOR);
  events.length = 0;
  directory.deleteUser('alice', ACTOR);
  assert.equal(directory.user('alice'), undefined);
  assert.deepEqual(directory.rolesOf('alice'), []);
  assert.deepEqual(directory.roleNames(), ['ROLE_ADMIN']);
  assert.deepEqual(events, [{ type: 'auth', at: events[0].at, actor: ACTOR, cause: 'USER_DELETED', username: 'alice', roles: ['dev', 'ops'] }]);
  assert.equal(
    codeOf(() => directory.deleteUser('alice', ACTOR)),
    'AUTH_USER_NOT_FOUND:username',
  );
  const refusal = (() => {
    try {
      directory.deleteUser('nacos', ACTOR);
    } catch (error) {
      return error as DomainError;
    }
  })();
  assert.equal(refusal?.code, 'AUTH_LAST_ADMIN');
  assert.match(refusal?.message ?? '', /cannot delete admin 'nacos': it is the last enabled user holding ROLE_ADMIN/);
  assert.ok(directory.isAdmin('nacos'));
});

test('an admin may be deleted while another enabled admin remains (imported from Nacos), not when the other is disabled', () => {
  const { directory } = newDirectory();
  directory.restore({
    users: ['nacos', 'root'].map((username) => ({ username, passwordHash: HASH, enabled: true, tokenGeneration: 0, createdAt: 0, updatedAt: 0 })),
    roles: [
      { role: 'ROLE_ADMIN', username: 'nacos' },
      { role: 'ROLE_ADMIN', username: 'root' },
    ],
    grants: [],
  });
  directory.setEnabled('root', false, ACTOR);
  assert.equal(
    codeOf(() => directory.deleteUser('nacos', ACTOR)),
    'AUTH_LAST_ADMIN:username',
  );
  directory.setEnabled('root', true, ACTOR);
  directory.deleteUser('nacos', ACTOR);
  assert.deepEqual(directory.searchRoles('accurate', { role: 'ROLE_ADMIN' }), [{ role: 'ROLE_ADMIN', username: 'root' }]);
});

test('createFirstAdmin creates the admin once; later there is already an admin', () => {
  const { events, directory } = newDirectory();
  assert.equal(directory.hasAdmin, false);
  directory.createFirstAdmin('nacos', HASH, ACTOR);
  assert.ok(directory.isAdmin('nacos'));
  assert.deepEqual(
    events.map((e) => e.cause),
    ['USER_CREATED', 'ROLE_ASSIGNED'],
  );
  assert.equal(
    codeOf(() => directory.createFirstAdmin('root', HASH, ACTOR)),
    'AUTH_ADMIN_EXISTS:undefined',
  );
  assert.equal(directory.user('root'), undefined);
});

test('assignRole: the user must exist, ROLE_ADMIN is reserved, a role is held once', () => {
  const { events, directory } = seeded();
  directory.assignRole('ops', 'alice', ACTOR);
  assert.deepEqual(directory.rolesOf('alice'), ['dev', 'ops']);
  assert.deepEqual(events, [{ type: 'auth', at: events[0].at, actor: ACTOR, cause: 'ROLE_ASSIGNED', role: 'ops', username: 'alice' }]);
  assert.equal(
    codeOf(() => directory.assignRole('ops', 'alice', ACTOR)),
    'AUTH_ROLE_ALREADY_ASSIGNED:role',
  );
  assert.equal(
    codeOf(() => directory.assignRole('ops', 'bob', ACTOR)),
    'AUTH_USER_NOT_FOUND:username',
  );
  assert.equal(
    codeOf(() => directory.assignRole('ROLE_ADMIN', 'alice', ACTOR)),
    'AUTH_ROLE_RESERVED:role',
  );
  assert.equal(directory.isAdmin('alice'), false);
  assert.equal(events.length, 1);
});

test('removeRole takes a role from one user, or removes the whole role with its grants; ROLE_ADMIN is reserved', () => {
  const { events, directory } = seeded();
  directory.createUser('bob', HASH, ACTOR);
  directory.assignRole('dev', 'bob', ACTOR);
  directory.addGrant({ role: 'dev', resource: ':*:naming/*', action: 'r' }, ACTOR);
  events.length = 0;
  assert.equal(directory.removeRole('dev', 'bob', ACTOR), true);
  assert.equal(directory.removeRole('dev', 'bob', ACTOR), false, 'already gone: no error, no event');
  assert.deepEqual(directory.rolesOf('bob'), []);
  assert.equal(directory.removeRole('dev', undefined, ACTOR), true);
  assert.deepEqual(directory.rolesOf('alice'), []);
  assert.deepEqual(directory.searchGrants('accurate', 'dev'), []);
  assert.equal(directory.removeRole('dev', undefined, ACTOR), false);
  assert.deepEqual(
    events.map((e) => (e.cause === 'ROLE_REMOVED' ? `${e.role}:${e.usernames.join('+')}:${e.grants.length}` : e.cause)),
    ['dev:bob:0', 'dev:alice:1'],
  );
  assert.equal(
    codeOf(() => directory.removeRole('ROLE_ADMIN', 'nacos', ACTOR)),
    'AUTH_ROLE_RESERVED:role',
  );
  assert.equal(
    codeOf(() => directory.removeRole('ROLE_ADMIN', undefined, ACTOR)),
    'AUTH_ROLE_RESERVED:role',
  );
  assert.ok(directory.isAdmin('nacos'));
});

test('addGrant and removeGrant validate role, resource and action, naming the field; the role must be held', () => {
  const { events, directory } = seeded();
  const grant = { role: 'dev', resource: 'dev:DEFAULT_GROUP:config/app.yaml', action: 'rw' };
  assert.equal(directory.addGrant(grant, ACTOR), true);
  assert.equal(directory.addGrant(grant, ACTOR), false, 'held already: no error, no event');
  assert.deepEqual(events, [{ type: 'auth', at: events[0].at, actor: ACTOR, cause: 'GRANT_ADDED', grant }]);
  const bad = (resource: string, action = 'r', role = 'dev') => codeOf(() => directory.addGrant({ role, resource, action }, ACTOR));
  assert.equal(bad(''), 'MISSING_PARAM:resource');
  assert.equal(bad('orders'), 'INVALID_PARAM:resource');
  assert.equal(bad(':*:naming/a b'), 'INVALID_PARAM:resource');
  assert.equal(bad(`:*:naming/${'x'.repeat(250)}`), 'INVALID_PARAM:resource');
  assert.equal(bad(':*:naming/*', 'x'), 'INVALID_PARAM:action');
  assert.equal(bad(':*:naming/*', 'wr'), 'INVALID_PARAM:action');
  assert.equal(bad(':*:naming/*', ''), 'MISSING_PARAM:action');
  assert.equal(bad(':*:naming/*', 'r', 'a role'), 'INVALID_PARAM:role');
  assert.equal(bad(':*:naming/*', 'r', 'nobody-holds-it'), 'AUTH_ROLE_NOT_FOUND:role');
  assert.equal(bad('dev:*:*', 'w'), undefined, "a namespace-wide grant as Nacos's console writes it");
  assert.equal(directory.removeGrant(grant, ACTOR), true);
  assert.equal(directory.removeGrant(grant, ACTOR), false);
  assert.equal(
    codeOf(() => directory.removeGrant({ ...grant, action: 'all' }, ACTOR)),
    'INVALID_PARAM:action',
  );
  assert.deepEqual(
    events.map((e) => e.cause),
    ['GRANT_ADDED', 'GRANT_ADDED', 'GRANT_REMOVED'],
  );
});

test('decide: grants of the user’s roles allow, admins pass, unknown and disabled users are refused', () => {
  const { directory } = seeded();
  directory.addGrant({ role: 'dev', resource: ':*:naming/*', action: 'r' }, ACTOR);
  assert.deepEqual(directory.decide('alice', NAMING, 'r'), { allowed: true, because: 'grant', grant: { role: 'dev', resource: ':*:naming/*', action: 'r' } });
  assert.equal(directory.decide('alice', NAMING, 'w').allowed, false);
  assert.equal(directory.decide('alice', { ...NAMING, namespace: 'prod' }, 'r').allowed, false);
  assert.deepEqual(directory.decide('nacos', { kind: 'console', name: 'users' }, 'w'), { allowed: true, because: 'admin' });
  assert.deepEqual(directory.decide('bob', NAMING, 'r'), { allowed: false, reason: "user 'bob' does not exist" });
  directory.setEnabled('alice', false, ACTOR);
  assert.deepEqual(directory.decide('alice', NAMING, 'r'), { allowed: false, reason: "user 'alice' is disabled" });
});

test('searches: accurate matches the name, blur any name containing the text, blank matches all; sorted', () => {
  const { directory } = seeded();
  directory.createUser('alina', HASH, ACTOR);
  directory.assignRole('dev-lead', 'alina', ACTOR);
  directory.addGrant({ role: 'dev-lead', resource: ':*:config/*', action: 'w' }, ACTOR);
  directory.addGrant({ role: 'dev', resource: ':*:naming/*', action: 'rw' }, ACTOR);
  const names = (users: { username: string }[]) => users.map((u) => u.username);
  assert.deepEqual(names(directory.searchUsers('accurate', 'ali')), []);
  assert.deepEqual(names(directory.searchUsers('blur', 'ali')), ['alice', 'alina']);
  assert.deepEqual(names(directory.searchUsers('accurate', 'alice')), ['alice']);
  assert.deepEqual(names(directory.searchUsers('accurate')), ['alice', 'alina', 'nacos']);
  assert.deepEqual(
    directory.searchRoles('blur', { role: 'dev' }).map((r) => `${r.role}/${r.username}`),
    ['dev/alice', 'dev-lead/alina'],
  );
  assert.deepEqual(
    directory.searchRoles('accurate', { role: 'dev' }).map((r) => `${r.role}/${r.username}`),
    ['dev/alice'],
  );
  assert.deepEqual(
    directory.searchRoles('accurate', { username: 'alina' }).map((r) => r.role),
    ['dev-lead'],
  );
  assert.deepEqual(directory.roleNames('dev'), ['dev', 'dev-lead']);
  assert.deepEqual(
    directory.searchGrants('blur', 'dev').map((g) => `${g.role} ${g.resource} ${g.action}`),
    ['dev :*:naming/* rw', 'dev-lead :*:config/* w'],
  );
  assert.deepEqual(
    directory.searchGrants('accurate', 'dev').map((g) => g.role),
    ['dev'],
  );
  assert.equal(directory.hasGrant({ role: 'dev', resource: ':*:naming/*', action: 'r' }), true, 'rw covers r (Nacos duplicate check)');
  assert.equal(directory.hasGrant({ role: 'dev-lead', resource: ':*:config/*', action: 'r' }), false);
});

test('restore puts users, roles and grants back; an assignment of a missing user is left out', () => {
  const { directory, events } = newDirectory();
  directory.restore({
    users: [{ username: 'alice', passwordHash: HASH, enabled: true, tokenGeneration: 3, createdAt: 1, updatedAt: 2 }],
    roles: [
      { role: 'dev', username: 'alice' },
      { role: 'dev', username: 'ghost' },
    ],
    grants: [{ role: 'dev', resource: ':*:naming/*', action: 'r' }],
  });
  assert.equal(directory.user('alice')?.tokenGeneration, 3);
  assert.deepEqual(directory.searchRoles('accurate'), [{ role: 'dev', username: 'alice' }]);
  assert.equal(directory.decide('alice', NAMING, 'r').allowed, true);
  assert.equal(events.length, 0, 'restoring announces nothing');
});

test('the journal records each auth change with its names and actor, never a password hash', () => {
  const { journal, directory } = seeded();
  directory.changePassword('alice', '$scrypt$secret-hash', ACTOR);
  directory.addGrant({ role: 'dev', resource: ':*:naming/*', action: 'r' }, ACTOR);
  directory.removeRole('dev', undefined, ACTOR);
  directory.deleteUser('alice', ACTOR);
  const recorded = journal.query({}, 1, 100).events.reverse();
  assert.deepEqual(
    recorded.map((e) => e.cause),
    ['USER_CREATED', 'ROLE_ASSIGNED', 'USER_CREATED', 'ROLE_ASSIGNED', 'USER_PASSWORD_CHANGED', 'GRANT_ADDED', 'ROLE_REMOVED', 'USER_DELETED'],
  );
  const byCause = new Map(recorded.map((e) => [e.cause, e]));
  assert.deepEqual(byCause.get('USER_PASSWORD_CHANGED')?.evidence, { username: 'alice', tokenGeneration: 1, from: '127.0.0.1', agent: 'test', claimedUser: 'root' });
  assert.deepEqual(byCause.get('GRANT_ADDED')?.evidence, { role: 'dev', resource: ':*:naming/*', action: 'r', from: '127.0.0.1', agent: 'test', claimedUser: 'root' });
  assert.deepEqual(byCause.get('ROLE_REMOVED')?.evidence, { role: 'dev', usernames: 'alice', grants: 1, from: '127.0.0.1', agent: 'test', claimedUser: 'root' });
  assert.deepEqual(byCause.get('USER_DELETED')?.evidence, { username: 'alice', roles: '', from: '127.0.0.1', agent: 'test', claimedUser: 'root' });
  assert.deepEqual({ ...byCause.get('USER_CREATED'), seq: 0, at: 0, evidence: {} }, { seq: 0, at: 0, cause: 'USER_CREATED', namespace: '', group: '', service: '', evidence: {} });
  assert.doesNotMatch(JSON.stringify(recorded), /scrypt|secret/);
});

test('an auth change by a verified user records that user beside the claim', () => {
  const { journal, directory } = seeded();
  directory.setEnabled('alice', false, { ...ACTOR, claimedUser: 'mallory', user: 'root' });
  const [disabled] = journal.query({ cause: 'USER_DISABLED' }, 1, 10).events;
  assert.deepEqual(disabled.evidence, { username: 'alice', from: '127.0.0.1', agent: 'test', claimedUser: 'mallory', user: 'root' });
});

test('importUser keeps the BCrypt hash, the enabled flag and the roles (ROLE_ADMIN too), never overwrites, checks all first', () => {
  const { events, journal, directory } = seeded();
  const bcrypt = `$2a$10$${'a'.repeat(53)}`;
  const imported = directory.importUser({ username: 'bob', passwordHash: bcrypt, enabled: false }, ['ROLE_ADMIN', 'ops'], ACTOR);
  assert.equal(imported.passwordHash, bcrypt);
  assert.equal(directory.user('bob')?.enabled, false);
  assert.deepEqual(directory.rolesOf('bob'), ['ROLE_ADMIN', 'ops']);
  assert.deepEqual(
    events.map((e) => e.cause),
    ['USER_CREATED', 'USER_DISABLED', 'ROLE_ASSIGNED', 'ROLE_ASSIGNED'],
  );
  assert.equal((events[0] as { importedFrom?: string }).importedFrom, 'nacos');
  assert.ok(!JSON.stringify(events).includes(bcrypt));
  assert.equal(journal.query({}).events.find((e) => e.cause === 'USER_CREATED' && e.evidence.username === 'bob')?.evidence.importedFrom, 'nacos');

  assert.equal(
    codeOf(() => directory.importUser({ username: 'alice', passwordHash: bcrypt, enabled: true }, [], ACTOR)),
    'AUTH_USER_ALREADY_EXISTS:username',
  );
  assert.equal(directory.user('alice')?.passwordHash, HASH);
  assert.throws(
    () => directory.importUser({ username: 'carol', passwordHash: HASH, enabled: true }, [], ACTOR),
    (e: DomainError) => e.code === 'INVALID_PARAM' && e.field === 'password' && !e.message.includes(HASH),
  );
  assert.throws(
    () => directory.importUser({ username: 'carol', passwordHash: bcrypt, enabled: true }, ['bad role'], ACTOR),
    (e: DomainError) => e.field === 'role',
  );
  assert.equal(directory.user('carol'), undefined);
});

test('checkNewUser refuses an invalid or taken name as createUser would, and changes nothing', () => {
  const { events, directory } = seeded();
  const before = events.length;
  assert.equal(
    codeOf(() => directory.checkNewUser('alice')),
    'AUTH_USER_ALREADY_EXISTS:username',
  );
  assert.equal(
    codeOf(() => directory.checkNewUser('bad name')),
    'INVALID_PARAM:username',
  );
  directory.checkNewUser('newcomer');
  assert.equal(directory.user('newcomer'), undefined);
  assert.equal(events.length, before);
});

test("matching another node's stored state changes memory and announces each difference marked replicated", () => {
  const { directory, events } = seeded();
  const stored = (over: Partial<StoredUser> = {}): StoredUser => ({ ...(directory.user('alice') as StoredUser), ...over });
  directory.matchStoredUser('bob', { user: { username: 'bob', passwordHash: HASH, enabled: false, tokenGeneration: 0, createdAt: 1, updatedAt: 1 }, roles: ['dev', 'ghost-free'] });
  directory.matchStoredUser('alice', { user: stored({ passwordHash: `${HASH}2`, tokenGeneration: 1 }), roles: ['ops'] });
  directory.matchStoredHolders('dev', ['alice', 'nobody-known']);
  directory.matchStoredGrants('dev', [{ role: 'dev', resource: ':*:naming/*', action: 'r' }]);
  directory.matchStoredGrants('dev', []);
  assert.deepEqual(
    events.map((e) => [e.cause, e.replicated, e.actor.sourceIp, 'username' in e ? e.username : 'usernames' in e ? e.usernames.join() : e.cause === 'GRANT_ADDED' || e.cause === 'GRANT_REMOVED' ? e.grant.resource : '']),
    [
      ['USER_CREATED', true, 'cluster', 'bob'],
      ['USER_DISABLED', true, 'cluster', 'bob'],
      ['ROLE_ASSIGNED', true, 'cluster', 'bob'],
      ['ROLE_ASSIGNED', true, 'cluster', 'bob'],
      ['USER_PASSWORD_CHANGED', true, 'cluster', 'alice'],
      ['ROLE_ASSIGNED', true, 'cluster', 'alice'],
      ['ROLE_REMOVED', true, 'cluster', 'alice'],
      ['ROLE_ASSIGNED', true, 'cluster', 'alice'],
      ['ROLE_REMOVED', true, 'cluster', 'bob'],
      ['GRANT_ADDED', true, 'cluster', ':*:naming/*'],
      ['GRANT_REMOVED', true, 'cluster', ':*:naming/*'],
    ],
  );
  assert.deepEqual(directory.rolesOf('alice'), ['dev', 'ops']);
  assert.deepEqual(directory.rolesOf('bob'), ['ghost-free']);
  assert.equal(directory.user('alice')?.tokenGeneration, 1);
  assert.deepEqual(directory.grantsOfRole('dev'), []);
  events.length = 0;
  // The same state again announces nothing; a user gone from the database is deleted with its roles.
  directory.matchStoredUser('alice', { user: stored(), roles: ['dev', 'ops'] });
  directory.matchStoredUser('bob', undefined);
  directory.matchStoredUser('nobody', undefined);
  assert.deepEqual(
    events.map((e) => [e.cause, e.replicated]),
    [['USER_DELETED', true]],
  );
  assert.equal(directory.user('bob'), undefined);
  assert.deepEqual(directory.roleNames(), ['ROLE_ADMIN', 'dev', 'ops']);
});
