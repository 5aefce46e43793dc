import { BASE } from '../logic/routes.js';
import { expiryNotice, needsLogin } from '../logic/session.js';
import { sessionStore } from './session.js';

/** The one way the console talks to the server: HTTP under the context path, errors carrying the server's message. */

export const API_BASE = BASE;

/** A failed request: the status and the server's own message (v1 answers text, v2 `{code, message, data}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

function encode(params: Query): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  return q.toString();
}

/** The server's message from an error body: v2's `data` holds the detail, v1 sends plain text. */
export function errorMessage(status: number, body: string): string {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as { message?: unknown; data?: unknown };
      if (typeof json.data === 'string' && json.data !== '') return json.data;
      if (typeof json.message === 'string') return json.message;
    } catch {
      // not JSON after all: show it as text
    }
  }
  return text === '' ? `the server answered HTTP ${status}` : text;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Extra request headers (a config publish's `casMd5`, a beta publish's `betaIps`). */
  headers?: Record<string, string>;
  /** A multipart body (a file upload); the parameters then go in the query string. */
  form?: FormData;
}

/** One request; answers the body text, or throws ApiError with the server's message. */
export async function send(method: string, path: string, params: Query, options: SendOptions = {}): Promise<string> {
  const qs = encode(params);
  const formBody = !options.form && (method === 'POST' || method === 'PUT' || method === 'PATCH');
  const headers: Record<string, string> = { ...options.headers };
  // The token goes in a header, never in the address (addresses end up in logs and the browser's history).
  Object.assign(headers, authHeaders());
  if (formBody) headers['content-type'] = 'application/x-www-form-urlencoded';
  let res: Response;
  try {
    res = await fetch(formBody || !qs ? `${API_BASE}${path}` : `${API_BASE}${path}?${qs}`, {
      method,
      signal: options.signal,
      headers,
      body: options.form ?? (formBody ? qs : undefined),
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'the server cannot be reached (is it running?)');
  }
  const text = await res.text();
  if (!res.ok) throw refusal(res.status, text);
  return text;
}

/**
 * The error of a failed answer. A token the server no longer accepts ends the session (the login page shows,
 * keeping the page); a permission the user lacks says so in words, with the server's reason.
 */
export function refusal(status: number, body: string): ApiError {
  const message = errorMessage(status, body);
  if (needsLogin(status, message) && sessionStore.get().authRequired !== false) sessionStore.end(expiryNotice(message));
  if (status === 403 && message.startsWith('authorization failed!')) return new ApiError(status, `Your user may not do this. The server said: ${message}`);
  return new ApiError(status, message);
}

/** The request headers that carry the signed-in user's token (for requests made without `send`). */
export function authHeaders(): Record<string, string> {
  const token = sessionStore.token();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export async function getJson<T>(path: string, params: Query = {}, signal?: AbortSignal): Promise<T> {
  return JSON.parse(await send('GET', path, params, { signal })) as T;
}

export async function write(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, params: Query): Promise<void> {
  await send(method, path, params);
}
