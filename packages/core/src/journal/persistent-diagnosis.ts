import type { ReadonlyInstance, ReadonlyService } from '../naming/readonly-model.js';
import { describeTarget, probeTargetOf, type ProbeResult } from '../naming/probe-results.js';
import type { DiagnosisSources } from './diagnosis.js';
import { byWhom, clockTime, measuredSeconds } from './format.js';
import type { JournalEvent } from './journal.js';

/** What the diagnosis shows of a persistent instance's probing. */
export interface ProbeSummary {
  /** The cluster's checker type; `NONE` means manual marking only. */
  type: 'TCP' | 'HTTP' | 'MYSQL' | 'NONE';
  target: string | null;
  checkTimes: number;
  consecutiveFailures: number;
  consecutivePasses: number;
  /** The last probe since this server started, or null if none ran yet. */
  last: (ProbeResult & { at: number }) | null;
  /** Why the server does not probe the target (outside `--probe-targets`), or null when it may. */
  notProbed: string | null;
}

export function probeSummary(sources: DiagnosisSources, service: ReadonlyService, instance: ReadonlyInstance): ProbeSummary {
  const target = probeTargetOf(service, instance);
  const status = instance.probe;
  return {
    type: target?.type ?? 'NONE',
    target: target ? describeTarget(target) : null,
    checkTimes: sources.probeRule.checkTimes,
    consecutiveFailures: status?.failStreak ?? 0,
    consecutivePasses: status?.okStreak ?? 0,
    last: status?.lastResult ? { ...status.lastResult, at: status.lastAt } : null,
    notProbed: (target && sources.probeTargets?.(target.ip, target.port)) || null,
  };
}

/**
 * "Why is this persistent instance (un)healthy?": the probes that flipped it, the operator who marked it, or its
 * stored state (or, when given, the sentence about the outage it recovered from), then what the probes say now.
 */
export function explainPersistent(sources: DiagnosisSources, service: ReadonlyService, instance: ReadonlyInstance, recovery?: string): string {
  const probe = probeSummary(sources, service, instance);
  if (!instance.healthy) return `${unhealthyCause(sources, service, instance, probe)} ${currentProbing(probe, false)}`.trim();
  if (recovery) return `${recovery} ${currentProbing(probe, true)}`.trim();
  const recovered = lastHealthEvent(sources, service, instance, instance.registeredAt, undefined);
  const prefix =
    recovered?.cause === 'PROBE_RECOVERED'
      ? `Healthy again since ${clockTime(recovered.at)} after ${recovered.evidence.consecutive} passing ${recovered.evidence.probe} probes${typeof recovered.evidence.unhealthyForMs === 'number' ? ` (unhealthy for ${measuredSeconds(recovered.evidence.unhealthyForMs)})` : ''}.`
      : recovered?.cause === 'HEALTH_MARKED'
        ? `Healthy: marked healthy by hand at ${clockTime(recovered.at)} ${byWhom(recovered)}.`
        : 'Healthy.';
  return `${prefix} ${currentProbing(probe, true)}`.trim();
}

function unhealthyCause(sources: DiagnosisSources, service: ReadonlyService, instance: ReadonlyInstance, probe: ProbeSummary): string {
  const since = instance.unhealthySince;
  // The flip is journaled right after `unhealthySince` is set, by the same clock: allow the millisecond that may
  // pass in between (a real clock ticks; a test's fake clock does not).
  const cause = since === undefined ? undefined : lastHealthEvent(sources, service, instance, since, since + FLIP_TOLERANCE_MS);
  if (since === undefined || !cause) {
    return since === undefined ? 'Unhealthy.' : `Unhealthy since ${clockTime(since)} (its last known health, kept across a restart).`;
  }
  const e = cause.evidence;
  switch (cause.cause) {
    case 'PROBE_FAILED': {
      const failures = failuresUpTo(sources, service, instance, cause);
      const count = Number(e.consecutive);
      const errors = [...new Set(failures.map((f) => String(f.evidence.error ?? 'an error')))].join(', ');
      const atOnce = e.failNow && count < Number(e.checkTimes) ? ' (a definite failure counts at once)' : '';
      return `Unhealthy since ${clockTime(cause.at)}: ${count} ${e.probe} probe${count === 1 ? '' : 's'} to ${e.target} failed with ${errors}${atOnce}.${hint(String(e.error ?? ''))}`;
    }
    case 'HEALTH_MARKED':
      return `Marked unhealthy by hand at ${clockTime(cause.at)} ${byWhom(cause)}; ${probe.type === 'NONE' ? "its cluster's health checker is NONE, so it stays unhealthy until marked healthy again." : `its cluster is now probed by ${probe.type}.`}`;
    default:
      return `Registered with healthy=false at ${clockTime(cause.at)} from ${e.by}.`;
  }
}

function currentProbing(probe: ProbeSummary, healthy: boolean): string {
  if (probe.type === 'NONE') return healthy ? "Its cluster's health checker is NONE: only a manual mark changes its health." : '';
  if (probe.notProbed) return `Not probed: ${probe.type} to ${probe.target} is not allowed (${probe.notProbed}), so its health changes only by hand.`;
  const last = probe.last;
  if (!last) return `Not probed yet by this server (${probe.type} to ${probe.target}; the first probe runs within seconds of registration or start).`;
  if (last.ok) {
    const pass = `The last ${last.probe} probe to ${last.target} passed at ${clockTime(last.at)} in ${Math.round(last.durationMs)} ms`;
    return healthy ? `${pass}.` : `${pass} (${probe.consecutivePasses} of ${probe.checkTimes} passes in a row needed to turn healthy).`;
  }
  const failed = `the last ${probe.consecutiveFailures === 1 ? `${last.probe} probe` : `${probe.consecutiveFailures} ${last.probe} probes`} to ${last.target} failed with ${last.error ?? 'an error'} (last at ${clockTime(last.at)})`;
  return healthy ? `But ${failed}; ${probe.checkTimes} failures in a row mark it unhealthy.` : `Probing continues: ${failed}; ${probe.checkTimes} passes in a row make it healthy again.`;
}

/** The latest event within [since, until] that set the instance's health. */
const FLIP_TOLERANCE_MS = 1_000;

function lastHealthEvent(sources: DiagnosisSources, service: ReadonlyService, instance: ReadonlyInstance, since: number, until: number | undefined): JournalEvent | undefined {
  const filter = { namespace: service.namespace, group: service.group, service: service.name, ip: instance.ip, port: instance.port, since, until };
  return sources.journal
    .query(filter, 1, 200, sources.now())
    .events.find(
      (e) =>
        e.cause === 'HEALTH_MARKED'
        || e.cause === 'PROBE_RECOVERED'
        || (e.cause === 'PROBE_FAILED' && e.evidence.flipped === true)
        || ((e.cause === 'INSTANCE_REGISTERED' || e.cause === 'INSTANCE_RECREATED_FROM_BEAT') && e.healthy === false),
    );
}

/** The failures that led to a flip: every failure of a healthy instance is journaled, so they are the latest ones. */
function failuresUpTo(sources: DiagnosisSources, service: ReadonlyService, instance: ReadonlyInstance, flip: JournalEvent): JournalEvent[] {
  const filter = { namespace: service.namespace, group: service.group, service: service.name, ip: instance.ip, port: instance.port, cause: 'PROBE_FAILED' as const, until: flip.at };
  const count = Math.max(1, Number(flip.evidence.consecutive) || 1);
  return sources.journal
    .query(filter, 1, 200, sources.now())
    .events.filter((e) => e.seq <= flip.seq)
    .slice(0, count);
}

const HINTS: [RegExp, string][] = [
  [/^ECONNREFUSED$/, ' Nothing accepts connections on that port: the process is down or listens elsewhere.'],
  [/^ETIMEDOUT$/, ' The target does not answer in time: the host is down, a firewall drops the packets, or it is overloaded.'],
  [/^HTTP \d+$/, ' The health endpoint answered, but not with 200.'],
  [/^ER_ACCESS_DENIED/, " The database refuses the checker's user or password (see the cluster's health checker)."],
];

function hint(error: string): string {
  return HINTS.find(([pattern]) => pattern.test(error))?.[1] ?? '';
}
