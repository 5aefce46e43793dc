import type { Grant } from './permissions.js';

/** A user as stored. The hash string says its own scheme (`$2a$…` BCrypt imported from Nacos, or Cairn's own). */
export interface StoredUser {
  username: string;
  passwordHash: string;
  enabled: boolean;
  /** Raised on every password change; tokens issued under an older generation are refused. */
  tokenGeneration: number;
  createdAt: number;
  updatedAt: number;
}

/** A role held by a user (Nacos's `roles` row). */
export interface RoleAssignment {
  role: string;
  username: string;
}

/**
 * A token signing key. The secret is base64. A key in use has no `retiredAt`; a rotation retires the keys in use
 * (they still verify the tokens they signed until those expire) and the server removes them after that.
 */
export interface SigningKey {
  kid: string;
  secret: string;
  createdAt: number;
  /** When a rotation retired it (epoch ms); absent while in use. */
  retiredAt?: number;
}

/** Everything the auth context keeps, loaded whole at start (the tables are small). */
export interface AuthSnapshot {
  users: StoredUser[];
  roles: RoleAssignment[];
  grants: Grant[];
  keys: SigningKey[];
}

/**
 * What one auth write names in a cluster's change log, so the other nodes re-read it: a user (with the roles it
 * holds), the holders of a role, the grants of a role, or the signing keys.
 */
export type AuthChangeKey = { readonly user: string } | { readonly holdersOf: string } | { readonly grantsOf: string } | { readonly signingKeys: true };

/** A user as stored with the roles it holds (for a re-read of one user). */
export interface StoredUserWithRoles {
  user: StoredUser;
  roles: string[];
}

/**
 * The port durable storage implements for auth. Every write resolves once it is committed and durable; writing
 * what is already there, or deleting what is not, is not an error.
 *
 * @example
 *   const { auth } = await openStores('sqlite:./data/cairn.db', './data'); // from @cairn/storage
 *   const { users, keys } = await auth.loadAuth();
 */
export interface AuthStore {
  /** Users by name, roles by (role, user), grants by (role, resource, action), keys by creation then kid. */
  loadAuth(): Promise<AuthSnapshot>;
  /** Upsert by username; an existing user keeps its createdAt. */
  saveUser(user: StoredUser): Promise<void>;
  /** Deletes the user and its role assignments together. */
  deleteUser(username: string): Promise<void>;
  assignRole(assignment: RoleAssignment): Promise<void>;
  /** Without a username: the whole role, its assignments and its grants. */
  removeRole(role: string, username?: string): Promise<void>;
  addGrant(grant: Grant): Promise<void>;
  removeGrant(grant: Grant): Promise<void>;
  /**
   * Adds a key unless one with its kid exists. Two nodes starting at once may each add one: readers pick the
   * oldest (then the smallest kid) as the signing key, so both end up signing with the same.
   */
  addSigningKey(key: SigningKey): Promise<void>;
  /**
   * Adds a key (as addSigningKey) and, in the same transaction, retires at its createdAt every other key in use;
   * a key already retired keeps its time.
   */
  rotateSigningKey(key: SigningKey): Promise<void>;
  /** Removes the keys retired at or before `retiredUpTo` (epoch ms): the tokens they signed have expired. */
  removeRetiredSigningKeys(retiredUpTo: number): Promise<void>;
  /**
   * Creates the first admin unless a user with its name exists: the user and its ROLE_ADMIN assignment in one
   * transaction. Two nodes starting at once on an empty database both call it; one inserts, and both read back the
   * same user (`readUser`): the caller compares the hash to learn whether its own was kept.
   */
  addFirstAdmin(user: StoredUser): Promise<void>;
  /** One user and the roles it holds, by role name; undefined when it does not exist. */
  readUser(username: string): Promise<StoredUserWithRoles | undefined>;
  /** The users holding a role, by name (only users that exist). */
  readHolders(role: string): Promise<string[]>;
  /** The grants of a role, by resource then action. */
  readGrants(role: string): Promise<Grant[]>;
  /** The signing keys, as `loadAuth` returns them. */
  readSigningKeys(): Promise<SigningKey[]>;
}
