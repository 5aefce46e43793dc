import { countOf, formatDuration } from './format.js';

/**
 * The beat-gap chart's geometry: gaps between heartbeats over time, in plain SVG coordinates. Normal beats are
 * not journaled, so the chart plots what the journal keeps (late beats, silences that ended) against the
 * expected interval and the unhealthy timeout; a long pause stands out as a tall mark.
 */

export interface GapPoint {
  at: number;
  gapMs: number;
  /** `late`: a BEAT_LATE beat; `silence`: a silence that made the instance unhealthy and then ended. */
  kind: 'late' | 'silence';
  label: string;
}

export interface JournalEventLike {
  at: number;
  cause: string;
  ip?: string;
  port?: number;
  evidence: Record<string, unknown>;
}

/** Gap points from journal events, oldest first. */
export function gapPoints(events: readonly JournalEventLike[]): GapPoint[] {
  const points: GapPoint[] = [];
  for (const e of events) {
    const who = e.ip !== undefined ? `${e.ip}:${e.port}` : '';
    if (e.cause === 'BEAT_LATE' && typeof e.evidence.gapMs === 'number') {
      points.push({ at: e.at, gapMs: e.evidence.gapMs, kind: 'late', label: who });
    } else if (e.cause === 'BEAT_RESUMED' && typeof e.evidence.silentMs === 'number') {
      points.push({ at: e.at, gapMs: e.evidence.silentMs, kind: 'silence', label: who });
    }
  }
  return points.sort((a, b) => a.at - b.at);
}

export interface ChartInput {
  points: readonly GapPoint[];
  now: number;
  /** Expected beat interval and unhealthy timeout, drawn as reference lines. */
  intervalMs: number;
  timeoutMs?: number;
  /** Largest gap the server measured (beat statistics): raises the scale even when no event carries it. */
  maxGapMs?: number;
  width: number;
  height: number;
}

export interface ChartGeometry {
  /** Plot area inside the axes. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  from: number;
  to: number;
  yMax: number;
  marks: { x: number; y: number; point: GapPoint; severe: boolean }[];
  intervalY: number;
  timeoutY: number | null;
  yTicks: { y: number; ms: number }[];
  xTicks: { x: number; at: number }[];
}

const PAD = { left: 48, right: 12, top: 10, bottom: 24 };
const MIN_SPAN_MS = 60_000;

/** A "nice" round ceiling for the y axis: 1, 2 or 5 times a power of ten. */
export function niceCeil(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function chartGeometry(input: ChartInput): ChartGeometry {
  const { points, now, intervalMs, timeoutMs, width, height } = input;
  const left = PAD.left;
  const right = Math.max(left + 10, width - PAD.right);
  const top = PAD.top;
  const bottom = Math.max(top + 10, height - PAD.bottom);
  const first = points.length > 0 ? points[0].at : now;
  const from = Math.min(first, now - MIN_SPAN_MS);
  const to = now;
  const largest = Math.max(intervalMs * 2, timeoutMs ?? 0, input.maxGapMs ?? 0, ...points.map((p) => p.gapMs));
  const yMax = niceCeil(largest * 1.1);
  const x = (at: number) => left + ((at - from) / Math.max(1, to - from)) * (right - left);
  const y = (ms: number) => bottom - (Math.min(ms, yMax) / yMax) * (bottom - top);
  const severeAt = timeoutMs ?? intervalMs * 3;
  return {
    left,
    right,
    top,
    bottom,
    from,
    to,
    yMax,
    marks: points.map((p) => ({ x: x(p.at), y: y(p.gapMs), point: p, severe: p.gapMs >= severeAt })),
    intervalY: y(intervalMs),
    timeoutY: timeoutMs === undefined ? null : y(timeoutMs),
    yTicks: [0, yMax / 2, yMax].map((ms) => ({ y: y(ms), ms })),
    xTicks: [from, from + (to - from) / 2, to].map((at) => ({ x: x(at), at })),
  };
}

/**
 * The beat interval and unhealthy timeout a service's journal tells about: BEAT_LATE carries `intervalMs`,
 * BEAT_MISSED carries `timeoutMs`. Without the timeout the chart would guess "severe" at 3 intervals and
 * colour a gap differently from the instance's own timeline, which knows the timeout from the diagnosis.
 */
export function journalTimings(events: readonly JournalEventLike[]): { intervalMs?: number; timeoutMs?: number } {
  const number = (cause: string, key: string) => {
    const value = events.find((e) => e.cause === cause && typeof e.evidence[key] === 'number')?.evidence[key];
    return typeof value === 'number' && value > 0 ? value : undefined;
  };
  return { intervalMs: number('BEAT_LATE', 'intervalMs'), timeoutMs: number('BEAT_MISSED', 'timeoutMs') };
}

/** The chart's caption: how many gaps, and the largest. */
export function gapSummary(points: readonly GapPoint[], intervalMs: number): string {
  if (points.length === 0) return `No late beats recorded; beats are expected every ${formatDuration(intervalMs)}.`;
  const largest = formatDuration(Math.max(...points.map((p) => p.gapMs)));
  return `${countOf(points.length, 'late beat or silence', 'late beats or silences')}; the largest gap was ${largest}.`;
}
