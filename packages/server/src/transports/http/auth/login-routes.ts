import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { Params } from '../params.js';
import { AuthRefused, authActorOf } from './http-auth.js';

/**
 * Logins, at every path Nacos clients use: `POST /v1/auth/login`, `/v1/auth/users/login` (1.x and 2.x clients) and
 * `/v3/auth/user/login` (what 2.4+/3.x clients try first). `username` and `password` come from the query or the
 * form (the Java client splits them). The answer is Nacos's: `{accessToken, tokenTtl, globalAdmin, username}` and
 * the token again in an `Authorization: Bearer` header. A wrong password and an unknown user answer alike: 403
 * `user not found!`; repeated failures answer 429 with `Retry-After`. With auth off the token is Nacos's literal
 * `AUTH_DISABLED` and nothing is checked.
 */
export function loginRoutes(app: FastifyInstance, ctx: AppContext): void {
  const login = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = Params.from(request);
    const username = p.required('username');
    const password = p.raw('password') ?? '';
    if (!ctx.options.authEnabled) {
      return { accessToken: 'AUTH_DISABLED', tokenTtl: ctx.options.tokenTtlSeconds, globalAdmin: true, username };
    }
    const result = await ctx.authenticator.login(username, password, authActorOf(request));
    if (!result.ok) {
      if (result.refusal.retryAfterMs !== undefined) void reply.header('retry-after', String(Math.ceil(result.refusal.retryAfterMs / 1000)));
      throw new AuthRefused(result.refusal);
    }
    void reply.header('authorization', `Bearer ${result.token}`);
    return { accessToken: result.token, tokenTtl: result.ttlSeconds, globalAdmin: result.identity.admin, username: result.identity.username };
  };
  app.post('/v1/auth/login', login);
  app.post('/v1/auth/users/login', login);
  app.post('/v3/auth/user/login', login);
}
