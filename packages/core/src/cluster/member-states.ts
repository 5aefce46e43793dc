import type { MemberSighting } from './member-store.js';

/** The states Nacos shows for a member (its STARTING and ISOLATION have no counterpart here). */
export type MemberState = 'UP' | 'SUSPICIOUS' | 'DOWN';

/**
 * A member's state from the age of its latest renewal: UP within half its lease (a node renews several times per
 * lease, so one late renewal does not show), SUSPICIOUS in the second half (renewals are being missed), DOWN once
 * the lease has lapsed. Every node reads the same row and the same database clock, so a lapsed node is DOWN for all.
 */
export function memberState(sinceRenewalMs: number, leaseMs: number): MemberState {
  if (sinceRenewalMs >= leaseMs) return 'DOWN';
  if (sinceRenewalMs > leaseMs / 2) return 'SUSPICIOUS';
  return 'UP';
}

/** A member as listed: one per address, with its state. */
export interface Member extends MemberSighting {
  readonly state: MemberState;
}

const RANK: Record<MemberState, number> = { UP: 0, SUSPICIOUS: 1, DOWN: 2 };

/**
 * One member per address, sorted by address. A restarted node renews a new row under the same address while its
 * previous run's row lapses: the address shows the livelier row (UP over SUSPICIOUS over DOWN), then the later start.
 * `agedByMs` is the time since the rows were read (a node's own monotonic clock), added to each row's age.
 */
export function membersByAddress(sightings: readonly MemberSighting[], agedByMs = 0): Member[] {
  const best = new Map<string, Member>();
  for (const s of sightings) {
    const sinceRenewalMs = s.sinceRenewalMs + agedByMs;
    const member: Member = { ...s, sinceRenewalMs, state: memberState(sinceRenewalMs, s.leaseMs) };
    const held = best.get(s.address);
    if (held === undefined || RANK[member.state] < RANK[held.state] || (RANK[member.state] === RANK[held.state] && member.startedAt > held.startedAt)) {
      best.set(s.address, member);
    }
  }
  return [...best.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}
