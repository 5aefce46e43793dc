/**
 * The pushes of changes, to the subscribers of the changed service. They go out in the next turn of the event loop,
 * so all the changes of one turn to one service (an expiry sweep that flips many of its instances, a batch) make one
 * push per subscriber, with the service as it is then; and at most `perTurn` a turn, so a service followed by
 * thousands never holds the request that changed it, or any other, for long. A change arriving for a service whose
 * pushes are already going out starts them over.
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
    const waiting = this.pending.get(key);
    if (waiting && waiting.next === 0) {
      // Not started yet: the pushes already planned carry this change too (each is built when it is sent).
      waiting.context = context;
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
