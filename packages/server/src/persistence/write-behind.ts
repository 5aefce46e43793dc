import type { Logger } from 'pino';
import { DurableWaiters } from './durable-waiters.js';
import { RetryBackoff } from './retry-backoff.js';

export interface PersistenceStatus {
  /** Changes made but not yet durable. */
  pending: number;
  /** The last write error while the store keeps refusing, else null. */
  failing: string | null;
  /** Consecutive failed write attempts. */
  attempts: number;
}

/** What one context's persistence tells the writer: its dirty set, how to write it, how to put a failed one back. */
export interface WriteBehindParts<D> {
  /** In log messages: `<what> write failed; retrying`. */
  what: string;
  empty(): D;
  /** Writes every key of `batch` in the state memory has now (idempotent, so a retry is safe). */
  write(batch: D): Promise<void>;
  /** Puts a failed batch back in front of what changed meanwhile (`newer`), keeping appended records in order. */
  putBack(failed: D, newer: D): void;
  log: Logger;
}

/**
 * The durability mechanism every context's persistence shares. Changes are marked into a dirty set and numbered;
 * one writer at a time writes the whole set after the current event-loop turn (group commit); a refused write is put
 * back and retried with backoff until the store takes it. `durable(n)` resolves once change `n` is committed, or
 * rejects with NotDurableError after a timeout (the change stays queued), so a change is never answered 200 before it
 * is stored.
 */
export class WriteBehind<D> {
  private changeCount = 0;
  private durableCount = 0;
  private dirty: D;
  private dirtyUpTo = 0;
  /** The batch being written, until its write resolves or fails. */
  private inFlight: D | undefined;
  /** Changes marked in the background (nobody waits for them) are in the dirty set. */
  private backgroundDirty = false;
  private writing: Promise<void> | undefined;
  private lastError: Error | undefined;
  private readonly backoff = new RetryBackoff();
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly waiters = new DurableWaiters(() => (this.lastError ? `the store refused the write (${this.lastError.message}); it is being retried` : 'the store did not confirm the write in time'));

  constructor(private readonly parts: WriteBehindParts<D>) {
    this.dirty = parts.empty();
  }

  /**
   * Records one change into the dirty set and makes sure a write will carry it. Ignored once closed. A change marked
   * `background` gets no number: no request waits for it (a cluster node's ephemeral rows, which must not hold a
   * registration or a beat hostage to the database), but it is written, and retried, like the others.
   */
  mark(change: (dirty: D) => void, background = false): void {
    if (this.closed) return;
    change(this.dirty);
    if (background) this.backgroundDirty = true;
    else this.dirtyUpTo = ++this.changeCount;
    this.schedule();
  }

  /** The number of the latest change: a request compares it before and after its handler ran. */
  get lastChange(): number {
    return this.changeCount;
  }

  /** True when `test` holds for what is changed and not yet stored: the dirty set or the batch being written. */
  unsaved(test: (dirty: D) => boolean): boolean {
    return test(this.dirty) || (this.inFlight !== undefined && test(this.inFlight));
  }

  get status(): PersistenceStatus {
    return { pending: this.changeCount - this.durableCount, failing: this.lastError ? this.lastError.message : null, attempts: this.backoff.failures };
  }

  durable(upTo: number, timeoutMs: number): Promise<void> {
    return this.waiters.wait(upTo, timeoutMs);
  }

  /** Stops marking, waits for the write in flight, makes one last attempt for what is dirty, rejects waiters. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.writing;
    if (this.changeCount > this.durableCount || this.backgroundDirty) {
      await this.writeOnce().catch((err: unknown) => this.parts.log.error({ err }, `${this.parts.what} write at shutdown failed; unsaved changes are lost`));
    }
    this.waiters.rejectAll('the server is shutting down');
  }

  private schedule(): void {
    if (this.writing || this.retryTimer) return;
    // Group commit: the write starts after the current turn of the event loop, so every change made in that turn
    // (and during the previous write) shares one write.
    this.writing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writeLoop());
  }

  private async writeLoop(): Promise<void> {
    try {
      while (!this.closed && (this.changeCount > this.durableCount || this.backgroundDirty)) {
        try {
          await this.writeOnce();
        } catch (error) {
          this.lastError = error instanceof Error ? error : new Error(String(error));
          const delay = this.backoff.next();
          const pending = this.changeCount - this.durableCount;
          this.parts.log.error({ err: error, attempt: this.backoff.failures, retryInMs: delay, pending }, `${this.parts.what} write failed; retrying`);
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
    const upTo = this.dirtyUpTo;
    const background = this.backgroundDirty;
    this.dirty = this.parts.empty();
    this.backgroundDirty = false;
    this.inFlight = batch;
    try {
      await this.parts.write(batch);
    } catch (error) {
      this.parts.putBack(batch, this.dirty);
      if (background) this.backgroundDirty = true;
      throw error;
    } finally {
      this.inFlight = undefined;
    }
    if (this.lastError) this.parts.log.info({ attempts: this.backoff.failures }, `${this.parts.what} writes succeed again`);
    this.lastError = undefined;
    this.backoff.reset();
    this.durableCount = Math.max(this.durableCount, upTo);
    this.waiters.settle(this.durableCount);
  }
}

/**
 * What a context's persistence shows the request hooks and the status page, answered by its writer (which the
 * subclass makes in its constructor): shared by naming's, config's and auth's persistence.
 */
export abstract class WrittenBehind<D> {
  protected abstract readonly writer: WriteBehind<D>;

  /** The number of the latest change: a request compares it before and after its handler ran. */
  get lastChange(): number {
    return this.writer.lastChange;
  }

  get status(): PersistenceStatus {
    return this.writer.status;
  }

  /** True when `test` holds for what this node changed and has not stored yet (cluster refreshers skip those keys). */
  protected unsaved(test: (dirty: D) => boolean): boolean {
    return this.writer.unsaved(test);
  }

  /**
   * Resolves once change `upTo` is durable. Rejects with NotDurableError if that takes longer than `timeoutMs`
   * (the change stays queued and is retried: it may become durable later, which a 503 allows).
   */
  durable(upTo: number, timeoutMs: number): Promise<void> {
    return this.writer.durable(upTo, timeoutMs);
  }
}
