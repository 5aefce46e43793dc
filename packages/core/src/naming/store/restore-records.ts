import { overlayKey } from '../instance-view.js';
import { resolveTiming } from '../lifecycle-settings.js';
import type { Instance, Service } from '../model.js';
import { instanceIdOf, keptAddressKey } from '../names.js';
import type { LifecycleSettings } from '../lifecycle-settings.js';
import type { ServiceTable } from '../service-table.js';
import { sharedMetadata, sharedString } from '../shared-values.js';
import type { ReadonlyInstance, ReadonlyService } from '../readonly-model.js';
import type { StoredInstance, StoredOverlay } from './stored-records.js';

/**
 * Puts a stored persistent instance back at start, with its last known health; no journal event (the stored
 * journal is restored separately) and no change notification (nobody subscribes before start).
 */
export function restoreInstance(services: ServiceTable, lifecycle: LifecycleSettings, stored: StoredInstance): Instance {
  const service = services.getOrCreate({ namespace: stored.namespace, group: stored.group, name: stored.service });
  service.kind = 'persistent';
  const instance: Instance = {
    ip: stored.ip,
    port: stored.port,
    cluster: sharedString(stored.cluster),
    weight: stored.weight,
    enabled: stored.enabled,
    metadata: sharedMetadata(stored.metadata),
    healthy: stored.healthy,
    ephemeral: false,
    registeredAt: stored.registeredAt,
    lastBeatAt: stored.registeredAt,
    lastSeenFrom: '',
    lastSeenAgent: '',
    timing: resolveTiming(stored.metadata, lifecycle),
    beats: undefined,
    removed: false,
    scheduledAt: 0,
    unhealthySince: stored.healthy ? undefined : stored.lastHealthChangeAt,
  };
  if (stored.instanceId !== instanceIdOf(service, instance)) instance.instanceId = stored.instanceId;
  service.instances.set(keptAddressKey(stored.ip, stored.port), instance);
  service.emptySince = undefined;
  return instance;
}

/** Puts a stored operator overlay back at start. */
export function restoreOverlay(services: ServiceTable, stored: StoredOverlay): Service {
  const service = services.getOrCreate({ namespace: stored.namespace, group: stored.group, name: stored.service });
  service.overlays.set(overlayKey(stored.ip, stored.port, stored.cluster), {
    enabled: stored.enabled,
    weight: stored.weight,
    metadata: stored.metadata,
    updatedAt: stored.updatedAt,
  });
  return service;
}

/** The stored form of a persistent instance. */
export function storedInstanceOf(service: ReadonlyService, instance: ReadonlyInstance, lastHealthChangeAt: number): StoredInstance {
  return {
    namespace: service.namespace,
    group: service.group,
    service: service.name,
    ip: instance.ip,
    port: instance.port,
    cluster: instance.cluster,
    weight: instance.weight,
    enabled: instance.enabled,
    healthy: instance.healthy,
    metadata: instance.metadata,
    instanceId: instanceIdOf(service, instance),
    registeredAt: instance.registeredAt,
    lastHealthChangeAt,
  };
}
