import type { FastifyRequest } from 'fastify';
import type { Credentials } from '../../../auth/authenticator.js';

/**
 * The credentials a request carries, everywhere Nacos clients put them: `Authorization: Bearer <token>`, an
 * `accessToken` header, query or form parameter, or raw `username` and `password` parameters (query or form; the
 * npm client sends them on every call). Header names are case-insensitive (Node lowercases them).
 */
export function credentialsOf(request: FastifyRequest): Credentials {
  const authorization = header(request, 'authorization');
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  const query = request.query as Record<string, unknown> | undefined;
  const body = isRecord(request.body) ? request.body : undefined;
  const param = (name: string): string | undefined => text(query?.[name]) ?? text(body?.[name]);
  const token = bearer ?? header(request, 'accesstoken') ?? param('accessToken');
  return { token, username: param('username') ?? header(request, 'username'), password: param('password') ?? header(request, 'password') };
}

function header(request: FastifyRequest, name: string): string | undefined {
  return text(request.headers[name]);
}

function text(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value);
}
