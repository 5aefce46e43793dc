import type { AuthDirectory, AuthEvent, AuthStore, CairnEventBus, Grant, RoleAssignment, Unsubscribe } from '@cairn/core';
import type { Logger } from 'pino';
import { ensureSigningKeys, type KeySettings, rotateSigningKeys, type SigningKeys, type SigningKeyView, signingKeysOf } from '../auth/signing-keys.js';
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
 * secret is configured). A rotation on this node refreshes the keys here at once; another node reads them at its
 * next start (keys are not yet propagated through a cluster). A retired key is dropped, here and in the store, once
 * the tokens it signed have expired.
 */
export class AuthPersistence extends WrittenBehind<Dirty> {
  protected readonly writer: WriteBehind<Dirty>;
  private unsubscribe: Unsubscribe | undefined;
  private keys: Promise<SigningKeys> | undefined;
  /** The keys once known, to see synchronously when a retired one has expired. */
  private loaded: SigningKeys | undefined;
  /** Removals of expired keys from the store, one after the other. */
  private removing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: AuthStore,
    private readonly directory: AuthDirectory,
    private readonly events: CairnEventBus,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly keySettings: KeySettings = {},
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
    this.unsubscribe = this.events.on('auth', (e) => this.writer.mark((d) => markChange(d, e)));
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
    this.keys ??= ensureSigningKeys(this.store, [], now, this.keySettings).then(
      (keys) => this.use(keys),
      (error: unknown) => {
        this.keys = undefined;
        throw error;
      },
    );
    return this.keys;
  }

  /**
   * Rotates the signing key: a new random key signs from now on; the keys it replaces verify until the tokens
   * they signed expire. Refused while a secret is configured (that secret signs: change it there).
   */
  async rotateSigningKey(): Promise<SigningKeys> {
    if (this.keySettings.configured) throw new SigningKeyConfiguredError();
    return this.use(await rotateSigningKeys(this.store, this.now(), this.keySettings));
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
