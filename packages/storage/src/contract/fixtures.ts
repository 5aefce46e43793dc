import type { NewJournalEvent, ServiceSnapshot, StoredInstance, StoredOverlay } from '@cairn/core';

/** Records for the contract suite; each test passes its own namespace so tests never see each other's rows. */
export function service(namespace: string, name: string, over: Partial<ServiceSnapshot> = {}): ServiceSnapshot {
  return {
    namespace,
    group: 'DEFAULT_GROUP',
    name,
    kind: 'persistent',
    protectThreshold: 0.25,
    metadata: { team: 'payments' },
    selector: { type: 'label', expression: 'CONSUMER.label.env = PROVIDER.label.env' },
    clusters: [
      {
        name: 'DEFAULT',
        healthChecker: { type: 'HTTP', path: '/health', headers: 'X-Probe:1', expectedResponseCode: 204 },
        checkPort: 8081,
        useInstancePortForCheck: false,
        metadata: { zone: 'a' },
      },
    ],
    ...over,
  };
}

export function instance(namespace: string, ip: string, port: number, over: Partial<StoredInstance> = {}): StoredInstance {
  return {
    namespace,
    group: 'DEFAULT_GROUP',
    service: 'orders',
    ip,
    port,
    cluster: 'DEFAULT',
    weight: 1.5,
    enabled: true,
    healthy: true,
    metadata: { version: '2.1', 'preserved.register.source': 'SPRING_CLOUD' },
    instanceId: `${ip}#${port}#DEFAULT#DEFAULT_GROUP@@orders`,
    registeredAt: 1_700_000_000_123,
    lastHealthChangeAt: 1_700_000_000_123,
    ...over,
  };
}

export function overlay(namespace: string, ip: string, port: number, over: Partial<StoredOverlay> = {}): StoredOverlay {
  return { namespace, group: 'DEFAULT_GROUP', service: 'orders', ip, port, cluster: 'DEFAULT', updatedAt: 1_700_000_000_999, ...over };
}

/** A stored journal event; `n` (in its evidence) tells events apart when they load back. */
export function event(n: number, at: number, over: Partial<NewJournalEvent> = {}): NewJournalEvent {
  return {
    at,
    cause: 'HEALTH_MARKED',
    namespace: 'journal',
    group: 'DEFAULT_GROUP',
    service: 'orders',
    cluster: 'DEFAULT',
    ip: '10.0.0.7',
    port: 8080,
    ephemeral: false,
    healthy: false,
    evidence: { n, probe: 'TCP', target: '10.0.0.7:8080', error: 'ECONNREFUSED', durationMs: 3, consecutive: 3, user: null, manual: false },
    ...over,
  };
}
