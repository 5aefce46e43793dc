import type { Alarm, Clock } from '@cairn/core';

/** The real clock and a single timer, which core re-arms for its earliest deadline. */
export class SystemTime implements Clock, Alarm {
  private timer: NodeJS.Timeout | undefined;

  now(): number {
    return Date.now();
  }

  set(at: number, onFire: () => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      onFire();
    }, Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
