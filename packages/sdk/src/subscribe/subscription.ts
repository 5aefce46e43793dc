import { diffInstances, isEmptyDiff } from '../cache/diff.js';
import type { ChangeListener, ClientLogger, ServiceChange, ServiceSnapshot, Subscription } from '../types.js';

/**
 * One subscriber of a service: a listener, or an async iterator. Each computes its delta against what it last
 * delivered, so a slow iterator gets one coalesced change (the newest list, the net delta) instead of a backlog.
 */
export class ServiceSubscription implements Subscription {
  private delivered: ServiceSnapshot | undefined;
  private pending: ServiceSnapshot | undefined;
  private waiter: ((r: IteratorResult<ServiceChange>) => void) | undefined;
  private ended = false;

  constructor(
    readonly service: string,
    readonly group: string,
    readonly clusters: string,
    readonly listener: ChangeListener | undefined,
    private readonly onEnd: (s: ServiceSubscription) => void,
    private readonly logger: ClientLogger,
  ) {}

  current(): ServiceSnapshot | undefined {
    return this.pending ?? this.delivered;
  }

  /** A new list for the service; delivered when it differs from the last one this subscriber saw. */
  offer(snapshot: ServiceSnapshot): void {
    if (this.ended) return;
    if (this.listener) {
      const change = this.changeTo(snapshot);
      if (!change) return;
      try {
        this.listener(change);
      } catch (error) {
        // A throwing listener must not stop the poller that called it, nor the other subscribers.
        this.logger.error?.(`subscriber of ${this.group}@@${this.service} threw: ${(error as Error).message}`);
      }
      return;
    }
    this.pending = snapshot;
    this.wake();
  }

  unsubscribe(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = undefined;
    this.wake();
    this.onEnd(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<ServiceChange> {
    return {
      next: () =>
        new Promise<IteratorResult<ServiceChange>>((resolve) => {
          if (this.waiter) throw new Error('one consumer at a time: subscribe again for a second iterator');
          this.waiter = resolve;
          this.wake();
        }),
      return: async () => {
        this.unsubscribe();
        return { done: true, value: undefined };
      },
    };
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    if (this.ended) {
      this.waiter = undefined;
      waiter({ done: true, value: undefined });
      return;
    }
    if (!this.pending) return;
    const change = this.changeTo(this.pending);
    this.pending = undefined;
    if (!change) return;
    this.waiter = undefined;
    waiter({ done: false, value: change });
  }

  private changeTo(snapshot: ServiceSnapshot): ServiceChange | undefined {
    const before = this.delivered;
    const diff = diffInstances(before?.instances ?? [], snapshot.instances);
    const same = before !== undefined && isEmptyDiff(diff) && before.reachProtectionThreshold === snapshot.reachProtectionThreshold;
    this.delivered = snapshot;
    return same ? undefined : { ...snapshot, ...diff };
  }
}
