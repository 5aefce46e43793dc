/**
 * Cluster mode's membership, as the database keeps it: one lease row per run of a node. A node renews its row every
 * few seconds; the database stamps each renewal with its own clock, and a reader learns how long ago that was from
 * the same clock, so the nodes' clocks never have to agree.
 *
 * @example
 *   await members.renew({ node: 'a1b2', address: '10.0.0.2:8848', leaseMs: 10_000 });
 *   const seen = await members.list(); // [{ node: 'a1b2', sinceRenewalMs: 3, … }]
 */
export interface MemberLease {
  /** This run of the node (a restart gets a new one; the address may stay the same). */
  readonly node: string;
  /** `host:port` where other nodes and clients reach it. */
  readonly address: string;
  /** How long a renewal keeps the node up; 0 once it has left. */
  readonly leaseMs: number;
}

/** A lease row as read, with its age measured by the database's clock. */
export interface MemberSighting extends MemberLease {
  /** The first renewal (database clock, ms since the epoch). */
  readonly startedAt: number;
  /** The latest renewal (database clock, ms since the epoch). */
  readonly renewedAt: number;
  /** How long ago the latest renewal was, by the database's clock at the time of reading. */
  readonly sinceRenewalMs: number;
}

export interface MemberStore {
  /** Writes the node's row (created by the first renewal), stamped with the database's clock. */
  renew(lease: MemberLease): Promise<void>;
  /** Gives the lease back: the row stays, with a lease of 0, so every node sees the node DOWN at once. */
  leave(node: string): Promise<void>;
  /** Every row, with its age. */
  list(): Promise<MemberSighting[]>;
  /** Removes rows not renewed for longer than `olderThanMs` (database clock). */
  prune(olderThanMs: number): Promise<void>;
}
