import { configKeyString, type CairnEventBus, type ConfigCenter, type ConfigHistoryRecord, type ConfigItem, type ConfigKey, type ConfigStore, type Unsubscribe } from '@cairn/core';
import type { Logger } from 'pino';
import { NotDurableError, type PersistenceStatus } from './naming-persistence.js';
import { RetryBackoff } from './retry-backoff.js';

const PRUNE_EVERY_MS = 3_600_000;

/** What is not yet durable: keys whose current state is read from memory when written, and history to append. */
interface Dirty {
  keys: Map<string, ConfigKey>;
  history: ConfigHistoryRecord[];
  upTo: number;
}

/**
 * Keeps configs and their history in the config store, the way NamingPersistence keeps naming's data: it follows
 * `config` events on the bus, and one writer at a time writes every dirty key in its current state together with
 * the history appended meanwhile, in one transaction (group commit). A refused write is retried with backoff until
 * the store takes it. `durable(n)` resolves once change `n` is committed; the HTTP layer answers a publish or delete
 * only then (or 503 when the store keeps refusing), never 200 for a change that is not stored.
 */
export class ConfigPersistence {
  private changeCount = 0;
  private durableCount = 0;
  private dirty: Dirty = { keys: new Map(), history: [], upTo: 0 };
  private writing: Promise<void> | undefined;
  private waiters: { upTo: number; deadline: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private waitTimer: NodeJS.Timeout | undefined;
  private lastError: Error | undefined;
  private readonly backoff = new RetryBackoff();
  private retryTimer: NodeJS.Timeout | undefined;
  private pruner: NodeJS.Timeout | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private closed = false;

  constructor(
    private readonly store: ConfigStore,
    private readonly center: ConfigCenter,
    private readonly events: CairnEventBus,
    private readonly historyMaxAgeMs: number,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  /** Loads the stored configs into the center, then follows changes. */
  async start(): Promise<{ configs: number }> {
    const items: ConfigItem[] = await this.store.loadConfigs();
    this.center.restore(items, await this.store.lastHistoryId());
    this.unsubscribe = this.events.on('config', (e) => {
      if (this.closed) return;
      this.dirty.keys.set(configKeyString(e), { namespace: e.namespace, group: e.group, dataId: e.dataId });
      this.dirty.history.push(e.history);
      this.dirty.upTo = ++this.changeCount;
      this.schedule();
    });
    void this.prune();
    this.pruner = setInterval(() => void this.prune(), PRUNE_EVERY_MS).unref();
    return { configs: items.length };
  }

  get lastChange(): number {
    return this.changeCount;
  }

  get status(): PersistenceStatus {
    return { pending: this.changeCount - this.durableCount, failing: this.lastError ? this.lastError.message : null, attempts: this.backoff.failures };
  }

  /** Resolves once change `upTo` is durable; rejects with NotDurableError after `timeoutMs` (the change stays queued). */
  durable(upTo: number, timeoutMs: number): Promise<void> {
    if (upTo <= this.durableCount) return Promise.resolve();
    return new Promise((resolve, reject) => {
      // Change numbers and deadlines both grow along the queue: it is settled from its front, by one timer.
      this.waiters.push({ upTo, deadline: Date.now() + timeoutMs, resolve, reject });
      this.armWaitTimer();
    });
  }

  /** Stops following changes, writes what is dirty (one attempt); the database is closed by naming persistence. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    if (this.pruner) clearInterval(this.pruner);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.writing;
    if (this.changeCount > this.durableCount) await this.writeOnce().catch((err: unknown) => this.log.error({ err }, 'config write at shutdown failed; unsaved changes are lost'));
    if (this.waitTimer) clearTimeout(this.waitTimer);
    for (const waiter of this.waiters) waiter.reject(new NotDurableError('the server is shutting down'));
    this.waiters = [];
  }

  private settleWaiters(): void {
    const now = Date.now();
    let settled = 0;
    for (const waiter of this.waiters) {
      if (waiter.upTo <= this.durableCount) waiter.resolve();
      else if (waiter.deadline <= now) waiter.reject(new NotDurableError(this.lastError ? `the store refused the write (${this.lastError.message}); it is being retried` : 'the store did not confirm the write in time'));
      else break;
      settled++;
    }
    if (settled > 0) this.waiters.splice(0, settled);
    this.armWaitTimer();
  }

  private armWaitTimer(): void {
    if (this.waitTimer || this.waiters.length === 0) return;
    this.waitTimer = setTimeout(
      () => {
        this.waitTimer = undefined;
        this.settleWaiters();
      },
      Math.max(0, this.waiters[0].deadline - Date.now()),
    );
    this.waitTimer.unref();
  }

  private schedule(): void {
    if (this.writing || this.retryTimer) return;
    // Group commit: every change made in this turn of the event loop shares one write.
    this.writing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writeLoop());
  }

  private async writeLoop(): Promise<void> {
    try {
      while (!this.closed && this.changeCount > this.durableCount) {
        try {
          await this.writeOnce();
        } catch (error) {
          this.lastError = error instanceof Error ? error : new Error(String(error));
          const delay = this.backoff.next();
          this.log.error({ err: error, attempt: this.backoff.failures, retryInMs: delay }, 'config write failed; retrying');
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.schedule();
          }, delay);
          this.retryTimer.unref();
          return;
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  private async writeOnce(): Promise<void> {
    const batch = this.dirty;
    this.dirty = { keys: new Map(), history: [], upTo: batch.upTo };
    const save: ConfigItem[] = [];
    const remove: ConfigKey[] = [];
    for (const key of batch.keys.values()) {
      const item = this.center.get(key);
      if (item) save.push(item);
      else remove.push(key);
    }
    try {
      await this.store.writeConfigs({ save, remove, history: batch.history });
    } catch (error) {
      // The failed batch goes back in front of what changed meanwhile; its history keeps its order.
      for (const [k, key] of batch.keys) this.dirty.keys.set(k, key);
      this.dirty.history = [...batch.history, ...this.dirty.history];
      this.dirty.upTo = Math.max(this.dirty.upTo, batch.upTo);
      throw error;
    }
    if (this.lastError) this.log.info({ attempts: this.backoff.failures }, 'config writes succeed again');
    this.lastError = undefined;
    this.backoff.reset();
    this.durableCount = Math.max(this.durableCount, batch.upTo);
    this.settleWaiters();
  }

  private async prune(): Promise<void> {
    try {
      await this.store.pruneHistory(this.now() - this.historyMaxAgeMs);
    } catch (err) {
      this.log.warn({ err }, 'pruning the config history failed; will try again in an hour');
    }
  }
}
