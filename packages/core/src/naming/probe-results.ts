import type { Evidence } from '../journal/journal.js';
import type { HealthChecker, Instance } from './model.js';
import { probeAddress } from './probe-targets.js';
import type { ReadonlyInstance, ReadonlyService } from './readonly-model.js';

/** The probe kinds the server runs; `NONE` clusters are never probed. */
export type ProbeType = 'TCP' | 'HTTP' | 'MYSQL';

/** One probe's outcome, as the server's probes report it to core. */
export interface ProbeResult {
  ok: boolean;
  /** A definite failure (connection refused, an unexpected HTTP status, a SQL error): flips health at once. */
  failNow: boolean;
  probe: ProbeType;
  /** `ip:port`, plus the path for HTTP: `10.0.0.7:8080/health`. */
  target: string;
  /** Why it failed: a socket code (`ECONNREFUSED`, `ETIMEDOUT`), `HTTP 503`, a server error code (`ER_ACCESS_DENIED_ERROR`). */
  error?: string;
  status?: number;
  durationMs: number;
}

/** What core remembers of an instance's probes; lost on restart, where probing resumes from the stored health. */
export interface ProbeStatus {
  okStreak: number;
  failStreak: number;
  lastResult: ProbeResult | undefined;
  lastAt: number;
  /** Probe failures while unhealthy are journaled at most once per period; this counts the ones left out. */
  lastFailureJournaledAt: number;
  unjournaledFailures: number;
}

export interface ProbeRuleSettings {
  /** Consecutive results needed before health flips (Nacos `checkTimes`). */
  checkTimes: number;
  /** While an instance stays unhealthy, at most one PROBE_FAILED event per this period. */
  failureJournalPeriodMs: number;
}

export const DEFAULT_PROBE_RULE: Readonly<ProbeRuleSettings> = Object.freeze({ checkTimes: 3, failureJournalPeriodMs: 60_000 });

/** Where and how the server probes an instance, resolved from its cluster's settings. */
export interface ProbeTarget {
  type: ProbeType;
  ip: string;
  port: number;
  checker: HealthChecker;
}

/**
 * The probe for a persistent instance, from its cluster's health checker (Nacos: a cluster without settings
 * means TCP on the instance port); undefined for ephemeral instances and `NONE` clusters.
 */
export function probeTargetOf(service: ReadonlyService, instance: ReadonlyInstance): ProbeTarget | undefined {
  if (instance.ephemeral) return undefined;
  const cluster = service.clusters.get(instance.cluster);
  const address = probeAddress(cluster, instance.ip, instance.port);
  if (!address) return undefined;
  const checker = cluster?.healthChecker ?? { type: 'TCP' };
  return { type: checker.type as ProbeType, ...address, checker };
}

/** The target as the journal shows it: `10.0.0.7:8080`, `[::1]:8080`, `10.0.0.7:8080/health`. */
export function describeTarget(target: Pick<ProbeTarget, 'type' | 'ip' | 'port' | 'checker'>): string {
  const host = target.ip.includes(':') ? `[${target.ip}]` : target.ip;
  const path = target.type === 'HTTP' ? normalizePath(target.checker.path) : '';
  return `${host}:${target.port}${path}`;
}

export function normalizePath(path: string | undefined): string {
  if (!path) return '';
  return path.startsWith('/') ? path : `/${path}`;
}

export interface ProbeStep {
  /** Health flips: to unhealthy after a failure, to healthy after a pass. */
  flip: boolean;
  /** The journal event this result deserves, if any, with its evidence. */
  journal: { cause: 'PROBE_FAILED' | 'PROBE_RECOVERED'; evidence: Evidence } | undefined;
}

/**
 * Nacos's rule: health flips after `checkTimes` consecutive results that disagree with it (fail → unhealthy,
 * ok → healthy); a definite failure flips a healthy instance at once. Updates the instance's probe status and
 * says what to do; the caller changes health and journals, so the rule stays a pure step over the status.
 */
export function applyProbeResult(instance: Instance, result: ProbeResult, now: number, settings: ProbeRuleSettings): ProbeStep {
  const status = (instance.probe ??= newProbeStatus());
  status.lastResult = result;
  status.lastAt = now;
  if (result.ok) {
    status.failStreak = 0;
    status.okStreak++;
    if (instance.healthy || status.okStreak < settings.checkTimes) return { flip: false, journal: undefined };
    const evidence: Evidence = {
      ...resultEvidence(result),
      consecutive: status.okStreak,
      checkTimes: settings.checkTimes,
      unhealthyForMs: instance.unhealthySince === undefined ? null : now - instance.unhealthySince,
    };
    resetStreaks(status);
    return { flip: true, journal: { cause: 'PROBE_RECOVERED', evidence } };
  }
  status.okStreak = 0;
  status.failStreak++;
  const flip = instance.healthy && (result.failNow || status.failStreak >= settings.checkTimes);
  // Every failure of a healthy instance is kept (they are the evidence of the flip); once it is unhealthy a
  // dead target would add one event per probe, so the journal gets one a period and a count of the rest.
  if (!instance.healthy && now - status.lastFailureJournaledAt < settings.failureJournalPeriodMs) {
    status.unjournaledFailures++;
    return { flip: false, journal: undefined };
  }
  const evidence: Evidence = {
    ...resultEvidence(result),
    failNow: result.failNow,
    consecutive: status.failStreak,
    checkTimes: settings.checkTimes,
    flipped: flip,
    unjournaledFailures: status.unjournaledFailures,
  };
  status.lastFailureJournaledAt = now;
  status.unjournaledFailures = 0;
  return { flip, journal: { cause: 'PROBE_FAILED', evidence } };
}

/** After a manual mark or a flip to healthy the count starts again. */
export function resetStreaks(status: ProbeStatus): void {
  status.okStreak = 0;
  status.failStreak = 0;
  status.unjournaledFailures = 0;
  status.lastFailureJournaledAt = -Infinity;
}

function newProbeStatus(): ProbeStatus {
  return { okStreak: 0, failStreak: 0, lastResult: undefined, lastAt: 0, lastFailureJournaledAt: -Infinity, unjournaledFailures: 0 };
}

function resultEvidence(result: ProbeResult): Evidence {
  return { probe: result.probe, target: result.target, error: result.error ?? null, status: result.status ?? null, durationMs: Math.round(result.durationMs) };
}
