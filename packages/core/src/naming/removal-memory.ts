import type { Cause } from '../journal/causes.js';

/** A recent removal of an address from a service: lets a re-creation say "deleted N s earlier by …". */
export interface Removal {
  at: number;
  cause: Cause;
  via: string;
  from: string;
}

/** How long a removal is remembered; a re-registration later than this is just a registration. */
export const REMOVAL_MEMORY_MS = 10 * 60_000;
// A hard cap so a churn of short-lived addresses cannot grow memory without bound.
const MAX_REMEMBERED = 10_000;

/** Removals by instance key, oldest first, forgotten after REMOVAL_MEMORY_MS. */
export class RemovalMemory {
  private readonly byKey = new Map<string, Removal>();

  remember(key: string, removal: Removal): void {
    this.byKey.delete(key); // re-insert so the map stays ordered by time and pruning can stop early
    this.byKey.set(key, removal);
    this.prune(removal.at);
  }

  /** The removal of `key` if it happened within the memory window before `now`. */
  recent(key: string, now: number): Removal | undefined {
    const removal = this.byKey.get(key);
    return removal && now - removal.at < REMOVAL_MEMORY_MS ? removal : undefined;
  }

  private prune(now: number): void {
    for (const [key, removal] of this.byKey) {
      if (now - removal.at < REMOVAL_MEMORY_MS && this.byKey.size <= MAX_REMEMBERED) break;
      this.byKey.delete(key);
    }
  }
}
