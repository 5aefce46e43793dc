import { encodePayload, type Payload } from '@cairn/api';
import type { Resource } from '@cairn/core';

/** A request as handlers see it: its class name, the headers (metadata merged over the JSON's) and its JSON body. */
export interface GrpcRequest {
  type: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** As sent: a string, `""`, or absent/null (the Rust client sends null on some requests). Echoed in the answer. */
  requestId: unknown;
  /** The user whose credentials the auth gate verified (auth on, or valid credentials sent anyway). */
  user?: string;
  /** For a list: whether its user may read an item (set by the auth gate for limited users; absent: everything). */
  readable?: (resource: Resource) => boolean;
}

/** What a handler answers: the exact response class name (clients check it) and the fields of its body. */
export interface GrpcResponse {
  type: string;
  body: Record<string, unknown>;
}

/** Nacos error codes of the transport (`ErrorResponse`). */
export const GRPC_ERRORS = {
  /** The request came on a connection with no registered stream: the client reconnects. */
  UNREGISTERED: 301,
  /** No handler for the request type. */
  NO_HANDLER: 302,
  /** The payload or its JSON body could not be read (Nacos: BAD_GATEWAY). */
  BAD_PAYLOAD: 502,
  SERVER_ERROR: 500,
} as const;

export function errorResponse(errorCode: number, message: string): GrpcResponse {
  return failure('ErrorResponse', errorCode, message);
}

/** A failure in the response class the client expects (it reads other classes as ErrorResponse): resultCode 500. */
export function failure(type: string, errorCode: number, message: string, extra: Record<string, unknown> = {}): GrpcResponse {
  return { type, body: { ...extra, resultCode: 500, errorCode, message } };
}

/** A header, trimmed; undefined when absent or blank (gRPC metadata keys are lower-case, Nacos's JSON ones not). */
export function headerOf(request: GrpcRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(request.headers)) {
    if (k.toLowerCase() === lower && typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return undefined;
}

/**
 * The ErrorResponse of a request its handler refused by throwing: since Nacos 2.4 its `resultCode` is the error's
 * code too (e.g. 400 and 400), not 500 as in the transport's own refusals.
 */
export function refusalResponse(errorCode: number, message: string): GrpcResponse {
  return { type: 'ErrorResponse', body: { resultCode: errorCode, errorCode, message } };
}

/**
 * The payload of an answer: `resultCode` (200 unless the handler set it) and `errorCode` (0) always present,
 * `success` derived from them as Nacos serialises it, the request's id echoed, and null fields left out
 * (Nacos's JSON mapper writes no nulls; some clients reject `"message": null`).
 */
export function responsePayload(response: GrpcResponse, requestId: unknown): Payload {
  const resultCode = typeof response.body.resultCode === 'number' ? response.body.resultCode : 200;
  // Object.assign, then the fields: on Node 20 a spread followed by more fields costs microseconds per field.
  const body: Record<string, unknown> = Object.assign({}, response.body);
  body.resultCode = resultCode;
  body.errorCode = response.body.errorCode ?? 0;
  body.success = resultCode === 200;
  if (typeof requestId === 'string') body.requestId = requestId;
  return { type: response.type, clientIp: '', headers: {}, body: toJson(body) };
}

/** A server-to-client request on the stream, encoded, and the id its answer will carry. */
export interface EncodedRequest {
  readonly requestId: string;
  readonly bytes: Uint8Array;
}

/**
 * Server-to-client requests on the streams of one transport: the server's own numeric ids (as strings, unique
 * across the transport, so unique per connection as a client needs them), empty headers. A body pushed to many
 * connections (one change, every subscriber) is serialized and encoded once and sent under one id; sending it
 * again to a receiver that had it (a retry) takes a fresh id, so every try is answered under its own. Callers never
 * change a body after pushing it.
 */
export class ServerRequests {
  private nextId = 1;
  private readonly shared = new WeakMap<Record<string, unknown>, EncodedRequest & { type: string; sentTo: WeakSet<object> }>();

  encode(type: string, body: Record<string, unknown>, receiver: object): EncodedRequest {
    let s = this.shared.get(body);
    if (s === undefined || s.type !== type) {
      const requestId = String(this.nextId++);
      s = { type, requestId, bytes: encodeRequest(type, body, requestId), sentTo: new WeakSet() };
      this.shared.set(body, s);
    }
    if (!s.sentTo.has(receiver)) {
      s.sentTo.add(receiver);
      return s;
    }
    const requestId = String(this.nextId++);
    return { requestId, bytes: encodeRequest(type, body, requestId) };
  }
}

function encodeRequest(type: string, body: Record<string, unknown>, requestId: string): Uint8Array {
  const { requestId: _ignored, ...rest } = body;
  return encodePayload({ type, clientIp: '', headers: {}, body: toJson({ headers: {}, ...rest, requestId }) });
}

/**
 * Reads a payload's JSON body, with the metadata headers merged over the JSON's `headers` (Nacos moves them out
 * of the JSON). Throws a message fit for an ErrorResponse when the body is not a JSON object.
 */
export function readRequest(payload: Payload): GrpcRequest {
  let parsed: unknown;
  try {
    parsed = payload.body === '' ? {} : JSON.parse(payload.body);
  } catch (err) {
    throw new Error(`the body of ${payload.type} is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`the body of ${payload.type} must be a JSON object`);
  const body = parsed as Record<string, unknown>;
  const jsonHeaders = body.headers !== null && typeof body.headers === 'object' ? (body.headers as Record<string, string>) : {};
  return { type: payload.type, headers: { ...jsonHeaders, ...payload.headers }, body, requestId: body.requestId };
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v === null ? undefined : v));
}
