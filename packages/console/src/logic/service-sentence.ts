import { formatClock } from './format.js';
import type { ServiceCountsLike } from './instance-state.js';

export interface ServiceSummaryLike extends ServiceCountsLike {
  unhealthyInstanceCount: number;
  disabledInstanceCount: number;
  protectThreshold: number;
}

export interface EventLike {
  at: number;
  cause: string;
  ip?: string;
  port?: number;
}

// Events that change what consumers get: the last one of these is "what happened last".
const TRANSITIONS = new Set([
  'INSTANCE_REGISTERED',
  'INSTANCE_RECREATED_FROM_BEAT',
  'INSTANCE_DEREGISTERED',
  'BEAT_MISSED',
  'BEAT_RESUMED',
  'INSTANCE_EXPIRED',
  'CONNECTION_INSTANCE_REMOVED',
  'HEALTH_MARKED',
  'INSTANCE_EDITED',
  'PROBE_FAILED',
  'PROBE_RECOVERED',
  'PROTECT_THRESHOLD_REACHED',
  'PROTECT_THRESHOLD_CLEARED',
]);

const VERB: Record<string, string> = {
  INSTANCE_REGISTERED: 'registered',
  INSTANCE_RECREATED_FROM_BEAT: 're-created from a heartbeat',
  INSTANCE_DEREGISTERED: 'deleted',
  BEAT_MISSED: 'turned unhealthy (no heartbeat)',
  BEAT_RESUMED: 'healthy again (heartbeat resumed)',
  INSTANCE_EXPIRED: 'removed on expiry',
  CONNECTION_INSTANCE_REMOVED: 'removed with its gRPC connection',
  HEALTH_MARKED: 'marked by hand',
  INSTANCE_EDITED: 'edited by an operator',
  PROBE_FAILED: 'failed its health probe',
  PROBE_RECOVERED: 'passed its health probes again',
};

/**
 * The service timeline's headline, the service-level counterpart of an instance's diagnosis:
 * "2 of 3 instances healthy; 1 unhealthy. Last change at 10:02:31.120: 10.0.0.7:8080 turned unhealthy (no heartbeat)."
 * `events` are newest first.
 */
export function serviceSentence(s: ServiceSummaryLike | undefined, events: readonly EventLike[]): string {
  if (!s) return 'The service does not exist now; its past events are below.';
  const parts: string[] = [];
  if (s.ipCount === 0) parts.push('No instances.');
  else {
    const extra = [s.unhealthyInstanceCount > 0 ? `${s.unhealthyInstanceCount} unhealthy` : '', s.disabledInstanceCount > 0 ? `${s.disabledInstanceCount} offline` : ''].filter(Boolean).join(', ');
    parts.push(`${s.healthyInstanceCount} of ${s.ipCount} instance${s.ipCount === 1 ? '' : 's'} healthy${extra ? `; ${extra}` : ''}.`);
  }
  if (s.reachProtectionThreshold) parts.push(`The protect threshold (${Math.round(s.protectThreshold * 100)} %) is reached: consumers get all instances, unhealthy ones included.`);
  const last = events.find((e) => TRANSITIONS.has(e.cause));
  if (last) {
    const who = last.ip !== undefined ? `${last.ip}:${last.port} ` : '';
    const what = last.cause === 'PROTECT_THRESHOLD_REACHED' ? 'protect threshold reached' : last.cause === 'PROTECT_THRESHOLD_CLEARED' ? 'protect threshold cleared' : `${who}${VERB[last.cause] ?? last.cause}`;
    parts.push(`Last change at ${formatClock(last.at)}: ${what}.`);
  }
  return parts.join(' ');
}
