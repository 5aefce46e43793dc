import { type AuthActor, type AuthChangeKey, type AuthDirectory, type AuthEvent, type AuthStore, type CairnEventBus, CLUSTER_ACTOR, type Grant, type RoleAssignment, type SigningKey, type Unsubscribe } from '@cairn/core';
import type { Logger } from 'pino';
import { ensureSigningKeys, type KeySettings, rotateSigningKeys, type SigningKeys, type SigningKeyView, signingKeysOf } from '../auth/signing-keys.js';
import type { ChangeRefresher } from '../cluster/change-applier.js';
import { WriteBehind, WrittenBehind } from './write-behind.js';

/** What is not yet durable, by key; each is written in the state memory has when the write runs. */
interface Dirty {
  users: Set<string>;
  assignments: Map<string, RoleAssignment>;
  grants: Map<string, Grant>;
}

/**
 * Keeps the auth context's users, role assignments and grants in the auth store, as ConfigPersistence keeps
 * configs: it follows `auth` events on the bus and marks what each touched; one writer at a time writes every
 * marked user, assignment and grant as memory has it then (saved when present, deleted when gone), so a retry or a
 * write of several changes to one user is always right. A refused write is retried with backoff until the store
 * takes it; `durable(n)` resolves once change `n` is stored, and a request that changed auth is answered only then
 * (503 while the store refuses). Users go first, so a user's assignments are written after the user.
 *
 * At start it loads the directory and the token signing keys, making the first key when the store has none (and no
 * secret is configured). A rotation on this node refreshes the keys here at once. A retired key is dropped, here
 * and in the store, once the tokens it signed have expired.
 *
 * In a cluster it is also the auth context's ChangeRefresher: for each user, role's holders, role's grants or the
 * signing keys another node wrote, it reads the current rows and makes memory match (the directory announces
 * `replicated` events, which are not written back). What this node changed and has not yet stored is left alone:
 * its own write comes next, and the other nodes re-read that.
 */
export class AuthPersistence extends WrittenBehind<Dirty> implements ChangeRefresher {
  readonly context = 'auth';
  protected readonly writer: WriteBehind<Dirty>;
  private unsubscribe: Unsubscribe | undefined;
  private keys: Promise<SigningKeys> | undefined;
  /** The keys once known, to see synchronously when a retired one has expired. */
  private loaded: SigningKeys | undefined;
  /** Removals of expired keys from the store, one after the other. */
  private removing: Promise<void> = Promise.resolve();
  /** Reads and writes of the signing keys, one after the other, so an older read never replaces a newer one. */
  private keyWork: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: AuthStore,
    private readonly directory: AuthDirectory,
    private readonly events: CairnEventBus,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly keySettings: KeySettings = {},
    /** Cluster mode: a node's address (host:port) from its name, so the journal says where a change came from. */
    private readonly nodeName: (node: string) => string = (node) => node,
  ) {
    super();
    this.writer = new WriteBehind<Dirty>({
      what: 'auth',
      empty: () => ({ users: new Set(), assignments: new Map(), grants: new Map() }),
      write: (batch) => this.write(batch),
      putBack: (failed, newer) => {
        for (const u of failed.users) newer.users.add(u);
        for (const [k, a] of failed.assignments) newer.assignments.set(k, a);
        for (const [k, g] of failed.grants) newer.grants.set(k, g);
      },
      log,
    });
  }

  /**
   * Loads users, roles and grants into the directory, then follows changes. Makes the first signing key when the
   * store has none; a store refusing that write does not stop the start (nothing signs tokens yet): the key is made
   * when first asked for. A stored key that must not be used stops the start.
   */
  async start(): Promise<{ users: number; roles: number; grants: number; signingKeys: number }> {
    const snapshot = await this.store.loadAuth();
    this.directory.restore(snapshot);
    this.unsubscribe = this.events.on('auth', (e) => {
      if (!e.replicated) this.writer.mark((d) => markChange(d, e));
    });
    const now = this.now();
    const known = signingKeysOf(snapshot.keys, now, this.keySettings);
    if (known) this.use(known);
    if (snapshot.keys.length > (known?.stored.length ?? 0)) this.removeExpired(now);
    const keys = await this.signingKeys().catch((err: unknown) => {
      this.log.warn({ err }, 'the first token signing key could not be stored; it is made when first needed');
      return undefined;
    });
    return { users: snapshot.users.length, roles: snapshot.roles.length, grants: snapshot.grants.length, signingKeys: keys?.byKid.size ?? 0 };
  }

  /**
   * The token signing keys (for the token routes): the configured secret or the oldest key in use signs; every
   * stored key verifies until the tokens it signed have expired. Makes the first key when there is none; rejects
   * while the store refuses it, and the next call tries again.
   */
  signingKeys(): Promise<SigningKeys> {
    const now = this.now();
    if (this.loaded && this.loaded.nextExpiry <= now) {
      const left = signingKeysOf(this.loaded.stored, now, this.keySettings);
      this.loaded = left;
      this.keys = left && Promise.resolve(left);
      this.removeExpired(now);
    }
    this.keys ??= this.serially(async () => this.use(await ensureSigningKeys(this.store, await this.store.readSigningKeys(), now, this.keySettings))).catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  /**
   * Rotates the signing key: a new random key signs from now on; the keys it replaces verify until the tokens
   * they signed expire. Refused while a secret is configured (that secret signs: change it there).
   */
  async rotateSigningKey(): Promise<SigningKeys> {
    if (this.keySettings.configured) throw new SigningKeyConfiguredError();
    return this.serially(async () => this.use(await rotateSigningKeys(this.store, this.now(), this.keySettings)));
  }

  /**
   * Stores the first admin unless a user of its name exists (see AuthStore.addFirstAdmin) and reads it back. True
   * when this call's user was kept; otherwise another node's was, and memory now holds that one.
   */
  async claimFirstAdmin(username: string, passwordHash: string): Promise<boolean> {
    const now = this.now();
    await this.store.addFirstAdmin({ username, passwordHash, enabled: true, tokenGeneration: 0, createdAt: now, updatedAt: now });
    const stored = await this.store.readUser(username);
    if (stored?.user.passwordHash === passwordHash) return true;
    this.directory.matchStoredUser(username, stored);
    return false;
  }

  /** Makes memory match what another node wrote (the keys of one change, in its order). A store error rejects: the caller retries. */
  async refresh(keys: readonly unknown[], node?: string): Promise<void> {
    // The journal names the node the change came from (none: a reload after missed changes).
    const by: AuthActor = node === undefined ? CLUSTER_ACTOR : { sourceIp: this.nodeName(node), clientAgent: 'cairn node (cluster change log)', claimedUser: '' };
    for (const key of keys) {
      if (!isAuthChangeKey(key)) {
        this.log.warn({ key }, 'cluster: an auth change key of an unknown shape; skipped (is a newer node running?)');
        continue;
      }
      await this.refreshKey(key, by);
    }
  }

  /** Every user, role (its holders and its grants) in the database or held here, and the signing keys. */
  async allKeys(): Promise<AuthChangeKey[]> {
    const stored = await this.store.loadAuth();
    const users = new Set([...stored.users.map((u) => u.username), ...this.directory.searchUsers('blur').map((u) => u.username)]);
    const roles = new Set([...stored.roles.map((r) => r.role), ...stored.grants.map((g) => g.role), ...this.directory.roleNames(), ...this.directory.searchGrants('blur').map((g) => g.role)]);
    return [...[...users].map((user) => ({ user })), ...[...roles].flatMap((role) => [{ holdersOf: role }, { grantsOf: role }]), { signingKeys: true }];
  }

  private async refreshKey(key: AuthChangeKey, by: AuthActor): Promise<void> {
    if ('signingKeys' in key) {
      await this.rereadSigningKeys();
      return;
    }
    // A local change made while the rows were read may be missing from them (or be older than them): read again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = this.writer.lastChange;
      if (this.writer.unsaved((d) => touches(d, key))) return;
      const apply = await this.reread(key, by);
      if (this.writer.lastChange === before) return apply();
    }
    this.log.warn({ key }, 'cluster: an auth change was not applied: this node kept changing it meanwhile');
  }

  /** Reads the current rows of a user or role; the function returned makes memory match them. */
  private async reread(key: Exclude<AuthChangeKey, { signingKeys: true }>, by: AuthActor): Promise<() => void> {
    if ('user' in key) {
      const stored = await this.store.readUser(key.user);
      return () => this.directory.matchStoredUser(key.user, stored, by);
    }
    if ('holdersOf' in key) {
      const holders = await this.store.readHolders(key.holdersOf);
      return () => this.directory.matchStoredHolders(key.holdersOf, holders, by);
    }
    const grants = await this.store.readGrants(key.grantsOf);
    return () => this.directory.matchStoredGrants(key.grantsOf, grants, by);
  }

  /** Reads the stored signing keys again and uses them (another node added or retired one). */
  async rereadSigningKeys(): Promise<void> {
    await this.serially(async () => this.useStoredKeys(await this.store.readSigningKeys()));
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.keyWork.then(work, work);
    this.keyWork = run.catch(() => undefined);
    return run;
  }

  /** The keys another node wrote: a rotation is announced when the signing key is another one. */
  private useStoredKeys(rows: readonly SigningKey[]): void {
    const now = this.now();
    let keys: SigningKeys | undefined;
    try {
      keys = signingKeysOf(rows, now, this.keySettings);
    } catch (err) {
      this.log.error({ err }, 'cluster: the token signing keys another node stored cannot be used; keeping the ones in use');
      return;
    }
    if (!keys) return;
    const before = this.loaded?.current.kid;
    this.use(keys);
    if (before !== undefined && before !== keys.current.kid) {
      const retired = keys.stored.filter((k) => k.retiredAt !== undefined && k.kid !== keys.current.kid).map((k) => k.kid);
      this.directory.signingKeyRotated(keys.current.kid, retired, CLUSTER_ACTOR, true);
    }
  }

  /** The keys as an admin may see them (never a secret), once expired keys are removed from the store. */
  async signingKeyViews(): Promise<readonly SigningKeyView[]> {
    const keys = await this.signingKeys();
    await this.removing;
    return keys.views;
  }

  /** Stops following changes and writes what is dirty (one attempt); the database is closed by naming persistence. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.writer.close();
    await this.removing;
  }

  private use(keys: SigningKeys): SigningKeys {
    this.loaded = keys;
    this.keys = Promise.resolve(keys);
    return keys;
  }

  /** Removes from the store the keys whose tokens have expired at `now`; a refusal is retried at the next start. */
  private removeExpired(now: number): void {
    const ttl = this.keySettings.tokenTtlMs;
    if (ttl === undefined) return;
    this.removing = this.removing.then(() => this.store.removeRetiredSigningKeys(now - ttl)).catch((err: unknown) => this.log.warn({ err }, 'expired token signing keys could not be removed from the store; they no longer verify'));
  }

  private async write(batch: Dirty): Promise<void> {
    for (const username of batch.users) {
      const user = this.directory.user(username);
      if (user) await this.store.saveUser(user);
      else await this.store.deleteUser(username);
    }
    for (const a of batch.assignments.values()) {
      if (this.directory.holds(a.role, a.username)) await this.store.assignRole(a);
      else await this.store.removeRole(a.role, a.username);
    }
    for (const g of batch.grants.values()) {
      if (this.directory.grantExists(g)) await this.store.addGrant(g);
      else await this.store.removeGrant(g);
    }
  }
}

/** A rotation was asked for while CAIRN_TOKEN_SECRET is set: that secret signs, so it is changed there. */
export class SigningKeyConfiguredError extends Error {
  override name = 'SigningKeyConfiguredError';
  constructor() {
    super('the signing key is the secret set in CAIRN_TOKEN_SECRET: rotate it by setting a new one there (and restarting every node)');
  }
}

function isAuthChangeKey(key: unknown): key is AuthChangeKey {
  if (typeof key !== 'object' || key === null) return false;
  const k = key as Record<string, unknown>;
  return typeof k.user === 'string' || typeof k.holdersOf === 'string' || typeof k.grantsOf === 'string' || k.signingKeys === true;
}

/** Whether a change not yet stored touches what the key names (the signing keys are stored before they are used). */
function touches(d: Dirty, key: AuthChangeKey): boolean {
  if ('user' in key) return d.users.has(key.user) || [...d.assignments.values()].some((a) => a.username === key.user);
  if ('holdersOf' in key) return [...d.assignments.values()].some((a) => a.role === key.holdersOf);
  if ('grantsOf' in key) return [...d.grants.values()].some((g) => g.role === key.grantsOf);
  return false;
}

/** Marks every user, assignment and grant an event touched. */
function markChange(d: Dirty, e: AuthEvent): void {
  const assignment = (role: string, username: string): void => {
    d.assignments.set(`${role}\u0000${username}`, { role, username });
  };
  const grant = (g: Grant): void => {
    d.grants.set(`${g.role}\u0000${g.resource}\u0000${g.action}`, { role: g.role, resource: g.resource, action: g.action });
  };
  switch (e.cause) {
    case 'USER_DELETED':
      d.users.add(e.username);
      for (const role of e.roles) assignment(role, e.username);
      break;
    case 'ROLE_ASSIGNED':
      assignment(e.role, e.username);
      break;
    case 'ROLE_REMOVED':
      for (const username of e.usernames) assignment(e.role, username);
      for (const g of e.grants) grant(g);
      break;
    case 'GRANT_ADDED':
    case 'GRANT_REMOVED':
      grant(e.grant);
      break;
    case 'LOGIN_FAILED':
    case 'LOGIN_THROTTLED':
    case 'SIGNING_KEY_ROTATED':
      // A refused login changes nothing stored; a rotation was stored before it was announced.
      break;
    default:
      d.users.add(e.username);
  }
}
