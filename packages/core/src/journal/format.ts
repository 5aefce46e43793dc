import type { JournalEvent } from './journal.js';

/** Wall-clock time of day in UTC, e.g. `10:02:31`; the journal API carries full timestamps alongside. */
export function clockTime(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

/** `30 s` for whole seconds, `5.2 s` otherwise: for settings such as timeouts. */
export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Always one decimal, `5.0 s`: for measured gaps, so a cadence of 5.0 s reads as measured, not configured. */
export function measuredSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Who made a request, from its evidence: `by 192.168.1.20 (user ops, verified) (PUT /nacos/v1/ns/health)`. */
export function byWhom(e: JournalEvent): string {
  return `by ${e.evidence.by}${claimed(e)} (${e.evidence.via})`;
}

/**
 * The user of a request, said as what it is: the user whose credentials the server verified, else the `username`
 * the request named, which is only a claim.
 */
export function claimed(e: JournalEvent): string {
  if (e.evidence.user) return ` (user ${e.evidence.user}, verified)`;
  return e.evidence.claimedUser ? ` (claiming to be user ${e.evidence.claimedUser}; not verified)` : '';
}
