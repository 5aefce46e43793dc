import type { Grant } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { Params } from '../params.js';
import { v2Ok } from '../reply-errors.js';
import { pageAnswer, refuseRemoteAnonymousChange, restOk, searchModeOf } from './auth-api-wire.js';
import { authActorOf } from './http-auth.js';

/**
 * Nacos's roles and permissions API (`/v1/auth/roles`, `/v1/auth/permissions`), over the auth directory. A role
 * exists while a user holds it; ROLE_ADMIN is neither given nor taken here. `GET /v1/auth/permissions` with `role`,
 * `resource` and `action` and no `search` is Nacos's duplicate check, answering its Result `{code: 0, data: bool}`.
 * All admin-only (route-rules.ts).
 */
export function rolesRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v1/auth/roles', async (request) => {
    const p = Params.from(request);
    const found = ctx.auth.searchRoles(searchModeOf(p), { username: p.str('username'), role: p.str('role') });
    return pageAnswer(p, found, (a) => ({ role: a.role, username: a.username }));
  });

  app.get('/v1/auth/roles/search', async (request) => ctx.auth.roleNames(Params.from(request).required('role')));

  app.post('/v1/auth/roles', async (request) => {
    const p = Params.from(request);
    const role = p.required('role');
    const username = p.required('username');
    refuseRemoteAnonymousChange(request, ctx);
    ctx.auth.assignRole(role, username, authActorOf(request));
    return restOk('add role ok!');
  });

  app.delete('/v1/auth/roles', async (request) => {
    const p = Params.from(request);
    const role = p.required('role');
    const username = p.str('username');
    refuseRemoteAnonymousChange(request, ctx);
    ctx.auth.removeRole(role, username, authActorOf(request));
    return restOk(`delete role of user ${username ?? ''} ok!`);
  });

  app.get('/v1/auth/permissions', async (request) => {
    const p = Params.from(request);
    const role = p.str('role');
    const resource = p.str('resource');
    const action = p.str('action');
    if (!p.has('search') && role !== undefined && resource !== undefined && action !== undefined) {
      return v2Ok(ctx.auth.hasGrant({ role, resource, action }));
    }
    return pageAnswer(p, ctx.auth.searchGrants(searchModeOf(p), role), (g) => ({ role: g.role, resource: g.resource, action: g.action }));
  });

  app.post('/v1/auth/permissions', async (request) => {
    const grant = grantOf(Params.from(request));
    refuseRemoteAnonymousChange(request, ctx);
    ctx.auth.addGrant(grant, authActorOf(request));
    return restOk('add permission ok!');
  });

  app.delete('/v1/auth/permissions', async (request) => {
    const grant = grantOf(Params.from(request));
    refuseRemoteAnonymousChange(request, ctx);
    ctx.auth.removeGrant(grant, authActorOf(request));
    return restOk('delete permission ok!');
  });
}

/** The directory checks the pattern and the action (`r`, `w`, `rw`) and names the field that is wrong. */
function grantOf(p: Params): Grant {
  return { role: p.str('role') ?? '', resource: p.str('resource') ?? '', action: p.str('action') ?? '' };
}
