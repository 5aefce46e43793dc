import { ADMIN_ROLE, type AuthChangeKey, type AuthSnapshot, type AuthStore, type Grant, type RoleAssignment, type SigningKey, type StoredUser, type StoredUserWithRoles } from '@cairn/core';
import { bool, num, str } from '../drivers/row-values.js';
import { type Dialect, type Row, type SqlDriver, type SqlStatement, upsertSql } from '../drivers/sql-driver.js';

/** An insert that leaves an existing row (same key) as it is. */
function insertOnceSql(dialect: Dialect, table: string, columns: readonly string[], key: readonly string[]): string {
  const values = columns.map(() => '?').join(', ');
  if (dialect === 'mysql') return `INSERT IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${values})`;
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values}) ON CONFLICT (${key.join(', ')}) DO NOTHING`;
}

const USERS = 'SELECT username, password_hash, enabled, token_generation, created_at, updated_at FROM auth_users';
const KEYS = 'SELECT k.kid, k.secret, k.created_at, r.retired_at FROM auth_signing_keys k LEFT JOIN auth_signing_key_retirements r ON r.kid = k.kid ORDER BY k.created_at, k.kid';
const SIGNING_KEYS: AuthChangeKey = { signingKeys: true };

/**
 * The AuthStore on any SQL database the drivers cover (tables `auth_users`, `auth_roles`, `auth_grants`,
 * `auth_signing_keys`, `auth_signing_key_retirements`). The store does not own the driver: whoever opened the
 * database closes it. Every write names what it wrote as AuthChangeKeys (a cluster's other nodes re-read them).
 *
 * @example
 *   const auth = new SqlAuthStore(openSqlite('./data/cairn.db'));
 */
export class SqlAuthStore implements AuthStore {
  private readonly upsertUser: string;
  private readonly insertRole: string;
  private readonly insertGrant: string;
  private readonly insertKey: string;
  private readonly retireKeys: string;
  private readonly insertUser: string;
  private readonly insertAdminRole: string;

  constructor(private readonly db: SqlDriver) {
    const users = ['username', 'password_hash', 'enabled', 'token_generation', 'created_at', 'updated_at'];
    this.upsertUser = upsertSql(db.dialect, 'auth_users', users, ['username'], ['password_hash', 'enabled', 'token_generation', 'updated_at']);
    this.insertRole = insertOnceSql(db.dialect, 'auth_roles', ['role', 'username'], ['role', 'username']);
    this.insertGrant = insertOnceSql(db.dialect, 'auth_grants', ['role', 'resource', 'action'], ['role', 'resource', 'action']);
    this.insertUser = insertOnceSql(db.dialect, 'auth_users', users, ['username']);
    // The role only for the user this call inserted (its hash is its own: salted), never for one that was there.
    const adminOf = 'SELECT ?, username FROM auth_users WHERE username = ? AND password_hash = ?';
    this.insertAdminRole = db.dialect === 'mysql' ? `INSERT IGNORE INTO auth_roles (role, username) ${adminOf}` : `INSERT INTO auth_roles (role, username) ${adminOf} ON CONFLICT (role, username) DO NOTHING`;
    this.insertKey = insertOnceSql(db.dialect, 'auth_signing_keys', ['kid', 'secret', 'created_at'], ['kid']);
    // Every key but the new one that has no retirement row gets one (a concurrent rotation's row is left as it is).
    // PostgreSQL types a parameter in a select list as text: it is cast to the column's type.
    const at = db.dialect === 'postgres' ? 'CAST(? AS BIGINT)' : '?';
    const inUse = `SELECT kid, ${at} FROM auth_signing_keys WHERE kid <> ? AND kid NOT IN (SELECT kid FROM auth_signing_key_retirements)`;
    this.retireKeys = db.dialect === 'mysql' ? `INSERT IGNORE INTO auth_signing_key_retirements (kid, retired_at) ${inUse}` : `INSERT INTO auth_signing_key_retirements (kid, retired_at) ${inUse} ON CONFLICT (kid) DO NOTHING`;
  }

  async loadAuth(): Promise<AuthSnapshot> {
    const [users, roles, grants, keys] = await Promise.all([
      this.db.query(`${USERS} ORDER BY username`),
      this.db.query('SELECT role, username FROM auth_roles ORDER BY role, username'),
      this.db.query('SELECT role, resource, action FROM auth_grants ORDER BY role, resource, action'),
      this.db.query(KEYS),
    ]);
    return {
      users: users.map(userOf),
      roles: roles.map((r): RoleAssignment => ({ role: str(r.role), username: str(r.username) })),
      grants: grants.map(grantOf),
      keys: keys.map(keyOf),
    };
  }

  async saveUser(u: StoredUser): Promise<void> {
    await this.write([{ sql: this.upsertUser, params: [u.username, u.passwordHash, u.enabled, u.tokenGeneration, u.createdAt, u.updatedAt] }], [{ user: u.username }]);
  }

  async deleteUser(username: string): Promise<void> {
    await this.write(
      [
        { sql: 'DELETE FROM auth_roles WHERE username = ?', params: [username] },
        { sql: 'DELETE FROM auth_users WHERE username = ?', params: [username] },
      ],
      [{ user: username }],
    );
  }

  async assignRole(a: RoleAssignment): Promise<void> {
    await this.write([{ sql: this.insertRole, params: [a.role, a.username] }], [{ holdersOf: a.role }]);
  }

  async removeRole(role: string, username?: string): Promise<void> {
    if (username !== undefined) {
      await this.write([{ sql: 'DELETE FROM auth_roles WHERE role = ? AND username = ?', params: [role, username] }], [{ holdersOf: role }]);
      return;
    }
    await this.write(
      [
        { sql: 'DELETE FROM auth_roles WHERE role = ?', params: [role] },
        { sql: 'DELETE FROM auth_grants WHERE role = ?', params: [role] },
      ],
      [{ holdersOf: role }, { grantsOf: role }],
    );
  }

  async addGrant(g: Grant): Promise<void> {
    await this.write([{ sql: this.insertGrant, params: [g.role, g.resource, g.action] }], [{ grantsOf: g.role }]);
  }

  async removeGrant(g: Grant): Promise<void> {
    await this.write([{ sql: 'DELETE FROM auth_grants WHERE role = ? AND resource = ? AND action = ?', params: [g.role, g.resource, g.action] }], [{ grantsOf: g.role }]);
  }

  async addSigningKey(k: SigningKey): Promise<void> {
    await this.write([{ sql: this.insertKey, params: [k.kid, k.secret, k.createdAt] }], [SIGNING_KEYS]);
  }

  async rotateSigningKey(k: SigningKey): Promise<void> {
    await this.write(
      [
        { sql: this.insertKey, params: [k.kid, k.secret, k.createdAt] },
        { sql: this.retireKeys, params: [k.createdAt, k.kid] },
      ],
      [SIGNING_KEYS],
    );
  }

  async removeRetiredSigningKeys(retiredUpTo: number): Promise<void> {
    await this.write(
      [
        { sql: 'DELETE FROM auth_signing_keys WHERE kid IN (SELECT kid FROM auth_signing_key_retirements WHERE retired_at <= ?)', params: [retiredUpTo] },
        { sql: 'DELETE FROM auth_signing_key_retirements WHERE retired_at <= ?', params: [retiredUpTo] },
      ],
      [SIGNING_KEYS],
    );
  }

  async addFirstAdmin(u: StoredUser): Promise<void> {
    await this.write(
      [
        { sql: this.insertUser, params: [u.username, u.passwordHash, u.enabled, u.tokenGeneration, u.createdAt, u.updatedAt] },
        { sql: this.insertAdminRole, params: [ADMIN_ROLE, u.username, u.passwordHash] },
      ],
      [{ user: u.username }],
    );
  }

  async readUser(username: string): Promise<StoredUserWithRoles | undefined> {
    const [users, roles] = await Promise.all([this.db.query(`${USERS} WHERE username = ?`, [username]), this.db.query('SELECT role FROM auth_roles WHERE username = ?', [username])]);
    if (users.length === 0) return undefined;
    return { user: userOf(users[0]), roles: roles.map((r) => str(r.role)).sort(cmp) };
  }

  async readHolders(role: string): Promise<string[]> {
    const rows = await this.db.query('SELECT r.username FROM auth_roles r JOIN auth_users u ON u.username = r.username WHERE r.role = ?', [role]);
    return rows.map((r) => str(r.username)).sort(cmp);
  }

  async readGrants(role: string): Promise<Grant[]> {
    const rows = await this.db.query('SELECT role, resource, action FROM auth_grants WHERE role = ?', [role]);
    return rows.map(grantOf).sort((a, b) => cmp(a.resource, b.resource) || cmp(a.action, b.action));
  }

  async readSigningKeys(): Promise<SigningKey[]> {
    return (await this.db.query(KEYS)).map(keyOf);
  }

  /** One transaction naming what it wrote. */
  private async write(statements: readonly SqlStatement[], keys: readonly AuthChangeKey[]): Promise<void> {
    await this.db.batch(statements, { context: 'auth', keys });
  }
}

function userOf(r: Row): StoredUser {
  return {
    username: str(r.username),
    passwordHash: str(r.password_hash),
    enabled: bool(r.enabled),
    tokenGeneration: num(r.token_generation),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

function grantOf(r: Row): Grant {
  return { role: str(r.role), resource: str(r.resource), action: str(r.action) };
}

function keyOf(r: Row): SigningKey {
  const key: SigningKey = { kid: str(r.kid), secret: str(r.secret), createdAt: num(r.created_at) };
  if (r.retired_at !== null && r.retired_at !== undefined) key.retiredAt = num(r.retired_at);
  return key;
}

/** Code-unit order, alike on every database whatever its collation. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
