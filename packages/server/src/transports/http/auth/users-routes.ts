import { invalidParam, missingParam, userNotFound } from '@cairn/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FIRST_ADMIN_USERNAME } from '../../../auth/first-admin.js';
import { hashPassword, newPasswordProblem } from '../../../auth/passwords.js';
import type { AppContext } from '../context.js';
import { Params } from '../params.js';
import { pageAnswer, refuseRemoteAnonymousChange, restOk, searchModeOf } from './auth-api-wire.js';
import { AuthRefused, authActorOf, identityOf } from './http-auth.js';

/**
 * Nacos's users API (`/v1/auth/users`), over the auth directory: create, delete, change a password, list and search;
 * plus Cairn's `PUT /v1/auth/users/enabled`. Answers are Nacos's RestResult `{code: 200, message, data}` and Page
 * shapes; refusals are plain text with a 400 naming the field (v1 style). Lists never carry password hashes: the
 * `password` field of each user is empty. Every route but the password change is admin-only (route-rules.ts).
 */
export function usersRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/v1/auth/users', async (request, reply) => {
    const p = Params.from(request);
    const username = p.required('username');
    const password = newPassword(p, 'password');
    refuseRemoteAnonymousChange(request, ctx);
    if (username === FIRST_ADMIN_USERNAME) {
      return conflict(reply, `user '${FIRST_ADMIN_USERNAME}' is the default admin's name and cannot be created here: Cairn creates it at the first start with auth on`);
    }
    // A bad or taken name is refused before the password is hashed (about 100 ms of CPU).
    ctx.auth.checkNewUser(username);
    ctx.auth.createUser(username, await hashPassword(password), authActorOf(request));
    return restOk('create user ok!');
  });

  // Nacos 2.4+ initialises its admin through this call (first caller wins); Cairn never does.
  app.post('/v1/auth/users/admin', async (_request, reply) =>
    conflict(
      reply,
      ctx.auth.hasAdmin
        ? 'have admin user cannot use it: Cairn created the first admin (nacos) at its first start with auth on'
        : 'Cairn never creates an admin through this call: it creates the first admin (nacos) when it starts with auth on, with the password from CAIRN_ADMIN_PASSWORD or --admin-password-file, or a generated one it prints once',
    ),
  );

  app.delete('/v1/auth/users', async (request) => {
    const username = Params.from(request).required('username');
    refuseRemoteAnonymousChange(request, ctx);
    ctx.auth.deleteUser(username, authActorOf(request));
    ctx.authenticator.forget(username);
    return restOk('delete user ok!');
  });

  app.put('/v1/auth/users', async (request) => {
    const p = Params.from(request);
    const username = p.required('username');
    const password = newPassword(p, 'newPassword');
    refuseOthersPassword(request, ctx, username);
    if (!ctx.auth.user(username)) throw userNotFound(username);
    ctx.auth.changePassword(username, await hashPassword(password), authActorOf(request));
    ctx.authenticator.forget(username);
    return restOk('update user ok!');
  });

  app.put('/v1/auth/users/enabled', async (request) => {
    const p = Params.from(request);
    const username = p.required('username');
    const enabled = p.bool('enabled');
    if (enabled === undefined) throw missingParam('enabled');
    refuseRemoteAnonymousChange(request, ctx);
    ctx.auth.setEnabled(username, enabled, authActorOf(request));
    ctx.authenticator.forget(username);
    return restOk(enabled ? 'enable user ok!' : 'disable user ok!');
  });

  app.get('/v1/auth/users', async (request) => {
    const p = Params.from(request);
    const found = ctx.auth.searchUsers(searchModeOf(p), p.str('username'));
    return pageAnswer(p, found, (u) => ({ username: u.username, password: '', enabled: u.enabled }));
  });

  app.get('/v1/auth/users/search', async (request) => {
    const wanted = Params.from(request).required('username');
    return ctx.auth.searchUsers('blur', wanted).map((u) => u.username);
  });
}

/** A password about to be set: required, at least 8 characters, at most MAX_PASSWORD_BYTES; never trimmed. */
function newPassword(p: Params, field: string): string {
  const password = p.raw(field) ?? '';
  if (password.trim() === '') throw missingParam(field);
  const problem = newPasswordProblem(password);
  if (problem) throw invalidParam(field, `Param '${field}' ${problem}.`);
  return password;
}

/** A password is changed by its user or by an admin (auth off: by anyone, as Nacos, within the loopback rule). */
function refuseOthersPassword(request: FastifyRequest, ctx: AppContext, username: string): void {
  if (!ctx.options.authEnabled) return refuseRemoteAnonymousChange(request, ctx);
  const identity = identityOf(request);
  if (identity?.admin || identity?.username === username) return;
  throw new AuthRefused({ status: 403, message: `authorization failed! only '${username}' or an admin may change its password` });
}

function conflict(reply: FastifyReply, message: string): { code: 409; message: string; data: null } {
  void reply.code(409);
  return { code: 409, message, data: null };
}
