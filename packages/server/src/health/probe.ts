import { describeTarget, type ProbeResult, type ProbeTarget, type ProbeType } from '@cairn/core';

/**
 * One kind of server-side health probe. It never rejects: every failure, its own timeout included, comes back as
 * a result with an error code. An aborted probe resolves too; the scheduler discards its result.
 */
export type Probe = (target: ProbeTarget, timeoutMs: number, signal: AbortSignal) => Promise<ProbeResult>;

export type ProbeSet = Record<ProbeType, Probe>;

/** How a probe ended, before the common fields (type, target, duration) are added. */
export interface ProbeOutcome {
  ok: boolean;
  failNow: boolean;
  error?: string;
  status?: number;
}

/**
 * The frame every probe shares: a deadline (a timeout is a plain failure, as in Nacos, never a "fail now"), the
 * abort signal, one settlement, and the cleanup of whatever socket the probe opened. `begin` starts the I/O and
 * returns its cleanup; it reports through `finish`, which only the first call counts.
 */
export function runProbe(target: ProbeTarget, timeoutMs: number, signal: AbortSignal, begin: (finish: (outcome: ProbeOutcome) => void) => () => void): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let cleanup: (() => void) | undefined;
    let settled = false;
    const finish = (outcome: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      cleanup?.();
      // Not `{ ...outcome, probe, … }`: a spread followed by more fields is a slow path on this V8 (µs per probe).
      resolve(Object.assign({ probe: target.type, target: describeTarget(target), durationMs: performance.now() - started }, outcome));
    };
    const onAbort = (): void => finish({ ok: false, failNow: false, error: 'ABORTED' });
    const timer = setTimeout(() => finish({ ok: false, failNow: false, error: 'ETIMEDOUT' }), timeoutMs);
    timer.unref();
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      cleanup = begin(finish);
      if (settled) cleanup();
    } catch (error) {
      // A setting the request cannot be built from (a header name with a space, a path with spaces).
      finish({ ok: false, failNow: false, error: errorCode(error) });
    }
  });
}

/** A socket or driver error's code (`ECONNREFUSED`, `ER_ACCESS_DENIED_ERROR`), else its class name. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (error instanceof Error) return error.name;
  }
  return 'ERROR';
}
