import type { ServiceCache } from '../cache/service-cache.js';
import { kindOfNetworkError } from '../errors.js';
import type { FailureLog } from '../failure-log.js';
import type { ListAnswer, NamingCalls, PushAddress, ServiceKey } from '../transport/naming-transport.js';
import type { ClientClock, ClientStats } from '../types.js';
import { WatchBase } from './watch-base.js';

export interface WatchSettings {
  /** Fixed poll interval; default the server's cacheMillis. */
  pollIntervalMs?: number;
  retryBaseMs: number;
}

// A server's cacheMillis is trusted within these bounds.
const MIN_POLL_MS = 100;
const MAX_POLL_MS = 60_000;

/**
 * Keeps one service's list fresh for its subscribers: polls `/instance/list` at the server's cacheMillis (the
 * poll also renews the UDP push subscription) and takes pushes in between. A failed poll keeps the cached list
 * and retries with a jittered backoff bounded by the poll interval. Like the beat loop, it cannot die.
 */
export class ServiceWatch extends WatchBase {
  private timer: unknown;
  private failures = 0;
  private intervalMs = 10_000;

  constructor(
    key: ServiceKey,
    private readonly transport: NamingCalls,
    cache: ServiceCache,
    private readonly pushAddress: () => Promise<PushAddress | undefined>,
    private readonly settings: WatchSettings,
    private readonly clock: ClientClock,
    private readonly random: () => number,
    private readonly stats: ClientStats,
    private readonly failureLog: FailureLog,
  ) {
    super(key, cache);
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
  }

  /** A pushed list, applied as if polled. */
  pushed(answer: ListAnswer): void {
    if (this.stopped) return;
    this.stats.pushesReceived++;
    this.apply(answer);
  }

  /** Polls now, then at the server's cacheMillis; `live` says whether the last poll reached a server. */
  protected async follow(): Promise<void> {
    if (this.stopped) return;
    let next: number;
    try {
      this.stats.polls++;
      const answer = await this.transport.list(this.key, await this.pushAddress());
      this.apply(answer);
      this.live = true;
      this.failures = 0;
      this.failureLog.succeeded({ service: this.key.service });
      this.intervalMs = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, this.settings.pollIntervalMs ?? answer.cacheMillis));
      next = this.intervalMs;
    } catch (error) {
      this.live = false;
      this.failures++;
      this.failureLog.failed(kindOfNetworkError(error), error, { service: this.key.service, group: this.key.group });
      const backoff = Math.min(this.intervalMs, this.settings.retryBaseMs * 2 ** Math.min(this.failures - 1, 20));
      next = Math.max(1, backoff * (0.5 + 0.5 * this.random()));
    }
    if (!this.stopped) this.timer = this.clock.setTimeout(() => void this.follow(), next);
  }

  private apply(answer: ListAnswer): void {
    const { snapshot } = this.cache.accept(this.key, answer);
    this.offer(snapshot);
  }
}
