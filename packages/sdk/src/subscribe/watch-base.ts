import type { ServiceCache } from '../cache/service-cache.js';
import type { ServiceKey } from '../transport/naming-transport.js';
import type { ServiceSnapshot } from '../types.js';
import type { ServiceSubscription } from './subscription.js';

/**
 * What every way of following a service shares: its subscribers, the cached list handed to each at once, and
 * `live` (the list is fresh from a server). Subclasses keep the list fresh: by polling, or by pushes.
 */
export abstract class WatchBase {
  readonly subscriptions = new Set<ServiceSubscription>();
  live = false;
  protected stopped = false;

  constructor(
    readonly key: ServiceKey,
    protected readonly cache: ServiceCache,
  ) {}

  /** Delivers the cached list (memory or disk) at once if there is one, then follows the server. */
  start(): void {
    void this.cache
      .load(this.key)
      .then((cached) => {
        if (cached && !this.stopped) this.offer(cached);
      })
      .catch(() => undefined)
      .finally(() => void this.follow());
  }

  add(s: ServiceSubscription): void {
    this.subscriptions.add(s);
    const known = this.cache.get(this.key);
    if (known) s.offer(known);
  }

  abstract stop(): void;

  protected abstract follow(): Promise<void>;

  protected offer(snapshot: ServiceSnapshot): void {
    for (const s of this.subscriptions) s.offer(snapshot);
  }
}
