import type { ServiceCache } from '../cache/service-cache.js';
import { kindOfNetworkError } from '../errors.js';
import type { FailureLog } from '../failure-log.js';
import type { ConnectedTransport, ListAnswer, ServiceKey } from '../transport/naming-transport.js';
import type { ClientStats } from '../types.js';
import { WatchBase } from './watch-base.js';

/**
 * Keeps one service's list fresh over a connection with pushes (gRPC): subscribes once, then applies every
 * NotifySubscriberRequest the server sends. The transport subscribes again after each reconnect and hands over the
 * fresh list, which reconciles the cache. No polling; while the connection is down the cached list is served.
 */
export class PushWatch extends WatchBase {
  constructor(
    key: ServiceKey,
    private readonly transport: ConnectedTransport,
    cache: ServiceCache,
    private readonly stats: ClientStats,
    private readonly failureLog: FailureLog,
  ) {
    super(key, cache);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.transport.unsubscribe(this.key);
  }

  /** Subscribes; `live` says whether the connection is up and the list is what the server last sent. */
  protected async follow(): Promise<void> {
    if (this.stopped) return;
    const listener = {
      answer: (answer: ListAnswer) => {
        if (this.stopped) return;
        this.stats.pushesReceived++;
        this.received(answer);
      },
      lost: () => {
        this.live = false;
      },
    };
    try {
      const answer = await this.transport.subscribe(this.key, listener);
      if (!this.stopped) this.received(answer);
    } catch (error) {
      // The transport remembers the subscription: the next connection subscribes it and hands over the list.
      this.live = false;
      this.failureLog.failed(kindOfNetworkError(error), error, { service: this.key.service, group: this.key.group });
    }
  }

  private received(answer: ListAnswer): void {
    this.live = true;
    this.failureLog.succeeded({ service: this.key.service });
    this.offer(this.cache.accept(this.key, answer).snapshot);
  }
}
