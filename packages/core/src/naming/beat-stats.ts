/**
 * Per-instance heartbeat statistics. Gaps above `lateFactor` x the expected interval count as late: a
 * client whose beats bunch up like that is pausing (long GC, CPU starvation), not gone.
 */
export interface BeatStats {
  count: number;
  firstAt: number;
  lastAt: number;
  lastGapMs: number;
  maxGapMs: number;
  maxGapAt: number;
  lateCount: number;
  gapSumMs: number;
  /** Largest gap in the current and previous half-hour windows, so "over the last hour" is answerable. */
  windowStart: number;
  windowMaxGapMs: number;
  previousWindowMaxGapMs: number;
}

export const GAP_WINDOW_MS = 30 * 60_000;

export function newBeatStats(now: number): BeatStats {
  return {
    count: 0,
    firstAt: now,
    lastAt: now,
    lastGapMs: 0,
    maxGapMs: 0,
    maxGapAt: 0,
    lateCount: 0,
    gapSumMs: 0,
    windowStart: now,
    windowMaxGapMs: 0,
    previousWindowMaxGapMs: 0,
  };
}

/**
 * An instance's beat statistics: kept only from its first beat on (most of a large fleet's instances registered
 * over gRPC never beat); before that, the empty statistics since its registration.
 */
export function beatStatsOf(instance: { readonly beats: Readonly<BeatStats> | undefined; readonly registeredAt: number }): Readonly<BeatStats> {
  return instance.beats ?? newBeatStats(instance.registeredAt);
}

/** Records a beat at `now`; returns the gap since the previous beat (0 for the first). */
export function recordBeat(stats: BeatStats, now: number, expectedIntervalMs: number, lateFactor: number): number {
  const gap = stats.count === 0 ? 0 : Math.max(0, now - stats.lastAt);
  rollWindow(stats, now);
  if (stats.count > 0) {
    stats.lastGapMs = gap;
    stats.gapSumMs += gap;
    if (gap > stats.maxGapMs) {
      stats.maxGapMs = gap;
      stats.maxGapAt = now;
    }
    if (gap > stats.windowMaxGapMs) stats.windowMaxGapMs = gap;
    if (gap > expectedIntervalMs * lateFactor) stats.lateCount++;
  }
  stats.count++;
  stats.lastAt = now;
  return gap;
}

export function meanGapMs(stats: BeatStats): number {
  return stats.count > 1 ? stats.gapSumMs / (stats.count - 1) : 0;
}

export function maxGapLastHourMs(stats: BeatStats, now: number): number {
  if (now - stats.windowStart >= 2 * GAP_WINDOW_MS) return 0;
  if (now - stats.windowStart >= GAP_WINDOW_MS) return stats.windowMaxGapMs;
  return Math.max(stats.windowMaxGapMs, stats.previousWindowMaxGapMs);
}

function rollWindow(stats: BeatStats, now: number): void {
  const elapsed = now - stats.windowStart;
  if (elapsed < GAP_WINDOW_MS) return;
  stats.previousWindowMaxGapMs = elapsed < 2 * GAP_WINDOW_MS ? stats.windowMaxGapMs : 0;
  stats.windowMaxGapMs = 0;
  stats.windowStart = now - (elapsed % GAP_WINDOW_MS);
}
