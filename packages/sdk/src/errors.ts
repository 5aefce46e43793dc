import type { FailureKind } from './types.js';

/**
 * A setting is wrong: thrown by the constructor (malformed values) and by `verify()` (what the server says).
 * `setting` names the option to fix, e.g. `serverAddresses`, `contextPath`, `password`, `namespace`.
 */
export class CairnConfigError extends Error {
  override readonly name = 'CairnConfigError';
  readonly code = 'CAIRN_CONFIG';
  constructor(
    readonly setting: string,
    message: string,
    readonly server?: string,
  ) {
    super(message);
  }
}

/** A request failed on every server it was tried on; `kind` says why, `status` the HTTP status if any. */
export class CairnRequestError extends Error {
  override readonly name: string = 'CairnRequestError';
  readonly code: string = 'CAIRN_REQUEST';
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly server?: string,
    readonly status?: number,
    /** The server's answer body for HTTP errors (trimmed). */
    readonly body?: string,
  ) {
    super(message);
  }

  /** Worth trying again later or elsewhere: network trouble and 5xx, not the caller's mistakes. */
  get retryable(): boolean {
    return this.kind !== 'client-error';
  }
}

/** Why the server refused who the client is or what it may do. */
export type AuthRefusal =
  /** The login was refused: unknown user or wrong password (the server does not say which). */
  | 'wrong-credentials'
  /** Too many failed logins: the server waits `retryAfterMs` before it checks a password again. */
  | 'throttled'
  /** The server requires credentials and the client has none. */
  | 'credentials-required'
  /** The `accessToken` option was refused (expired or invalid) and there is no username and password to log in again. */
  | 'token-refused'
  /** The user is known but lacks the permission (read or write on the namespace or service). */
  | 'forbidden';

/**
 * The server refused the client's credentials (HTTP 401/403/429 or the gRPC equivalent). A `CairnRequestError` of
 * kind `client-error`, so it is never retried on another server; `reason` says what to fix. Its message never holds
 * the password or a token.
 */
export class CairnAuthError extends CairnRequestError {
  override readonly name = 'CairnAuthError';
  override readonly code = 'CAIRN_AUTH';
  constructor(
    message: string,
    readonly reason: AuthRefusal,
    server?: string,
    status?: number,
    body?: string,
    /** With `throttled`: how long the server asked to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message, 'client-error', server, status, body);
  }
}

/** The client was closed; pending calls reject with this. */
export class CairnClosedError extends Error {
  override readonly name = 'CairnClosedError';
  readonly code = 'CAIRN_CLOSED';
  constructor() {
    super('the client is closed');
  }
}

/** Maps a Node network error code to a failure kind. */
export function kindOfNetworkError(error: unknown): FailureKind {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME' || code === 'ENODATA') return 'dns';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return 'refused';
  if (code === 'ETIMEDOUT' || code === 'CAIRN_TIMEOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'UND_ERR_SOCKET') return 'reset';
  if (error instanceof CairnRequestError) return error.kind;
  return 'other';
}
