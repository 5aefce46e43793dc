/** How a row of the instance table looks: one state per instance, most important first. */

export type RowState = 'offline' | 'unhealthy' | 'late' | 'healthy';

export interface InstanceLike {
  healthy: boolean;
  enabled: boolean;
  ephemeral: boolean;
  lastBeatAt?: number;
  instanceHeartBeatInterval?: number;
}

// A beat is "late" past 1.5 intervals: the journal's BEAT_LATE uses the same factor.
const LATE_FACTOR = 1.5;

/**
 * Offline (an operator took it out of traffic) wins over unhealthy: consumers do not see it either way, and
 * the operator's action is what to undo. A healthy ephemeral instance whose beat is overdue is `late`.
 * `staleMs` is how old the list on screen may be (the poll interval): a beat that arrived after the last poll
 * is not shown yet, so without this grace a client beating faster than the console polls looks late.
 */
export function rowState(i: InstanceLike, now: number, staleMs = 0): RowState {
  if (!i.enabled) return 'offline';
  if (!i.healthy) return 'unhealthy';
  if (i.ephemeral && i.lastBeatAt !== undefined && i.instanceHeartBeatInterval) {
    if (now - i.lastBeatAt > i.instanceHeartBeatInterval * LATE_FACTOR + staleMs) return 'late';
  }
  return 'healthy';
}

export const STATE_LABEL: Readonly<Record<RowState, string>> = {
  offline: 'offline',
  unhealthy: 'unhealthy',
  late: 'beat late',
  healthy: 'healthy',
};

/**
 * Whether deleting the instance is pointless: an ephemeral instance whose client still beats comes back with
 * its next beat (re-created from it), so "take offline" is what the operator wants.
 */
/** `staleMs`: how old the data may be (the poll period), so a beat that happened after the last poll still counts. */
export function stillBeating(i: InstanceLike, now: number, staleMs = 0): boolean {
  if (!i.ephemeral || !i.healthy || i.lastBeatAt === undefined) return false;
  const interval = i.instanceHeartBeatInterval ?? 5000;
  return now - i.lastBeatAt <= interval * 3 + staleMs;
}

export type ServiceHealth = 'empty' | 'healthy' | 'degraded' | 'down' | 'protected';

export interface ServiceCountsLike {
  ipCount: number;
  healthyInstanceCount: number;
  reachProtectionThreshold?: boolean;
}

/** The badge of a service row: the tripped protect threshold matters most, it changes what consumers get. */
export function serviceHealth(s: ServiceCountsLike): ServiceHealth {
  if (s.reachProtectionThreshold) return 'protected';
  if (s.ipCount === 0) return 'empty';
  if (s.healthyInstanceCount === 0) return 'down';
  return s.healthyInstanceCount < s.ipCount ? 'degraded' : 'healthy';
}
