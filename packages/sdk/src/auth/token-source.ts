import type { ServerAddress } from '../address.js';
import { CairnAuthError, CairnRequestError, kindOfNetworkError } from '../errors.js';
import { httpRequest } from '../transport/http-request.js';
import type { ClientClock, ClientLogger, LookupFunction } from '../types.js';

/** What the token source needs of the client's options. */
export interface AuthSettings {
  readonly credentials?: { readonly username: string; readonly password: string };
  readonly accessToken?: string;
  readonly contextPath: string;
  readonly requestTimeoutMs: number;
  readonly lookup: LookupFunction;
  readonly clock: ClientClock;
  readonly logger: ClientLogger;
}

/** What a request carries to say who sends it: `accessToken`, raw `username`/`password`, or nothing. */
export type SentCredentials = Record<string, string>;

/** Nacos's words for a token the server no longer takes: the client logs in again and retries once. */
const STALE_TOKEN = /token expired|token invalid|invalid signature|unsupported signature/i;
/** A refused login is not tried again for this long (unless the server says how long to wait): no login storm from beats. */
const REFUSED_LOGIN_HOLD_MS = 30_000;
/** A server without a login API (404) is asked again after this long. */
const NO_LOGIN_API_RECHECK_MS = 10 * 60_000;
/** The token Nacos and Cairn answer a login with when authentication is off. */
const AUTH_DISABLED = 'AUTH_DISABLED';

interface Held {
  /** Undefined: the server has no login API; raw username and password are sent instead. */
  readonly token: string | undefined;
  /** Log in again from this time on (Nacos clients: at tokenTtl − tokenTtl/10). */
  readonly refreshAt: number;
  /** The server stops taking the token at this time; until then a failed refresh keeps using it. */
  readonly expiresAt: number;
}

/** Whether a refusal (HTTP status or gRPC error code, and the server's text) says the token expired or is invalid. */
export function isStaleToken(status: number | undefined, text: string | undefined): boolean {
  return (status === 401 || status === 403) && STALE_TOKEN.test(text ?? '');
}

/**
 * A request the server refused with 401/403 (HTTP status or gRPC errorCode), as the error that says what to fix:
 * no credentials sent, a wrong username or password (raw credentials), or a user without the permission.
 */
export function authRefusal(what: string, server: string, status: number, text: string, carried: boolean, username: string | undefined): CairnAuthError {
  if (!carried) return new CairnAuthError(`${what}; the server requires credentials: set the username and password options`, 'credentials-required', server, status, text);
  if (/user not found/i.test(text)) return new CairnAuthError(`${what}; wrong username or password: check the username and password options`, 'wrong-credentials', server, status, text);
  const user = username === undefined ? 'the accessToken' : `user '${username}'`;
  return new CairnAuthError(`${what}; ${user} lacks the permission: ask an administrator to grant it`, 'forbidden', server, status, text);
}

/**
 * The client's access token: logs in (`POST <contextPath>/v1/auth/login`) at the first request that needs it, on
 * the server that request goes to; logs in again before the token expires (at tokenTtl − tokenTtl/10, as Nacos
 * clients do) and when a server refuses it as expired or invalid. Concurrent requests share one login. A refused
 * login becomes a `CairnAuthError` and is not tried again for 30 s (or the server's Retry-After), so a client with
 * a wrong password never hammers the server. A server with authentication off answers `AUTH_DISABLED`: nothing is
 * sent then. Neither the password nor a token ever goes into a log line or an error message.
 */
export class TokenSource {
  private held: Held | undefined;
  private pending: Promise<Held> | undefined;
  private refusedUntil: { error: CairnAuthError; until: number } | undefined;

  constructor(private readonly o: AuthSettings) {
    if (o.accessToken !== undefined) this.held = { token: o.accessToken, refreshAt: Number.POSITIVE_INFINITY, expiresAt: Number.POSITIVE_INFINITY };
  }

  /** The credentials a request to `server` carries now; logs in first when needed. */
  async credentialsFor(server: ServerAddress): Promise<SentCredentials> {
    const c = this.o.credentials;
    if (c === undefined && this.o.accessToken === undefined) return {};
    const held = await this.current(server);
    if (held.token === undefined) return c ? { username: c.username, password: c.password } : {};
    return held.token === AUTH_DISABLED ? {} : { accessToken: held.token };
  }

  /**
   * A server refused `token` as expired or invalid: it is forgotten, so the next request logs in again. Answers the
   * error to fail with when there is nothing to log in with (only an `accessToken` was given), else undefined.
   */
  refused(token: string, server: string, status: number | undefined, text: string): CairnAuthError | undefined {
    if (this.held?.token === token) this.held = undefined;
    if (this.o.credentials !== undefined) return undefined;
    return new CairnAuthError(`server '${server}' refused the accessToken option (${this.scrub(text)}); give a fresh token, or username and password so the client can log in`, 'token-refused', server, status, this.scrub(text));
  }

  /** The username the client logs in with, if any (for error messages). */
  get username(): string | undefined {
    return this.o.credentials?.username;
  }

  /** Removes the password and the token from a server's text before it goes into an error. */
  scrub(text: string): string {
    let out = text.trim().slice(0, 300);
    for (const secret of [this.o.credentials?.password, this.held?.token, this.o.accessToken]) {
      if (secret && secret.length >= 4) out = out.split(secret).join('***');
    }
    return out;
  }

  private async current(server: ServerAddress): Promise<Held> {
    const now = this.o.clock.now();
    const held = this.held;
    if (held && now < held.refreshAt) return held;
    if (this.o.credentials === undefined) {
      if (held) return held;
      throw new CairnAuthError('the accessToken was refused and the client has no username and password to log in again', 'token-refused');
    }
    if (this.refusedUntil && now < this.refusedUntil.until) throw this.refusedUntil.error;
    this.pending ??= this.login(server).finally(() => {
      this.pending = undefined;
    });
    try {
      return await this.pending;
    } catch (error) {
      // A refresh that could not reach a server keeps the token it has while the token lasts.
      if (held && !(error instanceof CairnAuthError) && this.o.clock.now() < held.expiresAt) return held;
      throw error;
    }
  }

  private async login(server: ServerAddress): Promise<Held> {
    const { username, password } = this.o.credentials!;
    const path = `${server.path ?? this.o.contextPath}/v1/auth/login`;
    const started = this.o.clock.now();
    let answer: Awaited<ReturnType<typeof httpRequest>>;
    try {
      answer = await httpRequest(server, { method: 'POST', path, params: {}, form: { username, password } }, this.o.requestTimeoutMs, this.o.lookup);
    } catch (error) {
      throw new CairnRequestError(`login on ${server.label} failed: ${this.scrub((error as Error).message)}`, kindOfNetworkError(error), server.label);
    }
    const body = this.scrub(answer.body);
    if (answer.status === 404) {
      // A server without a login API (older Nacos, or Cairn before authentication): send the raw credentials.
      return this.keep({ token: undefined, refreshAt: started + NO_LOGIN_API_RECHECK_MS, expiresAt: Number.POSITIVE_INFINITY });
    }
    if (answer.status === 401 || answer.status === 403 || answer.status === 429) throw this.loginRefused(server, username, answer.status, body, answer.headers['retry-after']);
    if (answer.status !== 200) {
      const kind = answer.status >= 500 ? 'server-error' : 'client-error';
      throw new CairnRequestError(`login on ${server.label} answered HTTP ${answer.status}: ${body}`, kind, server.label, answer.status, body);
    }
    let json: { accessToken?: unknown; tokenTtl?: unknown };
    try {
      json = JSON.parse(answer.body) as typeof json;
    } catch {
      json = {};
    }
    if (typeof json.accessToken !== 'string' || json.accessToken === '') {
      throw new CairnRequestError(`login on ${server.label} answered no accessToken`, 'bad-answer', server.label, answer.status);
    }
    const ttlMs = Math.max(1, Number(json.tokenTtl) || 18_000) * 1000;
    this.refusedUntil = undefined;
    if (json.accessToken !== AUTH_DISABLED) this.o.logger.debug?.(`logged in on ${server.label}; token valid for ${ttlMs / 1000} s`);
    return this.keep({ token: json.accessToken, refreshAt: started + ttlMs - ttlMs / 10, expiresAt: started + ttlMs });
  }

  private keep(held: Held): Held {
    this.held = held;
    return held;
  }

  private loginRefused(server: ServerAddress, username: string, status: number, body: string, retryAfter: string | undefined): CairnAuthError {
    const now = this.o.clock.now();
    let error: CairnAuthError;
    if (status === 429) {
      const retryAfterMs = Math.max(1, Number(retryAfter) || 30) * 1000;
      error = new CairnAuthError(`server '${server.label}' refused the login of user '${username}': too many failed logins, try again in ${retryAfterMs / 1000} s (HTTP 429: ${body})`, 'throttled', server.label, status, body, retryAfterMs);
      this.refusedUntil = { error, until: now + retryAfterMs };
    } else {
      error = new CairnAuthError(
        `server '${server.label}' refused the login of user '${username}': wrong username or password (HTTP ${status}: ${body}); check the username and password options`,
        'wrong-credentials',
        server.label,
        status,
        body,
      );
      this.refusedUntil = { error, until: now + REFUSED_LOGIN_HOLD_MS };
    }
    return error;
  }
}
