import type { EventPublisher } from '../shared/event-bus.js';
import { invalidParam, missingParam } from '../shared/errors.js';
import type { Clock } from '../shared/time/clock.js';
import { adminExists, lastAdmin, roleAlreadyAssigned, roleNotFound, roleReserved, userAlreadyExists, userNotFound } from './auth-errors.js';
import type { AuthActor, AuthEvent } from './auth-events.js';
import type { AuthSnapshot, RoleAssignment, StoredUser, StoredUserWithRoles } from './auth-store.js';
import { ADMIN_ROLE, type Action, type Decision, decide, type Grant, type Resource } from './permissions.js';

/** Nacos keeps user and role names in `varchar(50)` columns. */
export const MAX_NAME_LENGTH = 50;
/** Longer grant resources are refused (Nacos's column is `varchar(255)`). */
export const MAX_RESOURCE_LENGTH = 255;
// Nacos checks no charset; Cairn keeps names to what is safe in a URL, a log line and a journal entry.
const NAME = /^[A-Za-z0-9_.@-]+$/;
const ACTIONS = new Set(['r', 'w', 'rw']);
const BCRYPT = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

/** Who the events of a change made on another cluster node name (the request that made it was answered there). */
export const CLUSTER_ACTOR: AuthActor = Object.freeze({ sourceIp: 'cluster', clientAgent: 'cairn', claimedUser: '' });

/** A search as Nacos's `search=accurate|blur` runs it: equal, or containing the text. A blank field matches all. */
export type SearchMode = 'accurate' | 'blur';

export interface AuthDirectoryOptions {
  clock: Clock;
  events: EventPublisher<AuthEvent>;
}

/**
 * The auth context's state and commands: users (with their password hashes), the roles they hold and the grants of
 * each role, in memory, restored from the store at start. Every command validates, changes memory and publishes
 * one `auth` event (never with a password or hash), which persistence writes and the journal records. Hashing is the
 * caller's: commands take a finished hash.
 *
 * As in Nacos, a role exists while some user holds it, and `ROLE_ADMIN` is never assigned or removed through the
 * roles commands: the first admin gets it once (`createFirstAdmin`).
 *
 * @example
 *   const directory = new AuthDirectory({ clock, events: bus });
 *   directory.restore(await stores.auth.loadAuth());
 *   directory.createUser('alice', await hashPassword('s3cret'), actor);
 *   directory.assignRole('dev', 'alice', actor);
 *   directory.addGrant({ role: 'dev', resource: ':*:naming/*', action: 'r' }, actor);
 */
export class AuthDirectory {
  private readonly users = new Map<string, StoredUser>();
  /** role → its holders. */
  private readonly holders = new Map<string, Set<string>>();
  /** role → its grants, keyed by `resource\u0000action`. */
  private readonly grantsByRole = new Map<string, Map<string, Grant>>();

  constructor(private readonly options: AuthDirectoryOptions) {}

  /** Puts stored state back at start, before any command. Assignments of users that do not exist are left out. */
  restore(snapshot: Pick<AuthSnapshot, 'users' | 'roles' | 'grants'>): void {
    for (const user of snapshot.users) this.users.set(user.username, user);
    for (const { role, username } of snapshot.roles) if (this.users.has(username)) this.holdersOf(role).add(username);
    for (const grant of snapshot.grants) this.grantsOf(grant.role).set(grantKey(grant), { ...grant });
  }

  user(username: string): StoredUser | undefined {
    return this.users.get(username);
  }

  /** The roles a user holds, by name. */
  rolesOf(username: string): string[] {
    const roles: string[] = [];
    for (const [role, names] of this.holders) if (names.has(username)) roles.push(role);
    return roles.sort(cmp);
  }

  /** The grants of a role, by resource then action. */
  grantsOfRole(role: string): Grant[] {
    return [...(this.grantsByRole.get(role)?.values() ?? [])].sort(grantOrder);
  }

  /** Whether the user exists, is enabled and holds ROLE_ADMIN (Nacos's `globalAdmin`). */
  isAdmin(username: string): boolean {
    return this.users.get(username)?.enabled === true && (this.holders.get(ADMIN_ROLE)?.has(username) ?? false);
  }

  /** Whether any user holds ROLE_ADMIN (the first-admin rule asks). */
  get hasAdmin(): boolean {
    return (this.holders.get(ADMIN_ROLE)?.size ?? 0) > 0;
  }

  /**
   * May this user perform `action` on `resource`? A user that does not exist or is disabled may do nothing; else
   * permissions.ts decides from its roles and their grants.
   */
  decide(username: string, resource: Resource, action: Action): Decision {
    const user = this.users.get(username);
    if (!user) return { allowed: false, reason: `user '${username}' does not exist` };
    if (!user.enabled) return { allowed: false, reason: `user '${username}' is disabled` };
    const roles = this.rolesOf(username);
    return decide(
      roles,
      roles.flatMap((r) => this.grantsOfRole(r)),
      resource,
      action,
    );
  }

  /** Users by name (Nacos's `GET /v1/auth/users`): `accurate` the one named, `blur` names containing the text. */
  searchUsers(mode: SearchMode, username?: string): StoredUser[] {
    const matches = matcher(mode, username);
    return [...this.users.values()].filter((u) => matches(u.username)).sort((a, b) => cmp(a.username, b.username));
  }

  /** Role assignments by role then user (Nacos's `GET /v1/auth/roles`), filtered by user and role name. */
  searchRoles(mode: SearchMode, filter: { username?: string; role?: string } = {}): RoleAssignment[] {
    const userMatches = matcher(mode, filter.username);
    const roleMatches = matcher(mode, filter.role);
    const found: RoleAssignment[] = [];
    for (const [role, names] of this.holders) {
      if (!roleMatches(role)) continue;
      for (const username of names) if (userMatches(username)) found.push({ role, username });
    }
    return found.sort((a, b) => (a.role === b.role ? cmp(a.username, b.username) : cmp(a.role, b.role)));
  }

  /** Role names containing the text (Nacos's `GET /v1/auth/roles/search`). */
  roleNames(contains = ''): string[] {
    return [...this.holders.keys()].filter((r) => r.includes(contains)).sort(cmp);
  }

  /** Grants by role, resource, action (Nacos's `GET /v1/auth/permissions`), filtered by role name. */
  searchGrants(mode: SearchMode, role?: string): Grant[] {
    const matches = matcher(mode, role);
    const found: Grant[] = [];
    for (const [name, grants] of this.grantsByRole) if (matches(name)) found.push(...grants.values());
    return found.sort((a, b) => (a.role === b.role ? grantOrder(a, b) : cmp(a.role, b.role)));
  }

  /** Whether the user holds the role. */
  holds(role: string, username: string): boolean {
    return this.holders.get(role)?.has(username) === true;
  }

  /** Whether the role holds exactly this grant (same resource and action). */
  grantExists(grant: Grant): boolean {
    return this.grantsByRole.get(grant.role)?.has(grantKey(grant)) === true;
  }

  /** Nacos's duplicate check: the role holds this resource with this action, or with `rw`. */
  hasGrant(grant: Grant): boolean {
    const grants = this.grantsByRole.get(grant.role);
    return grants?.has(grantKey(grant)) === true || grants?.has(grantKey({ ...grant, action: 'rw' })) === true;
  }

  /** Creates an enabled user. Throws INVALID_PARAM/MISSING_PARAM for the name, AUTH_USER_ALREADY_EXISTS. */
  /**
   * Throws what `createUser` would for this name (invalid, taken), changing nothing: callers check before paying
   * for a password hash. `createUser` checks again.
   */
  checkNewUser(username: string): void {
    checkName('username', username);
    if (this.users.has(username)) throw userAlreadyExists(username);
  }

  createUser(username: string, passwordHash: string, actor: AuthActor): StoredUser {
    this.checkNewUser(username);
    checkHash(passwordHash);
    const now = this.options.clock.now();
    const user: StoredUser = { username, passwordHash, enabled: true, tokenGeneration: 0, createdAt: now, updatedAt: now };
    this.users.set(username, user);
    this.announce({ cause: 'USER_CREATED', username }, actor);
    return user;
  }

  /**
   * The first admin: creates the user holding ROLE_ADMIN, only while nobody holds it (there is no endpoint for
   * this: the server calls it at first start). Throws AUTH_ADMIN_EXISTS, or what `createUser` throws.
   */
  createFirstAdmin(username: string, passwordHash: string, actor: AuthActor): StoredUser {
    if (this.hasAdmin) throw adminExists();
    const user = this.createUser(username, passwordHash, actor);
    this.holdersOf(ADMIN_ROLE).add(username);
    this.announce({ cause: 'ROLE_ASSIGNED', role: ADMIN_ROLE, username }, actor);
    return user;
  }

  /**
   * A user brought over from Nacos's tables: its BCrypt hash (verified at login, replaced by Cairn's own hash after
   * the first one), its enabled flag and its roles. ROLE_ADMIN is kept too: a Nacos admin stays an admin (only an
   * admin may import). Everything is checked before anything changes. Throws AUTH_USER_ALREADY_EXISTS (an existing
   * user is never overwritten), INVALID_PARAM/MISSING_PARAM naming `username`, `password` (not a BCrypt hash) or `role`.
   */
  importUser(user: { username: string; passwordHash: string; enabled: boolean }, roles: readonly string[], actor: AuthActor): StoredUser {
    checkName('username', user.username);
    if (!BCRYPT.test(user.passwordHash)) throw invalidParam('password', `Param 'password' of user '${user.username}' is not a BCrypt hash ($2a$, $2b$ or $2y$, 60 characters).`);
    for (const role of roles) checkName('role', role);
    if (this.users.has(user.username)) throw userAlreadyExists(user.username);
    const now = this.options.clock.now();
    const created: StoredUser = { username: user.username, passwordHash: user.passwordHash, enabled: user.enabled, tokenGeneration: 0, createdAt: now, updatedAt: now };
    this.users.set(user.username, created);
    this.announce({ cause: 'USER_CREATED', username: user.username, importedFrom: 'nacos' }, actor);
    if (!user.enabled) this.announce({ cause: 'USER_DISABLED', username: user.username }, actor);
    for (const role of new Set(roles)) {
      this.holdersOf(role).add(user.username);
      this.announce({ cause: 'ROLE_ASSIGNED', role, username: user.username }, actor);
    }
    return created;
  }

  /** Sets a new password hash and raises the token generation, so the user's earlier tokens are refused. */
  changePassword(username: string, newHash: string, actor: AuthActor): StoredUser {
    checkHash(newHash);
    const current = this.existing(username);
    const user: StoredUser = { ...current, passwordHash: newHash, tokenGeneration: current.tokenGeneration + 1, updatedAt: this.options.clock.now() };
    this.users.set(username, user);
    this.announce({ cause: 'USER_PASSWORD_CHANGED', username, tokenGeneration: user.tokenGeneration }, actor);
    return user;
  }

  /** Enables or disables a user; setting what is already set changes nothing and announces nothing. */
  setEnabled(username: string, enabled: boolean, actor: AuthActor): StoredUser {
    const current = this.existing(username);
    if (current.enabled === enabled) return current;
    if (!enabled && this.isLastAdmin(username)) throw lastAdmin(username, 'disable');
    const user: StoredUser = { ...current, enabled, updatedAt: this.options.clock.now() };
    this.users.set(username, user);
    this.announce({ cause: enabled ? 'USER_ENABLED' : 'USER_DISABLED', username }, actor);
    return user;
  }

  /** Deletes a user and its role assignments. Throws AUTH_USER_NOT_FOUND, or AUTH_LAST_ADMIN for the last admin. */
  deleteUser(username: string, actor: AuthActor): void {
    this.existing(username);
    if (this.isLastAdmin(username)) throw lastAdmin(username, 'delete');
    const roles = this.rolesOf(username);
    for (const role of roles) this.dropHolder(role, username);
    this.users.delete(username);
    this.announce({ cause: 'USER_DELETED', username, roles }, actor);
  }

  /**
   * Gives a user a role (creating the role if nobody held it). Throws AUTH_USER_NOT_FOUND, AUTH_ROLE_RESERVED for
   * ROLE_ADMIN, AUTH_ROLE_ALREADY_ASSIGNED, INVALID_PARAM/MISSING_PARAM for the role name.
   */
  assignRole(role: string, username: string, actor: AuthActor): void {
    checkName('role', role);
    if (role === ADMIN_ROLE) throw roleReserved('assign');
    this.existing(username);
    if (this.holders.get(role)?.has(username)) throw roleAlreadyAssigned(role, username);
    this.holdersOf(role).add(username);
    this.announce({ cause: 'ROLE_ASSIGNED', role, username }, actor);
  }

  /**
   * Takes a role from one user, or without a username removes the whole role: every holder and its grants (Nacos's
   * `DELETE /v1/auth/roles`). Removing what is not there is not an error and announces nothing (returns false).
   * Throws AUTH_ROLE_RESERVED for ROLE_ADMIN.
   */
  removeRole(role: string, username: string | undefined, actor: AuthActor): boolean {
    checkName('role', role);
    if (role === ADMIN_ROLE) throw roleReserved('remove');
    if (username !== undefined) {
      if (!this.holders.get(role)?.has(username)) return false;
      this.dropHolder(role, username);
      this.announce({ cause: 'ROLE_REMOVED', role, usernames: [username], grants: [] }, actor);
      return true;
    }
    const usernames = [...(this.holders.get(role) ?? [])].sort(cmp);
    const grants = this.grantsOfRole(role);
    if (usernames.length === 0 && grants.length === 0) return false;
    this.holders.delete(role);
    this.grantsByRole.delete(role);
    this.announce({ cause: 'ROLE_REMOVED', role, usernames, grants }, actor);
    return true;
  }

  /**
   * Grants a role an action on a resource pattern. Throws INVALID_PARAM/MISSING_PARAM naming `role`, `resource` or
   * `action`, AUTH_ROLE_NOT_FOUND when nobody holds the role (as Nacos). Adding a grant the role has is not an
   * error and announces nothing (returns false).
   */
  addGrant(grant: Grant, actor: AuthActor): boolean {
    const checked = checkGrant(grant);
    if (!this.holders.has(checked.role)) throw roleNotFound(checked.role);
    const grants = this.grantsOf(checked.role);
    if (grants.has(grantKey(checked))) return false;
    grants.set(grantKey(checked), checked);
    this.announce({ cause: 'GRANT_ADDED', grant: checked }, actor);
    return true;
  }

  /** Removes a grant; removing one that is not there is not an error and announces nothing (returns false). */
  removeGrant(grant: Grant, actor: AuthActor): boolean {
    const checked = checkGrant(grant);
    const grants = this.grantsByRole.get(checked.role);
    if (!grants?.delete(grantKey(checked))) return false;
    if (grants.size === 0) this.grantsByRole.delete(checked.role);
    this.announce({ cause: 'GRANT_REMOVED', grant: checked }, actor);
    return true;
  }

  private existing(username: string): StoredUser {
    checkName('username', username);
    const user = this.users.get(username);
    if (!user) throw userNotFound(username);
    return user;
  }

  /** Whether `username` is an enabled admin and no other enabled user holds ROLE_ADMIN. */
  private isLastAdmin(username: string): boolean {
    if (!this.isAdmin(username)) return false;
    for (const other of this.holders.get(ADMIN_ROLE) ?? []) if (other !== username && this.isAdmin(other)) return false;
    return true;
  }

  /** The holders of a role, created empty when nobody holds it yet. */
  private holdersOf(role: string): Set<string> {
    let names = this.holders.get(role);
    if (!names) this.holders.set(role, (names = new Set()));
    return names;
  }

  /** The grants of a role, created empty when it has none yet. */
  private grantsOf(role: string): Map<string, Grant> {
    let grants = this.grantsByRole.get(role);
    if (!grants) this.grantsByRole.set(role, (grants = new Map()));
    return grants;
  }

  private dropHolder(role: string, username: string): void {
    const names = this.holders.get(role);
    names?.delete(username);
    if (names?.size === 0) this.holders.delete(role);
  }

  /**
   * Records a refused login (no state changes: the throttle is the caller's). The username is clipped, since it is
   * whatever the client sent.
   */
  loginRefused(refusal: { username: string; reason: 'unknown-user' | 'bad-password' | 'disabled' | 'throttled'; retryAfterMs?: number; limitedBy?: 'user' | 'address' }, actor: AuthActor): void {
    const username = refusal.username.slice(0, MAX_NAME_LENGTH + 10);
    if (refusal.reason === 'throttled') this.announce({ cause: 'LOGIN_THROTTLED', ...refusal, username }, actor);
    else this.announce({ cause: 'LOGIN_FAILED', username, reason: refusal.reason }, actor);
  }

  /**
   * Records a rotation of the token signing key (the keys themselves are the persistence's: they are secrets);
   * `replicated` when another cluster node rotated it.
   */
  signingKeyRotated(kid: string, retired: readonly string[], actor: AuthActor, replicated = false): void {
    this.announce({ cause: 'SIGNING_KEY_ROTATED', kid, retired }, actor, replicated);
  }

  // Cluster mode: another node changed the database; these make memory match it. Nothing is refused (the database
  // is right), and each difference is announced as the command that makes it would, marked `replicated`, by `by`
  // (the node the change came from).

  /** Makes one user and the roles it holds match the database; `stored` undefined: the user was deleted. */
  matchStoredUser(username: string, stored: StoredUserWithRoles | undefined, by: AuthActor = CLUSTER_ACTOR): void {
    const current = this.users.get(username);
    if (!stored) {
      if (!current) return;
      const roles = this.rolesOf(username);
      for (const role of roles) this.dropHolder(role, username);
      this.users.delete(username);
      this.announce({ cause: 'USER_DELETED', username, roles }, by, true);
      return;
    }
    const user = { ...stored.user };
    this.users.set(username, user);
    if (!current) this.announce({ cause: 'USER_CREATED', username }, by, true);
    else if (current.passwordHash !== user.passwordHash || current.tokenGeneration !== user.tokenGeneration) {
      this.announce({ cause: 'USER_PASSWORD_CHANGED', username, tokenGeneration: user.tokenGeneration }, by, true);
    }
    if ((current?.enabled ?? true) !== user.enabled) this.announce({ cause: user.enabled ? 'USER_ENABLED' : 'USER_DISABLED', username }, by, true);
    const held = new Set(this.rolesOf(username));
    for (const role of stored.roles) {
      if (held.delete(role)) continue;
      this.holdersOf(role).add(username);
      this.announce({ cause: 'ROLE_ASSIGNED', role, username }, by, true);
    }
    for (const role of held) {
      this.dropHolder(role, username);
      this.announce({ cause: 'ROLE_REMOVED', role, usernames: [username], grants: [] }, by, true);
    }
  }

  /** Makes the holders of a role match the database (users this node does not know are left out, as by `restore`). */
  matchStoredHolders(role: string, usernames: readonly string[], by: AuthActor = CLUSTER_ACTOR): void {
    const held = new Set(this.holders.get(role));
    for (const username of usernames) {
      if (held.delete(username) || !this.users.has(username)) continue;
      this.holdersOf(role).add(username);
      this.announce({ cause: 'ROLE_ASSIGNED', role, username }, by, true);
    }
    if (held.size === 0) return;
    for (const username of held) this.dropHolder(role, username);
    this.announce({ cause: 'ROLE_REMOVED', role, usernames: [...held].sort(cmp), grants: [] }, by, true);
  }

  /** Makes the grants of a role match the database. */
  matchStoredGrants(role: string, stored: readonly Grant[], by: AuthActor = CLUSTER_ACTOR): void {
    const wanted = new Map(stored.map((g) => [grantKey(g), { role, resource: g.resource, action: g.action }]));
    const grants = this.grantsOf(role);
    for (const [key, grant] of [...grants]) {
      if (wanted.delete(key)) continue;
      grants.delete(key);
      this.announce({ cause: 'GRANT_REMOVED', grant }, by, true);
    }
    for (const [key, grant] of wanted) {
      grants.set(key, grant);
      this.announce({ cause: 'GRANT_ADDED', grant }, by, true);
    }
    if (grants.size === 0) this.grantsByRole.delete(role);
  }

  private announce(change: DistributiveOmit<AuthEvent, 'type' | 'at' | 'actor' | 'replicated'>, actor: AuthActor, replicated = false): void {
    this.options.events.publish({ type: 'auth', at: this.options.clock.now(), actor, ...change, ...(replicated && { replicated: true }) } as AuthEvent);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function checkName(field: 'username' | 'role', value: string | undefined): void {
  if (value === undefined || value.trim() === '') throw missingParam(field);
  if (value.length > MAX_NAME_LENGTH) throw invalidParam(field, `Param '${field}' is ${value.length} characters long, over the maximum of ${MAX_NAME_LENGTH}.`);
  if (!NAME.test(value)) throw invalidParam(field, `Param '${field}' may hold only letters, digits and _ . @ - (got '${value}').`);
}

function checkHash(hash: string): void {
  // A bug, not a client's mistake: the caller hashes. The message never repeats the value.
  if (hash.trim() === '') throw new Error('a password hash is required');
}

/**
 * A grant as stored: `role` a role name, `action` `r`, `w` or `rw`, `resource` a pattern of Nacos's resource
 * strings `<namespace>:<group>:<type>/<name>` where `*` spans anything (at least the two `:`; no spaces).
 */
function checkGrant(grant: Grant): Grant {
  checkName('role', grant.role);
  const resource = grant.resource ?? '';
  if (resource.trim() === '') throw missingParam('resource');
  if (resource.length > MAX_RESOURCE_LENGTH) throw invalidParam('resource', `Param 'resource' is ${resource.length} characters long, over the maximum of ${MAX_RESOURCE_LENGTH}.`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\s\u0000-\u001f\u007f]/.test(resource) || resource.split(':').length < 3) {
    throw invalidParam(
      'resource',
      `Param 'resource' must be '<namespace>:<group>:<naming|config>/<name>', where * matches anything and an empty namespace is public (for example ':*:naming/*' or 'dev:DEFAULT_GROUP:config/app.yaml'); got '${resource.slice(0, 64)}'.`,
    );
  }
  const action = grant.action ?? '';
  if (action.trim() === '') throw missingParam('action');
  if (!ACTIONS.has(action)) throw invalidParam('action', `Param 'action' must be r, w or rw (got '${action.slice(0, 16)}').`);
  return { role: grant.role, resource, action };
}

function grantKey(grant: Grant): string {
  return `${grant.resource}\u0000${grant.action}`;
}

function grantOrder(a: Grant, b: Grant): number {
  return a.resource === b.resource ? cmp(a.action, b.action) : cmp(a.resource, b.resource);
}

function matcher(mode: SearchMode, wanted: string | undefined): (value: string) => boolean {
  if (wanted === undefined || wanted === '') return () => true;
  return mode === 'accurate' ? (value) => value === wanted : (value) => value.includes(wanted);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
