import { type Action, type AuthActor, type AuthDirectory, type CairnEventBus, type Decision, LoginThrottle, type Resource, type StoredUser, type Unsubscribe } from '@cairn/core';
import { CheckedTokens, CredentialCache } from './credential-cache.js';
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
  /**
   * Cluster mode: reads the stored signing keys again, for a token whose key this node has not learnt yet (another
   * node rotated a moment ago). At most once a second, so tokens with made-up key ids cost the database nothing more.
   */
  readonly rereadSigningKeys?: () => Promise<void>;
  readonly now: () => number;
  readonly throttle?: LoginThrottle;
}

const WRONG_CREDENTIALS = 'user not found!';
const KEY_REREAD_EVERY_MS = 1_000;
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
 * tokens (signature, key, expiry, and the user's current token generation, so a password change revokes; a checked
 * token's signature is remembered), raw credentials (remembered once verified, so a beat does not cost a password
 * hash; concurrent checks of the same pair share one hash), and permission decisions from the auth directory. Transport-free: HTTP and gRPC both call it. Refusals are journaled through the directory.
 *
 * @example
 *   const login = await authenticator.login('nacos', password, actor);
 *   const who = await authenticator.verify({ token: login.ok ? login.token : '' }, actor);
 */
export class Authenticator {
  private readonly cache: CredentialCache;
  private readonly tokens = new CheckedTokens();
  // The signing keys as last read, for verifyRemembered (which cannot wait for them).
  private keys: SigningKeys | undefined;
  // Password checks in flight, by pairKey: when a remembered pair expires, the calls carrying it meanwhile wait for
  // one check instead of each paying a password hash.
  private readonly checking = new Map<string, Promise<Verified>>();
  private readonly throttle: LoginThrottle;
  // A hash to verify against when the user is unknown, so that answering takes as long as for a wrong password.
  private readonly decoy = hashPassword('cairn-decoy-password');
  // Throttle keys journaled in their current wait, so a flood of refused attempts is one journal event.
  private readonly throttledJournaled = new Map<string, number>();

  private keysRereadAt = Number.NEGATIVE_INFINITY;

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
    const { username, password } = credentials;
    if (username !== undefined && password !== undefined) {
      const remembered = this.verifyRemembered(credentials);
      if (remembered !== undefined) return remembered;
      const key = this.cache.pairKey(username, password);
      let check = this.checking.get(key);
      if (check === undefined) {
        check = this.checkAndRemember(username, password, actor).finally(() => this.checking.delete(key));
        this.checking.set(key, check);
      }
      return check;
    }
    return refuse('no-credentials', 'user not found! (no credentials: log in at POST /v1/auth/login and send the accessToken, or send username and password)');
  }

  /**
   * The answer for credentials verified before, at once: a remembered username+password pair, or a remembered token
   * signed by a known key, each for the user's current generation, the user enabled. Undefined when `verify` must run
   * (which answers every refusal, and journals it).
   */
  verifyRemembered(credentials: Credentials): Verified | undefined {
    const { token, username, password } = credentials;
    const now = this.deps.now();
    if (token !== undefined && token !== '') {
      const check = this.tokens.get(token, now);
      if (check === undefined || this.keys?.byKid.has(check.kid) !== true) return undefined;
      const user = this.deps.directory.user(check.claims.sub);
      return user?.enabled && user.tokenGeneration === check.claims.gen ? { ok: true, identity: this.identityOf(user) } : undefined;
    }
    if (username === undefined || password === undefined) return undefined;
    const user = this.deps.directory.user(username.slice(0, 64));
    return user?.enabled && this.cache.verified(user.username, password, user.tokenGeneration, now) ? { ok: true, identity: this.identityOf(user) } : undefined;
  }

  /** Whether the identity may take `action` on `resource` (an admin always may; a disabled user never). */
  decide(identity: Identity, resource: Resource, action: Action): Decision {
    return this.deps.directory.decide(identity.username, resource, action);
  }

  /** Forgets remembered credentials of a user (its password changed or it was deleted). */
  forget(username: string): void {
    this.cache.forget(username);
  }

  /**
   * In a cluster: forgets the remembered credentials of every user another node changed the password of, disabled
   * or deleted (the directory announces those `replicated`), as the routes do for a change made here. The cache
   * also compares the user's token generation, but a user deleted and made again starts at the same generation.
   */
  followReplicatedChanges(events: CairnEventBus): Unsubscribe {
    return events.on('auth', (e) => {
      if (e.replicated && (e.cause === 'USER_PASSWORD_CHANGED' || e.cause === 'USER_DISABLED' || e.cause === 'USER_DELETED')) this.forget(e.username);
    });
  }

  private async checkAndRemember(username: string, password: string, actor: AuthActor): Promise<Verified> {
    const checked = await this.checkPassword(username, password, actor);
    if (!checked.ok) return checked;
    this.cache.remember(checked.user.username, password, checked.user.tokenGeneration, this.deps.now());
    return { ok: true, identity: this.identityOf(checked.user) };
  }

  private async verifyToken(token: string): Promise<Verified> {
    let keys = await this.deps.signingKeys();
    this.keys = keys;
    const now = this.deps.now();
    let check: ReturnType<typeof checkToken> | undefined = this.tokens.get(token, now);
    if (check === undefined || !keys.byKid.has(check.kid)) {
      check = checkToken(token, keys.byKid, now);
      if (!check.ok && check.failure === 'unknown-key' && (await this.rereadKeys(now))) {
        keys = await this.deps.signingKeys();
        this.keys = keys;
        check = checkToken(token, keys.byKid, now);
      }
      if (!check.ok) return refuse(check.failure, TOKEN_TEXT[check.failure]);
      this.tokens.remember(token, check);
    }
    const user = this.deps.directory.user(check.claims.sub);
    if (!user) return refuse('unknown-user', WRONG_CREDENTIALS);
    if (!user.enabled) return refuse('disabled', `user '${user.username}' is disabled`);
    if (user.tokenGeneration !== check.claims.gen) return refuse('token-revoked', TOKEN_TEXT['token-revoked']);
    return { ok: true, identity: this.identityOf(user) };
  }

  /** Re-reads the stored signing keys unless that was done within the last second; true when it was done now. */
  private async rereadKeys(now: number): Promise<boolean> {
    if (!this.deps.rereadSigningKeys || now - this.keysRereadAt < KEY_REREAD_EVERY_MS) return false;
    this.keysRereadAt = now;
    try {
      await this.deps.rereadSigningKeys();
      return true;
    } catch {
      return false; // the database is away: the token is refused as before, and the next one may try again
    }
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
