import type { MemberEvent } from './member-events.js';
import type { Member, MemberState } from './member-states.js';

/**
 * The member events between two readings of the list (a pure step: the caller publishes them): an address that
 * turned DOWN, and an address UP that was DOWN or not listed. SUSPICIOUS comes and goes without an event; it is
 * in the list and the metric.
 */
export function memberChanges(before: ReadonlyMap<string, MemberState>, now: readonly Member[], at: number): MemberEvent[] {
  const events: MemberEvent[] = [];
  for (const m of now) {
    const previous = before.get(m.address) ?? null;
    const down = m.state === 'DOWN' && previous !== null && previous !== 'DOWN';
    const up = m.state === 'UP' && (previous === null || previous === 'DOWN');
    if (down || up) {
      events.push({ type: 'member', cause: down ? 'MEMBER_DOWN' : 'MEMBER_UP', at, address: m.address, node: m.node, previous, sinceRenewalMs: m.sinceRenewalMs, leaseMs: m.leaseMs });
    }
  }
  return events;
}
