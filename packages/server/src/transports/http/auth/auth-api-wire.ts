import type { SearchMode } from '@cairn/core';
import { invalidParam } from '@cairn/core';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { Params } from '../params.js';
import { pageOf, readPage } from '../paging.js';
import { AuthRefused, identityOf } from './http-auth.js';

/** Larger pages of users, roles or grants are cut to this. */
const MAX_PAGE_SIZE = 500;

/** Nacos's RestResult of a successful change: `{code: 200, message: null, data: 'create user ok!'}`. */
export function restOk(text: string): { code: 200; message: null; data: string } {
  return { code: 200, message: null, data: text };
}

/** `search=accurate|blur` (accurate when absent, as Nacos's permission list defaults); anything else is a 400. */
export function searchModeOf(p: Params): SearchMode {
  const mode = p.str('search', 'accurate');
  if (mode !== 'accurate' && mode !== 'blur') throw invalidParam('search', `Param 'search' must be accurate or blur, got '${mode.slice(0, 32)}'.`);
  return mode;
}

/** Nacos's Page `{totalCount, pageNumber, pagesAvailable, pageItems}`; `pageNo` and `pageSize` are required, as in Nacos. */
export function pageAnswer<T>(p: Params, found: readonly T[], item: (found: T) => Record<string, unknown>): Record<string, unknown> {
  const page = readPage(p, { maxPageSize: MAX_PAGE_SIZE });
  return { totalCount: found.length, pageNumber: page.pageNo, pagesAvailable: Math.ceil(found.length / page.pageSize), pageItems: pageOf(found, page).map(item) };
}

/**
 * With auth off Nacos lets anyone change users, roles and grants. Cairn does too from this machine (a developer's
 * loopback server), but a remote caller without admin credentials is refused: a user or grant planted while auth
 * is off would still open the door once the operator turns auth on. With auth on, the route rules have checked.
 */
export function refuseRemoteAnonymousChange(request: FastifyRequest, ctx: AppContext): void {
  if (ctx.options.authEnabled || identityOf(request)?.admin || isLoopbackAddress(request.ip)) return;
  throw new AuthRefused({
    status: 403,
    message: 'authorization failed! auth is off, and users, roles and grants change only from this machine or with admin credentials (log in as an admin and send the accessToken)',
  });
}

function isLoopbackAddress(ip: string): boolean {
  const plain = ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}
