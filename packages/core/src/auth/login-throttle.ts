/**
 * Failed logins, limited per user and per address, so guessing a password costs hours instead of seconds and one
 * address cannot spray many users. A pure step over a bounded table: the caller asks `check` before verifying a
 * password, records the outcome with `failed` or `succeeded`, and answers 429 with `retryAfterMs` when refused.
 *
 * The rule: each key (a username, an address) may fail `freeFailures` times; after that every further attempt waits
 * `baseDelayMs`, doubling per failure up to `maxDelayMs`. A success clears the user's key (not the address's: one
 * right password must not reset an address that guesses for many users). A key forgotten after `forgetAfterMs`
 * without failures; the table keeps at most `maxKeys` keys, dropping the stalest first.
 */
export interface LoginThrottleSettings {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  forgetAfterMs: number;
  maxKeys: number;
}

export const DEFAULT_LOGIN_THROTTLE: Readonly<LoginThrottleSettings> = Object.freeze({
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  maxKeys: 100_000,
});

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number; limitedBy: 'user' | 'address' };

interface Failures {
  count: number;
  last: number;
}

export class LoginThrottle {
  // Insertion order is staleness order: a key is re-inserted on each failure.
  private readonly keys = new Map<string, Failures>();

  constructor(private readonly settings: LoginThrottleSettings = DEFAULT_LOGIN_THROTTLE) {}

  /** Whether `username` from `address` may try a password at `now`. */
  check(username: string, address: string, now: number): ThrottleVerdict {
    const user = this.waitFor(`u:${username}`, now);
    const addr = this.waitFor(`a:${address}`, now);
    if (user === 0 && addr === 0) return { allowed: true };
    return user >= addr ? { allowed: false, retryAfterMs: user, limitedBy: 'user' } : { allowed: false, retryAfterMs: addr, limitedBy: 'address' };
  }

  failed(username: string, address: string, now: number): void {
    this.bump(`u:${username}`, now);
    this.bump(`a:${address}`, now);
  }

  succeeded(username: string): void {
    this.keys.delete(`u:${username}`);
  }

  /** Keys held (for the bound's test and metrics). */
  get size(): number {
    return this.keys.size;
  }

  private waitFor(key: string, now: number): number {
    const f = this.keys.get(key);
    if (!f) return 0;
    if (now - f.last >= this.settings.forgetAfterMs) {
      this.keys.delete(key);
      return 0;
    }
    const over = f.count - this.settings.freeFailures;
    if (over < 0) return 0;
    const delay = Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** Math.min(over, 30));
    return Math.max(0, f.last + delay - now);
  }

  private bump(key: string, now: number): void {
    const f = this.keys.get(key);
    const fresh = !f || now - f.last >= this.settings.forgetAfterMs;
    this.keys.delete(key);
    this.keys.set(key, { count: fresh ? 1 : f.count + 1, last: now });
    while (this.keys.size > this.settings.maxKeys) {
      const stalest = this.keys.keys().next().value as string;
      this.keys.delete(stalest);
    }
  }
}
