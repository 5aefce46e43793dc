import type { Alarm, Clock } from '@cairn/core';

// setTimeout overflows above 2^31-1 ms (about 24.8 days) and would fire at once; longer waits re-arm on the way.
const MAX_TIMER_MS = 2_147_000_000;

/** The real clock and a single timer, which core re-arms for its earliest deadline. */
export class SystemTime implements Clock, Alarm {
  private timer: NodeJS.Timeout | undefined;

  now(): number {
    return Date.now();
  }

  set(at: number, onFire: () => void): void {
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.max(0, at - Date.now());
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        if (Date.now() < at) this.set(at, onFire);
        else onFire();
      },
      Math.min(delay, MAX_TIMER_MS),
    );
    this.timer.unref();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
