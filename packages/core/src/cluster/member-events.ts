import type { MemberState } from './member-states.js';

/**
 * A cluster member seen changing state at one of this node's readings of the lease rows: `MEMBER_DOWN` when its
 * address turned DOWN (its lease lapsed, or it shut down and gave the lease back), `MEMBER_UP` when an address that
 * was DOWN, or not listed, is UP again (a restart, a node that joined, a node that reached the database again).
 */
export interface MemberEvent {
  type: 'member';
  cause: 'MEMBER_DOWN' | 'MEMBER_UP';
  at: number;
  /** The member's `host:port`. */
  address: string;
  /** The node id of the run now listed at that address. */
  node: string;
  /** Its state at the reading before (`null`: not listed then). */
  previous: MemberState | null;
  /** How long ago it last renewed, by the database's clock. */
  sinceRenewalMs: number;
  /** Its lease (0: given back at shutdown). */
  leaseMs: number;
}
