/** The shape every domain event has: a `type` that subscribers select on. */
export interface TypedEvent {
  readonly type: string;
}

export type Unsubscribe = () => void;

/** The side of the bus that core's commands see: they publish, they never look at who listens. */
export interface EventPublisher<E> {
  publish(event: E): void;
}

type Handler<E> = (event: E) => void;

/**
 * The domain event bus: core publishes what changed, and everything that follows from a change (journal,
 * persistence, push, probes, metrics, later the cluster change log) subscribes. Delivery is synchronous and in
 * subscription order, so a subscriber sees the state the event describes. A subscriber that throws does not
 * stop the others.
 *
 * @example
 *   const bus = new EventBus<CairnEvent>();
 *   const stop = bus.on('instance', (e) => console.log(e.cause, e.ip));
 *   stop(); // unsubscribes
 */
export class EventBus<E extends TypedEvent> implements EventPublisher<E> {
  // Lists are replaced, never changed in place: a handler that unsubscribes during delivery skips nobody.
  private readonly byType = new Map<string, readonly Handler<E>[]>();

  /**
   * `onError` hears of a subscriber that threw (the server logs it). Without one, the first error is rethrown once
   * every subscriber has had the event, so a test sees it.
   */
  constructor(private readonly onError?: (error: unknown, event: E) => void) {}

  /** Subscribes to one type of event; returns the function that unsubscribes. */
  on<T extends E['type']>(type: T, handler: Handler<Extract<E, { type: T }>>): Unsubscribe {
    return this.add(type, handler as Handler<E>);
  }

  /** Subscribes to every event; returns the function that unsubscribes. */
  onAny(handler: Handler<E>): Unsubscribe {
    return this.add(ANY, handler);
  }

  publish(event: E): void {
    let failure: { error: unknown } | undefined;
    for (const list of [this.byType.get(event.type), this.byType.get(ANY)]) {
      if (!list) continue;
      for (const handler of list) {
        try {
          handler(event);
        } catch (error) {
          if (this.onError) this.onError(error, event);
          else failure ??= { error };
        }
      }
    }
    if (failure) throw failure.error;
  }

  /** How many handlers listen to a type (including `onAny` ones): lets a test prove an unsubscribe. */
  listenerCount(type: E['type']): number {
    return (this.byType.get(type)?.length ?? 0) + (this.byType.get(ANY)?.length ?? 0);
  }

  private add(key: string, handler: Handler<E>): Unsubscribe {
    this.byType.set(key, [...(this.byType.get(key) ?? []), handler]);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const rest = [...(this.byType.get(key) ?? [])];
      rest.splice(rest.indexOf(handler), 1);
      if (rest.length > 0) this.byType.set(key, rest);
      else this.byType.delete(key);
    };
  }
}

// Not a valid event type (types are identifiers), so it cannot collide with one.
const ANY = '*';
