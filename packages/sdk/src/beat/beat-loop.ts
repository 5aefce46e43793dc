import { kindOfNetworkError } from '../errors.js';
import type { FailureLog } from '../failure-log.js';
import type { BeatingTransport, Registration } from '../transport/naming-transport.js';
import type { ClientClock, ClientLogger, ClientStats } from '../types.js';

export interface BeatSettings {
  intervalMs: number;
  followServerInterval: boolean;
  retryBaseMs: number;
}

// A server's clientBeatInterval is trusted within these bounds: a typo on the server must not make clients
// beat in a hot loop or go silent for hours.
const MIN_SERVER_INTERVAL_MS = 50;
const MAX_SERVER_INTERVAL_MS = 600_000;

/** What a beat that answered 20404 does: Nacos's "unknown instance, register again". */
const UNKNOWN_INSTANCE = 20404;

/**
 * Keeps one ephemeral instance alive. The loop cannot die: each round catches every error, logs it once per
 * kind (FailureLog) and schedules the next round whatever happened. A failed round is retried after a jittered,
 * doubling delay that never exceeds the beat interval, so the instance is beating again within one interval
 * after a fault ends. When the server does not know the instance (restart, expiry, console delete) it answers
 * 20404 to a light beat and the loop sends the full registration again.
 */
export class BeatLoop {
  private timer: unknown;
  private stopped = false;
  private failures = 0;
  private light = false;
  private inflight: Promise<void> = Promise.resolve();
  private intervalMs: number;

  constructor(
    readonly registration: Registration,
    private readonly transport: BeatingTransport,
    private readonly settings: BeatSettings,
    private readonly clock: ClientClock,
    private readonly random: () => number,
    private readonly stats: ClientStats,
    private readonly failureLog: FailureLog,
    private readonly logger: ClientLogger,
  ) {
    this.intervalMs = settings.intervalMs;
  }

  /**
   * The first beat goes out at once: its answer carries the server's interval (which may differ from ours, e.g.
   * through `preserved.heart.beat.interval` metadata) before the server's timeout can pass.
   */
  start(): void {
    this.schedule(0);
  }

  /** Stops the loop and waits for a beat in flight, so a deregistration sent next cannot be overtaken by it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    await this.inflight;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.inflight = this.round();
    }, ms);
  }

  private async round(): Promise<void> {
    let next = this.intervalMs;
    try {
      next = await this.beatOnce();
    } catch (error) {
      next = this.onFailure(error);
    } finally {
      this.schedule(next);
    }
  }

  private async beatOnce(): Promise<number> {
    const r = this.registration;
    this.stats.beatsSent++;
    const answer = await this.transport.beat(r, this.light);
    if (this.stopped) return this.intervalMs;
    if (answer.code === UNKNOWN_INSTANCE) {
      this.logger.info?.(`server lost ${r.ip}:${r.port} of ${r.group}@@${r.service}; registering it again`, { ip: r.ip, port: r.port, service: r.service });
      await this.transport.register(r);
      this.stats.reRegistrations++;
    }
    this.stats.beatsOk++;
    if (this.settings.followServerInterval && answer.clientBeatIntervalMs !== undefined) {
      this.intervalMs = Math.min(MAX_SERVER_INTERVAL_MS, Math.max(MIN_SERVER_INTERVAL_MS, answer.clientBeatIntervalMs));
    }
    this.stats.beatIntervalMs = this.intervalMs;
    // Light beats need a server that answers 20404 for an unknown instance, which is what lets us re-register
    // with the full registration (enabled, healthy, ephemeral flags) rather than a beat's partial copy.
    this.light = answer.lightBeatEnabled;
    this.failures = 0;
    this.failureLog.succeeded({ service: r.service });
    return this.intervalMs;
  }

  private onFailure(error: unknown): number {
    const r = this.registration;
    this.failures++;
    this.failureLog.failed(kindOfNetworkError(error), error, { service: r.service, ip: r.ip, port: r.port });
    const backoff = Math.min(this.intervalMs, this.settings.retryBaseMs * 2 ** Math.min(this.failures - 1, 20));
    return Math.max(1, backoff * (0.5 + 0.5 * this.random()));
  }
}
