import { type Action, type AuthActor, type AuthDirectory, type Decision, LoginThrottle, type Resource, type StoredUser } from '@cairn/core';
import { CredentialCache } from './credential-cache.js';
import { hashPassword, MAX_PASSWORD_BYTES, verifyPassword } from './passwords.js';
import type { SigningKeys } from './signing-keys.js';
import { checkToken, signToken, type TokenFailure } from './tokens.js';

/** Who a request is, once its credentials were verified. */
export interface Identity {
  readonly username: string;
  /** Holds ROLE_ADMIN: every check passes. */
  readonly admin: boolean;
}

/** What a request carried: a token, or a username and password (the npm client sends both on every call). */
export interface Credentials {
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
}

/**
 * Why a request or a login was refused. `status` is what the wire answers (403 as Nacos, 429 when throttled);
 * `message` never repeats a password or token. Unknown user and wrong password answer alike (Nacos's text).
 */
export interface Refusal {
  readonly status: 403 | 429;
  readonly message: string;
  readonly reason: 'no-credentials' | TokenFailure | 'token-revoked' | 'unknown-user' | 'bad-password' | 'disabled' | 'throttled' | 'forbidden';
  readonly retryAfterMs?: number;
}

export type Verified = { ok: true; identity: Identity } | { ok: false; refusal: Refusal };
export type LoginResult = { ok: true; identity: Identity; token: string; ttlSeconds: number } | { ok: false; refusal: Refusal };

export interface AuthenticatorSettings {
  /** Token lifetime (Nacos: 18,000 s). */
  readonly tokenTtlSeconds: number;
  /** How long a verified username+password pair is remembered (raw credentials on every beat). */
  readonly credentialCacheMs: number;
}

interface Deps {
  readonly directory: AuthDirectory;
  readonly signingKeys: () => Promise<SigningKeys>;
  readonly now: () => number;
  readonly throttle?: LoginThrottle;
}

const WRONG_CREDENTIALS = 'user not found!';
const TOKEN_TEXT: Record<TokenFailure | 'token-revoked', string> = {
  malformed: 'token invalid! (it is not a well-formed token)',
  'unsupported-algorithm': 'token invalid! (unsupported signature algorithm: only HS256 is accepted)',
  'unknown-key': 'token invalid! (no signing key of this server has its key id)',
  'bad-signature': 'token invalid! (Invalid signature)',
  expired: 'token expired!',
  'token-revoked': 'token invalid! (it was issued before the password was changed; log in again)',
};

/**
 * Verifies who a caller is and what it may do: logins (password checked with the login throttle, a token signed),
 * tokens (signature, key, expiry, and the user's current token generation, so a password change revokes), raw
 * credentials (remembered once verified, so a beat does not cost a password hash), and permission decisions from
 * the auth directory. Transport-free: HTTP and gRPC both call it. Refusals are journaled through the directory.
 *
 * @example
 *   const login = await authenticator.login('nacos', password, actor);
 *   const who = await authenticator.verify({ token: login.ok ? login.token : '' }, actor);
 */
export class Authenticator {
  private readonly cache: CredentialCache;
  private readonly throttle: LoginThrottle;
  // A hash to verify against when the user is unknown, so that answering takes as long as for a wrong password.
  private readonly decoy = hashPassword('cairn-decoy-password');
  // Throttle keys journaled in their current wait, so a flood of refused attempts is one journal event.
  private readonly throttledJournaled = new Map<string, number>();

  constructor(
    private readonly deps: Deps,
    private readonly settings: AuthenticatorSettings,
  ) {
    this.cache = new CredentialCache(settings.credentialCacheMs);
    this.throttle = deps.throttle ?? new LoginThrottle();
  }

  /** Checks a username and password (throttled) and issues a token. */
  async login(username: string, password: string, actor: AuthActor): Promise<LoginResult> {
    const checked = await this.checkPassword(username, password, actor);
    if (!checked.ok) return checked;
    const user = checked.user;
    const keys = await this.deps.signingKeys();
    const nowS = Math.floor(this.deps.now() / 1000);
    const token = signToken({ sub: user.username, iat: nowS, exp: nowS + this.settings.tokenTtlSeconds, gen: user.tokenGeneration }, keys.current);
    return { ok: true, identity: this.identityOf(user), token, ttlSeconds: this.settings.tokenTtlSeconds };
  }

  /**
   * Who the credentials name: a token wins over a username+password pair. Refuses missing, malformed, expired,
   * revoked or wrongly signed tokens, unknown or disabled users and wrong passwords.
   */
  async verify(credentials: Credentials, actor: AuthActor): Promise<Verified> {
    if (credentials.token !== undefined && credentials.token !== '') return this.verifyToken(credentials.token);
    if (credentials.username !== undefined && credentials.password !== undefined) {
      const user = this.deps.directory.user(credentials.username.slice(0, 64));
      if (user?.enabled && this.cache.verified(user.username, credentials.password, user.tokenGeneration, this.deps.now())) {
        return { ok: true, identity: this.identityOf(user) };
      }
      const checked = await this.checkPassword(credentials.username, credentials.password, actor);
      if (!checked.ok) return checked;
      this.cache.remember(checked.user.username, credentials.password, checked.user.tokenGeneration, this.deps.now());
      return { ok: true, identity: this.identityOf(checked.user) };
    }
    return refuse('no-credentials', 'user not found! (no credentials: log in at POST /v1/auth/login and send the accessToken, or send username and password)');
  }

  /** Whether the identity may take `action` on `resource` (an admin always may; a disabled user never). */
  decide(identity: Identity, resource: Resource, action: Action): Decision {
    return this.deps.directory.decide(identity.username, resource, action);
  }

  /** Forgets remembered credentials of a user (its password changed or it was deleted). */
  forget(username: string): void {
    this.cache.forget(username);
  }

  private async verifyToken(token: string): Promise<Verified> {
    const keys = await this.deps.signingKeys();
    const check = checkToken(token, keys.byKid, this.deps.now());
    if (!check.ok) return refuse(check.failure, TOKEN_TEXT[check.failure]);
    const user = this.deps.directory.user(check.claims.sub);
    if (!user) return refuse('unknown-user', WRONG_CREDENTIALS);
    if (!user.enabled) return refuse('disabled', `user '${user.username}' is disabled`);
    if (user.tokenGeneration !== check.claims.gen) return refuse('token-revoked', TOKEN_TEXT['token-revoked']);
    return { ok: true, identity: this.identityOf(user) };
  }

  private async checkPassword(username: string, password: string, actor: AuthActor): Promise<{ ok: true; user: StoredUser } | { ok: false; refusal: Refusal }> {
    const now = this.deps.now();
    const verdict = this.throttle.check(username, actor.sourceIp, now);
    if (!verdict.allowed) {
      this.journalThrottled(username, actor, verdict.retryAfterMs, verdict.limitedBy, now);
      const seconds = Math.ceil(verdict.retryAfterMs / 1000);
      return {
        ok: false,
        refusal: { status: 429, reason: 'throttled', retryAfterMs: verdict.retryAfterMs, message: `too many failed logins for this ${verdict.limitedBy}; try again in ${seconds} s` },
      };
    }
    const user = username.length <= 64 ? this.deps.directory.user(username) : undefined;
    const tooLong = Buffer.byteLength(password) > MAX_PASSWORD_BYTES;
    const matches = !tooLong && (await verifyPassword(password, user ? user.passwordHash : await this.decoy));
    if (!user || !matches || !user.enabled) {
      const reason = !user ? 'unknown-user' : !matches ? 'bad-password' : 'disabled';
      this.throttle.failed(username, actor.sourceIp, this.deps.now());
      this.deps.directory.loginRefused({ username, reason }, actor);
      return reason === 'disabled' ? refuse('disabled', `user '${username}' is disabled`) : refuse(reason, WRONG_CREDENTIALS);
    }
    this.throttle.succeeded(username);
    return { ok: true, user };
  }

  private journalThrottled(username: string, actor: AuthActor, retryAfterMs: number, limitedBy: 'user' | 'address', now: number): void {
    const key = limitedBy === 'user' ? `u:${username}` : `a:${actor.sourceIp}`;
    const until = this.throttledJournaled.get(key);
    if (until !== undefined && until > now) return;
    this.throttledJournaled.delete(key);
    this.throttledJournaled.set(key, now + retryAfterMs);
    if (this.throttledJournaled.size > 10_000) this.throttledJournaled.delete(this.throttledJournaled.keys().next().value as string);
    this.deps.directory.loginRefused({ username, reason: 'throttled', retryAfterMs, limitedBy }, actor);
  }

  private identityOf(user: StoredUser): Identity {
    return { username: user.username, admin: this.deps.directory.isAdmin(user.username) };
  }
}

function refuse(reason: Refusal['reason'], message: string): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { status: 403, reason, message } };
}
