import { NotDurableError } from './not-durable-error.js';

interface Waiter {
  upTo: number;
  deadline: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Requests waiting for their change to become durable, shared by naming's and config's persistence. Requests wait
 * in the order they were answered, so both their change numbers and their deadlines only grow: the queue is
 * settled from its front, and one timer serves the earliest deadline.
 *
 * @example
 *   const waiters = new DurableWaiters(() => 'the store did not confirm the write in time');
 *   await waiters.wait(changeNo, durableCount, 5_000); // after each write: waiters.settle(durableCount)
 */
export class DurableWaiters {
  private queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private durableCount = 0;

  /** `reason` says why a change is not durable when a deadline passes (the last store error, if any). */
  constructor(private readonly reason: () => string) {}

  /** Resolves once change `upTo` is durable; rejects with NotDurableError after `timeoutMs`. */
  wait(upTo: number, timeoutMs: number): Promise<void> {
    if (upTo <= this.durableCount) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ upTo, deadline: Date.now() + timeoutMs, resolve, reject });
      this.arm();
    });
  }

  /** Every change up to `durableCount` is durable now. */
  settle(durableCount: number): void {
    this.durableCount = Math.max(this.durableCount, durableCount);
    const now = Date.now();
    let settled = 0;
    for (const waiter of this.queue) {
      if (waiter.upTo <= this.durableCount) waiter.resolve();
      else if (waiter.deadline <= now) waiter.reject(new NotDurableError(this.reason()));
      else break;
      settled++;
    }
    if (settled > 0) this.queue.splice(0, settled);
    this.arm();
  }

  /** Rejects every waiter (shutdown). */
  rejectAll(reason: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const waiter of this.queue) waiter.reject(new NotDurableError(reason));
    this.queue = [];
  }

  private arm(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.settle(this.durableCount);
      },
      Math.max(0, this.queue[0].deadline - Date.now()),
    );
    this.timer.unref();
  }
}
