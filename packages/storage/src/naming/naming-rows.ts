import type { Cause, NewJournalEvent, ServiceSnapshot, StoredInstance, StoredOverlay } from '@cairn/core';
import { bool, json, num, present, str } from '../drivers/row-values.js';
import type { Row, SqlValue } from '../drivers/sql-driver.js';

export const toService = (r: Row): ServiceSnapshot => ({
  namespace: str(r.namespace),
  group: str(r.group_name),
  name: str(r.name),
  kind: r.kind === 'ephemeral' || r.kind === 'persistent' ? r.kind : null,
  protectThreshold: num(r.protect_threshold),
  metadata: json(r.metadata),
  selector: json(r.selector),
  clusters: json(r.clusters),
});

export const INSTANCE_COLUMNS = ['namespace', 'group_name', 'service', 'ip', 'port', 'cluster', 'weight', 'enabled', 'healthy', 'metadata', 'instance_id', 'registered_at', 'last_health_change_at'] as const;

export const instanceValues = (i: StoredInstance): SqlValue[] => [i.namespace, i.group, i.service, i.ip, i.port, i.cluster, i.weight, i.enabled, i.healthy, JSON.stringify(i.metadata), i.instanceId, i.registeredAt, i.lastHealthChangeAt];

export const toInstance = (r: Row): StoredInstance => ({
  namespace: str(r.namespace),
  group: str(r.group_name),
  service: str(r.service),
  ip: str(r.ip),
  port: num(r.port),
  cluster: str(r.cluster),
  weight: num(r.weight),
  enabled: bool(r.enabled),
  healthy: bool(r.healthy),
  metadata: json(r.metadata),
  instanceId: str(r.instance_id),
  registeredAt: num(r.registered_at),
  lastHealthChangeAt: num(r.last_health_change_at),
});

export const OVERLAY_COLUMNS = ['namespace', 'group_name', 'service', 'ip', 'port', 'cluster', 'enabled', 'weight', 'metadata', 'updated_at'] as const;

export const overlayValues = (o: StoredOverlay): SqlValue[] => [o.namespace, o.group, o.service, o.ip, o.port, o.cluster, o.enabled ?? null, o.weight ?? null, o.metadata === undefined ? null : JSON.stringify(o.metadata), o.updatedAt];

export function toOverlay(r: Row): StoredOverlay {
  const overlay: StoredOverlay = {
    namespace: str(r.namespace),
    group: str(r.group_name),
    service: str(r.service),
    ip: str(r.ip),
    port: num(r.port),
    cluster: str(r.cluster),
    updatedAt: num(r.updated_at),
  };
  if (present(r.enabled)) overlay.enabled = bool(r.enabled);
  if (present(r.weight)) overlay.weight = num(r.weight);
  if (present(r.metadata)) overlay.metadata = json(r.metadata);
  return overlay;
}

export const JOURNAL_COLUMNS = ['seq', 'at_ms', 'cause', 'namespace', 'group_name', 'service', 'cluster', 'ip', 'port', 'ephemeral', 'healthy', 'evidence'] as const;

// `seq` is a column from the first schema; an event's order is its row id, so the column is written as 0.
export const journalValues = (e: NewJournalEvent): SqlValue[] => [0, e.at, e.cause, e.namespace, e.group, e.service, e.cluster ?? null, e.ip ?? null, e.port ?? null, e.ephemeral ?? null, e.healthy ?? null, JSON.stringify(e.evidence)];

/** Optional fields absent in the event stay absent when read back, so a round trip gives an equal object. */
export function toJournalEvent(r: Row): NewJournalEvent {
  const event: NewJournalEvent = {
    at: num(r.at_ms),
    cause: str(r.cause) as Cause,
    namespace: str(r.namespace),
    group: str(r.group_name),
    service: str(r.service),
    evidence: json(r.evidence),
  };
  if (present(r.cluster)) event.cluster = str(r.cluster);
  if (present(r.ip)) event.ip = str(r.ip);
  if (present(r.port)) event.port = num(r.port);
  if (present(r.ephemeral)) event.ephemeral = bool(r.ephemeral);
  if (present(r.healthy)) event.healthy = bool(r.healthy);
  return event;
}
