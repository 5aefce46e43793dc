import * as crypto from 'node:crypto';
import type { TokenCheck } from './tokens.js';

// A digest as a 64-character hex string: one-shot SHA-256 (Node ≥ 20.12) into a string costs about a third of
// a Hash object and a Buffer per call, and this runs on every request that carries a username and password.
const sha256: (data: string) => string = typeof crypto.hash === 'function' ? (data) => crypto.hash('sha256', data, 'hex') : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** Whether two digests are equal, looking at every character (no early exit), so the time says nothing of where they differ. */
function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Verified username+password pairs, remembered so that clients which send raw credentials on every call (the npm
 * client does, beats included) cost one password hash per TTL instead of one per request. The cache keeps a
 * SHA-256 of the password with a per-process salt, never the password, and compares digests in constant time; an
 * entry is valid only for the user's token generation it was verified under, so a password change invalidates it
 * at once. Bounded: the oldest entry goes first. Failed checks are never cached (the login throttle counts them).
 */
export class CredentialCache {
  private readonly entries = new Map<string, { digest: string; generation: number; until: number }>();
  private readonly salt = crypto.randomBytes(32).toString('base64');

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** Whether this exact pair was verified for the user's current generation within the TTL. */
  verified(username: string, password: string, generation: number, now: number): boolean {
    const e = this.entries.get(username);
    if (!e || e.generation !== generation || e.until <= now) return false;
    return sameDigest(e.digest, this.digest(password));
  }

  remember(username: string, password: string, generation: number, now: number): void {
    this.entries.delete(username);
    this.entries.set(username, { digest: this.digest(password), generation, until: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  forget(username: string): void {
    this.entries.delete(username);
  }

  /** A key naming the pair without holding the password (to join concurrent checks of the same pair). */
  pairKey(username: string, password: string): string {
    return `${username}\u0000${this.digest(password)}`;
  }

  get size(): number {
    return this.entries.size;
  }

  private digest(password: string): string {
    return sha256(this.salt + password);
  }
}

type CheckedToken = Extract<TokenCheck, { ok: true }>;

/**
 * Tokens whose form and signature were checked, by their exact text, so that a client sending the same token on
 * every call pays one HMAC and two JSON parses per token instead of per call. Only a successful check is
 * remembered, the text that was checked is the key (any other text, a changed signature included, is checked in
 * full), and expiry is tested on every use; the caller still tests the signing key, the user and its token
 * generation each time. Unlike a password, a token is Cairn's own, expires and is revoked by a password change,
 * so it is kept as it came. Bounded: the oldest entry goes first.
 */
export class CheckedTokens {
  private readonly entries = new Map<string, CheckedToken>();

  constructor(private readonly maxEntries = 10_000) {}

  /** The remembered check of this token, unless it expired by `nowMs`. */
  get(token: string, nowMs: number): CheckedToken | undefined {
    const e = this.entries.get(token);
    if (e === undefined || e.claims.exp * 1000 > nowMs) return e;
    this.entries.delete(token);
    return undefined;
  }

  remember(token: string, check: CheckedToken): void {
    this.entries.set(token, check);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
