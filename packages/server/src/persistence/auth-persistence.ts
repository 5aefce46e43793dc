import type { AuthDirectory, AuthEvent, AuthStore, CairnEventBus, Grant, RoleAssignment, Unsubscribe } from '@cairn/core';
import type { Logger } from 'pino';
import { ensureSigningKeys, type SigningKeys, signingKeysOf } from '../auth/signing-keys.js';
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
 * At start it loads the directory and the token signing keys, making the first key when the store has none.
 */
export class AuthPersistence extends WrittenBehind<Dirty> {
  protected readonly writer: WriteBehind<Dirty>;
  private unsubscribe: Unsubscribe | undefined;
  private keys: Promise<SigningKeys> | undefined;

  constructor(
    private readonly store: AuthStore,
    private readonly directory: AuthDirectory,
    private readonly events: CairnEventBus,
    private readonly now: () => number,
    private readonly log: Logger,
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
    const known = signingKeysOf(snapshot.keys);
    if (known) this.keys = Promise.resolve(known);
    const keys = await this.signingKeys().catch((err: unknown) => {
      this.log.warn({ err }, 'the first token signing key could not be stored; it is made when first needed');
      return undefined;
    });
    return { users: snapshot.users.length, roles: snapshot.roles.length, grants: snapshot.grants.length, signingKeys: keys?.byKid.size ?? 0 };
  }

  /**
   * The token signing keys (for the token routes): every stored key verifies, the oldest signs. Makes the first
   * key when the store has none; rejects while the store refuses it, and the next call tries again.
   */
  signingKeys(): Promise<SigningKeys> {
    this.keys ??= ensureSigningKeys(this.store, [], this.now()).catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  /** Stops following changes and writes what is dirty (one attempt); the database is closed by naming persistence. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.writer.close();
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
      // A refused login changes nothing stored.
      break;
    default:
      d.users.add(e.username);
  }
}
