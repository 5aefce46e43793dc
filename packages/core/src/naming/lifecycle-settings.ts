/** Server-wide lifecycle defaults; each can be overridden per instance by the `preserved.*` metadata keys. */
export interface LifecycleSettings {
  beatIntervalMs: number;
  beatTimeoutMs: number;
  deleteTimeoutMs: number;
  /** false keeps unhealthy ephemeral instances forever (Nacos `nacos.naming.expireInstance`). */
  expireInstances: boolean;
  /** How long a service with no instances lives before it is cleaned up. */
  emptyServiceTtlMs: number;
  /** A beat gap above this multiple of the interval counts as late. */
  lateBeatFactor: number;
}

export const DEFAULT_LIFECYCLE: Readonly<LifecycleSettings> = Object.freeze({
  beatIntervalMs: 5_000,
  beatTimeoutMs: 15_000,
  deleteTimeoutMs: 30_000,
  expireInstances: true,
  emptyServiceTtlMs: 60_000,
  lateBeatFactor: 1.5,
});

export const PRESERVED = {
  beatInterval: 'preserved.heart.beat.interval',
  beatTimeout: 'preserved.heart.beat.timeout',
  deleteTimeout: 'preserved.ip.delete.timeout',
  idGenerator: 'preserved.instance.id.generator',
} as const;

export interface InstanceTiming {
  intervalMs: number;
  timeoutMs: number;
  deleteTimeoutMs: number;
}

/**
 * Reads the preserved keys (numeric strings only, as Nacos does); anything else falls back to the server default.
 * Instances with the same timing share one frozen object (a handful of combinations in practice; a bounded number
 * is kept), so a million instances do not hold a million copies of the defaults.
 */
export function resolveTiming(metadata: Record<string, string>, defaults: LifecycleSettings): Readonly<InstanceTiming> {
  return sharedTiming(
    positiveInt(metadata[PRESERVED.beatInterval]) ?? defaults.beatIntervalMs,
    positiveInt(metadata[PRESERVED.beatTimeout]) ?? defaults.beatTimeoutMs,
    positiveInt(metadata[PRESERVED.deleteTimeout]) ?? defaults.deleteTimeoutMs,
  );
}

const MAX_SHARED_TIMINGS = 1_000;
const sharedTimings = new Map<string, Readonly<InstanceTiming>>();

function sharedTiming(intervalMs: number, timeoutMs: number, deleteTimeoutMs: number): Readonly<InstanceTiming> {
  const key = `${intervalMs}/${timeoutMs}/${deleteTimeoutMs}`;
  let timing = sharedTimings.get(key);
  if (timing === undefined) {
    timing = Object.freeze({ intervalMs, timeoutMs, deleteTimeoutMs });
    if (sharedTimings.size >= MAX_SHARED_TIMINGS) sharedTimings.clear(); // every client its own timeouts: start over
    sharedTimings.set(key, timing);
  }
  return timing;
}

function positiveInt(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,10}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n > 0 ? n : undefined;
}
