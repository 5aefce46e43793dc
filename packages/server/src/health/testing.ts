import { DEFAULT_JOURNAL, EventBus, FakeTime, Journal, Registry, recordDomainEvents, type CairnEvent, type Origin, type RegisterInstance } from '@cairn/core';
import pino from 'pino';
import { ProbeScheduler, type ProbeSchedulerOptions, type ProbeSchedulerParts } from './probe-scheduler.js';

/** For health tests: a registry and a probe scheduler, each on its own fake clock, with real or fake probes. */
export const REF = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'orders' };
export const CLIENT: Origin = { ip: '127.0.0.1', via: 'POST /nacos/v1/ns/instance' };

export function persistentInstance(ip: string, port: number, overrides: Partial<RegisterInstance> = {}): RegisterInstance {
  return { ...REF, ip, port, cluster: 'DEFAULT', weight: 1, enabled: true, healthy: true, ephemeral: false, metadata: {}, ...overrides };
}

export function probeHarness(options: Partial<ProbeSchedulerOptions> = {}, parts: ProbeSchedulerParts = {}) {
  const registryTime = new FakeTime(Date.UTC(2026, 0, 1, 10, 0, 0));
  const probeTime = new FakeTime(0);
  const bus = new EventBus<CairnEvent>();
  const journal = new Journal(DEFAULT_JOURNAL);
  recordDomainEvents(journal, bus);
  const registry = new Registry({ clock: registryTime, alarm: registryTime, events: bus });
  const scheduler = new ProbeScheduler(registry, bus, { intervalMs: 5_000, timeoutMs: 500, concurrency: 64, enabled: true, ...options }, pino({ level: 'silent' }), { clock: probeTime, alarm: probeTime, random: () => 0.5, ...parts });
  /** Moves both clocks on (the registry's journal shows the time), then waits for the probes that started. */
  async function advance(ms: number): Promise<void> {
    registryTime.advance(ms);
    probeTime.advance(ms);
    await scheduler.settled();
  }
  return { registry, bus, journal, registryTime, probeTime, scheduler, advance };
}

/** Lets pending promise callbacks and I/O callbacks run. */
export function ioTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
