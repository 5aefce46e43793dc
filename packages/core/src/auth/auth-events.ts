import type { Grant } from './permissions.js';

/**
 * Who asked for an auth change, as the other contexts record it: the request's address, its client, the user it
 * claimed (its `username` parameter, never trusted) and the user whose credentials were verified. A change the
 * server makes itself (the first admin at start) names `server` as its address.
 */
export interface AuthActor {
  readonly sourceIp: string;
  readonly clientAgent: string;
  readonly claimedUser: string;
  /** The verified user; absent when the request carried no valid credentials. */
  readonly user?: string;
}

interface AuthEventBase {
  readonly type: 'auth';
  readonly at: number;
  readonly actor: AuthActor;
  /**
   * Set when another cluster node made the change and this node only made its memory match the database:
   * persistence does not write it back; everything else reacts as to a local change.
   */
  readonly replicated?: true;
}

/** A user was created (enabled; an imported user that Nacos had disabled is disabled by a USER_DISABLED just after). */
export interface UserCreatedEvent extends AuthEventBase {
  readonly cause: 'USER_CREATED';
  readonly username: string;
  /** Set when the user was imported (with its hash, enabled flag and roles) from Nacos's tables. */
  readonly importedFrom?: 'nacos';
}

/** A user's password changed; its tokens issued under an older generation are refused from now on. */
export interface UserPasswordChangedEvent extends AuthEventBase {
  readonly cause: 'USER_PASSWORD_CHANGED';
  readonly username: string;
  readonly tokenGeneration: number;
}

/** A user was enabled or disabled (every permission check refuses a disabled user). */
export interface UserEnabledChangedEvent extends AuthEventBase {
  readonly cause: 'USER_ENABLED' | 'USER_DISABLED';
  readonly username: string;
}

/** A user was deleted, and with it the roles it held (`roles`). */
export interface UserDeletedEvent extends AuthEventBase {
  readonly cause: 'USER_DELETED';
  readonly username: string;
  readonly roles: readonly string[];
}

export interface RoleAssignedEvent extends AuthEventBase {
  readonly cause: 'ROLE_ASSIGNED';
  readonly role: string;
  readonly username: string;
}

/**
 * A role was taken from users: from one user, or (the whole role removed) from every holder, together with its
 * grants. `usernames` and `grants` list what went.
 */
export interface RoleRemovedEvent extends AuthEventBase {
  readonly cause: 'ROLE_REMOVED';
  readonly role: string;
  readonly usernames: readonly string[];
  readonly grants: readonly Grant[];
}

export interface GrantChangedEvent extends AuthEventBase {
  readonly cause: 'GRANT_ADDED' | 'GRANT_REMOVED';
  readonly grant: Grant;
}

/**
 * A login (or raw credentials sent with a request) was refused: `reason` says why in words that never include the
 * password. `unknown-user` and `bad-password` answer the client alike (no user enumeration) but are told apart here,
 * for the operator. `throttled` is recorded once per throttle window and key, not per refused attempt.
 */
export interface LoginRefusedEvent extends AuthEventBase {
  readonly cause: 'LOGIN_FAILED' | 'LOGIN_THROTTLED';
  readonly username: string;
  readonly reason: 'unknown-user' | 'bad-password' | 'disabled' | 'throttled';
  /** Throttled: how long the client must wait, and whether its user or its address is limited. */
  readonly retryAfterMs?: number;
  readonly limitedBy?: 'user' | 'address';
}

/**
 * The token signing key was rotated: `kid` signs from now on, `retired` verify the tokens they signed until those
 * expire. Key ids only: never a secret.
 */
export interface SigningKeyRotatedEvent extends AuthEventBase {
  readonly cause: 'SIGNING_KEY_ROTATED';
  readonly kid: string;
  readonly retired: readonly string[];
}

/**
 * What changed in the auth context. Persistence writes it, the journal records it. No event carries a password,
 * a hash, a token or a key: only names and what they hold.
 */
export type AuthEvent = SigningKeyRotatedEvent | LoginRefusedEvent | UserCreatedEvent | UserPasswordChangedEvent | UserEnabledChangedEvent | UserDeletedEvent | RoleAssignedEvent | RoleRemovedEvent | GrantChangedEvent;

export type AuthCause = AuthEvent['cause'];
