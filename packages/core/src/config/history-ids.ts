import { DomainError } from '../shared/errors.js';
import type { HistoryIdBlock } from './store/config-store.js';

/**
 * Where a ConfigCenter takes the id of each history record (and of each new config or gray version, which keeps
 * the id of the record that created it). `next()` is synchronous: a publish never waits on the database.
 */
export interface HistoryIdSource {
  next(): number;
  /** Makes every later id larger than `id` (the newest record another node wrote for a key); may wait on the database. */
  above(id: number): Promise<void>;
}

/**
 * Cluster mode's history ids: blocks reserved from a counter in the shared database, each a node's alone, so two
 * nodes never hand out the same id and a publish still numbers its record without a database round trip. A new
 * block is reserved while at least a block's worth is left, so an import (at most 10,000 configs) finds its ids
 * reserved. When a node applies another node's change, `above` drops what it holds below that change's id (and
 * reserves anew when nothing is left): a key's records then stay in the order its changes were made, across nodes.
 * The price is a block skipped now and then (ids are 64-bit, gaps cost nothing). A standalone node keeps counting
 * from the largest stored id, in memory.
 *
 * @example
 *   const ids = new ReservedHistoryIds((n) => store.reserveHistoryIds(n), (err) => log.warn({ err }));
 *   await ids.start();
 *   const center = new ConfigCenter({ clock, events, historyIds: ids });
 */
export class ReservedHistoryIds implements HistoryIdSource {
  private blocks: { next: number; last: number }[] = [];
  private reserving: Promise<void> | undefined;
  /** The largest id another node is known to have used: nothing at or below it is handed out. */
  private floor = 0;

  constructor(
    private readonly reserve: (count: number) => Promise<HistoryIdBlock>,
    private readonly onReserveFailed: (error: unknown) => void,
    private readonly blockSize = 10_000,
  ) {}

  /** Reserves the first block (before the node serves). */
  async start(): Promise<void> {
    await this.more();
  }

  next(): number {
    const block = this.blocks[0];
    if (!block) {
      this.reserveAhead();
      throw new DomainError('OVERLOADED', 'no config history ids are reserved yet (the database is slow or unreachable); retry shortly');
    }
    const id = block.next++;
    if (block.next > block.last) this.blocks.shift();
    if (this.left() < this.blockSize) this.reserveAhead();
    return id;
  }

  async above(id: number): Promise<void> {
    this.floor = Math.max(this.floor, id);
    for (;;) {
      this.dropBelowFloor();
      if (this.blocks.length > 0) return;
      // Every block reserved from now on lies above every id handed out so far, by any node.
      await this.more();
    }
  }

  private dropBelowFloor(): void {
    for (const block of this.blocks) block.next = Math.max(block.next, this.floor + 1);
    this.blocks = this.blocks.filter((b) => b.next <= b.last);
  }

  private left(): number {
    return this.blocks.reduce((n, b) => n + b.last - b.next + 1, 0);
  }

  private reserveAhead(): void {
    this.more().catch(this.onReserveFailed);
  }

  private more(): Promise<void> {
    this.reserving ??= this.reserve(this.blockSize)
      .then((b) => {
        // A reservation made before `above` learnt of a larger id may come back (partly) below it.
        this.blocks.push({ next: b.first, last: b.last });
        this.dropBelowFloor();
      })
      .finally(() => {
        this.reserving = undefined;
      });
    return this.reserving;
  }
}
