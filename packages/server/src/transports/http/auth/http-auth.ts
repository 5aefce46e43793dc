import type { Action, AuthActor, Resource } from '@cairn/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { Authenticator, Identity, Refusal } from '../../../auth/authenticator.js';
import { credentialsOf } from './credentials.js';
import { type ResourceOf, ruleOf, type RouteRule } from './route-rules.js';

const identityKey = Symbol('identity');
const readableKey = Symbol('readable');
type WithIdentity = FastifyRequest & { [identityKey]?: Identity; [readableKey]?: (resource: Resource) => boolean };

/** The verified user of a request (undefined when auth is off or the route is open and no credentials came). */
export function identityOf(request: FastifyRequest): Identity | undefined {
  return (request as WithIdentity)[identityKey];
}

/**
 * What a list may show the request's user: undefined when everything (auth off, or an admin), else a test of read
 * permission per item, so a user granted one service sees that service in a list instead of a 403 for the lot.
 */
export function readableBy(request: FastifyRequest): ((resource: Resource) => boolean) | undefined {
  return (request as WithIdentity)[readableKey];
}

/** The services a list may show the request's user (see `readableBy`). */
export function servicesReadableBy(request: FastifyRequest): (service: { namespace: string; group: string; name: string }) => boolean {
  const readable = readableBy(request);
  if (!readable) return () => true;
  return (s) => readable({ kind: 'naming', namespace: s.namespace, group: s.group, name: s.name });
}

/** Who asked, as the auth context records it: the `username` the request claimed and, once verified, its user. */
export function authActorOf(request: FastifyRequest): AuthActor {
  const agent = request.headers['client-version'] ?? request.headers['user-agent'];
  const claimed = (request.query as Record<string, unknown> | undefined)?.username;
  const user = identityOf(request)?.username;
  return {
    sourceIp: request.ip,
    clientAgent: (Array.isArray(agent) ? agent[0] : agent)?.slice(0, 128) ?? '',
    claimedUser: typeof claimed === 'string' ? claimed.slice(0, 64) : '',
    ...(user === undefined ? {} : { user }),
  };
}

/** A refused request: 403 (or 429 for a throttled password check) with the reason, in each API's error shape. */
export class AuthRefused extends Error {
  readonly statusCode: number;
  constructor(readonly refusal: Pick<Refusal, 'status' | 'message' | 'retryAfterMs'>) {
    super(refusal.message);
    this.statusCode = refusal.status;
  }
}

// The routes each server's gate guards, as `METHOD path` (the test that every route has a rule lists them).
const guarded = new WeakMap<FastifyInstance, string[]>();

/** Every route the gate of this server guards, as `METHOD path` without the context path. */
export function guardedRoutes(app: FastifyInstance): readonly string[] {
  return guarded.get(app) ?? [];
}

/**
 * Puts every route behind its rule (route-rules.ts): with auth on, a request must carry credentials the
 * authenticator verifies and hold the permission the rule names; a route missing from the table is admin-only
 * (fail closed, and a test lists every route against the table). With auth off nothing is checked, but a request's
 * valid credentials still name its user. Runs before the durable-change hooks: a refused request changes nothing.
 * Nothing is trusted from a `User-Agent` or any other header but the credentials.
 */
export function installHttpAuth(app: FastifyInstance, deps: { authenticator: Authenticator; enabled: boolean; contextPath: string }): void {
  const { authenticator, enabled, contextPath } = deps;
  const routes: string[] = [];
  guarded.set(app, routes);
  app.addHook('onRoute', (route) => {
    if (route.url === '*' || route.url === '/*') return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const path = route.url.startsWith(contextPath) ? route.url.slice(contextPath.length) : route.url;
    for (const method of methods) routes.push(`${method} ${path}`);
    // One rule per method: a route may serve several (GET and POST of the same path) with different needs.
    const rules = new Map(methods.map((m) => [m, ruleOf(m, path)]));
    const check: preHandlerHookHandler = (request, reply, done) => {
      const rule = rules.get(request.method) ?? ruleOf(request.method, path);
      // Auth off and no token to name the actor: nothing to do, and nothing asynchronous on the hot path.
      if (!enabled && (rule.kind === 'open' || credentialsOf(request).token === undefined)) {
        done();
        return;
      }
      guard(request, reply, rule).then(
        () => done(),
        (error: Error) => done(error),
      );
    };
    route.preHandler = [check, ...(route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler])];
  });

  async function guard(request: FastifyRequest, reply: FastifyReply, rule: RouteRule): Promise<void> {
    if (rule.kind === 'open' && !enabled) return;
    const credentials = credentialsOf(request);
    if (rule.kind === 'open' || !enabled) {
      // Off, or an open route: a valid token only names the actor, and a bad one refuses nothing. Raw passwords are
      // not checked here: that would count against the login throttle (a login route carries them) and journal
      // failures of clients that send made-up credentials to a server without auth.
      if (credentials.token === undefined || credentials.token === 'AUTH_DISABLED') return;
      const verified = await authenticator.verify({ token: credentials.token }, authActorOf(request));
      if (verified.ok) (request as WithIdentity)[identityKey] = verified.identity;
      return;
    }
    const verified = await authenticator.verify(credentials, authActorOf(request));
    if (!verified.ok) throw refused(reply, verified.refusal);
    const identity = verified.identity;
    (request as WithIdentity)[identityKey] = identity;
    if (identity.admin) return;
    if (rule.kind === 'listing') {
      (request as WithIdentity)[readableKey] = (resource) => authenticator.decide(identity, resource, 'r').allowed;
      return;
    }
    if (rule.kind === 'signed-in') return;
    const wanted: { resource: Resource; action: Action }[] = rule.kind === 'admin' ? [{ resource: { kind: 'console', name: rule.resource }, action: 'w' }] : resourcesOf(request, rule);
    for (const { resource, action } of wanted) {
      const decision = authenticator.decide(identity, resource, action);
      if (!decision.allowed) throw refused(reply, { status: 403, message: `authorization failed! ${decision.reason}` });
    }
  }
}

function resourcesOf(request: FastifyRequest, rule: Extract<RouteRule, { kind: 'resource' }>): { resource: Resource; action: Action }[] {
  const resolve: ResourceOf = rule.resource;
  return resolve(request).map((resource) => ({ resource, action: rule.action }));
}

function refused(reply: FastifyReply, refusal: Pick<Refusal, 'status' | 'message' | 'retryAfterMs'>): AuthRefused {
  if (refusal.retryAfterMs !== undefined) void reply.header('retry-after', String(Math.ceil(refusal.retryAfterMs / 1000)));
  return new AuthRefused(refusal);
}
