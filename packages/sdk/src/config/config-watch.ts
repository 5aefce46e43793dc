import { kindOfNetworkError } from '../errors.js';
import { FailureLog } from '../failure-log.js';
import type { ClientClock, ClientLogger } from '../types.js';
import type { ConfigChange, ConfigListener } from './config-types.js';
import type { ConfigKey, ConfigTransport } from './config-wire.js';

/** Reads a config for a watch (the client's read, which also keeps the snapshot current); undefined = missing. */
export type ConfigRead = (key: ConfigKey) => Promise<{ content: string; md5: string; type: string } | undefined>;

export interface WatchSettings {
  longPollTimeoutMs: number;
  /** Bound on connect and answer, added to the hold of a long poll. */
  requestTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  clock: ClientClock;
  logger: ClientLogger;
  random: () => number;
}

/**
 * A watch on one config over the v1 long poll, or over gRPC a wait for the server's push (the transport's
 * `poll`). It learns the current MD5, holds a poll with it, and when the server names the key it reads the new content and delivers it if the MD5 is new (each version once, deletion as
 * `deleted`). Network faults and 5xx answers never end it: it retries with capped, jittered backoff and logs one
 * line per outage. A 4xx (the server refuses the key or the credentials) does not end it either: it may be fixed on
 * the server side (a permission granted, a namespace created), so it is retried with the same backoff, logged, and
 * kept in `lastError` until a request succeeds. Only `close()` (or `return()` from a `for await`, or closing the
 * client) ends it.
 */
export class ConfigWatch implements AsyncIterableIterator<ConfigChange> {
  /** Settles once the watch knows the current version: changes after that are delivered. */
  readonly ready: Promise<void>;
  private readonly queue: ConfigChange[] = [];
  private readonly waiters: Array<(r: IteratorResult<ConfigChange>) => void> = [];
  private readonly abort = new AbortController();
  private readonly failures: FailureLog;
  private md5: string | undefined;
  private failing: unknown;
  private closed = false;
  private markReady!: () => void;
  private sleeping: { handle: unknown; wake: () => void } | undefined;

  constructor(
    private readonly wire: Pick<ConfigTransport, 'poll'>,
    private readonly read: ConfigRead,
    readonly key: ConfigKey,
    private readonly s: WatchSettings,
    private readonly listener?: ConfigListener,
    private readonly onClose?: (watch: ConfigWatch) => void,
  ) {
    this.failures = new FailureLog(s.logger, `config watch ${key.group}/${key.dataId}`);
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    void this.run();
  }

  get dataId(): string {
    return this.key.dataId;
  }

  get group(): string {
    return this.key.group;
  }

  /** The error the watch is retrying after (a refused request, a 4xx, a 5xx); undefined while requests succeed. */
  get lastError(): unknown {
    return this.failing;
  }

  next(): Promise<IteratorResult<ConfigChange>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async return(): Promise<IteratorResult<ConfigChange>> {
    this.close();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Stops polling (the held request is dropped at once) and ends the iteration. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.markReady();
    if (this.sleeping) {
      this.s.clock.clearTimeout(this.sleeping.handle);
      this.sleeping.wake();
    }
    for (const w of this.waiters.splice(0)) w({ value: undefined, done: true });
    this.onClose?.(this);
  }

  private async run(): Promise<void> {
    let delay = this.s.retryBaseMs;
    while (!this.closed) {
      try {
        if (this.md5 === undefined) {
          this.md5 = (await this.read(this.key))?.md5 ?? '';
          this.markReady();
        } else {
          const changed = await this.wire.poll(this.key, this.md5, this.s.longPollTimeoutMs, this.s.longPollTimeoutMs + this.s.requestTimeoutMs, this.abort.signal);
          if (changed && !this.closed) await this.fetchChange();
        }
        this.failures.succeeded();
        this.failing = undefined;
        delay = this.s.retryBaseMs;
      } catch (error) {
        if (this.closed) return;
        this.failing = error;
        this.failures.failed(kindOfNetworkError(error), error);
        await this.sleep(delay * (0.75 + 0.5 * this.s.random()));
        delay = Math.min(this.s.retryMaxMs, delay * 2);
      }
    }
  }

  private async fetchChange(): Promise<void> {
    const now = await this.read(this.key);
    const md5 = now?.md5 ?? '';
    if (md5 === this.md5 || this.closed) return; // already delivered (or changed and changed back)
    this.md5 = md5;
    const base = { dataId: this.key.dataId, group: this.key.group, namespace: this.key.tenant };
    this.deliver(now ? { ...base, content: now.content, md5, type: now.type, deleted: false } : { ...base, content: null, md5: '', type: '', deleted: true });
  }

  private deliver(change: ConfigChange): void {
    if (this.listener) {
      try {
        this.listener(change);
      } catch (error) {
        this.s.logger.error?.(`config listener for ${this.key.group}/${this.key.dataId} threw: ${(error as Error).message}`);
      }
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter({ value: change, done: false });
    else this.queue.push(change);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.sleeping = undefined;
        resolve();
      };
      this.sleeping = { handle: this.s.clock.setTimeout(wake, ms), wake };
    });
  }
}
