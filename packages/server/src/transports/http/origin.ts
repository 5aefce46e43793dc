import type { Origin } from '@cairn/core';
import type { FastifyRequest } from 'fastify';
import { identityOf } from './auth/http-auth.js';

/**
 * Who sent a request, as evidence for the journal. The agent is evidence only, never trusted for access.
 * `claimedUser` is the request's `username` parameter, recorded as claimed and never trusted; `user` is the user
 * whose credentials the auth gate verified.
 */
export function originOf(request: FastifyRequest, claimedUser?: string): Origin {
  const agent = header(request, 'client-version') ?? header(request, 'user-agent');
  const path = request.routeOptions.url ?? request.url.split('?')[0];
  const user = identityOf(request)?.username;
  return { ip: request.ip, agent: agent?.slice(0, 128), via: `${request.method} ${path}`, claimedUser, ...(user === undefined ? {} : { user }) };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
