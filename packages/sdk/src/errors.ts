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
  override readonly name = 'CairnRequestError';
  readonly code = 'CAIRN_REQUEST';
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
