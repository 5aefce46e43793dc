import { createHash } from 'node:crypto';

/**
 * Verified username+password pairs, remembered so that clients which send raw credentials on every call (the npm
 * client does, beats included) cost one password hash per TTL instead of one per request. The cache keeps a
 * SHA-256 of the password with a per-process salt, never the password; an entry is valid only for the user's
 * token generation it was verified under, so a password change invalidates it at once. Bounded: the oldest entry
 * goes first. Failed checks are never cached (the login throttle counts them).
 */
export class CredentialCache {
  private readonly entries = new Map<string, { digest: Buffer; generation: number; until: number }>();
  private readonly salt = createHash('sha256').update(`${process.pid}:${Date.now()}:${Math.random()}`).digest();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** Whether this exact pair was verified for the user's current generation within the TTL. */
  verified(username: string, password: string, generation: number, now: number): boolean {
    const e = this.entries.get(username);
    if (!e || e.generation !== generation || e.until <= now) return false;
    return e.digest.equals(this.digest(password));
  }

  remember(username: string, password: string, generation: number, now: number): void {
    this.entries.delete(username);
    this.entries.set(username, { digest: this.digest(password), generation, until: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  forget(username: string): void {
    this.entries.delete(username);
  }

  get size(): number {
    return this.entries.size;
  }

  private digest(password: string): Buffer {
    return createHash('sha256').update(this.salt).update(password).digest();
  }
}
