import type { Cause } from './causes.js';
import type { JournalEvent } from './journal.js';

/**
 * One stretch during which an instance was out of traffic: from the event that took it out (it turned unhealthy,
 * or was removed while healthy) to the one that made it healthy again.
 */
export interface Outage {
  start: JournalEvent;
  /** The first removal during the outage (it may have turned unhealthy first), or null if it stayed registered. */
  removal: JournalEvent | null;
  /** The event that made it healthy again; null while the outage lasts. */
  end: JournalEvent | null;
}

/** An outage as the diagnosis API shows it. */
export interface OutageSummary {
  startedAt: number;
  /** null while the outage lasts. */
  endedAt: number | null;
  durationMs: number | null;
  /** The cause that took it out of traffic: `BEAT_MISSED`, `PROBE_FAILED`, `INSTANCE_EXPIRED`, … */
  cause: Cause;
  removedAt: number | null;
  removedBy: Cause | null;
  /** The cause that made it healthy again: `BEAT_RESUMED`, `INSTANCE_REGISTERED`, `PROBE_RECOVERED`, … */
  endedBy: Cause | null;
}

/** How many outages within how long make an instance "flapping". */
export const FLAPPING_OUTAGES = 3;
export const FLAPPING_WINDOW_MS = 3_600_000;

// Everything else is read from the events' `healthy` field, so a new cause that changes health needs no entry here;
// a new way to leave the registry (a gRPC connection closing) belongs in REMOVALS.
const REMOVALS: ReadonlySet<Cause> = new Set<Cause>(['INSTANCE_EXPIRED', 'INSTANCE_DEREGISTERED', 'CONNECTION_INSTANCE_REMOVED']);
// Arriving unhealthy (a persistent instance registered with healthy=false) is not falling from health.
const ARRIVALS: ReadonlySet<Cause> = new Set<Cause>(['INSTANCE_REGISTERED', 'INSTANCE_RECREATED_FROM_BEAT']);

type Status = 'healthy' | 'unhealthy' | 'absent' | 'unknown';

function statusAfter(e: JournalEvent): Status | undefined {
  if (REMOVALS.has(e.cause)) return 'absent';
  return e.healthy === undefined ? undefined : e.healthy ? 'healthy' : 'unhealthy';
}

/**
 * Whether an event that leaves the instance unhealthy reports the change itself, rather than a state it was
 * already in (a probe failure journaled once a minute while it stays down). Needed only where the journal window
 * begins in the middle of the instance's story.
 */
function isFall(e: JournalEvent): boolean {
  return REMOVALS.has(e.cause) || e.cause === 'BEAT_MISSED' || (e.cause === 'HEALTH_MARKED' && e.evidence.healthy === false) || (e.cause === 'PROBE_FAILED' && e.evidence.flipped === true);
}

/**
 * The outages of one instance, oldest first, from its journal events oldest first.
 *
 * @example
 *   outageHistory([registered, beatMissed, expired, registeredAgain]) // [{ start: beatMissed, removal: expired, end: registeredAgain }]
 */
export function outageHistory(events: readonly JournalEvent[]): Outage[] {
  const outages: Outage[] = [];
  let status: Status = 'unknown';
  let current: Outage | null = null;
  for (const e of events) {
    const next = statusAfter(e);
    if (next === undefined || next === status) continue;
    if (next === 'healthy') {
      if (current) current.end = e;
      current = null;
    } else if (current) {
      if (next === 'absent') current.removal ??= e;
    } else if (status === 'healthy' || (status === 'unknown' && !ARRIVALS.has(e.cause) && isFall(e))) {
      current = { start: e, removal: next === 'absent' ? e : null, end: null };
      outages.push(current);
    }
    status = next;
  }
  return outages;
}

/** How many outages started within `windowMs` before `now`. */
export function outagesWithin(outages: readonly Outage[], now: number, windowMs = FLAPPING_WINDOW_MS): number {
  return outages.filter((o) => now - o.start.at < windowMs).length;
}

export function summarizeOutage(o: Outage): OutageSummary {
  return {
    startedAt: o.start.at,
    endedAt: o.end?.at ?? null,
    durationMs: o.end ? o.end.at - o.start.at : null,
    cause: o.start.cause,
    removedAt: o.removal?.at ?? null,
    removedBy: o.removal?.cause ?? null,
    endedBy: o.end?.cause ?? null,
  };
}
