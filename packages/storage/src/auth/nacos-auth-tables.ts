import { type NetworkTarget, parseStorageUrl } from '../database-url.js';
import { openFailure, StorageUrlError } from '../errors.js';

/** The rows of Nacos's `users`, `roles` and `permissions` tables (`password` is the stored BCrypt hash). */
export interface NacosAuthRows {
  users: { username: string; password: string; enabled: boolean }[];
  roles: { role: string; username: string }[];
  permissions: { role: string; resource: string; action: string }[];
}

const CONNECT_TIMEOUT_MS = 10_000;
// Nacos's schema, for MySQL and PostgreSQL alike; only reads, in a stable order.
const USERS_SQL = 'SELECT username, password, enabled FROM users ORDER BY username';
const ROLES_SQL = 'SELECT role, username FROM roles ORDER BY role, username';
const PERMISSIONS_SQL = 'SELECT role, resource, action FROM permissions ORDER BY role, resource, action';

/**
 * Reads the three auth tables of a Nacos database (`mysql://…` or `postgres://…`): one connection, three SELECTs,
 * nothing written and no migration run. Fails with StorageUrlError for another URL and StorageUnavailableError
 * (naming host, port and database, never the password) when the database or a table cannot be read.
 *
 * @example
 *   const rows = await readNacosAuthTables('mysql://nacos:pw@127.0.0.1:3306/nacos');
 *   rows.users[0] // { username: 'nacos', password: '$2a$10$…', enabled: true }
 */
export async function readNacosAuthTables(url: string): Promise<NacosAuthRows> {
  const target = parseStorageUrl(url, '.');
  if (target.kind === 'sqlite') throw new StorageUrlError("Nacos keeps its users in MySQL or PostgreSQL: give a mysql://… or postgres://… URL (Nacos's embedded Derby is not read)");
  try {
    const [users, roles, permissions] = target.kind === 'mysql' ? await readMysql(target) : await readPostgres(target);
    return {
      users: users.map((r) => ({ username: String(r.username), password: String(r.password), enabled: r.enabled === true || Number(r.enabled) === 1 })),
      roles: roles.map((r) => ({ role: String(r.role), username: String(r.username) })),
      permissions: permissions.map((r) => ({ role: String(r.role), resource: String(r.resource), action: String(r.action) })),
    };
  } catch (error) {
    throw openFailure(error, target.kind, target.address, target.database ?? '', target.password);
  }
}

type Rows = Record<string, unknown>[];

async function readMysql(target: NetworkTarget): Promise<Rows[]> {
  const { default: mysql } = await import('mysql2/promise');
  const connection = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.database, connectTimeout: CONNECT_TIMEOUT_MS });
  try {
    const read = async (sql: string) => (await connection.query(sql))[0] as Rows;
    return [await read(USERS_SQL), await read(ROLES_SQL), await read(PERMISSIONS_SQL)];
  } finally {
    await connection.end().catch(() => undefined);
  }
}

async function readPostgres(target: NetworkTarget): Promise<Rows[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.database, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const read = async (sql: string) => (await client.query(sql)).rows as Rows;
    return [await read(USERS_SQL), await read(ROLES_SQL), await read(PERMISSIONS_SQL)];
  } finally {
    await client.end().catch(() => undefined);
  }
}
