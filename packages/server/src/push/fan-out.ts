/**
 * The pushes of one change, to the subscribers of its service: a few hundred go out at once, more go out
 * `perTurn` at a time over the next turns of the event loop, so a service followed by thousands never holds the
 * request that changed it, or any other, for long. A change arriving for a service whose earlier change is still
 * going out starts over (each push carries the service as it is when built).
 *
 * @example
 *   const fanOuts = new FanOuts<Subscriber, undefined>(500, (key, sub) => push(sub));
 *   fanOuts.start(service.key, subscribersOf(service), undefined);
 */
export class FanOuts<T, C> {
  private readonly pending = new Map<string, { items: T[]; next: number; context: C }>();
  private scheduled = false;

  constructor(
    private readonly perTurn: number,
    private readonly deliver: (key: string, item: T, context: C) => void,
    /** False while pushing is off: what is pending is dropped. */
    private readonly active: () => boolean = () => true,
  ) {}

  start(key: string, items: ReadonlyMap<unknown, T>, context: C): void {
    if (items.size <= this.perTurn && !this.pending.has(key)) {
      for (const item of items.values()) this.deliver(key, item, context);
      return;
    }
    this.pending.set(key, { items: [...items.values()], next: 0, context });
    this.schedule();
  }

  clear(): void {
    this.pending.clear();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.turn();
    });
  }

  private turn(): void {
    if (!this.active()) {
      this.pending.clear();
      return;
    }
    let budget = this.perTurn;
    for (const [key, job] of this.pending) {
      while (budget > 0 && job.next < job.items.length) {
        this.deliver(key, job.items[job.next++], job.context);
        budget--;
      }
      if (job.next >= job.items.length) this.pending.delete(key);
      if (budget === 0) break;
    }
    if (this.pending.size > 0) this.schedule();
  }
}
