import type { JournalEvent, JournalFilter } from '../journal/journal.js';
import type { Beat, RegisterInstance } from '../naming/commands.js';
import type { Instance, Origin } from '../naming/model.js';
import type { ServiceRef } from '../naming/names.js';
import { Registry, type RegistryOptions } from '../naming/registry.js';
import { FakeTime } from '../time/fake-time.js';

/** Builders for core's own tests: a registry on a fake clock and the commands a client would send. */
export const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

export const ORDERS: ServiceRef = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'orders' };

export const CLIENT: Origin = { ip: '10.0.0.7', agent: 'Nacos-Java-Client:v1.4.1', via: 'POST /nacos/v1/ns/instance' };
export const BEATER: Origin = { ip: '10.0.0.7', agent: 'Nacos-Java-Client:v1.4.1', via: 'PUT /nacos/v1/ns/instance/beat' };
export const OPERATOR: Origin = { ip: '192.168.1.20', via: 'PATCH /nacos/v1/ns/instance', user: 'ops' };

export function newRegistry(options: Omit<RegistryOptions, 'clock' | 'alarm'> = {}): { time: FakeTime; registry: Registry } {
  const time = new FakeTime(T0);
  return { time, registry: new Registry({ clock: time, alarm: time, ...options }) };
}

export function registration(overrides: Partial<RegisterInstance> = {}): RegisterInstance {
  return {
    ...ORDERS, ip: '10.0.0.7', port: 8080, cluster: 'DEFAULT', weight: 1, enabled: true, healthy: true, ephemeral: true,
    metadata: {}, ...overrides,
  };
}

export function beat(overrides: Partial<Beat> = {}): Beat {
  return { ...ORDERS, ip: '10.0.0.7', port: 8080, cluster: 'DEFAULT', ...overrides };
}

export function instanceAt(registry: Registry, ip = '10.0.0.7', port = 8080, ref: ServiceRef = ORDERS): Instance | undefined {
  return registry.findInstance(ref, ip, port)?.instance;
}

/** Journal events, oldest first (the journal answers newest first). */
export function eventsOf(registry: Registry, filter: JournalFilter = {}): JournalEvent[] {
  return registry.journal.query(filter, 1, 10_000).events.reverse();
}

export function causesOf(registry: Registry, filter: JournalFilter = {}): string[] {
  return eventsOf(registry, filter).map((e) => e.cause);
}

/** Beats every `everyMs` until `untilMs` after now (inclusive of the last step), advancing the fake clock. */
export function beatEvery(time: FakeTime, registry: Registry, everyMs: number, forMs: number, cmd: Beat = beat()): void {
  for (let elapsed = everyMs; elapsed <= forMs; elapsed += everyMs) {
    time.advance(everyMs);
    registry.beat(cmd, BEATER);
  }
}
