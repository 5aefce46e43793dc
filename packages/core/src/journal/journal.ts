import type { Cause } from './causes.js';

export type Evidence = Record<string, string | number | boolean | null>;

export interface JournalEvent {
  seq: number;
  at: number;
  cause: Cause;
  namespace: string;
  group: string;
  /** The service of a naming event; `""` for a config event. */
  service: string;
  /** Set on config events only (with `namespace` and `group`, the config's key). */
  dataId?: string;
  cluster?: string;
  ip?: string;
  port?: number;
  ephemeral?: boolean;
  /** Health before and after, where the event changed it. */
  healthy?: boolean;
  evidence: Evidence;
}

export type NewJournalEvent = Omit<JournalEvent, 'seq'>;

export interface JournalSettings {
  maxEvents: number;
  maxAgeMs: number;
}

export const DEFAULT_JOURNAL: Readonly<JournalSettings> = Object.freeze({ maxEvents: 100_000, maxAgeMs: 24 * 3_600_000 });

export interface JournalFilter {
  namespace?: string;
  group?: string;
  service?: string;
  dataId?: string;
  ip?: string;
  port?: number;
  cause?: Cause;
  since?: number;
  until?: number;
  /** Only events this accepts (what the asking user may read); counted in `total` only when accepted. */
  visible?: (event: JournalEvent) => boolean;
}

export interface JournalPage {
  total: number;
  events: JournalEvent[];
}

/**
 * The audit record of what happened to instances and services: a ring buffer bounded by count and age, where old
 * events fall off the back. It is fed from the event bus (`recordDomainEvents`) and read by the events API and
 * the diagnosis.
 */
export class Journal {
  // Grows up to `capacity` instead of being allocated up front: a large bound costs nothing until it is used.
  private readonly ring: (JournalEvent | undefined)[] = [];
  private readonly capacity: number;
  private head = 0; // index of the oldest event
  private length = 0;
  private nextSeq = 1;

  constructor(private readonly settings: JournalSettings) {
    this.capacity = Math.max(1, Math.floor(settings.maxEvents));
  }

  get size(): number {
    return this.length;
  }

  /** Records one event. The journal is an audit record: it tells nobody; what follows a change listens to the bus. */
  append(event: NewJournalEvent): JournalEvent {
    return this.store(event);
  }

  /**
   * Puts back events loaded from storage at start (oldest first). Their old sequence numbers are replaced by
   * fresh ones, in the same order.
   */
  restore(events: readonly NewJournalEvent[]): void {
    for (const { seq: _seq, ...event } of events as readonly JournalEvent[]) this.store(event);
  }

  private store(event: NewJournalEvent): JournalEvent {
    const full: JournalEvent = { seq: this.nextSeq++, ...event };
    const capacity = this.capacity;
    if (this.length === capacity) {
      this.ring[this.head] = full;
      this.head = (this.head + 1) % capacity;
    } else {
      this.ring[(this.head + this.length) % capacity] = full;
      this.length++;
    }
    this.dropOlderThan(event.at - this.settings.maxAgeMs);
    return full;
  }

  /**
   * Newest first, filtered, paged (pageNo from 1). With `now`, events older than the age bound are left out even
   * if no append has pushed them out yet; without it, every kept event counts.
   */
  query(filter: JournalFilter, pageNo = 1, pageSize = 100, now?: number): JournalPage {
    const matches: JournalEvent[] = [];
    const minAt = Math.max(now === undefined ? -Infinity : now - this.settings.maxAgeMs, filter.since ?? -Infinity);
    for (let i = this.length - 1; i >= 0; i--) {
      const e = this.ring[(this.head + i) % this.capacity]!;
      if (e.at < minAt) break; // events are in time order: nothing older can match
      if (matchesFilter(e, filter)) matches.push(e);
    }
    const size = Math.max(1, Math.floor(pageSize));
    const start = (Math.max(1, Math.floor(pageNo)) - 1) * size;
    return { total: matches.length, events: matches.slice(start, start + size) };
  }

  private dropOlderThan(minAt: number): void {
    while (this.length > 0 && this.ring[this.head]!.at < minAt) {
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.length--;
    }
  }
}

function matchesFilter(e: JournalEvent, f: JournalFilter): boolean {
  return (
    // Server-wide events (auth changes, refused logins) belong to no namespace and show in every namespace's view.
    (f.namespace === undefined || e.namespace === f.namespace || e.namespace === '')
    && (f.group === undefined || e.group === f.group)
    && (f.service === undefined || e.service === f.service)
    && (f.dataId === undefined || e.dataId === f.dataId)
    && (f.ip === undefined || e.ip === f.ip)
    && (f.port === undefined || e.port === f.port)
    && (f.cause === undefined || e.cause === f.cause)
    && (f.since === undefined || e.at >= f.since)
    && (f.until === undefined || e.at <= f.until)
    && (f.visible === undefined || f.visible(e))
  );
}
