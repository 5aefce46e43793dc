import http from 'node:http';
import { isIP } from 'node:net';
import type { ServerAddress } from '../address.js';
import type { LookupFunction } from '../types.js';

export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path including the context path, without the query. */
  path: string;
  params: Record<string, string>;
  /** Extra request headers (`Long-Pulling-Timeout`, `casMd5`). */
  headers?: Record<string, string>;
  /** Sent as an `application/x-www-form-urlencoded` body: for values too long for a query string (config content). */
  form?: Record<string, string>;
  /** Overrides the client's request timeout for this call (a long poll outlives it). */
  timeoutMs?: number;
  /** Aborts the request (a closed watch ends its held poll at once). */
  signal?: AbortSignal;
  /** A non-2xx answer for which this is true is the caller's final answer, not a server fault to fail over from. */
  isFinal?: (answer: HttpAnswer) => boolean;
}

export interface HttpAnswer {
  status: number;
  body: string;
  /** Response headers, names in lower case. */
  headers: Record<string, string | undefined>;
}

// Nacos enables UDP push for clients that identify as a known client; Cairn records the agent in its journal.
const USER_AGENT = 'Nacos-Java-Client:v1.0.0 cairn-sdk/0.1.0';
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function timeoutError(ms: number, stage: string): Error {
  return Object.assign(new Error(`no answer within ${ms} ms (${stage})`), { code: 'CAIRN_TIMEOUT' });
}

/**
 * One HTTP request to one server, with a single deadline that covers DNS, connect and the whole answer: it can
 * never hang. Parameters travel in the query string for every method, as Nacos v1 clients send them.
 */
export async function httpRequest(server: ServerAddress, call: HttpCall, timeoutMs: number, lookup: LookupFunction): Promise<HttpAnswer> {
  const started = Date.now();
  const address = isIP(server.host) ? server.host : (await withTimeout(lookup(server.host), timeoutMs, 'DNS lookup')).address;
  return send(server, address, call, Math.max(1, timeoutMs - (Date.now() - started)));
}

async function withTimeout<T>(work: Promise<T>, ms: number, stage: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(ms, stage)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function send(server: ServerAddress, address: string, call: HttpCall, timeoutMs: number): Promise<HttpAnswer> {
  const query = new URLSearchParams(call.params).toString();
  const hostHeader = isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
  const body = call.form ? Buffer.from(new URLSearchParams(call.form).toString(), 'utf8') : undefined;
  const headers: Record<string, string | number> = { Host: hostHeader, 'User-Agent': USER_AGENT, 'Client-Version': USER_AGENT, 'Request-Module': 'Naming', 'Content-Length': body?.length ?? 0 };
  if (body) headers['Content-Type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  Object.assign(headers, call.headers);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: address,
      port: server.port,
      method: call.method,
      path: query ? `${call.path}?${query}` : call.path,
      headers,
      agent: false, // one connection per request: a restarted server never sees a stale keep-alive socket
      ...(call.signal ? { signal: call.signal } : {}),
    });
    const timer = setTimeout(() => req.destroy(timeoutError(timeoutMs, 'connect or answer')), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) req.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(res.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers });
      });
    });
    req.end(body);
  });
}
