import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import type { HeapReading, MemoryPressure } from '@cairn/core';
import type { Logger } from 'pino';

/** Bytes of the V8 heap that outlive the young generation, and the most they may take before V8 aborts the process. */
export interface HeapFigures {
  readonly usedBytes: number;
  readonly limitBytes: number;
}

export interface HeapWatchSettings {
  /** New instances and services are refused from this share of the heap limit on (`--heap-refuse-percent`). */
  readonly refusePercent: number;
  /** The timer's sampling period. */
  readonly sampleEveryMs: number;
  /** Besides the timer, one sample every this many new entries, so a flood between two ticks is seen in time. */
  readonly sampleEveryChecks: number;
}

const MB = 1_048_576;
const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);

/**
 * The old generation's use and limit: what V8 aborts on ("Reached heap limit") is the old generation reaching
 * `--max-old-space-size`. `heap_size_limit` adds the young generation's reserve (three semi-spaces, 48 MB with
 * Node 20's 16 MB default), which survivors never fill: 75 % of it would be past the old generation's end on a
 * small heap. Young objects are not counted, so a burst of short-lived garbage does not trip it.
 */
export function readHeap(): HeapFigures {
  const { heap_size_limit: limit } = getHeapStatistics();
  let used = 0;
  for (const space of getHeapSpaceStatistics()) if (!YOUNG_SPACES.has(space.space_name)) used += space.space_used_size;
  const young = 3 * semiSpaceMb() * MB;
  return { usedBytes: used, limitBytes: limit > 2 * young ? limit - young : limit };
}

/** `--max-semi-space-size` as the process was started with it (command line or NODE_OPTIONS), else V8's 16 MB. */
function semiSpaceMb(): number {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const given = flags.map((f) => /^--max[-_]semi[-_]space[-_]size=(\d+)$/.exec(f)?.[1]).find((v) => v !== undefined);
  return given === undefined ? 16 : Number(given);
}

/**
 * Refusal stops once use falls 10 points below the threshold (half of it for thresholds under 20 %): a gap, so a
 * server hovering at the threshold does not flip, and log, on every sample.
 */
export function recoverPercentOf(refusePercent: number): number {
  return Math.max(refusePercent / 2, refusePercent - 10);
}

/**
 * Samples the heap on a timer and every few new registrations, and tells core whether to refuse what would grow it.
 * Asking costs a counter increment: V8's statistics are read at most once per `sampleEveryChecks` questions.
 * Entering pressure is logged once as a warning with the figures, leaving it once as info.
 */
export class HeapWatch implements MemoryPressure {
  private refusing: HeapReading | undefined;
  private last: HeapFigures = { usedBytes: 0, limitBytes: 0 };
  private checks = 0;
  private refusedCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly recoverPercent: number;

  constructor(
    private readonly settings: HeapWatchSettings,
    private readonly log: Pick<Logger, 'warn' | 'info'>,
    private readonly read: () => HeapFigures = readHeap,
  ) {
    this.recoverPercent = recoverPercentOf(settings.refusePercent);
    this.sample();
  }

  start(): void {
    this.timer ??= setInterval(() => this.sample(), this.settings.sampleEveryMs);
    // The watch never keeps the process alive on its own.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Core asks before adding `adding` instances or a service; a reading back means they are refused. */
  pressure(adding = 1): HeapReading | undefined {
    this.checks += adding;
    if (this.checks >= this.settings.sampleEveryChecks) this.sample();
    if (this.refusing) this.refusedCount++;
    return this.refusing;
  }

  /** New entries refused for want of heap since the start. */
  get refused(): number {
    return this.refusedCount;
  }

  /** Whether new entries are refused now. */
  get underPressure(): boolean {
    return this.refusing !== undefined;
  }

  /** Heap in use as a share of the limit, at the last sample. */
  get usedRatio(): number {
    return this.last.limitBytes > 0 ? this.last.usedBytes / this.last.limitBytes : 0;
  }

  sample(): void {
    this.checks = 0;
    this.last = this.read();
    const { usedBytes, limitBytes } = this.last;
    const percent = (usedBytes / limitBytes) * 100;
    const figures = { usedBytes, limitBytes, usedPercent: Math.round(percent), refusePercent: this.settings.refusePercent, recoverPercent: this.recoverPercent };
    if (!this.refusing) {
      if (percent < this.settings.refusePercent) return;
      this.log.warn(figures, 'heap pressure: new instances and services are refused (503 OVERLOADED) until heap use falls below the recovery share; held instances keep working');
    } else if (percent < this.recoverPercent) {
      this.refusing = undefined;
      this.log.info(figures, 'heap pressure over: new instances and services are accepted again');
      return;
    }
    this.refusing = { usedBytes, limitBytes, refusePercent: this.settings.refusePercent };
  }
}
