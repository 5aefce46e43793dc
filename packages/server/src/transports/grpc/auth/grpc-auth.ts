import { DomainError, type Action, type AuthActor, type Resource } from '@cairn/core';
import type { Authenticator, Credentials } from '../../../auth/authenticator.js';
import type { ConnectionView } from '../grpc-connection.js';
import { failure, headerOf, type GrpcRequest, type GrpcResponse } from '../grpc-wire.js';
import { requestRuleOf, type RequestEntry } from './request-rules.js';

/**
 * What the gate decided: pass, naming the verified user (if any) and, for a list, what the user may read (undefined:
 * everything); or the refusal to answer.
 */
export type GateVerdict = { ok: true; user?: string; readable?: (resource: Resource) => boolean } | { ok: false; response: GrpcResponse };

/** Checks one request before its handler runs; the transport calls it once for every handled request. */
export type RequestGate = (request: GrpcRequest, connection: ConnectionView) => Promise<GateVerdict>;

/** Nacos's NacosException.NO_RIGHT: the `errorCode` of an auth refusal on gRPC. */
export const NO_RIGHT = 403;

const PASS: GateVerdict = { ok: true };

/**
 * Puts every gRPC request behind its rule (request-rules.ts). With auth on, a request must carry credentials in its
 * `headers` (`accessToken`, as Nacos clients send it, or `username` and `password`) that the authenticator verifies,
 * and hold the permission its rule names on every resource it names; a type the table does not name is refused.
 * A refusal is the request type's own response class with `resultCode` 500, `errorCode` 403 (429 when password
 * checks are throttled) and the reason, as Nacos answers. With auth off nothing is refused, but valid credentials
 * still name the request's user.
 */
export function grpcAuthGate(authenticator: Authenticator, enabled: boolean): RequestGate {
  return async (request, connection) => {
    const entry = requestRuleOf(request.type);
    if (entry?.rule.kind === 'open') return PASS;
    const credentials = credentialsOf(request);
    const carried = credentials.token !== undefined || (credentials.username !== undefined && credentials.password !== undefined);
    const actor: AuthActor = { sourceIp: connection.ip, clientAgent: connection.clientVersion.slice(0, 128), claimedUser: credentials.username?.slice(0, 64) ?? '' };
    if (!enabled) {
      if (!carried || credentials.token === 'AUTH_DISABLED') return PASS;
      const verified = await authenticator.verify(credentials, actor);
      return verified.ok ? { ok: true, user: verified.identity.username } : PASS;
    }
    if (!entry) return refuse({ response: 'ErrorResponse', rule: { kind: 'open' } }, NO_RIGHT, `no auth rule for request type '${request.type}': refused while auth is on`);
    const verified = await authenticator.verify(credentials, actor);
    if (!verified.ok) return refuse(entry, verified.refusal.status, verified.refusal.message);
    const { identity } = verified;
    const pass: GateVerdict = { ok: true, user: identity.username };
    if (identity.admin) return pass;
    if (entry.rule.kind === 'listing') return { ...pass, readable: (resource) => authenticator.decide(identity, resource, 'r').allowed };
    const wanted = wantedBy(entry, request.body);
    // A body whose resources cannot be read goes to its handler, which refuses it the same way (400) before acting.
    if (!wanted) return pass;
    for (const { resource, action } of wanted) {
      const decision = authenticator.decide(identity, resource, action);
      if (!decision.allowed) return refuse(entry, NO_RIGHT, `authorization failed! ${decision.reason}`);
    }
    return pass;
  };
}

function wantedBy(entry: RequestEntry, body: Record<string, unknown>): { resource: Resource; action: Action }[] | undefined {
  const { rule } = entry;
  if (rule.kind === 'admin') return [{ resource: { kind: 'console', name: rule.resource }, action: 'w' }];
  // Open requests and lists name no resource up front.
  if (rule.kind !== 'resource') return [];
  try {
    return rule.resources(body).map((resource) => ({ resource, action: rule.action }));
  } catch (err) {
    if (err instanceof DomainError) return undefined;
    throw err;
  }
}

/** The credentials in a request's headers (names case-insensitive): `accessToken`, or `username` and `password`. */
function credentialsOf(request: GrpcRequest): Credentials {
  const password = Object.entries(request.headers).find(([k, v]) => k.toLowerCase() === 'password' && typeof v === 'string' && v !== '')?.[1];
  return { token: headerOf(request, 'accessToken'), username: headerOf(request, 'username'), password };
}

function refuse(entry: RequestEntry, errorCode: number, message: string): GateVerdict {
  return { ok: false, response: failure(entry.response, errorCode, message, entry.refusalFields) };
}
