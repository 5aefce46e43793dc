import { DEFAULT_JOURNAL, Journal, type JournalEvent, type JournalFilter } from '../../journal/journal.js';
import { diagnosisSources, type DiagnosisSources } from '../../journal/diagnosis.js';
import { recordDomainEvents } from '../../journal/record-domain-events.js';
import type { CairnEvent } from '../../domain-events.js';
import { EventBus } from '../../shared/event-bus.js';
import { STAND_IN_AGENT } from '../../cluster/stand-in.js';
import type { Beat, RegisterInstance } from '../commands.js';
import type { ConnectionClient, Origin } from '../model.js';
import type { ReadonlyInstance } from '../readonly-model.js';
import type { ServiceRef } from '../names.js';
import { Registry, type RegistryOptions } from '../registry.js';
import { FakeTime } from '../../shared/time/fake-time.js';

/** Builders for core's own tests: a registry on a fake clock and the commands a client would send. */
export const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

export const ORDERS: ServiceRef = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'orders' };

export const CLIENT: Origin = { ip: '10.0.0.7', agent: 'Nacos-Java-Client:v1.4.1', via: 'POST /nacos/v1/ns/instance' };
export const BEATER: Origin = { ip: '10.0.0.7', agent: 'Nacos-Java-Client:v1.4.1', via: 'PUT /nacos/v1/ns/instance/beat' };
export const OPERATOR: Origin = { ip: '192.168.1.20', via: 'PATCH /nacos/v1/ns/instance', claimedUser: 'ops' };

/** A registry wired as the server wires it: one bus, with the journal recording from it. */
export interface Fixture {
  time: FakeTime;
  registry: Registry;
  bus: EventBus<CairnEvent>;
  journal: Journal;
}

const journals = new WeakMap<Registry, Journal>();

export function newRegistry(options: Omit<RegistryOptions, 'clock' | 'alarm' | 'events'> & { journalMaxEvents?: number } = {}): Fixture {
  const time = new FakeTime(T0);
  const bus = new EventBus<CairnEvent>();
  const journal = new Journal({ ...DEFAULT_JOURNAL, ...(options.journalMaxEvents ? { maxEvents: options.journalMaxEvents } : {}) });
  recordDomainEvents(journal, bus);
  const registry = new Registry({ clock: time, alarm: time, events: bus, ...options });
  journals.set(registry, journal);
  return { time, registry, bus, journal };
}

/** The journal a fixture registry records into. */
export function journalOf(registry: Registry): Journal {
  const journal = journals.get(registry);
  if (!journal) throw new Error('not a registry built by newRegistry()');
  return journal;
}

/** Cluster mode: the stand-in through which this node holds the instances node `a1` (at 10.0.0.2:8848) owns. */
export function standIn(): ConnectionClient {
  return { connectionId: 'cluster-node:a1', ip: '10.0.0.2:8848', port: 0, clientVersion: STAND_IN_AGENT, connectedAt: T0 };
}

/**
 * Cluster mode: an instance held for node a1 since T0; at 10:01:00 this node (10.0.0.3:8848) takes over its expiry,
 * a1's last lease renewal having been at 10:00:50.
 */
export function takenOverFromLostOwner(): ReturnType<typeof newRegistry> {
  const fixture = newRegistry();
  fixture.registry.registerForConnection(registration(), standIn(), 'cluster change log');
  fixture.time.advance(60_000);
  const renewedAt = fixture.time.now() - 10_000;
  fixture.registry.takeOverExpiry(standIn().connectionId, renewedAt, { reason: 'owner-lost', from: '10.0.0.2:8848', lostNode: 'a1', lastRenewedAt: renewedAt, to: '10.0.0.3:8848' });
  return fixture;
}

/** A gRPC connection of a Java 2.x client that connected at T0 from 10.0.0.7:52110. */
export function connectionClient(overrides: Partial<ConnectionClient> = {}): ConnectionClient {
  return { connectionId: `${T0}_10.0.0.7_52110`, ip: '10.0.0.7', port: 52110, clientVersion: 'Nacos-Java-Client:v2.3.2', appName: 'orders', connectedAt: T0, ...overrides };
}

export function registration(overrides: Partial<RegisterInstance> = {}): RegisterInstance {
  return {
    ...ORDERS,
    ip: '10.0.0.7',
    port: 8080,
    cluster: 'DEFAULT',
    weight: 1,
    enabled: true,
    healthy: true,
    ephemeral: true,
    metadata: {},
    ...overrides,
  };
}

export function beat(overrides: Partial<Beat> = {}): Beat {
  return { ...ORDERS, ip: '10.0.0.7', port: 8080, cluster: 'DEFAULT', ...overrides };
}

export function instanceAt(registry: Registry, ip = '10.0.0.7', port = 8080, ref: ServiceRef = ORDERS): ReadonlyInstance | undefined {
  return registry.findInstance(ref, ip, port)?.instance;
}

/** What a diagnosis of a fixture registry reads. */
export function sourcesOf(registry: Registry): DiagnosisSources {
  return diagnosisSources(registry, journalOf(registry));
}

/** Journal events, oldest first (the journal answers newest first). */
export function eventsOf(registry: Registry, filter: JournalFilter = {}): JournalEvent[] {
  return journalOf(registry).query(filter, 1, 10_000).events.reverse();
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
