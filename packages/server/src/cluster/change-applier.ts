import type { ChangeFeed, ClusterChange } from '@cairn/core';
import type { Logger } from 'pino';
import { RetryBackoff } from '../persistence/retry-backoff.js';

/**
 * One context's part in applying the other nodes' changes: re-reads the keys a change names from the database and
 * makes memory match through the context's ordinary commands, so push, listeners and the journal react while
 * persistence does not write the change back (config and auth mark their events `replicated`; naming does not
 * mark while it applies). A key this node has changed and not yet stored is left alone: its own write comes next
 * and wins in the database, and the others re-read it from there.
 */
export interface ChangeRefresher {
  readonly context: string;
  /** Makes memory match the database for `keys`, which node `node` (its run's id) wrote; no node: a reload. */
  refresh(keys: readonly unknown[], node?: string): Promise<void>;
  /**
   * Every key of the context in the database or held in memory as another node's: a node that missed changes
   * (they were pruned while it could not read the log) refreshes them all.
   */
  allKeys(): Promise<unknown[]>;
}

export interface ChangeApplierSettings {
  /** This node's name in the change log: its own changes are in memory already. */
  node: string;
  /** Longest time between two reads of the change log (MySQL has no notification; PostgreSQL's may be lost). */
  pollMs: number;
  /** How long changes are kept in the log; a node away longer than this reads everything again. */
  keepMs: number;
}

const PAGE = 1_000;
const PRUNE_EVERY_MS = 600_000;

/**
 * Applies the change log in order: woken by the database's notification where it has one and by a poll
 * otherwise, reads the changes after the last one applied, and hands each other node's change to its context's
 * refresher. A failure (database unreachable) keeps the position and retries with backoff; after a restart a node
 * starts from the position it read before loading its state, so nothing committed in between is missed.
 */
export class ChangeApplier {
  private applied = 0;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopListening: (() => Promise<void>) | undefined;
  private stopped = true;
  private readonly backoff = new RetryBackoff();
  private readonly refreshers: Map<string, ChangeRefresher>;
  private lastError: string | null = null;
  private appliedCount = 0;
  private reloads = 0;
  private listenFailing = false;
  private pruner: NodeJS.Timeout | undefined;

  constructor(
    private readonly feed: ChangeFeed,
    refreshers: readonly ChangeRefresher[],
    private readonly settings: ChangeApplierSettings,
    private readonly log: Logger,
  ) {
    this.refreshers = new Map(refreshers.map((r) => [r.context, r]));
  }

  /** The number of the last change applied (or skipped as this node's own). */
  get position(): number {
    return this.applied;
  }

  /** `reloads`: how often this node missed pruned changes and read everything again. */
  get status(): { position: number; applied: number; failing: string | null; listening: boolean; reloads: number } {
    return { position: this.applied, applied: this.appliedCount, failing: this.lastError, listening: this.stopListening !== undefined, reloads: this.reloads };
  }

  /** Starts after change `from` (read before this node loaded its state). */
  async start(from: number): Promise<void> {
    this.applied = from;
    this.stopped = false;
    await this.listen();
    this.wake();
    // Every node prunes (a delete of what is old is the same whoever runs it), so no node has to be chosen.
    this.pruner = setInterval(() => {
      this.feed.prune(Date.now() - this.settings.keepMs).catch((err: unknown) => this.log.warn({ err }, 'cluster: pruning the change log failed; trying again in ten minutes'));
    }, PRUNE_EVERY_MS);
    this.pruner.unref();
  }

  /** Reads the log now (a notification, a test, the poll). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.wake();
      } else {
        this.timer = setTimeout(() => this.wake(), this.lastError ? this.backoff.next() : this.settings.pollMs);
        this.timer.unref();
      }
    });
  }

  /** Resolves once every change committed before the call has been applied (tests, and a read that must see them). */
  async catchUp(): Promise<void> {
    const target = await this.feed.latest();
    while (!this.stopped && this.applied < target) {
      this.wake();
      await (this.running ?? new Promise((resolve) => setTimeout(resolve, 10)));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.pruner) clearInterval(this.pruner);
    await this.running;
    await this.stopListening?.();
    this.stopListening = undefined;
  }

  private async listen(): Promise<void> {
    try {
      this.stopListening = await this.feed.listen(
        () => this.wake(),
        (error) => {
          this.stopListening = undefined;
          this.log.warn({ err: error }, 'cluster: lost the change notifications; reading the change log by polling until listening again');
          this.listenLater();
        },
      );
      if (this.listenFailing && this.stopListening) this.log.info('cluster: listening for change notifications again');
      this.listenFailing = false;
    } catch (error) {
      // The database is unreachable (as when the notifications were lost during an outage): poll meanwhile and
      // try again, or a node back from an outage would poll for good.
      if (!this.listenFailing) this.log.warn({ err: error }, 'cluster: cannot listen for change notifications; reading the change log by polling until listening again');
      this.listenFailing = true;
      this.listenLater();
    }
  }

  private listenLater(): void {
    const retry = setTimeout(() => {
      if (!this.stopped) void this.listen().then(() => this.wake());
    }, this.backoff.next());
    retry.unref();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const page = await this.feed.since(this.applied, PAGE);
        // Committed numbers have no gaps (a rolled-back write rolls its number back too): a gap means the changes
        // this node missed were pruned while it could not read them. What they changed is unknown, so every key is
        // read again; the changes after the gap are applied on top (reading a key twice changes nothing).
        if (page.length > 0 && page[0].seq > this.applied + 1) await this.reload(page[0].seq);
        for (const change of page) await this.apply(change);
        if (page.length < PAGE) break;
      }
      if (this.lastError) this.log.info({ position: this.applied }, 'cluster: the change log is read again');
      this.lastError = null;
      this.backoff.reset();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.lastError === null) this.log.warn({ err: error, position: this.applied }, 'cluster: reading the change log failed; retrying');
      this.lastError = message;
    }
  }

  /** Reads every context's keys again. A failure leaves the position where it was: the next drain reloads again. */
  private async reload(oldestKept: number): Promise<void> {
    this.log.warn({ position: this.applied, oldestKept }, 'cluster: this node missed changes the log no longer keeps (it could not read the log for longer than it keeps them); reading everything again');
    const counts: Record<string, number> = {};
    for (const refresher of this.refreshers.values()) {
      const keys = await refresher.allKeys();
      await refresher.refresh(keys);
      counts[refresher.context] = keys.length;
    }
    this.reloads++;
    this.log.info({ keys: counts }, 'cluster: read everything again; applying the changes kept since');
  }

  private async apply(change: ClusterChange): Promise<void> {
    if (change.seq <= this.applied) return;
    if (change.node !== this.settings.node) {
      const refresher = this.refreshers.get(change.context);
      if (refresher) await refresher.refresh(change.keys, change.node);
      else this.log.warn({ seq: change.seq, context: change.context }, 'cluster: a change of a context this node does not know; skipped (is a newer node running?)');
      this.appliedCount++;
    }
    this.applied = change.seq;
  }
}
