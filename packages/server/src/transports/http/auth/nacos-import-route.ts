import type { NacosAuthImportResult } from '@cairn/api';
import { ADMIN_ROLE, DomainError, type Grant, invalidParam } from '@cairn/core';
import type { NacosAuthRows } from '@cairn/storage';
import type { FastifyInstance } from 'fastify';
import { verifyPassword } from '../../../auth/passwords.js';
import type { AppContext } from '../context.js';
import { v2Ok } from '../reply-errors.js';
import { refuseRemoteAnonymousChange } from './auth-api-wire.js';
import { authActorOf } from './http-auth.js';

// Nacos's schema up to 2.3 seeds this admin password; an imported admin still using it is pointed out.
const NACOS_SEED_PASSWORD = 'nacos';

/**
 * `POST /v1/cairn/auth/import` (admin-only; Cairn's own): Nacos's `users`, `roles` and `permissions` rows as JSON,
 * imported through the directory's `importUser` (the BCrypt hash is kept, so passwords keep working) and
 * `addGrant`. A user Cairn has already is skipped with its roles, never overwritten; every skipped row is
 * answered with the reason. `seedPassword` names imported admins whose password is still Nacos's seed `nacos`.
 */
export function nacosImportRoute(app: FastifyInstance, ctx: AppContext): void {
  app.post('/v1/cairn/auth/import', async (request) => {
    const rows = rowsOf(request.body);
    refuseRemoteAnonymousChange(request, ctx);
    const actor = authActorOf(request);
    const imported: string[] = [];
    const skippedUsers: { username: string; reason: string }[] = [];
    const seedPassword: string[] = [];
    for (const user of rows.users) {
      const roles = rows.roles.filter((r) => r.username === user.username).map((r) => r.role);
      const refusal = attempt(() => ctx.auth.importUser({ username: user.username, passwordHash: user.password, enabled: user.enabled }, roles, actor));
      if (refusal) {
        skippedUsers.push({ username: user.username, reason: refusal });
        continue;
      }
      imported.push(user.username);
      if (roles.includes(ADMIN_ROLE) && (await verifyPassword(NACOS_SEED_PASSWORD, user.password))) seedPassword.push(user.username);
    }
    const skippedRoles = rows.roles
      .filter((r) => !imported.includes(r.username))
      .map((r) => ({ ...r, reason: rows.users.some((u) => u.username === r.username) ? `user '${r.username}' was not imported` : `no user '${r.username}' in the users rows` }));
    let grantsAdded = 0;
    const skippedGrants: (Grant & { reason: string })[] = [];
    for (const grant of rows.permissions) {
      let added = false;
      const refusal = attempt(() => {
        added = ctx.auth.addGrant(grant, actor);
      });
      if (refusal) skippedGrants.push({ ...grant, reason: refusal });
      else if (added) grantsAdded += 1;
    }
    const result: NacosAuthImportResult = {
      users: { imported, skipped: skippedUsers },
      roles: { assigned: rows.roles.length - skippedRoles.length, skipped: skippedRoles },
      permissions: { added: grantsAdded, present: rows.permissions.length - grantsAdded - skippedGrants.length, skipped: skippedGrants },
      seedPassword,
    };
    return v2Ok(result);
  });
}

/** Runs a directory command; a domain refusal comes back as its message (anything else is a bug and throws). */
function attempt(command: () => void): string | undefined {
  try {
    command();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.message;
    throw error;
  }
}

/** The JSON body, checked row by row: a malformed row is a 400 naming the table, the row and the column. */
function rowsOf(body: unknown): NacosAuthRows {
  const record = (body ?? {}) as Record<string, unknown>;
  return {
    users: table(record, 'users', (row, at) => ({ username: text(row, at, 'username'), password: text(row, at, 'password'), enabled: row.enabled === undefined ? true : flag(row, at, 'enabled') })),
    roles: table(record, 'roles', (row, at) => ({ role: text(row, at, 'role'), username: text(row, at, 'username') })),
    permissions: table(record, 'permissions', (row, at) => ({ role: text(row, at, 'role'), resource: text(row, at, 'resource'), action: text(row, at, 'action') })),
  };
}

function table<T>(body: Record<string, unknown>, name: string, read: (row: Record<string, unknown>, at: string) => T): T[] {
  const rows = body[name] ?? [];
  if (!Array.isArray(rows)) throw invalidParam(name, `'${name}' must be an array of rows.`);
  return rows.map((row: unknown, i) => {
    if (row === null || typeof row !== 'object') throw invalidParam(name, `'${name}[${i}]' must be an object.`);
    return read(row as Record<string, unknown>, `${name}[${i}]`);
  });
}

function text(row: Record<string, unknown>, at: string, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw invalidParam(column, `'${at}.${column}' must be a string.`);
  return value;
}

function flag(row: Record<string, unknown>, at: string, column: string): boolean {
  const value = row[column];
  if (typeof value !== 'boolean') throw invalidParam(column, `'${at}.${column}' must be true or false.`);
  return value;
}
