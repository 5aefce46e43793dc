import type { Alarm, Clock } from './clock.js';

/**
 * A clock and alarm driven by hand, so lifecycle tests advance 15 s without sleeping.
 *
 * @example
 *   const time = new FakeTime(Date.UTC(2026, 0, 1));
 *   const registry = new Registry({ clock: time, alarm: time });
 *   time.advance(15_000); // fires every deadline due on the way, in order
 */
export class FakeTime implements Clock, Alarm {
  private current: number;
  private wakeAt: number | undefined;
  private onFire: (() => void) | undefined;

  constructor(start = Date.UTC(2026, 0, 1, 10, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  set(at: number, onFire: () => void): void {
    this.wakeAt = at;
    this.onFire = onFire;
  }

  cancel(): void {
    this.wakeAt = undefined;
    this.onFire = undefined;
  }

  /** Moves time forward, stopping at each requested wake-up on the way so deadlines fire at their time. */
  advance(ms: number): void {
    const target = this.current + ms;
    while (this.wakeAt !== undefined && this.wakeAt <= target) {
      const fire = this.onFire;
      this.current = Math.max(this.current, this.wakeAt);
      this.cancel();
      fire?.();
    }
    this.current = target;
  }
}
