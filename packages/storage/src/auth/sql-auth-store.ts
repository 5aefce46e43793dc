import type { AuthSnapshot, AuthStore, Grant, RoleAssignment, SigningKey, StoredUser } from '@cairn/core';
import { bool, num, str } from '../drivers/row-values.js';
import { type Dialect, type SqlDriver, upsertSql } from '../drivers/sql-driver.js';

/** An insert that leaves an existing row (same key) as it is. */
function insertOnceSql(dialect: Dialect, table: string, columns: readonly string[], key: readonly string[]): string {
  const values = columns.map(() => '?').join(', ');
  if (dialect === 'mysql') return `INSERT IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${values})`;
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values}) ON CONFLICT (${key.join(', ')}) DO NOTHING`;
}

/**
 * The AuthStore on any SQL database the drivers cover (tables `auth_users`, `auth_roles`, `auth_grants`,
 * `auth_signing_keys`, `auth_signing_key_retirements`). The store does not own the driver: whoever opened the
 * database closes it.
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

  constructor(private readonly db: SqlDriver) {
    const users = ['username', 'password_hash', 'enabled', 'token_generation', 'created_at', 'updated_at'];
    this.upsertUser = upsertSql(db.dialect, 'auth_users', users, ['username'], ['password_hash', 'enabled', 'token_generation', 'updated_at']);
    this.insertRole = insertOnceSql(db.dialect, 'auth_roles', ['role', 'username'], ['role', 'username']);
    this.insertGrant = insertOnceSql(db.dialect, 'auth_grants', ['role', 'resource', 'action'], ['role', 'resource', 'action']);
    this.insertKey = insertOnceSql(db.dialect, 'auth_signing_keys', ['kid', 'secret', 'created_at'], ['kid']);
    // Every key but the new one that has no retirement row gets one (a concurrent rotation's row is left as it is).
    // PostgreSQL types a parameter in a select list as text: it is cast to the column's type.
    const at = db.dialect === 'postgres' ? 'CAST(? AS BIGINT)' : '?';
    const inUse = `SELECT kid, ${at} FROM auth_signing_keys WHERE kid <> ? AND kid NOT IN (SELECT kid FROM auth_signing_key_retirements)`;
    this.retireKeys = db.dialect === 'mysql' ? `INSERT IGNORE INTO auth_signing_key_retirements (kid, retired_at) ${inUse}` : `INSERT INTO auth_signing_key_retirements (kid, retired_at) ${inUse} ON CONFLICT (kid) DO NOTHING`;
  }

  async loadAuth(): Promise<AuthSnapshot> {
    const [users, roles, grants, keys] = await Promise.all([
      this.db.query('SELECT username, password_hash, enabled, token_generation, created_at, updated_at FROM auth_users ORDER BY username'),
      this.db.query('SELECT role, username FROM auth_roles ORDER BY role, username'),
      this.db.query('SELECT role, resource, action FROM auth_grants ORDER BY role, resource, action'),
      this.db.query('SELECT k.kid, k.secret, k.created_at, r.retired_at FROM auth_signing_keys k LEFT JOIN auth_signing_key_retirements r ON r.kid = k.kid ORDER BY k.created_at, k.kid'),
    ]);
    return {
      users: users.map(
        (r): StoredUser => ({
          username: str(r.username),
          passwordHash: str(r.password_hash),
          enabled: bool(r.enabled),
          tokenGeneration: num(r.token_generation),
          createdAt: num(r.created_at),
          updatedAt: num(r.updated_at),
        }),
      ),
      roles: roles.map((r): RoleAssignment => ({ role: str(r.role), username: str(r.username) })),
      grants: grants.map((r): Grant => ({ role: str(r.role), resource: str(r.resource), action: str(r.action) })),
      keys: keys.map((r): SigningKey => {
        const key: SigningKey = { kid: str(r.kid), secret: str(r.secret), createdAt: num(r.created_at) };
        if (r.retired_at !== null && r.retired_at !== undefined) key.retiredAt = num(r.retired_at);
        return key;
      }),
    };
  }

  async saveUser(u: StoredUser): Promise<void> {
    await this.db.query(this.upsertUser, [u.username, u.passwordHash, u.enabled, u.tokenGeneration, u.createdAt, u.updatedAt]);
  }

  async deleteUser(username: string): Promise<void> {
    await this.db.batch([
      { sql: 'DELETE FROM auth_roles WHERE username = ?', params: [username] },
      { sql: 'DELETE FROM auth_users WHERE username = ?', params: [username] },
    ]);
  }

  async assignRole(a: RoleAssignment): Promise<void> {
    await this.db.query(this.insertRole, [a.role, a.username]);
  }

  async removeRole(role: string, username?: string): Promise<void> {
    if (username !== undefined) {
      await this.db.query('DELETE FROM auth_roles WHERE role = ? AND username = ?', [role, username]);
      return;
    }
    await this.db.batch([
      { sql: 'DELETE FROM auth_roles WHERE role = ?', params: [role] },
      { sql: 'DELETE FROM auth_grants WHERE role = ?', params: [role] },
    ]);
  }

  async addGrant(g: Grant): Promise<void> {
    await this.db.query(this.insertGrant, [g.role, g.resource, g.action]);
  }

  async removeGrant(g: Grant): Promise<void> {
    await this.db.query('DELETE FROM auth_grants WHERE role = ? AND resource = ? AND action = ?', [g.role, g.resource, g.action]);
  }

  async addSigningKey(k: SigningKey): Promise<void> {
    await this.db.query(this.insertKey, [k.kid, k.secret, k.createdAt]);
  }

  async rotateSigningKey(k: SigningKey): Promise<void> {
    await this.db.batch([
      { sql: this.insertKey, params: [k.kid, k.secret, k.createdAt] },
      { sql: this.retireKeys, params: [k.createdAt, k.kid] },
    ]);
  }

  async removeRetiredSigningKeys(retiredUpTo: number): Promise<void> {
    await this.db.batch([
      { sql: 'DELETE FROM auth_signing_keys WHERE kid IN (SELECT kid FROM auth_signing_key_retirements WHERE retired_at <= ?)', params: [retiredUpTo] },
      { sql: 'DELETE FROM auth_signing_key_retirements WHERE retired_at <= ?', params: [retiredUpTo] },
    ]);
  }
}
