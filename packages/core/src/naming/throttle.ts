/**
 * Lets one event per key through per period: a client that keeps sending the same failing request (a beat
 * for an unknown instance every 5 s) leaves one journal entry a minute, not thousands.
 */
export class Throttle {
  private readonly lastByKey = new Map<string, number>();

  constructor(
    private readonly periodMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** True when `key` has not been let through within the period before `now`; records it if so. */
  allow(key: string, now: number): boolean {
    const last = this.lastByKey.get(key);
    if (last !== undefined && now - last < this.periodMs) return false;
    this.lastByKey.delete(key);
    this.lastByKey.set(key, now);
    for (const [k, at] of this.lastByKey) {
      if (now - at < this.periodMs && this.lastByKey.size <= this.maxKeys) break;
      this.lastByKey.delete(k);
    }
    return true;
  }
}
