import { type LoginAnswer, loginFailure } from '../logic/session.js';
import { API_BASE, ApiError, errorMessage, getJson, send } from './http.js';

/** Nacos's `Page`: one page of a list with the total. */
export interface AuthPage<T> {
  totalCount: number;
  pageNumber: number;
  pagesAvailable: number;
  pageItems: T[];
}

export interface UserRow {
  username: string;
}

export interface RoleRow {
  role: string;
  username: string;
}

export interface PermissionRow {
  role: string;
  resource: string;
  action: string;
}

export type PermissionAction = 'r' | 'w' | 'rw';

/** Nacos answers a Page bare or inside `{code, message, data}`: both are read. */
function pageOf<T>(body: unknown): AuthPage<T> {
  const b = body as Partial<AuthPage<T>> & { data?: Partial<AuthPage<T>> };
  const page = Array.isArray(b.pageItems) ? b : (b.data ?? {});
  const items = Array.isArray(page.pageItems) ? page.pageItems : [];
  return { totalCount: page.totalCount ?? items.length, pageNumber: page.pageNumber ?? 1, pagesAvailable: page.pagesAvailable ?? 1, pageItems: items };
}

const listOf =
  <T>(path: string) =>
  async (params: Record<string, string | number>, signal?: AbortSignal): Promise<AuthPage<T>> =>
    pageOf<T>(await getJson<unknown>(path, { search: 'blur', ...params }, signal));

/**
 * Logins and the admin's users, roles and permissions, at Nacos's addresses (`/v1/auth/…`). The login answers
 * the token and whether the user is an admin; a refusal names the reason (wrong credentials, or the throttle's wait).
 */
export const authApi = {
  /** Whether the server asks for a login (`auth_enabled` of its state; the route is open). */
  async authEnabled(signal?: AbortSignal): Promise<boolean> {
    const state = await getJson<{ auth_enabled?: string }>('/v1/console/server/state', {}, signal);
    return String(state.auth_enabled) === 'true';
  },

  async login(username: string, password: string): Promise<LoginAnswer> {
    let res: Response;
    try {
      res = await fetch(`${API_BASE}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password }).toString(),
      });
    } catch {
      throw new ApiError(0, 'the server cannot be reached (is it running?)');
    }
    const text = await res.text();
    if (!res.ok) throw new ApiError(res.status, loginFailure(res.status, errorMessage(res.status, text), res.headers.get('retry-after')));
    return JSON.parse(text) as LoginAnswer;
  },

  users: listOf<UserRow>('/v1/auth/users'),
  createUser: (username: string, password: string) => send('POST', '/v1/auth/users', { username, password }),
  deleteUser: (username: string) => send('DELETE', '/v1/auth/users', { username }),
  changePassword: (username: string, newPassword: string) => send('PUT', '/v1/auth/users', { username, newPassword }),

  roles: listOf<RoleRow>('/v1/auth/roles'),
  assignRole: (role: string, username: string) => send('POST', '/v1/auth/roles', { role, username }),
  removeRole: (role: string, username: string) => send('DELETE', '/v1/auth/roles', { role, username }),

  permissions: listOf<PermissionRow>('/v1/auth/permissions'),
  addPermission: (role: string, resource: string, action: PermissionAction) => send('POST', '/v1/auth/permissions', { role, resource, action }),
  removePermission: (p: PermissionRow) => send('DELETE', '/v1/auth/permissions', { role: p.role, resource: p.resource, action: p.action }),
};
