/** What core reads time from. The server passes the system clock; tests pass a FakeTime. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/**
 * One wake-up call for core's timer structure. Core asks to be woken at a time (replacing any earlier
 * request); the implementation calls `onFire` at or shortly after that time.
 */
export interface Alarm {
  set(at: number, onFire: () => void): void;
  cancel(): void;
}
