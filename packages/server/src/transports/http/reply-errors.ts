import { DomainError, maskSecrets } from '@cairn/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_TABLE, NACOS_CODE_TEXT } from './error-table.js';

interface WireError {
  status: number;
  nacosCode: number;
  message: string;
}

/**
 * Turns any thrown error into a wire error: domain errors by the table, Fastify's own client errors (bad JSON,
 * body too large, unsupported media type) by their status, everything else is a 500 that gets logged.
 */
export function toWireError(error: unknown, request: FastifyRequest): WireError {
  if (error instanceof DomainError) {
    const row = ERROR_TABLE[error.code];
    return logClientError(request, { status: row.status, nacosCode: row.nacosCode, message: error.message }, error.code);
  }
  const fe = error as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // A refused credential or permission (403) and a throttled login (429) are Nacos's `access denied`.
    const nacosCode = fe.statusCode === 400 ? 20002 : fe.statusCode === 403 || fe.statusCode === 429 ? 10001 : 30000;
    const message = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? bodyTooLarge(request) : (fe.message ?? 'bad request');
    return logClientError(request, { status: fe.statusCode, nacosCode, message }, fe.code);
  }
  // The URL tells the operator which request failed; the npm client puts the password in it, hence the redaction.
  request.log.error({ err: error, method: request.method, url: maskSecrets(request.url) }, 'request failed');
  return { status: 500, nacosCode: 30000, message: 'caused: internal server error (see the server log);' };
}

/** Names the limit a too large body passed, so the client knows what to shorten (or the operator what to raise). */
function bodyTooLarge(request: FastifyRequest): string {
  return `Request body is too large: the limit is ${request.routeOptions.bodyLimit} bytes (--body-limit-bytes)`;
}

/** Client mistakes are logged at debug only: at info they would let any client flood the log. */
function logClientError(request: FastifyRequest, wire: WireError, code: string | undefined): WireError {
  request.log.debug({ method: request.method, url: maskSecrets(request.url), status: wire.status, code, detail: maskSecrets(wire.message) }, 'client error');
  return wire;
}

/** v1 errors: plain text, status from the table (Nacos v1 style). */
export function replyV1Error(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const wire = toWireError(error, request);
  void reply.code(wire.status).type('text/plain; charset=utf-8').send(wire.message);
}

/** v2 errors: `{code, message, data}` with the Nacos numeric code, text and the detail in `data`. */
export function replyV2Error(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const wire = toWireError(error, request);
  void reply.code(wire.status).send({ code: wire.nacosCode, message: NACOS_CODE_TEXT[wire.nacosCode] ?? 'error', data: wire.message });
}

export function v2Ok(data: unknown): { code: number; message: string; data: unknown } {
  return { code: 0, message: 'success', data };
}

/** Config v1 errors: as v1, but a missing config answers Nacos's exact body, `config data not exist` and a newline. */
export function replyConfigV1Error(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const wire = toWireError(error, request);
  const body = error instanceof DomainError && error.code === 'CONFIG_NOT_FOUND' ? `${wire.message}\n` : wire.message;
  void reply.code(wire.status).type('text/plain; charset=utf-8').send(body);
}
