/**
 * The CLI's few direct HTTP calls: Cairn's own extensions (events, diagnosis) and the console and service reads
 * the SDK does not cover. Every call has a timeout, so the CLI never hangs on a server that accepts and stalls.
 */

export const REQUEST_TIMEOUT_MS = 5_000;

export interface HttpAnswer {
  status: number;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json(): unknown;
}

/** The request never got an HTTP answer: refused, timed out, reset, not HTTP. */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
  constructor(
    readonly url: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function httpRequest(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  const request: RequestInit = { method: init.method ?? 'GET', signal: AbortSignal.timeout(init.timeoutMs ?? REQUEST_TIMEOUT_MS), redirect: 'manual', headers: { ...init.headers } };
  if (init.form) {
    request.body = new URLSearchParams(init.form).toString();
    request.headers = { ...init.headers, 'content-type': 'application/x-www-form-urlencoded' };
  }
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, request);
    text = await res.text();
  } catch (error) {
    const { code, reason } = describeFetchError(error, init.timeoutMs ?? REQUEST_TIMEOUT_MS);
    throw new NoAnswerError(url, code, reason);
  }
  return {
    status: res.status,
    text,
    json() {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    },
  };
}

/** A URL under the server's base URL with query parameters; undefined values are left out. */
export function apiUrl(baseUrl: string, path: string, query: Record<string, string | number | boolean | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const qs = params.toString();
  return `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
}

/** The system error code and a plain reason for a failed fetch (undici hides the code in `cause`). */
export function describeFetchError(error: unknown, timeoutMs: number): { code: string; reason: string } {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return { code: 'ETIMEDOUT', reason: `no answer within ${timeoutMs} ms` };
  const code = err.cause?.code ?? 'UNKNOWN';
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused: nothing listens on that port',
    ECONNRESET: 'the connection was reset before an answer came',
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'DNS did not answer (temporary failure)',
    EHOSTUNREACH: 'no route to the host',
    ENETUNREACH: 'the network is unreachable',
    ETIMEDOUT: 'the connection timed out',
    UND_ERR_SOCKET: 'the server closed the connection',
    HPE_INVALID_CONSTANT: 'the answer is not HTTP',
    UND_ERR_HEADERS_TIMEOUT: 'the server accepted the connection but sent no answer',
    ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS: use http://',
  };
  const known = reasons[code];
  if (known) return { code, reason: `${known} (${code})` };
  const detail = err.cause?.message ?? err.message ?? String(error);
  return { code, reason: /^HPE_/.test(code) ? `the answer is not HTTP (${code})` : detail };
}
