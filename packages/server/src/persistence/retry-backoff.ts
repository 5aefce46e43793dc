// A killed connection is usually back within a few milliseconds; a database that is down for minutes should not
// be hammered. Doubling from 50 ms reaches the 2 s cap after six failures.
const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 2_000;

/** Delays between retries of a failed storage write: doubling, capped, with ±20 % jitter so nodes do not align. */
export class RetryBackoff {
  private count = 0;

  constructor(private readonly random: () => number = Math.random) {}

  get failures(): number {
    return this.count;
  }

  /** Counts a failure and returns how long to wait before the next attempt. */
  next(): number {
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.count);
    this.count++;
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  reset(): void {
    this.count = 0;
  }
}
