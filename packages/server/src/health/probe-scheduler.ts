import { DeadlineQueue, describeTarget, instanceKey, probeTargetOf, type Alarm, type CairnEventBus, type Clock, type InstanceEvent, type ProbeResult, type Registry, type ServiceRef, type Unsubscribe } from '@cairn/core';
import type { Logger } from 'pino';
import { SystemTime } from '../time/system-time.js';
import { httpProbe } from './http-probe.js';
import { mysqlProbe } from './mysql-probe.js';
import type { ProbeSet } from './probe.js';
import { tcpProbe } from './tcp-probe.js';

export interface ProbeSchedulerOptions {
  /** Between the end of one probe of an instance and the start of its next (±10% jitter). Default 5000. */
  intervalMs: number;
  /** Per probe; a timeout is an ordinary failure. Nacos uses 500. */
  timeoutMs: number;
  /** Probes in flight at most; the rest wait their turn. */
  concurrency: number;
  /** Nacos's `healthCheckEnabled`: off means nothing is probed and health changes only by hand. */
  enabled: boolean;
  /** The first probe of an instance runs after a random delay up to this (default 5000), so a start does not probe in one burst. */
  firstProbeJitterMs?: number;
}

export const DEFAULT_PROBE_SCHEDULER: Readonly<ProbeSchedulerOptions> = Object.freeze({
  intervalMs: 5_000,
  timeoutMs: 500,
  concurrency: 64,
  enabled: true,
  firstProbeJitterMs: 5_000,
});

/** What tests and benchmarks replace: the time the scheduler runs on, its randomness, the probes themselves. */
export interface ProbeSchedulerParts {
  clock?: Clock;
  /** The scheduler's own alarm: an Alarm holds one wake-up, so it must not be the registry's. */
  alarm?: Alarm;
  random?: () => number;
  probes?: Partial<ProbeSet>;
  /**
   * Cluster mode: whether this node probes the instance of this key (one node per instance across the cluster).
   * Asked right before each probe; no means no probe, and the question again an interval later. Default: always.
   */
  isMine?: (key: string) => boolean;
}

const INTERVAL_JITTER = 0.1;

type Phase = 'scheduled' | 'waiting' | 'running' | 'cancelled';

interface Tracked {
  key: string;
  ref: ServiceRef;
  ip: string;
  port: number;
  phase: Phase;
  /** The due time of its live queue entry; older entries for it are skipped (lazy deletion). */
  dueAt: number;
  abort?: AbortController;
}

type Due = { kind: 'probe'; entry: Tracked } | { kind: 'sweep' };

/**
 * Probes every persistent instance by its cluster's health checker and reports each result to the registry,
 * which applies the consecutive-result rule. One timer (the earliest due probe), a FIFO of due probes, at most
 * `concurrency` in flight; a probe never waits for another, and every probe ends by its timeout.
 *
 * New instances are picked up from the journal at once and by a sweep every interval (which also catches
 * instances restored from storage); an instance is looked up again right before its probe starts, so a removed
 * instance is never probed, and a deregistration aborts a probe in flight. In cluster mode each instance is
 * probed by one node (`isMine`); the others keep it tracked and ask again every interval, so one takes over when
 * its prober is gone.
 *
 * @example
 *   const probes = new ProbeScheduler(registry, bus, { intervalMs: 5_000, timeoutMs: 500, concurrency: 64, enabled: true }, log);
 *   probes.start();
 *   await probes.stop();
 */
export class ProbeScheduler {
  private readonly options: Required<ProbeSchedulerOptions>;
  private readonly clock: Clock;
  private readonly alarm: Alarm;
  private readonly random: () => number;
  private readonly probes: ProbeSet;
  private readonly tracked = new Map<string, Tracked>();
  private queue = new DeadlineQueue<Due>();
  private readonly waiting: Tracked[] = [];
  private waitingHead = 0;
  private readonly running = new Map<Tracked, Promise<void>>();
  private armedAt = Infinity;
  // `paused`: started, but the `healthCheckEnabled` switch is off.
  private state: 'new' | 'running' | 'paused' | 'stopped' = 'new';
  // `elsewhere`: probes not started because another cluster node probes the instance.
  private counters = { started: 0, completed: 0, flips: 0, elsewhere: 0 };
  private readonly isMine: (key: string) => boolean;

  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly events: CairnEventBus,
    options: Partial<ProbeSchedulerOptions>,
    private readonly log: Logger,
    parts: ProbeSchedulerParts = {},
  ) {
    this.options = { ...DEFAULT_PROBE_SCHEDULER, ...stripUndefined(options) } as Required<ProbeSchedulerOptions>;
    const time = parts.clock && parts.alarm ? undefined : new SystemTime();
    this.clock = parts.clock ?? time!;
    this.alarm = parts.alarm ?? time!;
    this.random = parts.random ?? Math.random;
    this.probes = { TCP: tcpProbe, HTTP: httpProbe, MYSQL: mysqlProbe, ...parts.probes };
    this.isMine = parts.isMine ?? (() => true);
  }

  /** Instances tracked, probes waiting for a slot and in flight, and totals since start. */
  get stats(): { tracked: number; waiting: number; running: number; started: number; completed: number; flips: number; elsewhere: number } {
    return { tracked: this.tracked.size, waiting: this.waiting.length - this.waitingHead, running: this.running.size, ...this.counters };
  }

  start(): void {
    if (this.state !== 'new') return;
    this.unsubscribe = this.events.on('instance', (e) => this.onInstanceEvent(e));
    this.state = 'paused';
    if (this.options.enabled) this.resume();
    else this.log.info('health checks are off: persistent instances change health only by hand');
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  /**
   * The `healthCheckEnabled` switch at run time. Off cancels every pending probe and aborts those in flight (their
   * results are dropped); on picks every persistent instance up again, each after its first-probe jitter.
   */
  setEnabled(on: boolean): void {
    if (this.options.enabled === on) return;
    this.options.enabled = on;
    if (on && this.state === 'paused') this.resume();
    else if (!on && this.state === 'running') this.pause();
    this.log.info(on ? 'health checks switched on' : 'health checks switched off: persistent instances change health only by hand');
  }

  private resume(): void {
    this.state = 'running';
    this.sweep();
    this.push(this.clock.now() + this.options.intervalMs, { kind: 'sweep' });
  }

  private pause(): void {
    this.state = 'paused';
    this.dropAll();
  }

  /** Cancels every pending probe, aborts those in flight and resolves once they have ended. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.unsubscribe?.();
    this.dropAll();
    await Promise.allSettled([...this.running.values()]);
  }

  private dropAll(): void {
    this.alarm.cancel();
    this.armedAt = Infinity;
    for (const entry of this.tracked.values()) this.cancel(entry);
    this.tracked.clear();
    this.queue = new DeadlineQueue<Due>();
    this.waiting.length = 0;
    this.waitingHead = 0;
  }

  /** Resolves when no probe is in flight or waiting (tests advance a fake clock, then wait for the I/O). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private onInstanceEvent(e: InstanceEvent): void {
    if (this.state !== 'running' || e.ephemeral !== false) return;
    const ref = { namespace: e.namespace, group: e.group, name: e.service };
    if (e.cause === 'INSTANCE_REGISTERED' || e.cause === 'INSTANCE_REREGISTERED' || e.cause === 'INSTANCE_RECREATED_FROM_BEAT') {
      this.track(ref, e.ip, e.port);
    } else if (e.cause === 'INSTANCE_DEREGISTERED') {
      const entry = this.tracked.get(instanceKey(ref, e.ip, e.port));
      if (entry) this.untrack(entry);
    }
  }

  /** Tracks persistent instances nobody announced (restored from storage, or added while probing was off). */
  private sweep(): void {
    for (const service of this.registry.allServices()) {
      if (service.kind === 'ephemeral') continue;
      for (const instance of service.instances.values()) {
        if (!instance.ephemeral) this.track(service, instance.ip, instance.port);
      }
    }
  }

  private track(ref: ServiceRef, ip: string, port: number): void {
    const key = instanceKey(ref, ip, port);
    if (this.tracked.has(key)) return;
    const entry: Tracked = { key, ref: { namespace: ref.namespace, group: ref.group, name: ref.name }, ip, port, phase: 'scheduled', dueAt: 0 };
    this.tracked.set(key, entry);
    this.schedule(entry, this.random() * this.options.firstProbeJitterMs);
  }

  private untrack(entry: Tracked): void {
    this.tracked.delete(entry.key);
    this.cancel(entry);
  }

  private cancel(entry: Tracked): void {
    entry.phase = 'cancelled';
    entry.abort?.abort();
  }

  private schedule(entry: Tracked, delayMs: number): void {
    entry.phase = 'scheduled';
    entry.dueAt = this.clock.now() + delayMs;
    this.push(entry.dueAt, { kind: 'probe', entry });
  }

  private nextInterval(): number {
    return this.options.intervalMs * (1 - INTERVAL_JITTER + 2 * INTERVAL_JITTER * this.random());
  }

  private runDue(): void {
    this.armedAt = Infinity;
    if (this.state !== 'running') return;
    const now = this.clock.now();
    for (let due = this.queue.popDue(now); due; due = this.queue.popDue(now)) {
      const item = due.item;
      if (item.kind === 'sweep') {
        this.sweep();
        this.queue.push(now + this.options.intervalMs, item);
        continue;
      }
      if (item.entry.phase !== 'scheduled' || item.entry.dueAt !== due.at) continue;
      item.entry.phase = 'waiting';
      this.waiting.push(item.entry);
    }
    this.startWaiting();
    this.rearm();
  }

  /** Starts waiting probes while slots are free; never awaits one. */
  private startWaiting(): void {
    while (this.state === 'running' && this.running.size < this.options.concurrency && this.waitingHead < this.waiting.length) {
      const entry = this.waiting[this.waitingHead++];
      if (entry.phase === 'waiting') this.begin(entry);
    }
    if (this.waitingHead > 1_024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
  }

  private begin(entry: Tracked): void {
    // Looked up now, not when it was queued: an instance removed meanwhile is never probed.
    const found = this.registry.findInstance(entry.ref, entry.ip, entry.port);
    if (!found || found.instance.ephemeral) return this.untrack(entry);
    // Another node probes it: its results reach this node through the database.
    if (!this.isMine(entry.key)) {
      this.counters.elsewhere++;
      return this.schedule(entry, this.nextInterval());
    }
    const target = probeTargetOf(found.service, found.instance);
    // NONE, or a target outside --probe-targets (an instance stored before the limit): look again later, the
    // checker may change. The diagnosis says why it is not probed.
    if (!target || this.registry.probeTargets(target.ip, target.port) !== undefined) return this.schedule(entry, this.nextInterval());
    const abort = new AbortController();
    entry.phase = 'running';
    entry.abort = abort;
    this.counters.started++;
    const done = this.probes[target.type](target, this.options.timeoutMs, abort.signal)
      .catch((error: unknown): ProbeResult => ({ ok: false, failNow: false, probe: target.type, target: describeTarget(target), error: String(error), durationMs: 0 }))
      .then((result) => this.finish(entry, found.instance, result, abort));
    this.running.set(entry, done);
  }

  private finish(entry: Tracked, probed: object, result: ProbeResult, abort: AbortController): void {
    this.running.delete(entry);
    this.counters.completed++;
    if (this.state !== 'running' || abort.signal.aborted || entry.phase !== 'running') return;
    // The same instance object, not merely the same address: a result must not land on a re-registration. Nor
    // on an instance another node probes since this one started (it would count beside that node's results).
    if (this.registry.findInstance(entry.ref, entry.ip, entry.port)?.instance === probed && this.isMine(entry.key)) this.report(entry, result);
    this.schedule(entry, this.nextInterval());
    this.startWaiting();
    this.rearm();
  }

  private report(entry: Tracked, result: ProbeResult): void {
    try {
      if (this.registry.recordProbeResult(entry.ref, entry.ip, entry.port, result) !== 'flipped') return;
      this.counters.flips++;
      this.log.info(
        { service: `${entry.ref.namespace}/${entry.ref.group}/${entry.ref.name}`, probe: result.probe, target: result.target, ok: result.ok, error: result.error },
        result.ok ? 'persistent instance healthy again' : 'persistent instance unhealthy',
      );
    } catch (error) {
      this.log.error({ err: error, target: result.target }, 'recording a probe result failed');
    }
  }

  private push(at: number, item: Due): void {
    this.queue.push(at, item);
    if (at < this.armedAt && this.state === 'running') {
      this.armedAt = at;
      this.alarm.set(at, () => this.runDue());
    }
  }

  private rearm(): void {
    const next = this.queue.peekAt();
    if (next === undefined || this.state !== 'running') return;
    if (next >= this.armedAt) return;
    this.armedAt = next;
    this.alarm.set(next, () => this.runDue());
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
