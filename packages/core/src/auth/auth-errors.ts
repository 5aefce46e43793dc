import { DomainError } from '../shared/errors.js';
import { ADMIN_ROLE } from './permissions.js';

/** The texts follow Nacos's where Nacos has one (`user 'x' not found!`), so its console shows what it knows. */
export function userNotFound(username: string): DomainError {
  return new DomainError('AUTH_USER_NOT_FOUND', `user '${username}' not found!`, { field: 'username' });
}

export function userAlreadyExists(username: string): DomainError {
  return new DomainError('AUTH_USER_ALREADY_EXISTS', `user '${username}' already exist!`, { field: 'username' });
}

export function roleNotFound(role: string): DomainError {
  return new DomainError('AUTH_ROLE_NOT_FOUND', `role '${role}' not found! (a role exists while a user holds it; assign it first)`, { field: 'role' });
}

export function roleAlreadyAssigned(role: string, username: string): DomainError {
  return new DomainError('AUTH_ROLE_ALREADY_ASSIGNED', `user '${username}' already bound to the role '${role}'!`, { field: 'role' });
}

/** ROLE_ADMIN is given only to the first admin at start, never through the roles API, and never taken away by it. */
export function roleReserved(verb: 'assign' | 'remove'): DomainError {
  const how = verb === 'assign' ? 'the first admin gets it at first start' : 'delete or disable other admins instead';
  return new DomainError('AUTH_ROLE_RESERVED', `role '${ADMIN_ROLE}' is not permitted to ${verb} through the roles API (${how})`, { field: 'role' });
}

/** The change would leave no enabled user holding ROLE_ADMIN: nobody could manage users any more. */
export function lastAdmin(username: string, change: 'delete' | 'disable'): DomainError {
  return new DomainError('AUTH_LAST_ADMIN', `cannot ${change} admin '${username}': it is the last enabled user holding ${ADMIN_ROLE}`, { field: 'username' });
}

export function adminExists(): DomainError {
  return new DomainError('AUTH_ADMIN_EXISTS', `a user holding ${ADMIN_ROLE} exists already; the first admin is created only once`);
}
